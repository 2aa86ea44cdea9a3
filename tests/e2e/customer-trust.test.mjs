// The customer always knows their message arrived, and nothing a person typed is dropped: the
// thanks in view, spam flagged but never dropped for a person, right-to-left text, drawn rating
// icons, whole phone numbers that stay links, the panel over framework modals and on zoomed pages,
// and the launcher that closes the open panel.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DESKTOP, PHONE, hostPage, openIn, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

const modules = path.join(import.meta.dirname, 'node_modules');
/** Serves a file of an npm package installed for these tests (Bootstrap, UIkit). */
const serveModule = (file, type) => (req, res) => {
  res.writeHead(200, { 'content-type': type });
  res.end(fs.readFileSync(path.join(modules, file)));
};
pages['/bootstrap.css'] = serveModule('bootstrap/dist/css/bootstrap.min.css', 'text/css');
pages['/bootstrap.js'] = serveModule('bootstrap/dist/js/bootstrap.bundle.min.js', 'text/javascript');
pages['/uikit.css'] = serveModule('uikit/dist/css/uikit.min.css', 'text/css');
pages['/uikit.js'] = serveModule('uikit/dist/js/uikit.min.js', 'text/javascript');

let counter = 0;
/** A host page with the widget (and `extra` HTML around it), opened in a new context. */
async function visit({ attributes = '', config, head = '', before = '', after = '', device = DESKTOP, endpoint = `${inbox.url}/api/feedback` } = {}) {
  const path = `/trust-${++counter}.html`;
  const json = config ? `<script type="application/json" id="contact-widget-config">${JSON.stringify(config)}</script>` : '';
  pages[path] = hostPage({ distUrl: `${inbox.url}/dist`, attributes: `data-endpoint="${endpoint}" data-email="help@example.com" ${attributes}`, before: json + before, after })
    .replace('</head>', `<meta name="viewport" content="width=device-width, initial-scale=1">${head}</head>`);
  const opened = await openIn(browser, `${site.url}${path}`, device);
  const { page } = opened;
  const launcher = page.locator('contact-widget').locator('button.launcher');
  await launcher.waitFor();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  return { ...opened, launcher, dialog, message: dialog.getByRole('textbox', { name: 'Message' }) };
}

async function open({ launcher, dialog }) {
  await launcher.click();
  await dialog.waitFor();
}

/** What `id` was stored as in the inbox, once it is there. */
async function storedWith(message) {
  for (let i = 0; i < 100; i++) {
    const row = (await inbox.stored()).find((r) => r.message === message);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`"${message}" never reached the inbox`);
}

/** Whether the point at the centre of `locator` hits that element (nothing covers it, it is on screen). */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  if (!box) return false;
  const viewport = page.viewportSize();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  if (x < 0 || y < 0 || x > viewport.width || y > viewport.height) return false;
  return locator.evaluate((el, [x, y]) => {
    const hit = el.getRootNode().elementFromPoint(x, y);
    return el === hit || el.contains(hit);
  }, [x, y]);
}

test('a message pasted and sent a second after opening arrives, flagged too-fast, never dropped', async () => {
  const w = await visit();
  await open(w);
  await w.message.fill('Pasted at once: where is my order 551?');
  await w.dialog.getByRole('button', { name: 'Send' }).click();
  const row = await storedWith('Pasted at once: where is my order 551?');
  assert.deepEqual(row.flags, ['too-fast']);
  await w.context.close();
});

test('a draft written, closed, reopened and sent at once arrives unflagged: time counts from the first edit', async () => {
  const w = await visit();
  await open(w);
  await w.message.fill('Written slowly, sent after reopening.');
  await w.page.waitForTimeout(2100);
  await w.launcher.click();
  await w.dialog.waitFor({ state: 'hidden' });
  await open(w);
  await w.dialog.getByRole('button', { name: 'Send' }).click();
  const row = await storedWith('Written slowly, sent after reopening.');
  assert.deepEqual(row.flags ?? [], []);
  await w.context.close();
});

test('with spam "drop" only a filled honeypot is dropped; the honeypot is not for autofill', async () => {
  const w = await visit({ config: { form: { spam: 'drop' } } });
  await open(w);
  const trap = w.dialog.locator('.hp input');
  assert.equal(await trap.getAttribute('autocomplete'), 'off');
  assert.doesNotMatch(await trap.getAttribute('name'), /web|url|site|mail|name|phone/i);
  await w.message.fill('Fast but human, with spam set to drop.');
  await w.dialog.getByRole('button', { name: 'Send' }).click();
  assert.deepEqual((await storedWith('Fast but human, with spam set to drop.')).flags, ['too-fast']);
  await w.dialog.getByRole('button', { name: 'Write another message' }).click();
  await w.message.fill('A bot filled the hidden field.');
  await trap.evaluate((input) => { input.value = 'http://spam.example'; });
  await w.dialog.getByRole('button', { name: 'Send' }).click();
  await w.dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  await w.page.waitForTimeout(500);
  assert.equal((await inbox.stored()).some((r) => r.message === 'A bot filled the hidden field.'), false);
  await w.context.close();
});

