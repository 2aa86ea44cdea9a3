// The docs site (www/docs/, generated from docs/*.md by cargo xtask dist) as the inbox serves it:
// every page and every same-site link answers and lands on its heading, the generated tables
// match the schema, the inbox chapter names every setting the inbox reads, no page repeats a
// sentence that is no longer true, and the search box finds sections in the browser under the
// pages' strict CSP, with the keyboard, and axe finds nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, launch, startInbox } from './support/harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let inbox, browser;
before(async () => { inbox = await startInbox(); browser = await launch(); });
after(async () => { await browser?.close(); await inbox?.stop(); });

async function get(url) {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** The pages the navigation lists, as URLs. */
async function docsPages() {
  const index = await get(`${inbox.url}/docs/index.html`);
  assert.equal(index.status, 200);
  return [...index.text.matchAll(/<nav[\s\S]*?<\/nav>/g)][0][0].match(/href="([^"]+)"/g).map((h) => new URL(h.slice(6, -1), `${inbox.url}/docs/`));
}

test('every docs page is served and every link on it to this site answers and lands on its heading', async () => {
  const pages = await docsPages();
  assert.ok(pages.length >= 11, pages.join(', '));
  assert.ok(pages.some((url) => url.pathname === '/docs/inbox.html'), 'the inbox has its chapter');
  const texts = new Map();
  const text = async (url) => {
    const key = url.href.replace(/#.*/, '');
    if (!texts.has(key)) texts.set(key, await get(key));
    return texts.get(key);
  };
  const checked = new Set();
  for (const url of pages) {
    const { status, text: html } = await text(url);
    assert.equal(status, 200, url.href);
    assert.match(html, /<h1[ >]/, url.href);
    for (const [, href] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      const target = new URL(href.replaceAll('&amp;', '&'), url);
      if (target.origin !== inbox.url || checked.has(target.href)) continue;
      checked.add(target.href);
      const answer = await text(target);
      assert.equal(answer.status, 200, `${url.pathname} links to ${target.href}`);
      if (target.hash) assert.ok(answer.text.includes(`id="${decodeURIComponent(target.hash.slice(1))}"`), `${url.pathname} links to ${target.href}, which has no such heading`);
    }
  }
  assert.ok(checked.has(`${inbox.url}/configurator.html`), 'the docs link to the configurator');
  assert.ok(checked.has(`${inbox.url}/docs/search.js`), 'every page loads the search');
});

test('the generated tables name every channel type and text key the schema knows', async () => {
  const schema = JSON.parse(fs.readFileSync(path.join(DIST, 'config.schema.json'), 'utf8'));
  const channels = (await get(`${inbox.url}/docs/channels.html`)).text;
  for (const type of schema.$defs.channel.properties.type.enum) assert.ok(channels.includes(`<td><code>${type}</code></td>`), type);
  const options = (await get(`${inbox.url}/docs/options.html`)).text;
  for (const key of Object.keys(schema.properties.texts.properties)) assert.ok(options.includes(`<td><code>${key}</code></td>`), key);
  for (const key of Object.keys(schema.properties)) assert.ok(options.includes(`<code>${key}</code>`), key);
  // The sizes are the budget's and this build's.
  const budget = JSON.parse(fs.readFileSync(path.join(ROOT, 'size-budget.json'), 'utf8'));
  const index = (await get(`${inbox.url}/docs/index.html`)).text;
  for (const file of Object.keys(budget.brotli.files).filter((f) => !f.startsWith('locales/'))) {
    assert.match(index, new RegExp(`<td><code>${file.replace('.', '\\.')}</code></td><td>[^<]*(<code>[^<]*</code>[^<]*)*</td><td>\\d+\\.\\d KB</td>`), file);
  }
});

test('the inbox chapter names every setting, environment variable and flag the inbox reads', () => {
  const chapter = fs.readFileSync(path.join(ROOT, 'docs/inbox.md'), 'utf8');
  const config = fs.readFileSync(path.join(ROOT, 'crates/inbox/src/config.rs'), 'utf8');
  const keys = [...config.matchAll(/^\s+pub ([a-z_]+):/gm)].map((m) => m[1]);
  const variables = [...new Set([...config.matchAll(/"((?:INBOX|DATABASE)_[A-Z_]+)"/g)].map((m) => m[1]))];
  const flags = [...fs.readFileSync(path.join(ROOT, 'crates/inbox/src/cli.rs'), 'utf8').matchAll(/(--[a-z]+) [A-Z]+ /g)].map((m) => m[1]);
  assert.ok(keys.length > 20 && variables.length > 10 && flags.length >= 6, `${keys} ${variables} ${flags}`);
  for (const name of [...keys, ...variables, 'INBOX_CONFIG', 'INBOX_LOG', ...flags]) {
    assert.ok(chapter.includes(name), `docs/inbox.md does not mention ${name}`);
  }
  for (const topic of ['hash-password', 'inbox user add', 'Reply-To', 'In-Reply-To', 'References', 'one per customer', 'Assigned to me', 'X-Forwarded-Proto', 'Retry-After', 'webhook-signature', 'whsec_', 'Possible spam', 'pg_dump', '.backup', 'paging', '/healthz']) {
    assert.ok(chapter.includes(topic), `docs/inbox.md does not mention ${topic}`);
  }
});

test('no docs page repeats what is no longer true', () => {
  const stale = [
    /has no login yet/i, // GET /api/feedback takes a password and a token
    /always sends JSON/i, // "transport": "simple"
    /not supported by the widget yet/i, // business hours
    /English today/i, // 13 languages
    /`widget\.js`, `widget_bg\.wasm`/, // the files are named by their content
    /no per-person accounts/i, // inbox user add NAME
    /mark it handled/i, // open, answered, closed
  ];
  const files = [
    ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f)),
    'www/configurator.html', ...fs.readdirSync(path.join(ROOT, 'www/configurator')).map((f) => path.join('www/configurator', f)),
  ];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const sentence of stale) assert.doesNotMatch(text, sentence, file);
  }
});

