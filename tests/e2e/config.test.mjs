// Config from every source, and broken config: a console message naming the problem, never an
// error thrown into the host page, hostile text rendered as text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distFile, hostPage, named, openPage, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

/** Serves `html` at a fresh path on the host site and opens it. */
let counter = 0;
async function visit(options) {
  const path = `/page-${++counter}.html`;
  pages[path] = hostPage({ distUrl: `${inbox.url}/dist`, ...options });
  return openPage(browser, `${site.url}${path}`);
}

const warnings = (messages) => messages.filter((m) => m.type === 'warning' || m.type === 'error').map((m) => m.text);
const shadowLinks = (page) =>
  page.evaluate(() => [...document.querySelector('contact-widget').shadowRoot.querySelectorAll('a')].map((a) => a.getAttribute('href')));

test('data attributes alone make a working widget', async () => {
  const { page, consoleMessages, pageErrors } = await visit({
    attributes: 'data-endpoint="/api/feedback" data-title="Talk to us" data-phone="+44 20 7946 0958" data-telegram="@examplehq"',
  });
  await widgetReady(page);
  await page.getByRole('button', { name: 'Talk to us' }).click();
  await page.getByRole('dialog', { name: 'Talk to us' }).waitFor();
  // On a computer the number stays a tel: link, with Copy; see channels.test.mjs.
  assert.deepEqual(await shadowLinks(page), ['tel:+442079460958', 'https://t.me/examplehq']);
  assert.ok(await page.getByRole('button', { name: 'Copy +44 20 7946 0958' }).isVisible());
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(warnings(consoleMessages), []);
});

test('invalid JSON in the config block is named on the console; data attributes still work', async () => {
  const { page, consoleMessages, pageErrors } = await visit({
    before: '<script type="application/json" id="contact-widget-config">{ "title": "Oops", }</script>',
    attributes: 'data-email="help@example.com" data-form="false"',
  });
  await widgetReady(page);
  const [message] = warnings(consoleMessages);
  assert.match(message, /^contact-widget: the JSON in <script id="contact-widget-config"> is not valid \(.+\); it is ignored$/);
  assert.deepEqual(await shadowLinks(page), ['mailto:help@example.com']);
  assert.deepEqual(pageErrors, []);
});

test('an unknown channel type and a javascript: link are refused by name; the rest renders', async () => {
  const config = {
    endpoint: `${inbox.url}/api/feedback`,
    channels: [
      { type: 'fax', value: '+1 555 0100' },
      { type: 'link', value: ' JavaScript:alert(document.domain)', label: 'Evil' },
      { type: 'link', value: 'java\tscript:alert(1)' },
      { type: 'email', value: 'help@example.com' },
    ],
  };
  const { page, consoleMessages, pageErrors } = await visit({
    before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(config)}</script>`,
  });
  await widgetReady(page);
  const messages = warnings(consoleMessages);
  // The visitor's wasm names each problem by its path; the configurator's validator says what it is.
  assert.deepEqual(messages, ['channels[0].type', 'channels[1].value', 'channels[2].value'].map(named));
  assert.deepEqual(await shadowLinks(page), ['mailto:help@example.com']);
  assert.deepEqual(pageErrors, []);
});

test('hostile text in labels renders as text and runs nothing', async () => {
  const hostile = '<img src=x onerror="window.pwned=1">';
  const config = { form: false, title: hostile, greeting: `${hostile}<script>window.pwned=2</script>`, channels: [{ type: 'email', value: 'a@example.com', label: hostile }] };
  const { page, pageErrors } = await visit({
    before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(config).replaceAll('<', '\\u003c')}</script>`,
  });
  await widgetReady(page);
  await page.getByRole('button', { name: hostile }).click();
  const dialog = page.getByRole('dialog', { name: hostile });
  await dialog.waitFor();
  assert.ok(await dialog.getByRole('link', { name: new RegExp(hostile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).isVisible());
  const found = await page.evaluate(() => ({
    images: document.querySelector('contact-widget').shadowRoot.querySelectorAll('img, script').length,
    pwned: window.pwned ?? null,
  }));
  assert.deepEqual(found, { images: 0, pwned: null });
  assert.deepEqual(pageErrors, []);
});

test('a config URL is fetched; init() wins over it; calls made before the wasm is ready are queued', async () => {
  pages['/contact.json'] = (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ title: 'From the file', form: false, channels: [{ type: 'x', value: '@examplehq' }] }));
  };
  // The widget's files through the host site, the wasm held back, so the loader is there long
  // before the widget is.
  for (const file of ['contact-widget.js', distFile('widget', 'js'), distFile('widget_bg', 'wasm')]) {
    pages[`/slow/${file}`] = async (req, res) => {
      if (file.endsWith('.wasm')) await new Promise((r) => setTimeout(r, 1000));
      const upstream = await fetch(`${inbox.url}/dist/${file}`);
      res.writeHead(200, { 'content-type': upstream.headers.get('content-type') });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    };
  }
  const { page, pageErrors } = await visit({ distUrl: `${site.url}/slow`, attributes: 'data-config-url="/contact.json"' });
  await page.waitForFunction(() => window.ContactWidget);
  await page.getByRole('button', { name: 'From the file' }).waitFor();
  const before = await page.evaluate(() => { ContactWidget.open(); return document.querySelector('contact-widget').shadowRoot.querySelector('#cw-panel'); });
  assert.equal(before, null, 'the loader painted the launcher; the panel is not mounted yet');
  await page.getByRole('dialog', { name: 'From the file' }).waitFor();
  assert.deepEqual(await shadowLinks(page), ['https://x.com/examplehq']);

  const events = await page.evaluate(async () => {
    const seen = [];
    const stop = ContactWidget.on('ready', () => seen.push('ready'));
    const ready = new Promise((resolve) => ContactWidget.on('ready', resolve));
    ContactWidget.init({ title: 'From init' });
    await ready;
    stop();
    ContactWidget.init({ title: 'Again' });
    await new Promise((resolve) => ContactWidget.on('ready', resolve));
    return seen;
  });
  assert.deepEqual(events, ['ready'], 'on() returns a working unsubscribe');
  await page.getByRole('button', { name: 'Again' }).waitFor();
  assert.deepEqual(await shadowLinks(page), ['https://x.com/examplehq'], 'init() is layered over the file config');
  assert.deepEqual(pageErrors, []);
});

test('a config URL that fails is reported and the page is unharmed', async () => {
  const { page, consoleMessages, pageErrors } = await visit({ attributes: 'data-config-url="/missing.json" data-email="help@example.com" data-form="false"' });
  await widgetReady(page);
  assert.ok(warnings(consoleMessages).some((m) => /the config at \/missing\.json could not be loaded \(HTTP 404\)/.test(m)));
  assert.deepEqual(pageErrors, []);
});

test('destroy() removes the widget and update() keeps the draft', async () => {
  const { page, pageErrors } = await visit({ attributes: `data-endpoint="${inbox.url}/api/feedback" data-email="help@example.com"` });
  await widgetReady(page);
  await page.getByRole('button', { name: 'Contact us' }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('half-written thought');
  await page.evaluate(() => ContactWidget.update({ title: 'Updated' }));
  const dialog = page.getByRole('dialog', { name: 'Updated' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'half-written thought');
  await page.evaluate(() => ContactWidget.destroy());
  assert.equal(await page.evaluate(() => document.querySelectorAll('contact-widget').length), 0);
  assert.deepEqual(pageErrors, []);
});