for (const [name, device] of [['a 1280×800 desktop', DESKTOP], ['a 390×844 phone', PHONE]]) {
  test(`on ${name} the thanks replace the form in view, focused, with what happens next`, async () => {
    const channels = Array.from({ length: 6 }, (_, i) => ({ type: 'link', value: `https://example.com/${i}`, label: `Help page ${i}` }));
    const w = await visit({ device, config: { channels, form: { email: 'optional', replyTime: 'day' } } });
    await open(w);
    await w.message.fill('Is the shop open on Sunday?');
    await w.dialog.getByRole('textbox', { name: 'Email' }).fill('ana@example.org');
    await w.page.waitForTimeout(2100);
    await w.dialog.getByRole('button', { name: 'Send' }).click();
    const thanks = w.dialog.getByRole('status').filter({ hasText: 'Thank you' });
    await thanks.waitFor();
    assert.equal(await inView(w.page, thanks), true, 'the thanks are on screen, not below the panel');
    assert.equal(await thanks.evaluate((el) => el.getRootNode().activeElement === el), true, 'focus moved to the thanks');
    // The address is isolated (FSI … PDI), so it stays whole in a right-to-left sentence too.
    await w.dialog.getByText('We will reply to \u2068ana@example.org\u2069.').waitFor();
    await w.dialog.getByText('Typically replies within a day').waitFor();
    assert.equal(await w.message.isVisible(), false, 'the form gave way');
    const another = w.dialog.getByRole('button', { name: 'Write another message' });
    assert.equal(await inView(w.page, another), true);
    await another.click();
    assert.equal(await w.message.inputValue(), '');
    assert.equal(await w.message.evaluate((el) => el.getRootNode().activeElement === el), true, 'the cursor is in the message');
    await w.context.close();
  });
}

