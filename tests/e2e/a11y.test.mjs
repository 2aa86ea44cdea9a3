// Accessible to everyone: axe-core finds nothing in any state, light or dark, left-to-right or
// right-to-left; the dialog works by keyboard alone.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { hostPage, humanPause, widgetReady, world } from './support/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'];

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

let counter = 0;
function pageWith(config, lang = 'en') {
  const path = `/a11y-${++counter}.html`;
  const full = { endpoint: `${inbox.url}/api/feedback`, form: { rating: 'stars', name: 'optional', consent: 'I agree to be contacted about my message.' }, channels: [{ type: 'phone', value: '+1 555 0100 123', label: 'Sales' }, { type: 'email', value: 'help@example.com' }, { type: 'whatsapp', value: '+1 555 0100 123' }], ...config };
  pages[path] = hostPage({ distUrl: `${inbox.url}/dist`, before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(full)}</script>` }).replace('<html lang="en">', `<html lang="${lang}">`);
  return `${site.url}${path}`;
}

async function axe(page, state) {
  // Measure the settled state, not the middle of the panel's fade-in.
  await page.evaluate(() => Promise.all(document.querySelector('contact-widget').shadowRoot.getAnimations().map((a) => a.finished)));
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  const found = result.violations.map((v) => `${state}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(found, [], found.join('\n'));
}

for (const scheme of ['light', 'dark']) {
  for (const [dir, lang] of [['ltr', 'en'], ['rtl', 'ar']]) {
    test(`axe finds nothing in any state (${scheme}, ${dir})`, async () => {
      const context = await browser.newContext({ colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(pageWith({}, lang));
      await widgetReady(page);
      assert.equal(await page.evaluate(() => document.querySelector('contact-widget').shadowRoot.querySelector('.cw').dir), dir);
      await axe(page, 'closed');

      await page.locator('contact-widget .launcher').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await axe(page, 'open');

      await dialog.locator('.send').click();
      await dialog.locator('#cw-message[aria-invalid="true"]').waitFor();
      await axe(page, 'form errors');

      let release;
      await page.route('**/api/feedback', (route) => (route.request().method() === 'POST' ? (release = route) : route.continue()));
      await dialog.locator('#cw-message').fill('Accessible to everyone?');
      await dialog.locator('#cw-consent').check();
      await humanPause(page);
      await dialog.locator('.send').click();
      await dialog.locator('.send[aria-disabled="true"]').waitFor();
      await axe(page, 'sending');
      await release.continue();
      await page.unroute('**/api/feedback');
      await dialog.locator('#cw-done').waitFor();
      await axe(page, 'sent');
      await dialog.locator('.another').click(); // "Write another message", in the page's language

      await page.route('**/api/feedback', (route) => route.fulfill({ status: 422, headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' }, body: '{"error":"refused for this test"}' }));
      await dialog.locator('#cw-message').fill('And when it fails?');
      await dialog.locator('#cw-consent').check();
      await dialog.locator('.send').click();
      await dialog.locator('#cw-alert:not(:empty)').waitFor();
      await axe(page, 'failed');
      await context.close();
    });
  }
}

test('keyboard only: reach, open, fill, send, close; Tab never leaves the open dialog', async () => {
  const page = await browser.newPage();
  await page.goto(pageWith({ form: {} }));
  await widgetReady(page);
  const active = () => page.evaluate(() => {
    const host = document.activeElement;
    const inner = host?.shadowRoot?.activeElement;
    return { host: host?.localName, id: inner?.id || inner?.className || inner?.localName || null, inPanel: Boolean(inner?.closest('#cw-panel')) };
  });
  // The launcher is reachable with Tab from the top of the page.
  let steps = 0;
  while ((await active()).id !== 'launcher' && steps++ < 20) await page.keyboard.press('Tab');
  assert.equal((await active()).id, 'launcher');
  await page.keyboard.press('Enter');
  assert.deepEqual(await active(), { host: 'contact-widget', id: 'cw-close', inPanel: true });

  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press(key);
      const now = await active();
      assert.ok(now.host === 'contact-widget' && now.inPanel, `${key} #${i + 1} left the dialog: ${JSON.stringify(now)}`);
    }
  }
  while ((await active()).id !== 'cw-message') await page.keyboard.press('Tab');
  await page.keyboard.type('Sent with the keyboard alone.');
  await humanPause(page);
  while ((await active()).id !== 'send') await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('contact-widget #cw-done').waitFor();
  assert.equal((await active()).id, 'cw-done', 'focus moves to the thanks, which are read out');
  assert.equal((await inbox.stored()).filter((r) => r.message === 'Sent with the keyboard alone.').length, 1);
  await page.keyboard.press('Escape');
  assert.equal((await active()).id, 'launcher', 'focus returns to the launcher');
  assert.equal(await page.locator('contact-widget #cw-panel').isHidden(), true);
});

test('reduced motion, forced colours and touch targets', async () => {
  const url = pageWith({ form: { rating: 'thumbs', consent: 'I agree.' } });
  const open = async (options) => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(url);
    await widgetReady(page);
    await page.locator('contact-widget .launcher').click();
    return { context, page };
  };
  const still = await open({ reducedMotion: 'reduce' });
  assert.equal(await still.page.evaluate(() => document.querySelector('contact-widget').shadowRoot.getAnimations().length), 0, 'no animation');
  const moving = await open({ reducedMotion: 'no-preference' });
  assert.ok(await moving.page.evaluate(() => document.querySelector('contact-widget').shadowRoot.getAnimations().length) > 0, 'the check can fail');

  const contrast = await open({ forcedColors: 'active' });
  const borders = await contrast.page.evaluate(() => ['.launcher', '.send', '.close', '.item'].map((s) => getComputedStyle(document.querySelector('contact-widget').shadowRoot.querySelector(s)).borderTopStyle));
  assert.deepEqual(borders, ['solid', 'solid', 'solid', 'solid'], 'controls keep a border when backgrounds are removed');

  const touch = await open({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
  const small = await touch.page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const targets = [...root.querySelectorAll('button, a[href], .choice, .consent, textarea, input[type=text]:not([tabindex="-1"]), input[type=email]')];
    return targets.map((t) => [t.className || t.localName, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44)).map(([name, r]) => `${name} ${r.width}x${r.height}`);
  });
  assert.deepEqual(small, [], 'every target at least 44×44 px on touch screens');
  for (const c of [still, moving, contrast, touch]) await c.context.close();
});
