// Posting feedback across origins to the real inbox, and what the customer sees when it fails:
// a clear message, the text kept, a way out by e-mail, and a retry that is stored only once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPage, humanPause, openPage, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

let counter = 0;
/** Opens a host page whose widget posts to `endpoint`, with its panel open. */
async function openWidget(endpoint, extra = '') {
  const path = `/page-${++counter}.html`;
  pages[path] = hostPage({ distUrl: `${inbox.url}/dist`, attributes: `data-endpoint="${endpoint}" data-email="help@example.com" ${extra}` });
  const opened = await openPage(browser, `${site.url}${path}`);
  await widgetReady(opened.page);
  await opened.page.getByRole('button', { name: 'Contact us' }).click();
  return { ...opened, dialog: opened.page.getByRole('dialog', { name: 'Contact us' }) };
}

async function write(dialog, text) {
  await dialog.getByRole('textbox', { name: 'Message' }).fill(text);
  await humanPause(dialog.page());
  await dialog.getByRole('button', { name: 'Send' }).click();
}

test('a message posted from another origin is stored with the contract payload and headers', async () => {
  const seen = [];
  pages['/record'] = async (req, res, body) => {
    seen.push({ method: req.method, headers: req.headers, body });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, idempotency-key' });
      return res.end();
    }
    const upstream = await fetch(`${inbox.url}/api/feedback`, { method: 'POST', headers: { 'content-type': req.headers['content-type'], 'idempotency-key': req.headers['idempotency-key'] }, body });
    res.writeHead(upstream.status, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
    res.end(await upstream.text());
  };
  const { page, dialog, pageErrors } = await openWidget(`${site.url}/record`);
  const events = page.evaluate(() => new Promise((resolve) => {
    const got = [];
    ContactWidget.on('submit', (d) => got.push(['submit', d.id]));
    ContactWidget.on('sent', (d) => { got.push(['sent', d.id]); resolve(got); });
  }));
  await write(dialog, 'Hello from another origin & friends #1 +2');
  await dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();

  const post = seen.find((r) => r.method === 'POST');
  const body = JSON.parse(post.body);
  assert.equal(post.headers['content-type'], 'application/json');
  assert.equal(post.headers['idempotency-key'], body.id);
  assert.equal(post.headers.cookie, undefined, 'no credentials');
  assert.deepEqual(Object.keys(body).sort(), ['consent', 'createdAt', 'email', 'id', 'locale', 'message', 'name', 'page', 'rating', 'timeZone', 'widget']);
  assert.equal(body.message, 'Hello from another origin & friends #1 +2');
  const ids = (await events).map(([, id]) => id);
  assert.deepEqual(ids, [body.id, body.id]);
  const stored = await inbox.stored();
  assert.deepEqual(stored.map((r) => r.id), [body.id]);
  assert.deepEqual(pageErrors, []);
});

test('a retry after a server error reuses the id and is stored once', async () => {
  const keys = [];
  let calls = 0;
  pages['/flaky'] = async (req, res, body) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, idempotency-key' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    keys.push(req.headers['idempotency-key']);
    // The first attempt is stored but its answer is lost as a 503; the retry must not duplicate it.
    const upstream = await fetch(`${inbox.url}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    res.writeHead(++calls === 1 ? 503 : upstream.status, cors);
    res.end();
  };
  const before = (await inbox.stored()).length;
  const { dialog, pageErrors } = await openWidget(`${site.url}/flaky`);
  await write(dialog, 'Please call me back about order 1234.');
  await dialog.getByRole('alert').filter({ hasText: 'The server had a problem' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'Please call me back about order 1234.', 'text kept');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'same id on retry');
  const stored = await inbox.stored();
  assert.equal(stored.length, before + 1, 'stored once');
  assert.equal(await dialog.locator('#cw-alert').textContent(), '', 'the old failure is cleared');
  assert.deepEqual(pageErrors, []);
});

test('a refusal shows the reason, keeps the text and offers e-mail', async () => {
  pages['/refuse'] = (req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, idempotency-key' };
    if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
    res.writeHead(403, { ...cors, 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'this site is not allowed to post here <b>' }));
  };
  const { page, dialog, pageErrors } = await openWidget(`${site.url}/refuse`);
  const kind = page.evaluate(() => new Promise((resolve) => ContactWidget.on('error', (d) => resolve(d.kind))));
  await write(dialog, 'Où est ma commande ? 🙂');
  const alert = dialog.getByRole('alert');
  await alert.filter({ hasText: 'did not accept' }).waitFor();
  assert.equal(await kind, 'rejected');
  assert.match(await alert.textContent(), /this site is not allowed to post here <b>\. Your text is still here\./);
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'Où est ma commande ? 🙂');
  assert.equal(await alert.getByRole('link', { name: 'Email us instead' }).getAttribute('href'), 'mailto:help@example.com?body=O%C3%B9%20est%20ma%20commande%20%3F%20%F0%9F%99%82');
  assert.deepEqual(pageErrors, []);
});

test('an unreachable endpoint keeps the text and says so', async () => {
  const { dialog, pageErrors } = await openWidget('http://127.0.0.1:9/api/feedback');
  await write(dialog, 'Is anyone there?');
  await dialog.getByRole('alert').filter({ hasText: 'could not reach the server' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'Is anyone there?');
  assert.deepEqual(pageErrors, []);
});

test('invalid input is explained next to the field and nothing is sent', async () => {
  const before = (await inbox.stored()).length;
  const { page, dialog, pageErrors } = await openWidget(`${inbox.url}/api/feedback`);
  await dialog.getByRole('button', { name: 'Send' }).click();
  const message = dialog.getByRole('textbox', { name: 'Message' });
  assert.equal(await message.getAttribute('aria-invalid'), 'true');
  const description = await message.evaluate((m) => m.getAttribute('aria-describedby').split(' ').map((id) => m.getRootNode().getElementById(id).textContent).join(' | '));
  assert.equal(description, 'Please write a message.');
  await message.fill('Valid message');
  await dialog.getByRole('textbox', { name: 'Email' }).fill('not-an-address');
  await dialog.getByRole('button', { name: 'Send' }).click();
  const email = dialog.getByRole('textbox', { name: 'Email' });
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement.id), 'cw-email');
  assert.equal((await inbox.stored()).length, before);
  assert.deepEqual(pageErrors, []);
});
