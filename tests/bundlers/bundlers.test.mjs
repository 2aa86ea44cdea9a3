// The npm package as a web developer meets it: `npm pack dist/`, installed from the tarball into
// the apps of this folder (each with its own package.json and lock file, installed by xtask),
// each built for production by its bundler with no configuration for the widget (esbuild: the
// package's plugin), the output served as it is and used in Chromium: the panel opens in English, then in French (its language file, which
// the bundler emitted, loads), with no 404 and no console error. Also publint and
// arethetypeswrong on the tarball, the typings with and without each framework, the module
// unbundled through an import map, and an IIFE bundle (no import.meta), which must not break its
// page and works with data-base-url.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, launch } from '../e2e/support/harness.mjs';

const HERE = import.meta.dirname;
const FRENCH_GREETING = JSON.parse(fs.readFileSync(path.join(HERE, '../../crates/core/locales/fr.json'), 'utf8')).greeting;

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** `command` in `cwd`, failing with what it printed. */
function build(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} in ${path.relative(HERE, cwd)}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

let scratch, tarball, unpacked, manifest, browser;
before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bundlers-'));
  manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'package.json'), 'utf8'));
  const packed = JSON.parse(run('npm', ['pack', DIST, '--json', '--pack-destination', scratch], scratch))[0];
  tarball = path.join(scratch, packed.filename);
  // The package's files as a CDN serves them (npm's tarball holds them under package/).
  run('tar', ['-xzf', tarball, '-C', scratch], scratch);
  unpacked = path.join(scratch, 'package');
  browser = await launch();
});

