// Every visitor's language and look: negotiation from the owner's locale, the page's lang and the
// browser's languages; each way to override texts; right-to-left mirroring; dark and light
// schemes; theme options; and a screenshot per text direction against a committed baseline.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { hostPage, humanPause, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

let counter = 0;
/** A host page with `lang` on <html> (none when null) and the widget configured by `config`. */
function pageWith(config = {}, lang = 'en') {
  const file = `/i18n-${++counter}.html`;
  const full = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], ...config };
  const html = hostPage({ distUrl: `${inbox.url}/dist`, before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(full)}</script>` });
  pages[file] = html.replace('<html lang="en">', lang === null ? '<html>' : `<html lang="${lang}">`);
  return `${site.url}${file}`;
}

/** Opens `url` in a browser context speaking `locale`; records which language files were fetched. */
async function visit(url, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  const languageFiles = [];
  page.on('request', (r) => r.url().includes('/locales/') && languageFiles.push(r.url().split('/locales/')[1]));
  const messages = [];
  page.on('console', (m) => messages.push(m.text()));
  await page.goto(url);
  await widgetReady(page);
  const root = () => page.evaluate(() => {
    const cw = document.querySelector('contact-widget').shadowRoot.querySelector('.cw');
    return { lang: cw.lang, dir: cw.dir, launcher: cw.querySelector('.launcher').textContent, send: cw.querySelector('.send')?.textContent, close: cw.querySelector('.close').getAttribute('aria-label'), counter: cw.querySelector('.counter')?.textContent };
  });
  return { context, page, languageFiles, messages, root };
}

test('negotiation: the owner\'s locale, else the page\'s lang, else the browser\'s languages in order; painted before the wasm', async () => {
  // [configured locale, <html lang>, navigator.languages, language shown, launcher label]
  const rows = [
    ['auto', null, [], 'en', 'Contact us'],
    ['auto', null, ['de-AT', 'en'], 'de', 'Kontakt'],
    ['auto', 'fr-CA', ['de-AT'], 'fr', 'Contactez-nous'],
    ['auto', 'xx', ['sv', 'pt-BR', 'en'], 'pt', null],
    ['auto', null, ['zh-Hant-TW'], 'zh', null],
    ['auto', null, ['iw'], 'he', null],
    ['auto', null, ['sv', 'fi'], 'en', 'Contact us'],
    ['ja', 'fr', ['de'], 'ja', null],
    ['AR-eg', null, [], 'ar', null],
    ['sv', 'fr', [], 'sv', 'Contact us'],
  ];
  const context = await browser.newContext();
  for (const [locale, lang, languages, want, label] of rows) {
    const page = await context.newPage();
    await page.addInitScript((list) => Object.defineProperty(Navigator.prototype, 'languages', { get: () => list }), languages);
    // The wasm never arrives: the launcher is the loader's alone.
    await page.route('**/*.wasm', () => {});
    await page.goto(pageWith({ locale }, lang));
    await page.waitForFunction(() => document.querySelector('contact-widget')?.shadowRoot?.querySelector('.launcher'));
    const shown = await page.evaluate(() => {
      const cw = document.querySelector('contact-widget').shadowRoot.querySelector('.cw');
      return { lang: cw.lang, dir: cw.dir, label: cw.querySelector('.launcher').textContent };
    });
    const row = JSON.stringify([locale, lang, languages]);
    assert.equal(shown.lang, want, row);
    assert.equal(shown.dir, ['ar', 'he'].includes(want) ? 'rtl' : 'ltr', row);
    if (label) assert.equal(shown.label, label, row);
    await page.close();
  }
  await context.close();
});

test('the page language wins over the browser; only that language file is fetched', async () => {
  const { page, languageFiles, root, context } = await visit(pageWith({}, 'fr-CA'), { locale: 'de-DE' });
  assert.deepEqual(await root(), { lang: 'fr', dir: 'ltr', launcher: 'Contactez-nous', send: 'Envoyer', close: 'Fermer', counter: '' });
  assert.deepEqual(languageFiles, ['fr.json']);
  await page.locator('contact-widget .launcher').click();
  // The counter appears near the limit, its numbers written the French way.
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('x'.repeat(4321));
  assert.equal(await page.locator('contact-widget #cw-message-count').textContent(), '4\u202f321 / 5\u202f000 caractères');
  await page.getByRole('textbox', { name: 'Message' }).fill('Bonjour, une question.');
  await humanPause(page);
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await page.getByRole('status').filter({ hasText: 'Merci' }).waitFor();
  const [record] = (await inbox.stored()).filter((r) => r.message === 'Bonjour, une question.');
  assert.equal(record.locale, 'fr');
  await context.close();
});

test('without a page language the browser decides; English needs no file', async () => {
  const german = await visit(pageWith({}, null), { locale: 'de-DE' });
  assert.equal((await german.root()).send, 'Senden');
  assert.deepEqual(german.languageFiles, ['de.json']);
  const swedish = await visit(pageWith({}, null), { locale: 'sv-SE' });
  assert.deepEqual(await swedish.root(), { lang: 'en', dir: 'ltr', launcher: 'Contact us', send: 'Send', close: 'Close', counter: '' });
  assert.deepEqual(swedish.languageFiles, [], 'English is built in');
  await german.context.close();
  await swedish.context.close();
});

test("the owner's locale wins; texts are overridden for all languages and for one", async () => {
  const japanese = await visit(pageWith({ locale: 'ja' }, 'fr'));
  assert.equal((await japanese.root()).send, '送信');
  const config = { title: 'Parlons-en', texts: { send: 'Go!', fr: { close: 'Fermer la fenêtre' }, de: { close: 'Fenster schließen' } } };
  const french = await visit(pageWith(config, 'fr'));
  assert.deepEqual(await french.root(), { lang: 'fr', dir: 'ltr', launcher: 'Parlons-en', send: 'Go!', close: 'Fermer la fenêtre', counter: '' });
  const german = await visit(pageWith(config, 'de'));
  assert.deepEqual({ ...(await german.root()), counter: undefined }, { lang: 'de', dir: 'ltr', launcher: 'Parlons-en', send: 'Go!', close: 'Fenster schließen', counter: undefined });
  const launcherText = await visit(pageWith({ texts: { launcher: 'Questions?' } }, 'en'));
  assert.equal((await launcherText.root()).launcher, 'Questions?');
  for (const v of [japanese, french, german, launcherText]) await v.context.close();
});

test('Arabic and Hebrew run right to left and the layout mirrors', async () => {
  for (const lang of ['ar', 'he']) {
    const { page, root, context } = await visit(pageWith({}, lang));
    assert.equal((await root()).dir, 'rtl');
    await page.locator('contact-widget .launcher').click();
    const box = (selector) => page.locator(`contact-widget ${selector}`).boundingBox();
    const [title, close, label] = [await box('#cw-title'), await box('.close'), await box('label[for="cw-message"]')];
    assert.ok(close.x < title.x, `${lang}: the close button is on the left`);
    const panel = await box('#cw-panel');
    assert.ok(label.x + label.width > panel.x + panel.width - 40, `${lang}: labels start at the right edge`);
    await context.close();
  }
});

test('dark, light and auto schemes, and the theme options', async () => {
  const background = (page) => page.evaluate(() => getComputedStyle(document.querySelector('contact-widget').shadowRoot.querySelector('.panel')).backgroundColor);
  const auto = await visit(pageWith({}), { colorScheme: 'dark' });
  assert.equal(await background(auto.page), 'rgb(31, 32, 35)', 'follows the visitor');
  const light = await visit(pageWith({ theme: { scheme: 'light' } }), { colorScheme: 'dark' });
  assert.equal(await background(light.page), 'rgb(255, 255, 255)');
  const themed = await visit(pageWith({ color: '#ffd700', theme: { scheme: 'dark', radius: 4, launcher: 'icon', font: 'Georgia, serif' } }), { colorScheme: 'light' });
  assert.equal(await background(themed.page), 'rgb(31, 32, 35)');
  const launcher = themed.page.getByRole('button', { name: 'Contact us' });
  assert.equal(await launcher.textContent(), '', 'icon only, still named by the title');
  const style = await themed.page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const panel = getComputedStyle(root.querySelector('.panel'));
    const button = getComputedStyle(root.querySelector('.launcher'));
    return { radius: panel.borderTopLeftRadius, font: getComputedStyle(root.querySelector('.cw')).fontFamily, brand: button.backgroundColor, text: button.color };
  });
  assert.deepEqual(style, { radius: '4px', font: 'Georgia, serif', brand: 'rgb(255, 215, 0)', text: 'rgb(0, 0, 0)' });
  assert.ok(themed.messages.some((m) => /config `color`: focus rings and borders use #[0-9a-f]{6} on light backgrounds/.test(m)), themed.messages.join('\n'));
  for (const v of [auto, light, themed]) await v.context.close();
});

/** Compares a screenshot with its committed baseline; writes the baseline when asked to. */
function matchesBaseline(name, png) {
  const file = path.join(import.meta.dirname, 'screenshots', name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(file)) {
    fs.writeFileSync(file, png);
    assert.ok(process.env.UPDATE_SCREENSHOTS === '1', `no baseline for ${name}: one was written, review and commit it`);
    return;
  }
  const [want, got] = [PNG.sync.read(fs.readFileSync(file)), PNG.sync.read(png)];
  assert.deepEqual([got.width, got.height], [want.width, want.height], `${name}: size changed`);
  const diff = pixelmatch(want.data, got.data, null, want.width, want.height, { threshold: 0.2 });
  assert.ok(diff / (want.width * want.height) < 0.01, `${name}: ${diff} pixels differ from the baseline`);
}

for (const [direction, lang] of [['ltr', 'en'], ['rtl', 'ar']]) {
  test(`screenshot of the open panel, ${direction}`, async () => {
    const { page, context } = await visit(pageWith({ form: { rating: 'stars' }, channels: [{ type: 'phone', value: '+1 555 0100 123' }, { type: 'email', value: 'help@example.com' }] }, lang), { viewport: { width: 480, height: 900 }, reducedMotion: 'reduce', colorScheme: 'light' });
    await page.locator('contact-widget .launcher').click();
    await page.locator('contact-widget .launcher').blur();
    await page.evaluate(() => document.activeElement?.blur());
    matchesBaseline(`panel-${direction}.png`, await page.locator('contact-widget #cw-panel').screenshot());
    await context.close();
  });
}
