// The demo page, served by the inbox exactly as `cargo xtask demo` does: a click in a real
// browser opens the panel, the links are right, and a sent message is stored exactly once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { distFile, humanPause, launch, openPage, startInbox, widgetReady } from './support/harness.mjs';

let inbox, browser;
before(async () => {
  inbox = await startInbox();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await inbox?.stop();
});

test('the demo page: open, links, send once, close', async () => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, `${inbox.url}/`);
  // While the panel is open the launcher is named "Close": found by its class.
  const launcher = page.locator('contact-widget').locator('.launcher');
  await widgetReady(page);
  assert.equal(await launcher.textContent(), 'Contact us');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');

  await launcher.click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  await dialog.waitFor();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.match(await dialog.textContent(), /Questions about an order/);

  const links = await dialog.getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.deepEqual(links, [
    ['Phone+1 555 0100 123', 'tel:+15550100123'],
    ['Emailhelp@example.com', 'mailto:help@example.com'],
    ['WhatsApp+1 555 0100 123', 'https://wa.me/15550100123'],
    ['Websitehttps://example.com/help', 'https://example.com/help'],
  ]);
  // On a computer the number stays a tel: link (softphones call it), with Copy and a QR code to scan with a phone.
  assert.match(await dialog.locator('.item[data-type="phone"]').textContent(), /Phone\+1 555 0100 123/);
  assert.ok(await dialog.getByRole('button', { name: 'Copy +1 555 0100 123' }).first().isVisible());

  await dialog.getByRole('textbox', { name: 'Message' }).fill('The checkout page is confusing. 👋 <b>bold?</b>');
  await dialog.getByRole('textbox', { name: 'Email' }).fill('ana@example.org');
  const send = dialog.getByRole('button', { name: 'Send' });
  await humanPause(page);
  await send.dblclick();
  await dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor();

  const stored = await inbox.stored();
  assert.equal(stored.length, 1, 'stored exactly once');
  const [record] = stored;
  assert.equal(record.message, 'The checkout page is confusing. 👋 <b>bold?</b>');
  assert.equal(record.email, 'ana@example.org');
  assert.equal(record.name, null);
  assert.equal(record.rating, null);
  assert.match(record.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(record.page.url, `${inbox.url}/`);
  assert.equal(record.page.title, 'Contact widget demo · Example Coffee Roasters');
  assert.equal(record.locale, 'en', 'the language the widget was shown in');
  assert.ok(record.timeZone.length > 0);
  assert.ok(!Number.isNaN(Date.parse(record.createdAt)));
  assert.equal(record.widget.version, '0.1.0');

  // The form gives way to the thanks after a confirmed delivery, and comes back empty.
  await dialog.getByRole('button', { name: 'Write another message' }).click();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), '');

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  const focused = await page.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement?.className);
  assert.equal(focused, 'launcher', 'focus returns to the launcher');

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), []);
});

test('the dist files are served with the right types, compressed, and cached by name', async () => {
  const wasm = await fetch(`${inbox.url}/dist/${distFile('widget_bg', 'wasm')}`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('content-encoding'), 'br');
  assert.equal(wasm.headers.get('cache-control'), 'public, max-age=31536000, immutable', 'a hashed name never changes');
  assert.equal(wasm.headers.get('cross-origin-resource-policy'), 'cross-origin');
  const bytes = new Uint8Array(await wasm.arrayBuffer()); // fetch decodes the brotli
  assert.deepEqual([...bytes.slice(0, 4)], [0, 0x61, 0x73, 0x6d], 'the wasm magic number');
  const loader = await fetch(`${inbox.url}/dist/contact-widget.js`);
  assert.match(loader.headers.get('content-type'), /javascript/);
  assert.equal(loader.headers.get('cache-control'), 'no-cache', 'the loader keeps its name, so it is revalidated');
});
