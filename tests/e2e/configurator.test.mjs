// The configurator (www/configurator.html) driven like an owner would: add channels with the
// keyboard, see validation and the live preview, copy the snippet, paste it into a blank page on
// another origin, and find the same widget there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DIST, humanPause, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

/** The configurator in a context that may use the clipboard; records CSP violations and errors. */
async function openConfigurator() {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: inbox.url });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${inbox.url}/configurator.html`);
  await page.waitForSelector('html[data-ready]');
  return { page, context, pageErrors };
}

async function addChannel(page, type, value) {
  await page.getByLabel('Channel type').selectOption({ label: type });
  await page.getByRole('button', { name: 'Add channel' }).click();
  // Adding moves focus to the new channel's value field.
  await page.keyboard.type(value);
}

/** What a visitor meets in the widget on `page`: the launcher, the channels, the form. */
async function describeWidget(page) {
  await widgetReady(page);
  const launcher = page.locator('contact-widget').getByRole('button', { name: /./ }).first();
  const title = (await launcher.textContent()).trim();
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
  await page.getByRole('dialog', { name: title }).waitFor();
  return page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    return {
      dialog: root.querySelector('[role=dialog]').getAttribute('aria-labelledby') && root.getElementById('cw-title')?.textContent,
      greeting: root.querySelector('.greeting')?.textContent,
      channels: [...root.querySelectorAll('a.channel')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
      form: [...root.querySelectorAll('form input, form textarea, form button')].map((e) => `${e.tagName} ${e.type}`),
    };
  }).then((widget) => ({ title, ...widget }));
}

test('owners build a widget with channels, see it live, copy it, and the pasted snippet makes the same widget', async () => {
  const { page, context, pageErrors } = await openConfigurator();

  await page.getByRole('textbox', { name: /^Title/ }).fill('Talk to us');
  await addChannel(page, 'Phone', '+1 555 0100 123');
  await addChannel(page, 'WhatsApp', '+1 555 0100 123');
  await page.locator('[data-path="channels[1].label"]').fill('Chat with us');
  await page.locator('[data-path="channels[1].message"]').fill('Hi!');

  // Validation as you type, by the widget's own parser: a Telegram handle that is too short.
  await addChannel(page, 'Telegram', 'ab');
  const problems = page.locator('#problems');
  await problems.getByText(/Channel 3 \(Telegram\), value: "ab" is not a Telegram username/).waitFor();
  assert.equal(await page.locator('[data-path="channels[2].value"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await problems.getAttribute('aria-live'), 'polite');
  await page.locator('[data-path="channels[2].value"]').fill('@examplehq');
  await problems.getByText('No problems').waitFor();
  assert.equal(await page.locator('[aria-invalid]').count(), 0);

  // The live preview is the real widget on this page.
  const preview = await describeWidget(page);
  assert.equal(preview.title, 'Talk to us');
  assert.deepEqual(preview.channels.map((c) => c.href), ['tel:+15550100123', 'https://wa.me/15550100123?text=Hi%21', 'https://t.me/examplehq']);
  assert.match(preview.channels[1].text, /Chat with us/);

  // A label and a message need the JSON form; the loader is pinned with its SRI hash.
  assert.match(await page.locator('#snippet-kind').textContent(), /JSON block/);
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await page.getByText('Copied.').waitFor();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const integrity = JSON.parse(fs.readFileSync(path.join(DIST, 'integrity.json'), 'utf8'))['contact-widget.js'];
  assert.ok(snippet.includes(`integrity="${integrity}" crossorigin="anonymous"`), snippet);
  assert.ok(snippet.includes('<script type="application/json" id="contact-widget-config">'), snippet);

  // Pasted into a blank page on another origin, it makes the same widget, and its form delivers.
  pages['/pasted.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Blank</title></head><body>\n${snippet}\n</body></html>`;
  const pasted = await context.newPage();
  const pastedErrors = [];
  pasted.on('pageerror', (e) => pastedErrors.push(e));
  pasted.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') pastedErrors.push(m.text()); });
  await pasted.goto(`${site.url}/pasted.html`);
  assert.deepEqual(await describeWidget(pasted), preview);
  await pasted.getByRole('textbox', { name: 'Message' }).fill('Sent from a pasted snippet.');
  await humanPause(pasted);
  await pasted.getByRole('button', { name: 'Send' }).click();
  await pasted.locator('contact-widget').getByRole('status').getByText(/Thank you/).waitFor();
  const stored = await inbox.stored();
  assert.deepEqual(stored.map((m) => m.message), ['Sent from a pasted snippet.']);

  assert.deepEqual(pastedErrors, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'the configurator runs under its strict CSP');
  await context.close();
});

