// What owners control: `pages` (where the widget shows, by path, checked again on every
// client-side navigation of a real React Router app), `delay` (the launcher appears later, the
// panel never opens by itself), and `insights` off (no event request, ever).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { openPage, widgetReady, world } from './support/harness.mjs';
import { page, serveDist } from './support/guest.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));
serveDist(pages, () => inbox.url);

// A small shop on React Router: links between a home page, a product, the checkout and an
// account page, all client-side (history.pushState).
const APP = `
import React from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Routes, Route, Link } from 'react-router';
const Nav = () => <nav>
  <Link to="/">Home</Link> <Link to="/shop/beans">Beans</Link>
  <Link to="/checkout/pay">Checkout</Link> <Link to="/account">Account</Link>
</nav>;
const Screen = ({ title }) => <main><Nav /><h1>{title}</h1></main>;
createRoot(document.getElementById('app')).render(<BrowserRouter><Routes>
  <Route path="/" element={<Screen title="Home" />} />
  <Route path="/shop/:item" element={<Screen title="Product" />} />
  <Route path="/checkout/*" element={<Screen title="Checkout" />} />
  <Route path="/account" element={<Screen title="Account" />} />
</Routes></BrowserRouter>);
`;

let bundle;
async function app() {
  bundle ??= (await esbuild.build({
    stdin: { contents: APP, loader: 'jsx', resolveDir: path.dirname(fileURLToPath(import.meta.url)) },
    bundle: true, write: false, format: 'iife', minify: true, jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  })).outputFiles[0].text;
  return bundle;
}

/** The shop at `/`, with the widget configured by `config` (a JSON block). */
async function shop(config) {
  pages['/app.js'] = async (req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(await app());
  const json = JSON.stringify({ endpoint: `${inbox.url}/api/feedback`, channels: [{ type: 'phone', value: '+1 555 0100 123' }, { type: 'email', value: 'help@example.com' }], ...config });
  pages['/'] = page({
    body: `<div id="app"></div><script src="/app.js" defer></script>
      <script type="application/json" id="contact-widget-config">${json}</script>
      <script src="/w/contact-widget.js" async></script>`,
  });
  const opened = await openPage(browser, `${site.url}/`);
  await opened.page.getByRole('heading', { name: 'Home' }).waitFor();
  return opened;
}

const launcher = (p) => p.getByRole('button', { name: 'Contact us' });
const go = async (p, link, heading) => {
  await p.getByRole('link', { name: link }).click();
  await p.getByRole('heading', { name: heading }).waitFor();
};

test('pages.exclude hides the launcher on those paths as a React Router app navigates, and shows it again', async () => {
  const { page: p, pageErrors } = await shop({ pages: { exclude: ['/checkout/*', '/account'] } });
  await launcher(p).waitFor();
  await go(p, 'Beans', 'Product');
  assert.ok(await launcher(p).isVisible(), 'shown on a product page');
  await go(p, 'Checkout', 'Checkout');
  await launcher(p).waitFor({ state: 'hidden' });
  await go(p, 'Account', 'Account');
  assert.equal(await launcher(p).isVisible(), false, 'hidden on /account');
  await p.goBack();
  await p.getByRole('heading', { name: 'Checkout' }).waitFor();
  assert.equal(await launcher(p).isVisible(), false, 'still hidden after going back to the checkout');
  await go(p, 'Home', 'Home');
  await launcher(p).waitFor();
  // The panel still works where the widget shows.
  await widgetReady(p);
  await launcher(p).click();
  await p.getByRole('dialog', { name: 'Contact us' }).waitFor();
  assert.deepEqual(pageErrors, []);
  await p.close();
});

test('pages.include shows the widget only on matching paths; a page outside them never loads the panel', async () => {
  const { page: p } = await shop({ pages: { include: ['/shop/*'] } });
  const requests = [];
  p.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await p.waitForTimeout(300);
  assert.equal(await launcher(p).isVisible(), false, 'not on the home page');
  await go(p, 'Beans', 'Product');
  await launcher(p).waitFor();
  await go(p, 'Home', 'Home');
  await launcher(p).waitFor({ state: 'hidden' });
  assert.ok(!requests.some((r) => /\/w\/widget[._]/.test(r)), `nothing but the loader was fetched: ${requests}`);
  await p.close();
});

test('delay: the launcher appears after the given seconds, and the panel never opens by itself', async () => {
  const { page: p } = await shop({ delay: 2 });
  const start = Date.now();
  await p.waitForTimeout(500);
  assert.equal(await launcher(p).isVisible(), false, 'not yet');
  await launcher(p).waitFor({ timeout: 5000 });
  assert.ok(Date.now() - start >= 1500, 'shown after about 2 seconds');
  await p.waitForTimeout(1500);
  assert.equal(await p.getByRole('dialog').count(), 0, 'no panel opened');
  assert.equal(await launcher(p).getAttribute('aria-expanded'), 'false');
  await p.close();
});

test('with insights off (the default) no event request is ever made', async () => {
  const { page: p } = await shop({ form: { email: 'optional' } });
  const events = [];
  p.on('request', (r) => { if (r.url().includes('/api/events')) events.push(r.url()); });
  await widgetReady(p);
  await launcher(p).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('button', { name: /^Copy/ }).click();
  await dialog.getByRole('button', { name: /^QR code/ }).click();
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Hello, no counting please');
  await p.waitForTimeout(2100);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByText('Thank you!').waitFor();
  await p.waitForTimeout(300);
  assert.deepEqual(events, []);
  await p.close();
});
