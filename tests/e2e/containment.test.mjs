// Failure containment: an error inside the widget (here: a host script patches a DOM method the
// widget's input handler calls, so it throws from inside the wasm) is caught at the JS boundary,
// reported once, never thrown into the page; the panel goes, the launcher becomes an e-mail link
// that carries what the visitor typed, and the wasm is never called again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostPage, humanPause, openPage, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

test('an error inside an event handler of the widget leaves the host page working', async () => {
  pages['/contained.html'] = hostPage({
    distUrl: `${inbox.url}/dist`,
    attributes: 'data-endpoint="/api/feedback" data-email="help@example.com"',
    before: '<button id="host-button" onclick="window.clicks = (window.clicks || 0) + 1">Host button</button>',
  });
  const { page, consoleMessages, pageErrors } = await openPage(browser, `${site.url}/contained.html`);
  await widgetReady(page);
  await page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  const message = dialog.getByRole('textbox', { name: 'Message' });
  await message.fill('Half a thought');
  // From now on reading a textarea's value throws, inside the widget's own input handler.
  await page.evaluate(() => {
    const original = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
    window.restoreValue = () => Object.defineProperty(HTMLTextAreaElement.prototype, 'value', original);
    Object.defineProperty(HTMLTextAreaElement.prototype, 'value', {
      configurable: true,
      get() { throw new Error('patched by the host'); },
      set: original.set,
    });
  });
  await message.press('!');
  await page.evaluate(() => window.restoreValue());

  const errors = consoleMessages.filter((m) => m.type === 'error').map((m) => m.text);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /^contact-widget: an event handler failed; the launcher now opens mailto:help@example\.com/);
  assert.deepEqual(pageErrors, [], 'nothing thrown into the page');
  assert.equal(await dialog.count(), 0, 'the panel is gone, no overlay left');
  const link = page.getByRole('link', { name: 'Contact us' });
  assert.equal(await link.getAttribute('href'), 'mailto:help@example.com?body=Half%20a%20thought!');

  // The host page works; the widget's listeners are inert (the wasm is never called again).
  await page.click('#host-button');
  await page.evaluate(() => { window.dispatchEvent(new Event('online')); window.dispatchEvent(new Event('pagehide')); });
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.clicks), 1);
  assert.equal(consoleMessages.filter((m) => m.type === 'error').length, 1, 'reported once');
  assert.deepEqual(pageErrors, []);
  await page.evaluate(() => { ContactWidget.open(); ContactWidget.update({ title: 'x' }); ContactWidget.close(); });
  assert.deepEqual(pageErrors, [], 'the API stays callable and harmless');
});

test('a host that patches fetch after our script ran cannot break or observe sending', async () => {
  pages['/patched.html'] = hostPage({
    distUrl: `${inbox.url}/dist`,
    attributes: `data-endpoint="${inbox.url}/api/feedback" data-email="help@example.com"`,
    // Loaded after ours: a broken "analytics" wrapper that throws and records every request.
    after: `<script>addEventListener('load', () => { window.seen = []; window.fetch = (url) => { window.seen.push(String(url)); throw new Error('patched fetch'); }; });</script>`,
  });
  const { page, pageErrors } = await openPage(browser, `${site.url}/patched.html`);
  await widgetReady(page);
  await page.waitForFunction(() => Array.isArray(window.seen));
  await page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Sent past a patched fetch');
  await humanPause(page);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();
  assert.equal((await inbox.stored()).filter((r) => r.message === 'Sent past a patched fetch').length, 1);
  assert.deepEqual(await page.evaluate(() => window.seen), [], 'the page saw none of our requests');
  assert.deepEqual(pageErrors, []);
});
