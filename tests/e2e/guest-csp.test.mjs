// A strict Content-Security-Policy: the widget works with zero violations (constructed
// stylesheets, no inline script or style, no eval, Trusted Types enforced), with a nonce and
// 'strict-dynamic' too; without 'wasm-unsafe-eval' the page is unharmed and the launcher becomes
// a link to another way of contact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanPause, openPage, widgetReady, world } from './support/harness.mjs';
import { instrument, page, serveDist, withHeaders } from './support/guest.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));
const gate = serveDist(pages, () => inbox.url);

const json = (config) => `<script type="application/json" id="contact-widget-config">${JSON.stringify(config)}</script>`;
// `trusted-types 'none'` on top of the brief's policy: the widget creates no Trusted Types policy.
const policy = (script, connect = `'self' ${inbox.url}`) =>
  `default-src 'none'; script-src ${script}; style-src 'self'; connect-src ${connect}; img-src 'self'; require-trusted-types-for 'script'; trusted-types 'none'`;

async function until(ok, ms = 10_000) {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error('timed out');
}

let counter = 0;
async function visit({ csp, body, head = '', hold = false }) {
  gate.hold = hold;
  const path = `/csp-${++counter}.html`;
  pages[path] = withHeaders(page({ head, body }), { 'content-security-policy': csp });
  const context = await browser.newContext();
  await context.addInitScript(instrument);
  const opened = await openPage(context, `${site.url}${path}`);
  return { ...opened, context, violations: () => opened.page.evaluate(() => window.__guest.violations) };
}

const launcherHref = (page) =>
  page.evaluate(() => document.querySelector('contact-widget')?.shadowRoot.querySelector('.launcher')?.getAttribute('href'));

async function sendsToInbox(page, message) {
  await page.getByRole('button', { name: 'Contact us' }).click();
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill(message);
  await humanPause(page);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Thank you' }).waitFor({ timeout: 20_000 });
  const stored = (await inbox.stored()).filter((r) => r.message === message);
  assert.equal(stored.length, 1);
}

test("script-src 'self' 'wasm-unsafe-eval', style-src 'self', Trusted Types: it works with zero violations", async () => {
  // A fixed scheme too: the loader sets it through CSSOM (root.style), which a policy does not govern.
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], locale: 'fr', theme: { scheme: 'dark' } };
  const { page: p, context, pageErrors, consoleMessages, violations } = await visit({
    csp: policy("'self' 'wasm-unsafe-eval'"),
    body: `${json(config)}<script src="/w/contact-widget.js" async></script>`,
  });
  // French: a language file is fetched too (connect-src 'self').
  await p.getByRole('button', { name: /Contact|Contactez/ }).waitFor();
  assert.equal(await p.evaluate(() => getComputedStyle(document.querySelector('contact-widget').shadowRoot.querySelector('.cw')).colorScheme), 'dark');
  await p.evaluate(() => ContactWidget.update({ locale: 'en' }));
  await sendsToInbox(p, 'sent under a strict CSP');
  assert.deepEqual(await violations(), []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error'), []);
  await context.close();
});

