// Real parts for end-to-end tests: the inbox binary on a temporary SQLite file, a second origin
// serving host pages (so the widget's POST is cross-origin, as on a customer's site), and
// Debian's Chromium driven by playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../../..');
export const DIST = process.env.DIST_DIR ?? path.join(root, 'dist');
export const WWW = process.env.WWW_DIR ?? path.join(root, 'www');
export const INBOX_BIN = process.env.INBOX_BIN ?? path.join(root, 'target/debug/inbox');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Starts the inbox on a free port with a fresh SQLite database; resolves once it is listening.
 * `env` adds environment variables (e.g. `INBOX_PASSWORD_HASH`); with `INBOX_API_TOKEN` set,
 * `stored()` sends it as a bearer token.
 */
export async function startInbox({ env = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-e2e-'));
  const db = path.join(dir, 'inbox.sqlite3');
  const childEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL; // the end-to-end tests always run on a fresh SQLite file
  childEnv.INBOX_LOG ??= 'error';
  const child = spawn(INBOX_BIN, ['--port', '0', '--db', db, '--www', WWW, '--dist', DIST], { stdio: ['ignore', 'pipe', 'inherit'], env: childEnv });
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /^inbox listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`inbox exited early with ${code}`)));
  });
  return {
    url,
    db,
    /** Everything the inbox stored, via its public API: page after page (`Link: rel="next"`). */
    async stored() {
      const headers = env.INBOX_API_TOKEN ? { authorization: `Bearer ${env.INBOX_API_TOKEN}` } : {};
      const rows = [];
      for (let path = '/api/feedback?limit=1000'; path;) {
        const response = await fetch(`${url}${path}`, { headers });
        if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
        rows.push(...(await response.json()));
        path = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1];
      }
      return rows;
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A host site on its own origin. `routes` maps a path to an HTML string or to a handler
 * `(req, res, body) => void` (body is the request body as text).
 */
export async function startSite(routes) {
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const { pathname } = new URL(req.url, 'http://site');
    const route = routes[pathname];
    if (typeof route === 'function') return route(req, res, body);
    if (typeof route === 'string') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(routes.headers ?? {}) });
      return res.end(route);
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The console line for a config problem at `path`: the visitor's wasm names the path only; what is
 * wrong is in the configurator's build (dist/validate.HASH.js).
 */
export const named = (path) => `contact-widget: config \`${path}\` is not valid; the configurator or docs/options.html say why`;

/** A content-hashed file of dist/: `distFile('widget', 'js')` is `widget.0123456789.js`. */
export function distFile(stem, ext) {
  const pattern = new RegExp(`^${stem}\\.[0-9a-f]{10}\\.${ext}$`);
  const name = fs.readdirSync(DIST).find((n) => pattern.test(n));
  if (!name) throw new Error(`dist/ has no ${stem}.HASH.${ext}; run cargo xtask dist`);
  return name;
}

/** An argon2 hash of `password`, made by the inbox binary itself (`inbox hash-password`). */
export function hashPassword(password) {
  const result = spawnSync(INBOX_BIN, ['hash-password'], { input: `${password}\n`, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`inbox hash-password failed: ${result.stderr}`);
  return result.stdout.trim();
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * The usual world of a test file: the inbox, a host site on its own origin serving `pages`, and
 * Chromium, started before the file's tests and stopped after them. `use` receives them.
 */
export function world(pages, use) {
  let started = {};
  before(async () => {
    started = { inbox: await startInbox(), site: await startSite(pages), browser: await launch() };
    use(started);
  });
  after(async () => {
    await started.browser?.close();
    await started.site?.stop();
    await started.inbox?.stop();
  });
}

/** A new page that records console messages and uncaught errors. */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(url);
  return { page, consoleMessages, pageErrors };
}

/**
 * Resolves once the panel is mounted. The widget loads on intent: this points at the launcher
 * (a `pointerenter`, without moving the mouse), as a visitor reaching for it would.
 */
export async function widgetReady(page) {
  await page.waitForFunction(() => {
    const launcher = document.querySelector('contact-widget')?.shadowRoot?.querySelector('.launcher');
    launcher?.dispatchEvent(new PointerEvent('pointerenter'));
    return launcher;
  });
  await page.waitForFunction(() => document.querySelector('contact-widget')?.shadowRoot?.querySelector('#cw-panel'));
}

/** A host page that loads the widget from `distUrl` with the given attributes and extra head/body HTML. */
export function hostPage({ distUrl, attributes = '', before = '', after = '', title = 'Host page' }) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>Some host content with <a href="#top">a link</a>.</p></main>${before}
<script src="${distUrl}/contact-widget.js" async ${attributes}></script>${after}</body></html>`;
}

/** People take a moment between starting to write and sending; the widget flags faster messages
 * "too-fast" (form.minSeconds, 2 s by default), so tests that check the exact payload wait. */
export const humanPause = (page) => page.waitForTimeout(2100);

/** Browser context options for a desktop computer and for a phone (viewport, touch, user agent). */
export const DESKTOP = { viewport: { width: 1280, height: 800 } };
export const PHONE = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 3,
  userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};

/**
 * Opens `url` in a new context with `options` (e.g. `DESKTOP`/`PHONE`, `timezoneId`, `locale`,
 * `permissions`), the clock fixed at `time` (an ISO string) when given, and every click on a link
 * recorded in `window.__clicked` (the exact `href` attribute) instead of followed, so tests can
 * assert where each channel leads without navigating away.
 */
export async function openIn(browser, url, { time, ...options } = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(e));
  if (time) await page.clock.setFixedTime(new Date(time));
  await page.addInitScript(() => {
    window.__clicked = [];
    document.addEventListener('click', (event) => {
      const link = event.composedPath().find((node) => node instanceof HTMLAnchorElement);
      if (link && link.getRootNode() instanceof ShadowRoot) {
        window.__clicked.push(link.getAttribute('href'));
        event.preventDefault();
      }
    }, true);
  });
  await page.goto(url);
  return { context, page, consoleMessages, pageErrors };
}
