// Feedback is never lost and never arrives twice: every failure mode of the network, the endpoint
// and the visitor, counted in the real inbox. The network is faked per test by route interception
// only where the failure cannot be produced for real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPage, humanPause, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = { '/elsewhere': '<!doctype html><title>Elsewhere</title><link rel="icon" href="data:,"><p>Another page</p>' };
world(pages, (w) => ({ inbox, site, browser } = w));

const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'retry-after' };
let counter = 0;

/** A host page whose widget posts to the real inbox, configured by a JSON block. */
function pageWith(config = {}) {
  const path = `/page-${++counter}.html`;
  const full = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], ...config };
  pages[path] = hostPage({ distUrl: `${inbox.url}/dist`, before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(full)}</script>` });
  return `${site.url}${path}`;
}

/** Opens `url` in `context` (a fresh one by default), opens the panel, records every POST to the endpoint. */
async function open(url, context) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/feedback')) posts.push({ at: Date.now(), key: r.headers()['idempotency-key'], body: r.postData(), type: r.headers()['content-type'] });
  });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(url);
  await widgetReady(page);
  await page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  return { context, page, dialog, posts, pageErrors };
}

async function send(dialog, text, { pause = true } = {}) {
  await dialog.getByRole('textbox', { name: 'Message' }).fill(text);
  if (pause) await humanPause(dialog.page());
  await dialog.getByRole('button', { name: 'Send' }).click();
}

const thanks = (dialog) => dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor({ timeout: 20_000 });
const storedWith = async (message) => (await inbox.stored()).filter((r) => r.message === message);

test('500, 500, then 200: one record, the same key on every attempt, success shown', async () => {
  const { page, dialog, posts, pageErrors } = await open(pageWith());
  let n = 0;
  await page.route('**/api/feedback', (route) => (route.request().method() === 'POST' && ++n <= 2 ? route.fulfill({ status: 500, headers: CORS }) : route.continue()));
  await send(dialog, 'three attempts');
  await dialog.getByRole('alert').filter({ hasText: 'The server had a problem' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'three attempts', 'text kept while retrying');
  await thanks(dialog);
  assert.equal(posts.length, 3);
  assert.equal(new Set(posts.map((p) => p.key)).size, 1, 'same Idempotency-Key');
  assert.equal(new Set(posts.map((p) => p.body)).size, 1, 'same body');
  assert.equal((await storedWith('three attempts')).length, 1);
  assert.ok(posts[2].at - posts[1].at >= posts[1].at - posts[0].at - 50, 'backoff grows');
  assert.deepEqual(pageErrors, []);
});

test('the answer is lost after the server stored it: still one record', async () => {
  const { page, dialog, posts } = await open(pageWith());
  let n = 0;
  await page.route('**/api/feedback', async (route) => {
    if (route.request().method() !== 'POST' || ++n > 1) return route.continue();
    await route.fetch(); // reaches the inbox and is stored…
    await route.abort('connectionreset'); // …but the visitor's browser never hears back
  });
  await send(dialog, 'lost answer');
  await thanks(dialog);
  assert.equal(posts.length, 2);
  assert.equal((await storedWith('lost answer')).length, 1);
});

test('an endpoint that hangs times out, is retried, and never shows a false success', async () => {
  const { page, dialog, posts } = await open(pageWith());
  let n = 0;
  await page.route('**/api/feedback', (route) => (route.request().method() === 'POST' && ++n === 1 ? undefined : route.continue()));
  await send(dialog, 'hanging endpoint');
  const alert = dialog.getByRole('alert').filter({ hasText: 'took too long' });
  await alert.waitFor({ timeout: 15_000 });
  assert.equal(await dialog.locator('#cw-status').textContent(), '', 'no success before the server confirmed');
  await thanks(dialog);
  assert.equal(posts.length, 2);
  assert.equal((await storedWith('hanging endpoint')).length, 1);
});

test('400 and 422 are one attempt each: alert with the reason, text kept', async () => {
  for (const status of [400, 422]) {
    const { page, dialog, posts } = await open(pageWith());
    await page.route('**/api/feedback', (route) =>
      route.fulfill({ status, headers: { ...CORS, 'content-type': 'application/json' }, body: JSON.stringify({ error: 'invalid submission', problems: [{ field: 'message', message: 'mentions a forbidden word' }] }) }));
    await send(dialog, `refused with ${status}`);
    await dialog.getByRole('alert').filter({ hasText: 'message mentions a forbidden word' }).waitFor();
    await page.waitForTimeout(2500);
    assert.equal(posts.length, 1, `${status}: no retry`);
    assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), `refused with ${status}`);
    assert.ok(await dialog.getByRole('link', { name: 'Email us instead' }).isVisible());
  }
});

test('429 with Retry-After waits as long as the server asks', async () => {
  const { page, dialog, posts } = await open(pageWith());
  let n = 0;
  await page.route('**/api/feedback', (route) => (route.request().method() === 'POST' && ++n === 1 ? route.fulfill({ status: 429, headers: { ...CORS, 'retry-after': '3' } }) : route.continue()));
  await send(dialog, 'rate limited');
  await thanks(dialog);
  assert.equal(posts.length, 2);
  assert.ok(posts[1].at - posts[0].at >= 2900, `waited ${posts[1].at - posts[0].at} ms`);
  assert.equal((await storedWith('rate limited')).length, 1);
});

test('offline at submit, page reloaded, back online: delivered exactly once', async () => {
  const url = pageWith();
  const first = await open(url);
  await first.context.setOffline(true);
  const queued = first.page.evaluate(() => Promise.all(['queued', 'error'].map((name) => new Promise((resolve) => ContactWidget.on(name, (d) => resolve(d.kind ?? d.id))))));
  await send(first.dialog, 'written on a train');
  await first.dialog.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
  const [queuedId, errorKind] = await queued;
  assert.match(queuedId, /^[0-9a-f-]{36}$/);
  assert.equal(errorKind, 'offline');
  await first.page.close();
  await first.context.setOffline(false);

  const second = await open(url, first.context);
  await thanks(second.dialog);
  await second.dialog.getByRole('button', { name: 'Write another message' }).click();
  assert.equal(await second.dialog.getByRole('textbox', { name: 'Message' }).inputValue(), '', 'draft cleared once delivered');
  assert.equal(second.posts.length, 1);
  assert.equal((await storedWith('written on a train')).length, 1);
});

test('two tabs holding the same queued message send it once', async () => {
  const url = pageWith();
  const first = await open(url);
  await first.context.setOffline(true);
  await send(first.dialog, 'two tabs');
  await first.dialog.getByRole('status').filter({ hasText: 'You are offline' }).waitFor();
  await first.page.close();
  await first.context.setOffline(false);
  // Counted where the tabs hand requests to the network, not from request events: Chromium may
  // transparently resend a request whose reused connection the server had just closed.
  const posts = [];
  await first.context.route('**/api/feedback', (route) => {
    if (route.request().method() === 'POST') posts.push(route.request());
    return route.continue();
  });
  const tabs = await Promise.all([first.context.newPage(), first.context.newPage()]);
  await Promise.all(tabs.map((t) => t.goto(url)));
  await Promise.all(tabs.map((t) => widgetReady(t)));
  await tabs[0].waitForTimeout(2000);
  assert.equal(posts.length, 1, 'one POST across both tabs');
  assert.equal((await storedWith('two tabs')).length, 1);
});

test('storage unavailable: sending works online, and a failure says there is no offline copy', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    Storage.prototype.setItem = () => { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
  });
  const { page, dialog } = await open(pageWith(), context);
  // Without storage, what the visitor typed still survives a re-render by the host page.
  await dialog.getByRole('textbox', { name: 'Message' }).fill('typed before an update');
  await page.evaluate(() => ContactWidget.update({ greeting: 'Updated greeting' }));
  await dialog.getByText('Updated greeting').waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'typed before an update');
  await send(dialog, 'no storage, online');
  await thanks(dialog);
  assert.equal((await storedWith('no storage, online')).length, 1);

  await page.route('**/api/feedback', (route) => route.fulfill({ status: 503, headers: CORS }));
  await dialog.getByRole('button', { name: 'Write another message' }).click();
  await dialog.getByRole('textbox', { name: 'Message' }).fill('no storage, server down');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'could not save a copy' }).waitFor();
});

test('a rapid double submit is one record; with spam "drop" only a filled honeypot is dropped, with thanks', async () => {
  const { dialog, posts } = await open(pageWith());
  await dialog.getByRole('textbox', { name: 'Message' }).fill('double click');
  await humanPause(dialog.page());
  await dialog.getByRole('button', { name: 'Send' }).dblclick();
  await dialog.getByRole('textbox', { name: 'Message' }).press('Control+Enter');
  await thanks(dialog);
  assert.equal(posts.length, 1);
  assert.equal((await storedWith('double click')).length, 1);

  // Fast is what people who paste do: sent, flagged, even with "drop".
  const fast = await open(pageWith({ form: { spam: 'drop' } }));
  await send(fast.dialog, 'person: too fast', { pause: false });
  await thanks(fast.dialog);
  assert.deepEqual((await storedWith('person: too fast'))[0].flags, ['too-fast']);
  const trapped = await open(pageWith({ form: { spam: 'drop' } }));
  await trapped.page.evaluate(() => { document.querySelector('contact-widget').shadowRoot.getElementById('cw-hp').value = 'http://spam.example'; });
  await send(trapped.dialog, 'bot: honeypot');
  await thanks(trapped.dialog);
  await trapped.page.waitForTimeout(500);
  assert.equal(trapped.posts.length, 0, 'nothing sent');
  assert.equal((await storedWith('bot: honeypot')).length, 0);
});

test('by default (spam: "flag") a suspicious message is sent with its flags', async () => {
  const { dialog } = await open(pageWith());
  await send(dialog, 'flag me', { pause: false });
  await thanks(dialog);
  const [record] = await storedWith('flag me');
  assert.deepEqual(record.flags, ['too-fast']);
});

test('the draft survives a reload and is cleared by delivery', async () => {
  const url = pageWith({ form: { rating: 'faces', name: 'optional' } });
  const first = await open(url);
  await first.dialog.getByRole('textbox', { name: 'Message' }).fill('half a thought');
  await first.dialog.getByRole('textbox', { name: 'Name' }).fill('Ana');
  await first.dialog.getByRole('radio', { name: 'Happy', exact: true }).check();
  await first.page.reload();
  await widgetReady(first.page);
  await first.page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = first.page.getByRole('dialog', { name: 'Contact us' });
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'half a thought');
  assert.equal(await dialog.getByRole('textbox', { name: 'Name' }).inputValue(), 'Ana');
  assert.ok(await dialog.getByRole('radio', { name: 'Happy', exact: true }).isChecked());
  await humanPause(first.page);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await thanks(dialog);
  const [record] = await storedWith('half a thought');
  assert.equal(record.rating, 4);
  assert.equal(record.name, 'Ana');
  await first.page.reload();
  await widgetReady(first.page);
  await first.page.getByRole('button', { name: 'Contact us' }).click();
  assert.equal(await first.page.getByRole('dialog', { name: 'Contact us' }).getByRole('textbox', { name: 'Message' }).inputValue(), '');
});

test('a message over the limit is refused with a clear note, never cut', async () => {
  const { dialog } = await open(pageWith());
  const long = 'x'.repeat(5001);
  await send(dialog, long);
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), long);
  assert.match(await dialog.locator('#cw-message-error').textContent(), /5,000 characters or fewer/);
  const counter = dialog.locator('#cw-message-count');
  assert.equal(await counter.textContent(), '5,001 / 5,000 characters');
  assert.equal(await counter.getAttribute('data-over'), '');
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).getAttribute('aria-describedby'), 'cw-message-count cw-message-error');
});

test('the counter appears as the message nears its limit, and goes again', async () => {
  const { dialog } = await open(pageWith());
  const message = dialog.getByRole('textbox', { name: 'Message' });
  const counter = dialog.locator('#cw-message-count');
  await message.fill('x'.repeat(3999));
  assert.equal(await counter.isHidden(), true);
  assert.equal(await message.getAttribute('aria-describedby'), null);
  await message.fill('x'.repeat(4000));
  assert.equal(await counter.isVisible(), true);
  assert.equal(await counter.textContent(), '4,000 / 5,000 characters');
  assert.equal(await counter.getAttribute('data-over'), null);
  assert.equal(await message.getAttribute('aria-describedby'), 'cw-message-count');
  await message.fill('short again');
  assert.equal(await counter.isHidden(), true);
  assert.equal(await message.getAttribute('aria-describedby'), null);
});

test('the simple transport posts text/plain with no preflight and is stored', async () => {
  const { page, dialog } = await open(pageWith({ transport: 'simple' }));
  const methods = [];
  page.on('request', (r) => r.url().endsWith('/api/feedback') && methods.push([r.method(), r.headers()['content-type'], r.headers()['idempotency-key']]));
  await send(dialog, 'simple mode');
  await thanks(dialog);
  assert.deepEqual(methods, [['POST', 'text/plain;charset=UTF-8', undefined]]);
  assert.equal((await storedWith('simple mode')).length, 1);
});

test('leaving the page mid-send: the in-flight message goes out with keepalive, once', async () => {
  const { page, dialog } = await open(pageWith());
  const seen = [];
  await page.route('**/api/feedback', (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    seen.push(route.request().headers()['idempotency-key']);
    return undefined; // held: this attempt never reaches the server
  });
  await send(dialog, 'left in a hurry');
  await page.waitForTimeout(300);
  await page.goto(`${site.url}/elsewhere`);
  for (let i = 0; i < 40 && (await storedWith('left in a hurry')).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  // The routed first attempt never reached the server; the record can only come from the
  // keepalive resend made on pagehide (the browser does not route an unloaded page's requests).
  assert.equal(seen.length, 1);
  const stored = await storedWith('left in a hurry');
  assert.equal(stored.length, 1);
  assert.equal(stored[0].id, seen[0], 'the same submission');
});

test('required name and e-mail and the consent box are checked inline; the consent text is stored', async () => {
  const consent = 'I agree that Example Ltd may answer me by e-mail.';
  const { page, dialog } = await open(pageWith({ form: { email: 'required', name: 'required', consent } }));
  const box = dialog.getByRole('checkbox', { name: consent });
  assert.equal(await box.isChecked(), false, 'unticked by default');
  await send(dialog, 'with consent');
  for (const [field, text] of [['Name', 'Please enter your name.'], ['Email', 'Please enter your e-mail address.']]) {
    const input = dialog.getByRole('textbox', { name: field, exact: true });
    assert.equal(await input.getAttribute('aria-invalid'), 'true', field);
    assert.match(await input.evaluate((i) => i.getRootNode().getElementById(`${i.id}-error`).textContent), new RegExp(text.replace('.', '\\.')));
  }
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement.id), 'cw-name', 'focus on the first problem');
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Ana');
  await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill('ana@example.org');
  await box.check();
  await dialog.getByRole('button', { name: 'Send' }).click();
  await thanks(dialog);
  const [record] = await storedWith('with consent');
  assert.deepEqual([record.name, record.email, record.consent], ['Ana', 'ana@example.org', consent]);
});