test('a simple setup becomes data attributes; importing a JSON config fills the form and the preview', async () => {
  const { page, context, pageErrors } = await openConfigurator();

  await addChannel(page, 'Email', 'help@example.com');
  await page.locator('#snippet').getByText(/data-email="help@example\.com"/).waitFor();
  assert.match(await page.locator('#snippet-kind').textContent(), /data attributes/);
  const simple = await page.locator('#snippet').textContent();
  assert.match(simple, /^<script src="http:\/\/127\.0\.0\.1:\d+\/dist\/contact-widget\.js" async/);
  assert.match(simple, /data-endpoint="http:\/\/127\.0\.0\.1:\d+\/api\/feedback"\n\s+data-email="help@example\.com"><\/script>$/);
  pages['/simple.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Blank</title></head><body>\n${simple}\n</body></html>`;
  const pasted = await context.newPage();
  await pasted.goto(`${site.url}/simple.html`);
  assert.deepEqual((await describeWidget(pasted)).channels, [{ href: 'mailto:help@example.com', text: 'Emailhelp@example.com' }]);

  // Keyboard only: choose a type, Tab to "Add channel", Enter, type the value into the new field.
  await page.getByLabel('Channel type').focus();
  await page.keyboard.press('End');
  assert.equal(await page.getByLabel('Channel type').inputValue(), 'custom');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getByLabel('Channel type').inputValue(), 'link');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type('https://example.com/help');
  await page.locator('#snippet').getByText(/data-link="https:\/\/example\.com\/help"/).waitFor();

  const every = fs.readFileSync(path.join(import.meta.dirname, '../../examples/every-channel.json'), 'utf8');
  await page.getByLabel(/Paste a configuration/).fill(every);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText('Imported 22 channel(s).', { exact: false }).waitFor();
  await page.locator('#problems').getByText('No problems').waitFor();
  assert.equal(await page.getByRole('textbox', { name: /^Title/ }).inputValue(), 'Contact us');
  assert.equal(await page.getByLabel('Ask for the visitor\'s e-mail').inputValue(), 'required');
  assert.equal(await page.getByRole('radio', { name: 'Bottom left' }).isChecked(), true);
  const preview = await describeWidget(page);
  // Every channel but WeChat (Copy only) is a link; phone and SMS too (softphones call them).
  assert.equal(preview.channels.length, 21);
  assert.ok(preview.form.includes('INPUT checkbox'), 'the consent checkbox is in the preview');
  await page.keyboard.press('Escape'); // the open panel would cover the import form
  await page.getByRole('dialog').waitFor({ state: 'hidden' });

  // An import with a problem is imported as far as it goes and the problem is named.
  await page.getByLabel(/Paste a configuration/).fill('{"channels":[{"type":"fax","value":"1"}],"hours":{}}');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByText(/Not shown here and left out: hours/).waitFor();
  await page.locator('#problems').getByText(/unknown channel type "fax"/).waitFor();

  // Every control has a name a screen reader can announce, and removing a channel keeps focus
  // on the channel list.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea, main button')]
    .filter((e) => e.labels?.length === 0 && !e.getAttribute('aria-label') && !e.textContent.trim())
    .map((e) => e.id || e.tagName));
  assert.deepEqual(unnamed, []);
  await page.getByRole('button', { name: 'Remove channel 1, fax' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-channel-type');

  assert.deepEqual(pageErrors, []);
  await context.close();
});