test('the search box finds sections in the browser, with the keyboard, under the pages\' strict CSP', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${inbox.url}/docs/options.html`);
  assert.match(await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content), /script-src 'self'/);

  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const box = page.getByRole('searchbox', { name: 'Search the docs' });
  await box.focus();
  await page.keyboard.type('webhook secret');
  const results = page.getByRole('list', { name: 'Search results' });
  await results.getByRole('link').first().waitFor();
  const links = await results.getByRole('link').evaluateAll((all) => all.map((a) => [a.getAttribute('href'), a.textContent]));
  assert.ok(links.some(([href]) => href === 'inbox.html#forwarding-by-webhook-and-e-mail'), JSON.stringify(links));
  assert.match(await page.locator('#search-status').textContent(), /^\d+ results?\.$/);

  // Every query after the first is answered in the browser: the index is fetched once.
  for (const query of ['possible spam', 'rate limit retry-after', 'Übersicht zzqx']) {
    await box.fill(query);
    await page.waitForTimeout(100);
  }
  await page.locator('#search-status').getByText('Nothing found for “Übersicht zzqx”.').waitFor();
  assert.deepEqual(requests, ['/docs/search-index.json']);

  // Enter opens the best result; accents and case do not matter.
  await box.fill('PASSWÖRD sessions');
  await results.getByRole('link').first().waitFor();
  assert.equal(await results.getByRole('link').first().getAttribute('href'), 'inbox.html#logging-in-the-owner-and-the-team');
  await box.press('Enter');
  await page.waitForURL(/\/docs\/inbox\.html#logging-in-the-owner-and-the-team$/);
  await page.getByRole('heading', { name: 'Logging in: the owner and the team' }).waitFor();

  // Results are links in the tab order after the box; Escape clears the box.
  const search = page.getByRole('searchbox', { name: 'Search the docs' });
  await search.fill('backups');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor();
  await search.press('Tab');
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('href')), /inbox\.html#backups/);
  await search.focus();
  await search.press('Escape');
  assert.equal(await search.inputValue(), '');
  assert.equal(await page.getByRole('list', { name: 'Search results' }).isHidden(), true);

  // Accessible with results shown.
  await search.fill('load idle eager');
  await page.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor();
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const axe = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  const found = axe.violations.map((v) => `${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, []);

  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(errors, []);
  await context.close();
});
