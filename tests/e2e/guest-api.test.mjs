// The JS API's lifecycle (contracts §7): calls and clicks before the wasm arrives are kept; a
// second copy of the script or a second init() makes no second widget; destroy() leaves the DOM,
// window, listeners and timers as they were before init(); the <contact-widget> element in markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, widgetReady, world } from './support/harness.mjs';
import { instrument, page, serveDist } from './support/guest.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));
const gate = serveDist(pages, () => inbox.url);

let counter = 0;
// `during` (a function's source) runs while the wasm builds the panel over a few tasks: between
// the first of them (which styles the panel: its stylesheet is the one with `.panel` rules) and
// the rest; `window.__during` is set then.
async function visit(body, { hold = false, during = null } = {}) {
  const path = `/api-${++counter}.html`;
  pages[path] = page({ body });
  gate.hold = hold;
  const context = await browser.newContext();
  await context.addInitScript(instrument);
  if (during) await context.addInitScript(whileBuilding, `(${during})()`);
  const opened = await openPage(context, `${site.url}${path}`);
  return { ...opened, context };
}

function whileBuilding(source) {
  const replaceSync = CSSStyleSheet.prototype.replaceSync;
  let done = false;
  CSSStyleSheet.prototype.replaceSync = function (text) {
    if (!done && text.includes('.panel')) {
      done = true;
      setTimeout(() => { window.__during = true; (0, eval)(source); });
    }
    return replaceSync.call(this, text);
  };
}

const snippet = (attributes = '') => `<script src="/w/contact-widget.js" async ${attributes}></script>`;
const endpointAndEmail = () => `data-endpoint="${inbox.url}/api/feedback" data-email="help@example.com"`;
const mounted = (p) => p.evaluate(() => !!document.querySelector('contact-widget')?.shadowRoot.querySelector('#cw-panel'));
const counts = (p) =>
  p.evaluate(() => ({
    hosts: document.querySelectorAll('contact-widget').length,
    launchers: [...document.querySelectorAll('contact-widget')].reduce((n, h) => n + (h.shadowRoot?.querySelectorAll('.launcher').length ?? 0), 0),
    panels: [...document.querySelectorAll('contact-widget')].reduce((n, h) => n + (h.shadowRoot?.querySelectorAll('#cw-panel').length ?? 0), 0),
  }));
const until = async (ok, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error('timed out');
};

