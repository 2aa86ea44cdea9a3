// A single-page app: 20 route changes by pushState, popstate and hash, some re-rendering the
// body's content or replacing the <body> element itself. One widget survives all of them, with
// its open panel and the visitor's draft, and without a document-wide MutationObserver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, widgetReady, world } from './support/harness.mjs';
import { instrument, page, serveDist } from './support/guest.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));
const gate = serveDist(pages, () => inbox.url);

const counts = (p) =>
  p.evaluate(() => {
    const hosts = document.querySelectorAll('contact-widget');
    const shadow = hosts[0]?.shadowRoot;
    return {
      hosts: hosts.length,
      inBody: hosts[0]?.parentNode === document.body,
      launchers: shadow?.querySelectorAll('.launcher').length,
      panels: shadow?.querySelectorAll('#cw-panel').length,
      expanded: shadow?.querySelector('.launcher')?.getAttribute('aria-expanded'),
    };
  });

// What frameworks do on a route change, in turn.
async function navigate(p, i) {
  await p.evaluate(async (i) => {
    const settle = () => new Promise((r) => setTimeout(r, 20));
    const render = (title) => `<main><h1>${title}</h1><p>Route content ${i}</p><a href="#x">link</a></main>`;
    switch (i % 5) {
      case 0: history.pushState({ i }, '', `/app/route-${i}`); document.body.innerHTML = render(`Route ${i}`); break;
      case 1: { history.pushState({ i }, '', `/app/route-${i}`); const body = document.createElement('body'); body.innerHTML = render(`New body ${i}`); document.documentElement.replaceChild(body, document.body); break; }
      case 2: location.hash = `section-${i}`; break;
      case 3: { const back = new Promise((r) => addEventListener('popstate', r, { once: true })); history.back(); await back; document.body.replaceChildren(...new DOMParser().parseFromString(render(`Back ${i}`), 'text/html').body.childNodes); break; }
      case 4: history.replaceState({ i }, '', `/app/route-${i}?q=${i}`); document.body.textContent = ''; document.body.insertAdjacentHTML('beforeend', render(`Replaced ${i}`)); break;
    }
    await settle();
  }, i);
}

test('20 route changes: one widget, its panel still open, the draft still there, no errors', async () => {
  pages['/app/start'] = page({
    body: `<script src="/w/contact-widget.js" async data-endpoint="${inbox.url}/api/feedback" data-email="help@example.com"></script>`,
  });
  const context = await browser.newContext();
  await context.addInitScript(instrument);
  const { page: p, pageErrors, consoleMessages } = await openPage(context, `${site.url}/app/start`);
  await widgetReady(p);
  await p.getByRole('button', { name: 'Contact us' }).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill('typed before the app moved on');

  for (let i = 0; i < 20; i++) {
    await navigate(p, i);
    assert.deepEqual(await counts(p), { hosts: 1, inBody: true, launchers: 1, panels: 1, expanded: 'true' }, `after route change ${i}`);
  }
  assert.ok(await dialog.isVisible());
  assert.equal(await dialog.getByRole('textbox', { name: 'Message' }).inputValue(), 'typed before the app moved on');
  // Still alive: it closes and opens again. (Focus went with the old body; the visitor clicks back in.)
  await dialog.getByRole('textbox', { name: 'Message' }).click();
  await p.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  await p.getByRole('button', { name: 'Contact us' }).click();
  await dialog.waitFor();

  const observed = await p.evaluate(() => window.__guest.observed);
  // (Playwright's injected script observes the document for its own purposes; its stack says so.)
  assert.deepEqual(observed.filter((o) => o.documentWide && !/InjectedScript/.test(o.stack)), [], 'no document-wide MutationObserver');
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
});

test('a route change before the wasm has loaded keeps the launcher and the pending open()', async () => {
  pages['/app/early'] = page({
    body: `<script src="/w/contact-widget.js" async data-endpoint="${inbox.url}/api/feedback" data-email="help@example.com"></script>`,
  });
  gate.hold = true;
  const { page: p, pageErrors } = await openPage(browser, `${site.url}/app/early`);
  await p.getByRole('button', { name: 'Contact us' }).waitFor();
  await p.evaluate(() => ContactWidget.open());
  for (let i = 0; i < 5; i++) await navigate(p, i);
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.querySelector('#cw-panel')), null, 'the wasm is held back');
  gate.release();
  await p.getByRole('dialog', { name: 'Contact us' }).waitFor();
  assert.deepEqual(await counts(p), { hosts: 1, inBody: true, launchers: 1, panels: 1, expanded: 'true' });
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('a page that keeps removing the widget wins, and is never frozen by a tug of war', async () => {
  pages['/app/hostile'] = page({
    body: `<script>new MutationObserver(() => document.querySelector('contact-widget')?.remove()).observe(document.body, { childList: true });</script>
<script src="/w/contact-widget.js" async data-email="help@example.com"></script>`,
  });
  const { page: p, pageErrors, consoleMessages } = await openPage(browser, `${site.url}/app/hostile`);
  await p.waitForFunction(() => window.ContactWidget);
  await p.waitForTimeout(300);
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 0);
  const warnings = consoleMessages.filter((m) => m.type === 'warning').map((m) => m.text);
  assert.deepEqual(warnings, ['contact-widget: the page keeps removing <contact-widget>']);
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('the page may move the widget elsewhere (e.g. into its own container); it is not pulled back', async () => {
  pages['/app/moved'] = page({ body: `<div id="shell"></div><script src="/w/contact-widget.js" async data-email="help@example.com"></script>` });
  const { page: p, pageErrors } = await openPage(browser, `${site.url}/app/moved`);
  await widgetReady(p);
  await p.evaluate(() => document.getElementById('shell').append(document.querySelector('contact-widget')));
  await p.waitForTimeout(100);
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').parentNode.id), 'shell');
  await p.getByRole('button', { name: 'Contact us' }).click();
  await p.getByRole('dialog', { name: 'Contact us' }).waitFor();
  assert.deepEqual(pageErrors, []);
  await p.close();
});