/** Installs the packed package into the app in `dir` (not saved: its lock file stays as it is). */
function install(dir) {
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefer-offline', tarball], dir);
  return path.join(dir, 'node_modules/contact-widget');
}
after(async () => {
  await browser?.close();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('the tarball ships exactly the files package.json lists, and publint and arethetypeswrong pass', () => {
  const packed = JSON.parse(run('npm', ['pack', DIST, '--dry-run', '--json'], scratch))[0];
  assert.equal(packed.name, 'contact-widget');
  assert.equal(packed.version, manifest.version);
  assert.deepEqual(packed.files.map((f) => f.path).sort(), [...manifest.files, 'package.json'].sort());
  for (const file of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) assert.ok(manifest.files.includes(file), file);
  assert.ok(!JSON.stringify(manifest.exports).includes('require'), 'no require condition');

  build(path.join(HERE, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], HERE);
  // ES modules only: no CommonJS entry to resolve (node10 and require() from CommonJS are not
  // ways to load a browser widget); @types are not looked up on the registry.
  build(path.join(HERE, 'node_modules/.bin/attw'), [tarball, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'table-flipped'], HERE);
});

const APP = `import ContactWidget, { type Config, type ChannelType } from 'contact-widget';

const types: ChannelType[] = ['email', 'telegram'];
const config: Config = {
  title: 'From npm',
  baseUrl: 'https://cdn.example.com/contact-widget/',
  channels: [
    { type: types[0], value: 'help@example.com', label: 'Write to us' },
    { type: types[1], value: '@examplehq' },
  ],
  form: false,
};
const stop: () => void = ContactWidget.on('ready', () => { document.body.dataset.ready = ContactWidget.version; });
ContactWidget.init(config);
if (window.ContactWidget !== ContactWidget) throw new Error('the default export is not window.ContactWidget');
const element: HTMLElement | null = document.querySelector('contact-widget');
export { stop, element };
`;

const BAD = `import ContactWidget from 'contact-widget';
ContactWidget.init({ position: 'middle', channels: [{ type: 'fax', value: '1' }] });
`;

test('types: strict TypeScript with no framework installed; React, Preact, Solid and Vue templates check <contact-widget>', () => {
  const tsc = path.join(HERE, 'types/node_modules/.bin/tsc');
  const strict = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom'];
  // A project of its own outside this folder: no framework's types can be found from it.
  const bare = path.join(scratch, 'bare');
  fs.mkdirSync(bare);
  fs.writeFileSync(path.join(bare, 'package.json'), JSON.stringify({ name: 'bare', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], bare);
  fs.writeFileSync(path.join(bare, 'app.ts'), APP);
  fs.writeFileSync(path.join(bare, 'bad.ts'), BAD);
  // One program: the errors are bad.ts's, nothing in app.ts or in the package's types.
  const checked = spawnSync(tsc, [...strict, 'app.ts', 'bad.ts'], { cwd: bare, encoding: 'utf8' });
  assert.notEqual(checked.status, 0, 'tsc accepted a wrong config');
  const errors = checked.stdout.split('\n').filter((line) => /error TS/.test(line));
  assert.deepEqual(errors.filter((line) => !line.startsWith('bad.ts')), [], checked.stdout);
  assert.match(checked.stdout, /"middle"/);
  assert.match(checked.stdout, /"fax"/);

  // Each file (react.tsx, preact.tsx, solid.tsx: one program; App.vue) uses the element with
  // typed attributes and has a wrong one marked as an expected error: the check fails if the
  // typings accept it, or reject the rest.
  const types = path.join(HERE, 'types');
  install(types);
  build(tsc, ['-p', 'tsconfig.json'], types);
  build(path.join(types, 'node_modules/.bin/vue-tsc'), ['-p', 'tsconfig.vue.json'], types);
});

/**
 * Serves `root` (and each of `more`, a URL prefix to a folder) as a static site; `missing` lists
 * every request it could not answer.
 */
async function serve(root, more = {}) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
  const missing = [];
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://site');
    const [prefix, dir] = Object.entries(more).find(([p]) => pathname.startsWith(p)) ?? ['/', root];
    let file = path.join(dir, decodeURIComponent(pathname.slice(prefix.length)));
    if (file.endsWith(path.sep) || fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      missing.push(pathname);
      return res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${server.address().port}`, missing, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** A page of the site at `url`, recording problems and every response. */
async function visit(url) {
  const page = await browser.newPage();
  const problems = [];
  const responses = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => responses.push({ url: r.url(), status: r.status() }));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.app === 'ready');
  return { page, problems, responses };
}

/** Opens the panel in English, then switches to French with `toFrench` and opens it again. */
async function englishThenFrench({ page, responses }, toFrench) {
  await page.getByRole('button', { name: 'Contact us' }).click();
  const english = page.getByRole('dialog', { name: 'Contact us' });
  await english.getByText('Hi! How can we help?').waitFor();
  await page.keyboard.press('Escape');
  await english.waitFor({ state: 'hidden' });
  assert.ok(!responses.some((r) => /\.json(\?|$)/.test(r.url)), 'no language file for English');

  await toFrench();
  await page.getByRole('button', { name: 'Contactez-nous' }).click();
  await page.getByRole('dialog', { name: 'Contactez-nous' }).getByText(FRENCH_GREETING).waitFor();
  assert.ok(responses.some((r) => /\.json(\?|$)/.test(r.url) && r.status === 200), `the French file loaded: ${JSON.stringify(responses)}`);
  assert.equal(responses.filter((r) => /\.wasm$/.test(r.url)).length, 1, 'the wasm is fetched once');
}

/** The files of a build's output folder, relative to it. */
const filesOf = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile());

/** Builds `app` with `npm run build`, serves `out`, and checks the widget in both languages. */
async function checkApp(app, out, toFrench = (page) => page.getByRole('button', { name: 'Français' }).click()) {
  const dir = path.join(HERE, app);
  install(dir);
  build('npm', ['run', 'build'], dir);
  const output = path.join(dir, out);
  const files = filesOf(output);
  assert.equal(files.filter((f) => f.endsWith('.wasm')).length, 1, `one wasm in ${files}`);
  assert.equal(files.filter((f) => /contact-widget/.test(f)).length, 0, `no copy of the loader in ${files}`);
  const site = await serve(output);
  try {
    const visited = await visit(`${site.url}/`);
    await englishThenFrench(visited, () => toFrench(visited.page));
    assert.deepEqual(site.missing, []);
    assert.deepEqual(visited.problems, []);
    await visited.page.close();
    return visited;
  } finally {
    await site.stop();
  }
}

test('Vite + TypeScript: tsc and vite build, nothing to configure', async () => {
  await checkApp('vite-ts', 'dist');
});

test('React 19 + Vite: tsc checks <contact-widget> in JSX; attributes update it; unmounting tears it down', async () => {
  const dir = path.join(HERE, 'react');
  install(dir);
  build('npm', ['run', 'build'], dir);
  const site = await serve(path.join(dir, 'dist'));
  try {
    const visited = await visit(`${site.url}/`);
    const { page } = visited;
    // React sets the attributes; the French button changes `locale`.
    await englishThenFrench(visited, () => page.getByRole('button', { name: 'Français' }).click());
    const host = page.locator('contact-widget');
    assert.equal(await host.locator('.cw').getAttribute('data-position'), 'bottom-left');
    // Unmounted: nothing of the widget is left running; mounted again: it starts again.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Hide the widget' }).click();
    await page.waitForTimeout(100);
    assert.equal(await host.count(), 0);
    assert.equal(await page.evaluate(() => document.querySelectorAll('contact-widget').length), 0);
    await page.getByRole('button', { name: 'Show the widget' }).click();
    await page.getByRole('button', { name: 'Contactez-nous' }).click();
    await page.getByRole('dialog', { name: 'Contactez-nous' }).getByText(FRENCH_GREETING).waitFor();
    assert.deepEqual(site.missing, []);
    assert.deepEqual(visited.problems, []);
    await page.close();
  } finally {
    await site.stop();
  }
});

test('webpack 5: webpack --mode production, nothing to configure', async () => {
  await checkApp('webpack', 'dist');
});

test('esbuild: ES modules with splitting and the package plugin; an IIFE bundle breaks nothing and works with baseUrl', async () => {
  await checkApp('esbuild', 'dist');
  const dir = path.join(HERE, 'esbuild/dist/iife');
  // Where the files are not (next to the page): the page's own code runs, the console names
  // baseUrl, and the launcher becomes the fallback link.
  const site = await serve(dir, { '/cdn/contact-widget/': unpacked });
  try {
    const lost = await visit(`${site.url}/`);
    await lost.page.getByRole('button', { name: 'Contact us' }).click();
    await lost.page.getByRole('link', { name: 'Contact us' }).waitFor();
    assert.equal(await lost.page.getByRole('link', { name: 'Contact us' }).getAttribute('href'), 'mailto:help@example.com');
    assert.ok(lost.problems.some((p) => /^console error: contact-widget: .*baseUrl/.test(p)), lost.problems.join('\n'));
    assert.ok(!lost.problems.some((p) => p.startsWith('uncaught')), lost.problems.join('\n'));
    await lost.page.close();
    site.missing.length = 0;
    // baseUrl in the page's JSON block: the files from a CDN (here the package's folder).
    const found = await visit(`${site.url}/cdn.html`);
    await englishThenFrench(found, () => found.page.getByRole('button', { name: 'Français' }).click());
    assert.ok(found.responses.some((r) => r.url.includes('/cdn/contact-widget/widget_bg.')), 'the wasm came from baseUrl');
    assert.deepEqual(site.missing, []);
    assert.deepEqual(found.problems, []);
    await found.page.close();
  } finally {
    await site.stop();
  }
});

test('no bundler: the package folder served as it is, "contact-widget" mapped by an import map', async () => {
  const root = path.join(scratch, 'native');
  fs.mkdirSync(root);
  const site = await serve(root, { '/contact-widget/': unpacked });
  try {
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Unbundled</title>
<script type="importmap">{ "imports": { "contact-widget": "/contact-widget/contact-widget.mjs" } }</script>
<script type="module">import ContactWidget from 'contact-widget';
ContactWidget.init({ endpoint: '/api/feedback', channels: [{ type: 'email', value: 'help@example.com' }] });
document.querySelector('#french').onclick = () => ContactWidget.update({ locale: 'fr' });
document.body.dataset.app = 'ready';</script>
</head><body><button id="french" type="button">Français</button></body></html>`;
    fs.writeFileSync(path.join(root, 'index.html'), page);
    const visited = await visit(`${site.url}/`);
    await englishThenFrench(visited, () => visited.page.getByRole('button', { name: 'Français' }).click());
    const globals = await visited.page.evaluate(() => Object.keys(window).filter((k) => /contact/i.test(k)));
    assert.deepEqual(globals, ['ContactWidget']);
    assert.deepEqual(site.missing, []);
    assert.deepEqual(visited.problems, []);
    await visited.page.close();
  } finally {
    await site.stop();
  }
});