test('open() before the wasm has arrived opens the panel once it is ready', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(endpointAndEmail()), { hold: true });
  await p.getByRole('button', { name: 'Contact us' }).waitFor();
  await p.evaluate(() => ContactWidget.open());
  await until(() => gate.waiting > 0);
  assert.equal(await mounted(p), false);
  gate.release();
  await p.getByRole('dialog', { name: 'Contact us' }).waitFor();
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a click on the launcher before the wasm has arrived opens the panel once it is ready', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(endpointAndEmail()), { hold: true });
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('button', { name: 'Contact us' }).click(); // an impatient second press still means "open"
  assert.equal(await mounted(p), false);
  gate.release();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.waitFor();
  await p.waitForTimeout(200);
  assert.ok(await dialog.isVisible());
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('a second copy of the script and a second init() make no second widget', async () => {
  const { page: p, context, pageErrors, consoleMessages } = await visit(snippet(endpointAndEmail()) + snippet(`${endpointAndEmail()} data-title="Second copy"`));
  await widgetReady(p);
  await p.evaluate(async () => {
    const ready = () => new Promise((r) => { const stop = ContactWidget.on('ready', () => { stop(); r(); }); });
    let next = ready();
    ContactWidget.init({ title: 'First init' });
    await next;
    next = ready();
    ContactWidget.init({ title: 'Second init' });
    await next;
  });
  await p.getByRole('button', { name: 'Second init' }).click();
  await p.getByRole('dialog', { name: 'Second init' }).waitFor();
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  const warnings = consoleMessages.filter((m) => m.type === 'warning').map((m) => m.text);
  assert.deepEqual(warnings, ['contact-widget: loaded twice; this copy does nothing']);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('init() twice and update() before the wasm has arrived: one widget, the last config', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(), { hold: true });
  await p.waitForFunction(() => window.ContactWidget);
  await p.evaluate(() => {
    ContactWidget.init({ title: 'A', channels: [{ type: 'email', value: 'a@example.com' }] });
    ContactWidget.init({ title: 'B', channels: [{ type: 'email', value: 'b@example.com' }] });
    ContactWidget.update({ greeting: 'Hello from update' });
    ContactWidget.open();
  });
  await until(() => gate.waiting > 0);
  gate.release();
  const dialog = p.getByRole('dialog', { name: 'B' });
  await dialog.waitFor();
  assert.ok(await dialog.getByText('Hello from update').isVisible());
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('destroy() leaves the DOM, window, listeners and timers as they were before init()', async () => {
  const { page: p, context, pageErrors } = await visit(snippet());
  await p.waitForFunction(() => window.ContactWidget && document.readyState === 'complete');
  await p.waitForTimeout(100);
  const snapshot = () => p.evaluate(() => ({ globals: Object.getOwnPropertyNames(window).sort(), html: document.documentElement.outerHTML, ...window.__guest.snapshot() }));
  const before = await snapshot();
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 0, 'no config, no widget');

  await p.evaluate((endpoint) => ContactWidget.init({ endpoint, channels: [{ type: 'email', value: 'help@example.com' }] }), `${inbox.url}/api/feedback`);
  await widgetReady(p);
  await p.getByRole('button', { name: 'Contact us' }).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill('a draft');
  await p.evaluate(() => ContactWidget.update({ title: 'Updated' }));
  await p.getByRole('dialog', { name: 'Updated' }).waitFor();
  const during = await snapshot();
  assert.notDeepEqual(during.html, before.html);

  await p.evaluate(() => ContactWidget.destroy());
  await p.waitForTimeout(100);
  const after = await snapshot();
  assert.deepEqual(after, before);
  // And it can come back.
  await p.evaluate(() => ContactWidget.init({ title: 'Again', channels: [{ type: 'email', value: 'help@example.com' }] }));
  await p.getByRole('button', { name: 'Again' }).click();
  await p.getByRole('dialog', { name: 'Again' }).waitFor();
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('update() to another language re-renders the panel in it, keeping it open with the draft', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(`${endpointAndEmail()} data-locale="de"`));
  await widgetReady(p);
  await p.getByRole('button', { name: 'Kontakt' }).click();
  await p.getByRole('dialog', { name: 'Kontakt' }).getByRole('textbox').first().fill('ein Entwurf');
  await p.evaluate(() => ContactWidget.update({ locale: 'fr' }));
  const dialog = p.getByRole('dialog', { name: 'Contactez-nous' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'ein Entwurf');
  // While open, the launcher is the Close button (named by the panel's), in the new language too.
  const launcher = p.locator('contact-widget').locator('.launcher');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(await p.locator('contact-widget').getByRole('button', { name: 'Fermer', exact: true }).count(), 2);
  assert.equal(await launcher.textContent(), 'Contactez-nous');
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('destroy() before the wasm has arrived: nothing is mounted when it does', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(endpointAndEmail()), { hold: true });
  await p.getByRole('button', { name: 'Contact us' }).click();
  await until(() => gate.waiting > 0);
  await p.evaluate(() => ContactWidget.destroy());
  gate.release();
  await p.waitForTimeout(500);
  assert.deepEqual(await counts(p), { hosts: 0, launchers: 0, panels: 0 });
  assert.deepEqual(await p.evaluate(() => window.__guest.snapshot().timers), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('init() with a new config while the panel is being built: one widget, the new config', async () => {
  const during = () => ContactWidget.init({ title: 'Second', channels: [{ type: 'email', value: 'b@example.com' }] });
  const { page: p, context, pageErrors } = await visit(snippet(endpointAndEmail()), { during });
  // The visitor reaches for the launcher: the wasm is fetched and the panel built.
  await p.getByRole('button', { name: 'Contact us' }).hover();
  await p.waitForFunction(() => window.__during);
  const dialog = p.getByRole('dialog', { name: 'Second' });
  await p.getByRole('button', { name: 'Second' }).click();
  await dialog.waitFor();
  await p.waitForTimeout(300);
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.adoptedStyleSheets.length), 2, "the loader's sheet and one panel sheet");
  assert.equal(await p.locator('contact-widget').locator('.launcher').getAttribute('aria-controls'), 'cw-panel');
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('destroy() while the panel is being built: nothing is left when it would be done', async () => {
  const { page: p, context, pageErrors } = await visit(snippet(endpointAndEmail()), { during: () => ContactWidget.destroy() });
  // The visitor reaches for the launcher: the wasm is fetched and the panel built.
  await p.getByRole('button', { name: 'Contact us' }).hover();
  await p.waitForFunction(() => window.__during);
  await p.waitForTimeout(500);
  assert.deepEqual(await counts(p), { hosts: 0, launchers: 0, panels: 0 });
  // The panel finished in the meantime was taken down with its listeners and timers.
  const { listeners, timers } = await p.evaluate(() => window.__guest.snapshot());
  assert.deepEqual(listeners.filter((l) => /^(window:(online|pagehide)|document:(toggle|close))\|/.test(l)), []);
  assert.deepEqual(timers, []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('<contact-widget> in markup takes its config from attributes; a re-render keeps one widget', async () => {
  const element = `<contact-widget endpoint="${inbox.url}/api/feedback" email="help@example.com" title="Markup"></contact-widget>`;
  const { page: p, context, pageErrors, consoleMessages } = await visit(element + snippet());
  await widgetReady(p);
  await p.getByRole('button', { name: 'Markup' }).click();
  const dialog = p.getByRole('dialog', { name: 'Markup' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill('typed in markup');
  assert.deepEqual(await p.evaluate(() => [...document.querySelector('contact-widget').shadowRoot.querySelectorAll('a')].map((a) => a.getAttribute('href'))), ['mailto:help@example.com']);

  // A framework removes the element and puts the same one back.
  await p.evaluate(() => { const el = document.querySelector('contact-widget'); el.remove(); document.querySelector('main').append(el); });
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'typed in markup');

  // A framework renders a new element in its place.
  await p.evaluate((html) => { document.querySelector('contact-widget').remove(); document.querySelector('main').insertAdjacentHTML('beforeend', html); }, element);
  await until(async () => true);
  await p.waitForFunction(() => document.querySelector('contact-widget').shadowRoot?.querySelector('#cw-panel'));
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  await p.getByRole('dialog', { name: 'Markup' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'typed in markup');
  await p.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await p.getByRole('button', { name: 'Markup' }).click();
  await dialog.waitFor();

  // A second element while one is shown is ignored, with a warning.
  await p.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), element);
  assert.equal(await p.evaluate(() => [...document.querySelectorAll('contact-widget')].filter((h) => h.shadowRoot).length), 1);
  assert.ok(consoleMessages.some((m) => m.type === 'warning' && /one widget/.test(m.text)));

  // destroy() empties the page's element but leaves it; init() uses it again.
  await p.evaluate(() => ContactWidget.destroy());
  assert.deepEqual(await p.evaluate(() => [...document.querySelectorAll('contact-widget')].map((h) => h.shadowRoot?.childNodes.length ?? null)), [0, null]);
  await p.evaluate(() => ContactWidget.init({ title: 'Back' }));
  await p.getByRole('button', { name: 'Back' }).click();
  await p.getByRole('dialog', { name: 'Back' }).waitFor();
  assert.deepEqual(await counts(p), { hosts: 2, launchers: 1, panels: 1 });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('<contact-widget> in markup follows its attributes; taken out of the page it is torn down as destroy() does; put back it starts again', async () => {
  const { page: p, context, pageErrors } = await visit(snippet());
  await p.waitForFunction(() => window.ContactWidget && document.readyState === 'complete');
  await p.waitForTimeout(100);
  const state = () => p.evaluate(() => window.__guest.snapshot());
  const before = await state();
  const element = `<contact-widget endpoint="${inbox.url}/api/feedback" email="help@example.com"></contact-widget>`;
  await p.evaluate((html) => document.querySelector('main').insertAdjacentHTML('beforeend', html), element);
  await widgetReady(p);
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('dialog', { name: 'Contact us' }).getByRole('textbox', { name: 'Message' }).fill('a draft');

  // A framework changes attributes: the launcher and the open panel follow, the draft stays.
  await p.evaluate(() => { const el = document.querySelector('contact-widget'); el.setAttribute('title', 'Talk to us'); el.setAttribute('phone', '+1 555 0100'); });
  const dialog = p.getByRole('dialog', { name: 'Talk to us' });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'a draft');
  await dialog.locator('a[href="tel:+15550100"]').waitFor();
  await p.evaluate(() => document.querySelector('contact-widget').setAttribute('locale', 'fr'));
  await p.getByRole('dialog', { name: 'Talk to us' }).getByRole('button', { name: 'Fermer', exact: true }).waitFor();

  // Out of the page (a framework unmounted it): nothing of the widget is left running.
  await p.evaluate(() => { window.__element = document.querySelector('contact-widget'); window.__element.remove(); });
  await p.waitForTimeout(300);
  const removed = await state();
  assert.deepEqual(removed, before);
  assert.equal(await p.evaluate(() => window.__element.shadowRoot.childNodes.length), 0);
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 0);
  // A change while out of the page does nothing; put back, it starts again from its attributes.
  await p.evaluate(() => window.__element.setAttribute('title', 'Back again'));
  await p.evaluate(() => document.querySelector('main').append(window.__element));
  await p.getByRole('button', { name: 'Back again' }).click();
  await p.getByRole('dialog', { name: 'Back again' }).waitFor();
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('data-base-url: the script finds the other files where it says, not next to itself', async () => {
  // The loader alone at /alone/; the rest only under /w/ (as on a CDN).
  pages['/alone/contact-widget.js'] = pages['/w/contact-widget.js'];
  const { page: p, context, pageErrors, consoleMessages } = await visit(`<script src="/alone/contact-widget.js" async ${endpointAndEmail()} data-locale="fr" data-base-url="/w"></script>`);
  await p.getByRole('button', { name: 'Contactez-nous' }).click();
  await p.getByRole('dialog', { name: 'Contactez-nous' }).waitFor();
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
  // Without it, the files are looked for next to the script: the console says so, naming baseUrl.
  const lost = await visit(`<script src="/alone/contact-widget.js" async ${endpointAndEmail()}></script>`);
  await lost.page.getByRole('button', { name: 'Contact us' }).click();
  await until(() => lost.consoleMessages.some((m) => m.type === 'error' && /could not load .*baseUrl/.test(m.text)));
  assert.deepEqual(lost.pageErrors, []);
  await lost.context.close();
});

test('the API called from a listener of our own events, and the launcher after update()', async () => {
  const { page: p, context, pageErrors, consoleMessages } = await visit(snippet(endpointAndEmail()));
  await widgetReady(p);
  // A page that reacts to our events by calling the API while the widget is busy opening.
  await p.evaluate(() => ContactWidget.on('open', () => ContactWidget.update({ greeting: 'Changed on open' })));
  await p.getByRole('button', { name: 'Contact us' }).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByText('Changed on open').waitFor();
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error').map((m) => m.text), []);
  // The launcher the wasm updates is the one on the page, also after update() redrew it.
  await p.evaluate(() => ContactWidget.update({ title: 'Talk to us', theme: { launcher: 'icon' } }));
  const launcher = p.locator('contact-widget').locator('.launcher');
  assert.equal(await launcher.getAttribute('aria-label'), 'Talk to us');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  await p.keyboard.press('Escape');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  await p.getByRole('button', { name: 'Talk to us' }).waitFor();
  await launcher.click();
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.deepEqual(await counts(p), { hosts: 1, launchers: 1, panels: 1 });
  await context.close();
});
