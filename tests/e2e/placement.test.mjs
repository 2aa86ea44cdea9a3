// Placement: six positions, offsets and z-index, safe areas, the small-screen sheet that follows
// the visual viewport (on-screen keyboard), and a host page's modal <dialog>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left', 'middle-right', 'middle-left'];
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 667 };

function page(config, { body = '', head = '' } = {}) {
  const path = `/placement-${Object.keys(pages).length}.html`;
  const full = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], ...config };
  pages[path] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<link rel="icon" href="data:,"><title>Placement</title>${head}</head><body><main><h1>Placement</h1><p>${'Host text. '.repeat(400)}</p></main>${body}
<script type="application/json" id="contact-widget-config">${JSON.stringify(full)}</script><script src="${inbox.url}/dist/contact-widget.js" async></script></body></html>`;
  return `${site.url}${path}`;
}

async function open(url, viewport, mobile = false) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce', ...(mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.goto(url);
  await widgetReady(p);
  return { context, p, errors };
}

const box = (p, selector) => p.evaluate((s) => {
  const r = document.querySelector('contact-widget').shadowRoot.querySelector(s).getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
}, selector);

const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1, `${what}: ${a}, expected ${b}`);

function onScreen(r, viewport, what) {
  assert.ok(r.left >= -0.5 && r.top >= -0.5 && r.right <= viewport.width + 0.5 && r.bottom <= viewport.height + 0.5, `${what} is off-screen: ${JSON.stringify(r)}`);
}

/** The launcher's expected box edges for a position and offsets (the safe areas are 0 here). */
function expectLauncher(position, viewport, l, x = 20, y = 20) {
  if (position.endsWith('right')) close(l.right, viewport.width - x, `${position} launcher right`);
  else close(l.left, x, `${position} launcher left`);
  if (position.startsWith('bottom')) close(l.bottom, viewport.height - y, `${position} launcher bottom`);
  else if (position.startsWith('top')) close(l.top, y, `${position} launcher top`);
  else close(l.top, viewport.height / 2 - 28, `${position} launcher top`);
}

for (const viewport of [DESKTOP, PHONE]) {
  for (const position of POSITIONS) {
    test(`${position} at ${viewport.width}x${viewport.height}: the launcher where expected, the panel on-screen beside it`, async () => {
      const { context, p, errors } = await open(page({ position }), viewport);
      const l = await box(p, '.launcher');
      expectLauncher(position, viewport, l);
      await p.locator('contact-widget .launcher').click();
      await p.getByRole('dialog').waitFor();
      const panel = await box(p, '#cw-panel');
      onScreen(panel, viewport, 'the panel');
      // While the panel is open the launcher is its Close button (a round cross): beside that.
      const lOpen = await box(p, '.launcher');
      if (viewport.width <= 480) {
        // The sheet: the whole width and the whole (visual) viewport's height.
        assert.deepEqual([panel.left, panel.top, panel.width, panel.height], [0, 0, viewport.width, viewport.height]);
      } else {
        // Beside the launcher, not over it: above or below it, or for the middle positions next to it.
        const overlap = !(panel.right <= lOpen.left || panel.left >= lOpen.right || panel.bottom <= lOpen.top || panel.top >= lOpen.bottom);
        assert.ok(!overlap, `the panel ${JSON.stringify(panel)} covers the launcher ${JSON.stringify(lOpen)}`);
        if (position.startsWith('bottom')) close(panel.bottom, lOpen.top - 16, 'the panel sits above the launcher');
        if (position.startsWith('top')) close(panel.top, lOpen.bottom + 16, 'the panel sits below the launcher');
        if (position.endsWith('right') && !position.startsWith('middle')) close(panel.right, lOpen.right, 'the panel lines up with the launcher');
        if (position.endsWith('left') && !position.startsWith('middle')) close(panel.left, lOpen.left, 'the panel lines up with the launcher');
        if (position === 'middle-right') close(panel.right, lOpen.left - 16, 'the panel sits left of the launcher');
        if (position === 'middle-left') close(panel.left, lOpen.right + 16, 'the panel sits right of the launcher');
        if (position.startsWith('middle')) close((panel.top + panel.bottom) / 2, viewport.height / 2, 'the panel is centred vertically');
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}

test('offsetX and offsetY move the launcher and the panel with it; middle positions ignore offsetY', async () => {
  for (const position of ['bottom-left', 'top-right', 'middle-left']) {
    const { context, p } = await open(page({ position, offsetX: 48, offsetY: 100 }), DESKTOP);
    const l = await box(p, '.launcher');
    expectLauncher(position, DESKTOP, l, 48, 100);
    await p.locator('contact-widget .launcher').click();
    await p.getByRole('dialog').waitFor();
    const panel = await box(p, '#cw-panel');
    onScreen(panel, DESKTOP, 'the panel');
    if (position === 'bottom-left') close(panel.left, 48, 'panel left');
    if (position === 'top-right') close(panel.top, 100 + 52 + 16, 'panel top');
    await context.close();
  }
});

test('zIndex sets the stacking order of the launcher and the panel against the page', async () => {
  const cover = '<div id="cover" style="position:fixed;inset:auto 0 0 auto;width:300px;height:300px;z-index:10;background:#eee"></div>';
  const hit = (p) => p.evaluate(() => {
    const r = document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).id || document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).localName;
  });
  let { context, p } = await open(page({}, { body: cover }), DESKTOP);
  assert.equal(await hit(p), 'contact-widget', 'by default the widget is above the page');
  await context.close();
  ({ context, p } = await open(page({ zIndex: 5 }, { body: cover }), DESKTOP));
  assert.equal(await hit(p), 'cover', 'zIndex 5 puts it below an element at z-index 10');
  await p.evaluate(() => document.getElementById('cover').remove());
  await p.locator('contact-widget .launcher').click();
  const z = await p.evaluate(() => ['.launcher', '#cw-panel'].map((s) => getComputedStyle(document.querySelector('contact-widget').shadowRoot.querySelector(s)).zIndex));
  assert.deepEqual(z, ['5', '5']);
  await context.close();
});

test('the safe areas (notches, rounded corners) add to the offsets', async () => {
  const { context, p } = await open(page({ position: 'bottom-right' }), PHONE, true);
  // The rules themselves use env(safe-area-inset-*) on every side.
  const rules = await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.adoptedStyleSheets.flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\n'));
  for (const side of ['top', 'right', 'bottom', 'left']) assert.match(rules, new RegExp(`env\\(safe-area-inset-${side}`), side);
  // And they apply: with emulated insets the launcher moves in by them.
  const cdp = await context.newCDPSession(p);
  await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets: { top: 44, right: 10, bottom: 34, left: 10 } });
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').getBoundingClientRect().bottom < innerHeight - 40);
  const l = await box(p, '.launcher');
  close(l.bottom, PHONE.height - 20 - 34, 'launcher bottom with a 34 px inset');
  close(l.right, PHONE.width - 20 - 10, 'launcher right with a 10 px inset');
  // The sheet keeps its content out of the notch.
  await p.locator('contact-widget .launcher').tap();
  await p.getByRole('dialog').waitFor();
  const head = await box(p, '.head');
  close(head.top, 44, "the sheet's header below a 44 px top inset");
  await context.close();
});

test('small screens: the sheet follows the visual viewport, so the on-screen keyboard never hides the focused field', async () => {
  const { context, p, errors } = await open(page({ form: { email: 'optional', name: 'optional' } }), PHONE, true);
  await p.locator('contact-widget .launcher').tap();
  await p.getByRole('dialog').waitFor();
  let panel = await box(p, '#cw-panel');
  assert.deepEqual([panel.left, panel.top, panel.width, panel.height], [0, 0, 375, 667]);
  await p.locator('contact-widget #cw-message').focus();
  // The keyboard opens: the visible area shrinks to 320 px.
  await p.setViewportSize({ width: 375, height: 320 });
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('#cw-panel').getBoundingClientRect().height < 330);
  const state = await p.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const panel = root.querySelector('#cw-panel');
    const t = root.activeElement.getBoundingClientRect();
    return { vv: visualViewport.height, height: panel.getBoundingClientRect().height, variable: panel.style.getPropertyValue('--cw-vv-height'), top: t.top, bottom: t.bottom, focused: root.activeElement.id };
  });
  assert.equal(state.focused, 'cw-message');
  close(state.height, state.vv, 'the sheet is as tall as the visual viewport');
  assert.equal(state.variable, `${state.vv}px`, 'the widget set the height from window.visualViewport');
  assert.ok(state.top >= 0 && state.bottom <= state.vv, `the focused field is visible: ${state.top}..${state.bottom} in 0..${state.vv}`);
  // The keyboard closes: the sheet grows back.
  await p.setViewportSize(PHONE);
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('#cw-panel').getBoundingClientRect().height > 660);
  panel = await box(p, '#cw-panel');
  onScreen(panel, PHONE, 'the sheet');
  // Closed, the widget stops following the viewport.
  await p.keyboard.press('Escape');
  await p.setViewportSize({ width: 375, height: 400 });
  await p.waitForTimeout(200);
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.querySelector('#cw-panel').style.getPropertyValue('--cw-vv-height')), '667px');
  assert.deepEqual(errors, []);
  await context.close();
});

test("a host page's modal dialog: the launcher and the panel stay reachable, and go back when it closes", async () => {
  const dialog = '<dialog id="consent"><p>Cookie settings</p><button id="ok" type="button">OK</button></dialog>';
  const { context, p, errors } = await open(page({}, { body: dialog }), DESKTOP);
  const parent = () => p.evaluate(() => document.querySelector('contact-widget').parentNode.localName);
  await p.evaluate(() => document.getElementById('consent').showModal());
  await p.waitForFunction(() => document.querySelector('contact-widget').parentNode.localName === 'dialog');
  // Clickable (not inert, not under the backdrop), and the panel is usable.
  await p.locator('contact-widget .launcher').click({ timeout: 5000 });
  const panel = p.getByRole('dialog', { name: 'Contact us' });
  await panel.waitFor();
  await panel.locator('#cw-message').fill('Typed while the host dialog is open');
  assert.equal(await panel.locator('#cw-message').inputValue(), 'Typed while the host dialog is open');
  const l = await box(p, '.launcher');
  expectLauncher('bottom-right', DESKTOP, l);
  // The host closes its dialog: the widget goes back to <body>, still open, text and focus kept.
  await p.evaluate(() => document.getElementById('consent').close());
  await p.waitForFunction(() => document.querySelector('contact-widget').parentNode === document.body);
  assert.equal(await panel.isVisible(), true);
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement?.id), 'cw-message');
  assert.equal(await panel.locator('#cw-message').inputValue(), 'Typed while the host dialog is open');
  assert.equal(await parent(), 'body');
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 1);
  // Opened while the panel is open: it stays open and usable.
  await p.evaluate(() => document.getElementById('consent').showModal());
  await p.waitForFunction(() => document.querySelector('contact-widget').parentNode.localName === 'dialog');
  await panel.locator('#cw-message').fill('Still here');
  await panel.locator('.close').click();
  await p.locator('contact-widget .launcher').click();
  await panel.waitFor();
  await p.keyboard.press('Escape');
  assert.equal(await p.evaluate(() => document.getElementById('consent').open), true, "our Escape closes our panel, not the host's dialog");
  await p.locator('#ok').click();
  assert.deepEqual(errors, []);
  await context.close();
});
