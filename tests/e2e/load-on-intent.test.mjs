// Loading on intent: a page that is never touched downloads the loader alone; the rest (glue,
// wasm, language file) is fetched together when the visitor reaches for the launcher or the page
// calls open(); a click before it is ready shows a busy launcher at once and opens the panel when
// it is; a message left waiting from an earlier visit is delivered on the next load without any
// interaction; `load: "idle"` and `"eager"` keep the other behaviours.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { world } from './support/harness.mjs';
import { page, serveDist } from './support/guest.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));
const gate = serveDist(pages, () => inbox.url);

let counter = 0;
/** Opens a page embedding the widget (files from the same site, /w/), recording every request. */
async function visit({ config = {}, lang = 'en', context, touch = false } = {}) {
  const path = `/intent-${++counter}.html`;
  const json = `<script type="application/json" id="contact-widget-config">${JSON.stringify({ endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], ...config })}</script>`;
  pages[path] = page({ body: `${json}<script src="/w/contact-widget.js" async></script>` }).replace('lang="en"', `lang="${lang}"`);
  context ??= await browser.newContext(touch ? { hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } } : {});
  const p = await context.newPage();
  const requests = [];
  p.on('request', (r) => requests.push({ url: new URL(r.url()).pathname, at: Date.now() }));
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.goto(`${site.url}${path}`);
  const launcher = p.locator('contact-widget').locator('.launcher');
  await launcher.waitFor();
  const files = () => requests.map((r) => r.url).filter((u) => u.startsWith('/w/')).map((u) => u.slice(3).replace(/\.[0-9a-f]{10}\./, '.HASH.'));
  return { context, p, launcher, requests, files, errors };
}

const mounted = (p) => p.waitForFunction(() => document.querySelector('contact-widget')?.shadowRoot.querySelector('#cw-panel'));

test('a page that is never touched downloads only contact-widget.js', async () => {
  const { context, p, files, errors } = await visit();
  await p.waitForLoadState('load');
  // Long past load, idle callbacks and the 3 s idle timeout the widget used to wait for.
  await p.waitForTimeout(4000);
  assert.deepEqual(files(), ['contact-widget.js']);
  assert.equal(await p.evaluate(() => localStorage.length), 0, 'no storage written');
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [how, act] of [
  ['pointing at the launcher', (l) => l.hover()],
  ['touching the launcher on a touch screen', (l) => l.tap()],
  ['focusing the launcher with the keyboard', async (l, p) => { for (let i = 0; i < 10 && !(await l.evaluate((e) => e.getRootNode().activeElement === e)); i++) await p.keyboard.press('Tab'); }],
  ['calling open()', (l, p) => p.evaluate(() => ContactWidget.open())],
]) {
  test(`${how} fetches the glue, the wasm and the language file together`, async () => {
    const { context, p, launcher, files, requests } = await visit({ lang: 'fr', touch: how.includes('touch') });
    await p.waitForTimeout(300);
    assert.deepEqual(files(), ['contact-widget.js']);
    await act(launcher, p);
    await mounted(p);
    assert.deepEqual(files().sort(), ['contact-widget.js', 'locales/fr.json', 'widget.HASH.js', 'widget_bg.HASH.wasm']);
    // No waterfall: all three were asked for within a few milliseconds of each other.
    const lazy = requests.filter((r) => /\/w\/(widget|locales)/.test(r.url)).map((r) => r.at);
    assert.ok(Math.max(...lazy) - Math.min(...lazy) < 100, `requested at once, not one after another: ${lazy}`);
    await context.close();
  });
}

test('a click before the panel is ready shows a busy launcher at once, then opens the panel with focus inside', async () => {
  gate.hold = true;
  const { context, p, launcher } = await visit();
  await launcher.click();
  // Feedback within 100 ms of the click, while the wasm is still on its way.
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').ariaBusy === 'true', null, { timeout: 100 });
  const spinning = await launcher.evaluate((l) => l.getRootNode().getAnimations().map((a) => a.animationName));
  assert.deepEqual(spinning, ['cw-spin']);
  assert.equal(await p.getByRole('dialog').count(), 0);
  gate.release();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.waitFor();
  assert.equal(await launcher.getAttribute('aria-busy'), null);
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement?.className), 'close');
  await context.close();
});

test('with reduced motion the busy launcher does not spin fast', async () => {
  gate.hold = true;
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const { p, launcher } = await visit({ context });
  await launcher.click();
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').ariaBusy === 'true');
  const duration = await launcher.evaluate((l) => getComputedStyle(l, '::before').animationDuration);
  assert.equal(duration, '3s');
  gate.release();
  await context.close();
});

test('a message left waiting on an earlier visit is delivered on the next page load with no interaction', async () => {
  const context = await browser.newContext();
  const first = await visit({ context });
  // The endpoint is down during the first visit.
  await first.p.route('**/api/feedback', (route) => route.fulfill({ status: 503, headers: { 'access-control-allow-origin': '*' } }));
  await first.launcher.click();
  const dialog = first.p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Waiting in the outbox since last time.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'The server had a problem' }).waitFor();
  assert.notEqual(await first.p.evaluate(() => localStorage.getItem('contact-widget:outbox')), null);
  await first.p.close();

  const second = await visit({ context });
  const stored = async () => (await inbox.stored()).filter((r) => r.message === 'Waiting in the outbox since last time.');
  for (let i = 0; i < 100 && (await stored()).length === 0; i++) await second.p.waitForTimeout(100);
  assert.equal((await stored()).length, 1, 'delivered without a hover or click');
  assert.ok(second.files().includes('widget_bg.HASH.wasm'));
  await second.p.waitForFunction(() => localStorage.getItem('contact-widget:outbox') === null);
  await context.close();
});

test('load: "idle" fetches the panel once the page is idle; "eager" at once', async () => {
  for (const load of ['idle', 'eager']) {
    const { context, p, files } = await visit({ config: { load } });
    await mounted(p);
    assert.ok(files().includes('widget_bg.HASH.wasm'), load);
    await context.close();
  }
});