test('a failure is shown in view on a desktop, with the text kept', async () => {
  pages['/down'] = (req, res) => {
    res.writeHead(req.method === 'OPTIONS' ? 204 : 500, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, idempotency-key' });
    res.end();
  };
  const channels = Array.from({ length: 6 }, (_, i) => ({ type: 'link', value: `https://example.com/${i}`, label: `Help page ${i}` }));
  const w = await visit({ endpoint: `${site.url}/down`, config: { channels } });
  await open(w);
  await w.message.fill('This must not get lost.');
  await w.dialog.getByRole('button', { name: 'Send' }).click();
  const alert = w.dialog.getByRole('alert').filter({ hasText: 'The server had a problem' });
  await alert.waitFor();
  assert.equal(await inView(w.page, alert), true);
  assert.equal(await w.message.inputValue(), 'This must not get lost.');
  await w.context.close();
});

test('right-to-left: the fields follow what is typed (dir=auto), and no emoji is drawn as text', async () => {
  for (const rating of ['faces', 'thumbs', 'stars']) {
    const w = await visit({ attributes: 'data-locale="ar"', config: { form: { rating, email: 'optional', name: 'optional' } } });
    await w.launcher.click();
    const dialog = w.page.getByRole('dialog');
    await dialog.waitFor();
    for (const field of await dialog.locator('textarea, input[type=text]:not([tabindex="-1"]), input[type=email]').all()) {
      assert.equal(await field.getAttribute('dir'), 'auto');
    }
    const text = await dialog.evaluate((el) => el.textContent);
    assert.doesNotMatch(text, /\p{Extended_Pictographic}/u, `no emoji characters (${rating})`);
    const choices = dialog.locator('fieldset.rating label');
    for (const choice of await choices.all()) {
      assert.equal(await choice.locator('svg').count(), 1, 'each choice is drawn');
    }
    // Each choice keeps its accessible name, in the panel's language.
    for (const radio of await dialog.getByRole('radio').all()) {
      assert.match(await radio.evaluate((el) => el.labels[0].textContent.trim()), /\S/);
    }
    await w.context.close();
  }
});

test('on a desktop a phone number is one line and a tel: link, with Copy and QR beside it', async () => {
  const w = await visit({ attributes: 'data-phone="+1 555 0100 123" data-whatsapp="+1 555 0100 123"' });
  await open(w);
  const phone = w.dialog.locator('li[data-type="phone"]');
  assert.equal(await phone.locator('a.channel').getAttribute('href'), 'tel:+15550100123');
  const lines = await phone.locator('.value').evaluate((el) => el.getClientRects().length);
  assert.equal(lines, 1, 'the number is not broken');
  await phone.getByRole('button', { name: /Copy/ }).waitFor();
  await phone.getByRole('button', { name: /QR code/ }).waitFor();
  await phone.locator('a.channel').click();
  assert.deepEqual(await w.page.evaluate(() => window.__clicked), ['tel:+15550100123']);
  await w.context.close();
});

test('while open, the launcher is the Close button', async () => {
  const w = await visit();
  await open(w);
  assert.equal(await w.launcher.getAttribute('aria-expanded'), 'true');
  const named = (name) => w.page.locator('contact-widget').getByRole('button', { name, exact: true });
  assert.equal(await named('Close').count(), 2, "the panel's Close button and the launcher");
  assert.equal(await named('Contact us').count(), 0);
  await w.launcher.click();
  await w.dialog.waitFor({ state: 'hidden' });
  assert.equal(await w.launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await named('Contact us').count(), 1);
  // And the same after update() redrew the launcher while open (an icon-only one is named by aria-label).
  await w.launcher.click();
  await w.page.evaluate(() => ContactWidget.update({ title: 'Talk to us', theme: { launcher: 'icon' } }));
  await w.page.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').getAttribute('aria-labelledby') === 'cw-close');
  assert.equal(await named('Talk to us').count(), 0);
  await w.page.keyboard.press('Escape');
  assert.equal(await named('Talk to us').count(), 1);
  await w.context.close();
});

const FRAMEWORKS = {
  'Bootstrap 5': {
    head: '<link rel="stylesheet" href="/bootstrap.css">',
    after: `<div class="modal fade" id="host-modal" tabindex="-1" role="dialog" aria-modal="true" aria-labelledby="host-title">
      <div class="modal-dialog"><div class="modal-content"><div class="modal-header"><h5 class="modal-title" id="host-title">Newsletter</h5>
      <button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close newsletter"></button></div>
      <div class="modal-body"><input class="form-control" aria-label="Your e-mail"></div></div></div></div>
      <script src="/bootstrap.js"></script>`,
    show: () => { new window.bootstrap.Modal(document.getElementById('host-modal')).show(); },
    shown: () => document.getElementById('host-modal').classList.contains('show') && document.getElementById('host-modal').style.display === 'block',
  },
  UIkit: {
    head: '<link rel="stylesheet" href="/uikit.css">',
    after: `<div id="host-modal" uk-modal><div class="uk-modal-dialog uk-modal-body"><h2 class="uk-modal-title">Newsletter</h2>
      <button class="uk-modal-close-default" type="button" uk-close aria-label="Close newsletter"></button>
      <input class="uk-input" aria-label="Your e-mail"></div></div>
      <script src="/uikit.js"></script>`,
    show: () => window.UIkit.modal('#host-modal').show(),
    shown: () => document.getElementById('host-modal').classList.contains('uk-open'),
  },
};

for (const [name, framework] of Object.entries(FRAMEWORKS)) {
  test(`the panel can be typed into over an open ${name} modal`, async () => {
    const w = await visit({ head: framework.head, after: framework.after });
    await widgetReady(w.page);
    await w.page.evaluate(framework.show);
    await w.page.waitForFunction(framework.shown);
    await w.page.waitForTimeout(400); // the modal's own transition and focus
    await open(w);
    await w.message.click();
    await w.page.keyboard.type('Typed over the modal, with spaces.');
    assert.equal(await w.message.inputValue(), 'Typed over the modal, with spaces.');
    assert.equal(await w.page.evaluate(framework.shown), true, "spaces did not press the modal's close button");
    assert.equal(await w.message.evaluate((el) => el.getRootNode().activeElement === el), true, 'focus stayed in the panel');
    await w.context.close();
  });
}

for (const [name, device] of [['a desktop', DESKTOP], ['a phone', PHONE]]) {
  test(`with page zoom 1.25 on ${name}, the panel's title, Close and Send are inside the window`, async () => {
    const w = await visit({ device, head: '<style>body { zoom: 1.25 }</style>', config: { form: { rating: 'stars', email: 'optional', name: 'optional' } } });
    await open(w);
    const viewport = w.page.viewportSize();
    for (const target of [w.dialog.getByRole('heading', { name: 'Contact us' }), w.dialog.getByRole('button', { name: 'Close' }), w.dialog.getByRole('button', { name: 'Send' })]) {
      await target.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
      const box = await target.boundingBox();
      assert.ok(box.y >= 0 && box.y + box.height <= viewport.height && box.x >= 0 && box.x + box.width <= viewport.width,
        `${await target.textContent() || await target.getAttribute('aria-label')} at ${JSON.stringify(box)} is inside ${JSON.stringify(viewport)}`);
    }
    await w.context.close();
  });
}