test('nothing but script-src and connect-src: no style-src or img-src is needed', async () => {
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }] };
  const { page: p, context, pageErrors, violations } = await visit({
    csp: `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${inbox.url}`,
    body: `${json(config)}<script src="/w/contact-widget.js" async></script>`,
  });
  await widgetReady(p);
  await p.getByRole('button', { name: 'Contact us' }).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.waitFor();
  // Styled: the panel is laid out as a box, not as unstyled inline text.
  assert.equal(await dialog.evaluate((d) => getComputedStyle(d).position), 'fixed');
  // (The host page's own favicon is refused by this policy; that one is not ours.)
  assert.deepEqual((await violations()).filter((v) => !v.blocked.endsWith('/favicon.ico')), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('served from another origin (the inbox): that origin in script-src and connect-src is all it needs', async () => {
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }], locale: 'de' };
  const { page: p, context, pageErrors, violations } = await visit({
    csp: policy(`${inbox.url} 'wasm-unsafe-eval'`, inbox.url),
    body: `${json(config)}<script src="${inbox.url}/dist/contact-widget.js" async></script>`,
  });
  await widgetReady(p);
  await p.evaluate(() => ContactWidget.update({ locale: 'en' }));
  await sendsToInbox(p, 'sent from a widget on another origin');
  assert.deepEqual(await violations(), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("a nonce alone (no 'self', no 'strict-dynamic'): the nonce of the loader's tag carries to what it imports", async () => {
  const nonce = 'n0nceW1thoutStrictDynamic';
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }] };
  const { page: p, context, pageErrors, violations } = await visit({
    csp: policy(`'nonce-${nonce}' 'wasm-unsafe-eval'`),
    body: `${json(config)}<script src="/w/contact-widget.js" nonce="${nonce}" async></script>`,
  });
  await widgetReady(p);
  assert.deepEqual(await violations(), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("a nonce with 'strict-dynamic': the nonced loader brings in the rest, with zero violations", async () => {
  const nonce = 'r4nd0mN0nce';
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'email', value: 'help@example.com' }] };
  const { page: p, context, pageErrors, violations } = await visit({
    csp: policy(`'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`),
    body: `${json(config)}<script src="/w/contact-widget.js" nonce="${nonce}" async></script>`,
  });
  await sendsToInbox(p, 'sent with a nonce');
  assert.deepEqual(await violations(), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("without 'wasm-unsafe-eval' the launcher links to the first e-mail and the console names the directive", async () => {
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'telegram', value: '@examplehq' }, { type: 'email', value: 'help@example.com' }, { type: 'phone', value: '+1 555 0100 123' }] };
  const { page: p, context, pageErrors, consoleMessages, violations } = await visit({
    csp: policy("'self'"),
    body: `${json(config)}<script src="/w/contact-widget.js" async></script>`,
    hold: true,
  });
  // The visitor reaches for the launcher (by keyboard) before the wasm has arrived.
  await p.getByRole('button', { name: 'Contact us' }).focus();
  await p.keyboard.press('Enter');
  gate.release();
  await p.waitForFunction(() => document.querySelector('contact-widget')?.shadowRoot.querySelector('a.launcher'));
  assert.equal(await launcherHref(p), 'mailto:help@example.com');
  assert.equal(await p.evaluate(() => document.querySelector('contact-widget').shadowRoot.activeElement?.tagName), 'A', 'focus stays on the launcher, now a link');
  assert.ok(await p.getByRole('link', { name: 'Contact us' }).isVisible());
  const errors = consoleMessages.filter((m) => m.type === 'error' && m.text.startsWith('contact-widget:'));
  assert.equal(errors.length, 1, JSON.stringify(consoleMessages));
  assert.match(errors[0].text, /'wasm-unsafe-eval'/);
  // The browser's own report of it (which also shows the violation listener works).
  assert.deepEqual((await violations()).map((v) => [v.directive, v.blocked]), [['script-src', 'wasm-eval']]);
  assert.deepEqual(pageErrors, []);
  // The page is unharmed: its own link still works, the API is a quiet no-op.
  await p.evaluate(() => { ContactWidget.open(); ContactWidget.update({ title: 'x' }); ContactWidget.close(); });
  assert.deepEqual(pageErrors, []);
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 1);
  await context.close();
});

test("without 'wasm-unsafe-eval' a configured fallback wins; a phone is used when there is no e-mail", async () => {
  for (const [config, href] of [
    [{ fallback: 'https://example.com/contact', channels: [{ type: 'email', value: 'help@example.com' }] }, 'https://example.com/contact'],
    [{ channels: [{ type: 'x', value: '@examplehq' }, { type: 'phone', value: '+1 (555) 010-0100' }] }, 'tel:+15550100100'],
  ]) {
    const { page: p, context, pageErrors } = await visit({ csp: policy("'self'"), body: `${json(config)}<script src="/w/contact-widget.js" async></script>` });
    // The visitor reaches for the launcher: loading starts, the wasm is refused, the link takes over.
    await p.locator('contact-widget .launcher').hover();
    await p.waitForFunction(() => document.querySelector('contact-widget')?.shadowRoot.querySelector('a.launcher'));
    assert.equal(await launcherHref(p), href);
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});

test("without 'wasm-unsafe-eval' and no way to reach anyone, the widget removes itself", async () => {
  const config = { endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'telegram', value: '@examplehq' }] };
  const { page: p, context, pageErrors, consoleMessages } = await visit({ csp: policy("'self'"), body: `${json(config)}<script src="/w/contact-widget.js" async></script>` });
  await p.locator('contact-widget .launcher').hover();
  await until(() => consoleMessages.some((m) => m.type === 'error'));
  await p.waitForTimeout(300); // no re-attach after removal
  assert.equal(await p.evaluate(() => document.querySelectorAll('contact-widget').length), 0);
  assert.ok(consoleMessages.some((m) => m.type === 'error' && /'wasm-unsafe-eval'.*removed itself/.test(m.text)), JSON.stringify(consoleMessages));
  assert.deepEqual(pageErrors, []);
  await context.close();
});
