// dist/ as an npm package: `npm pack`, install the tarball into a scratch project, type-check it
// with tsc, bundle `import "contact-widget"` with esbuild, and load both the bundle and the
// unbundled ES module (through an import map) in Chromium.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, launch, openPage, startSite, widgetReady } from './support/harness.mjs';

const BIN = path.join(import.meta.dirname, 'node_modules/.bin');
const TSC = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--lib', 'es2022,dom'];

const APP = `import ContactWidget, { type Config, type ChannelType } from 'contact-widget';

const types: ChannelType[] = ['email', 'telegram'];
const config: Config = {
  title: 'From npm',
  channels: [
    { type: types[0], value: 'help@example.com', label: 'Write to us' },
    { type: types[1], value: '@examplehq' },
  ],
  form: false,
};
const stop: () => void = ContactWidget.on('ready', () => { document.body.dataset.ready = ContactWidget.version; });
ContactWidget.init(config);
if (window.ContactWidget !== ContactWidget) throw new Error('the default export is not window.ContactWidget');
export { stop };
`;

const BAD = `import ContactWidget from 'contact-widget';
ContactWidget.init({ position: 'middle', channels: [{ type: 'fax', value: '1' }] });
`;

let scratch, site, browser;
const routes = {};
before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-npm-'));
  site = await startSite(routes);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Serves `file` at `url` with the type a browser needs (wasm streaming insists on application/wasm). */
function serve(url, file) {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  routes[url] = (req, res) => {
    res.writeHead(200, { 'content-type': types[path.extname(file)] });
    res.end(fs.readFileSync(file));
  };
}

test('the packed package installs, type-checks, bundles and mounts the widget', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'package.json'), 'utf8'));
  const packed = JSON.parse(run('npm', ['pack', DIST, '--json', '--pack-destination', scratch], scratch))[0];
  assert.equal(packed.name, 'contact-widget');
  assert.equal(packed.version, manifest.version);
  assert.deepEqual(packed.files.map((f) => f.path).sort(), [...manifest.files, 'package.json'].sort());

  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(scratch, packed.filename)], scratch);
  const pkg = path.join(scratch, 'node_modules/contact-widget');
  assert.ok(fs.existsSync(path.join(pkg, 'contact-widget.mjs')));

  // Types: the example compiles under --strict, and a wrong config does not.
  fs.writeFileSync(path.join(scratch, 'app.ts'), APP);
  fs.writeFileSync(path.join(scratch, 'bad.ts'), BAD);
  run(path.join(BIN, 'tsc'), [...TSC, 'app.ts'], scratch);
  const bad = spawnSync(path.join(BIN, 'tsc'), [...TSC, 'bad.ts'], { cwd: scratch, encoding: 'utf8' });
  assert.notEqual(bad.status, 0, 'tsc accepted a wrong config');
  assert.match(bad.stdout, /"middle"/);
  assert.match(bad.stdout, /"fax"/);

  // A bundle, with the widget's two files next to it (where the loader looks for them).
  const out = path.join(scratch, 'public');
  run(path.join(BIN, 'esbuild'), ['app.ts', '--bundle', '--format=esm', `--outfile=${path.join(out, 'app.js')}`, '--log-level=warning'], scratch);
  const glue = fs.readdirSync(pkg).filter((f) => /^widget(_bg)?\.[0-9a-f]{10}\.(js|wasm)$/.test(f));
  assert.equal(glue.length, 2, 'the content-hashed glue and wasm ship');
  for (const file of glue) fs.copyFileSync(path.join(pkg, file), path.join(out, file));
  serve('/app.js', path.join(out, 'app.js'));
  for (const file of glue) serve(`/${file}`, path.join(out, file));
  routes['/bundled.html'] = '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Bundled</title><script type="module" src="/app.js"></script></head><body></body></html>';

  // Unbundled: the package folder served as is, "contact-widget" mapped to its module entry.
  for (const file of ['contact-widget.mjs', ...glue]) serve(`/pkg/${file}`, path.join(pkg, file));
  routes['/native.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Native</title>
<script type="importmap">{ "imports": { "contact-widget": "/pkg/contact-widget.mjs" } }</script>
<script type="module">import ContactWidget from 'contact-widget'; ContactWidget.init({ title: 'Unbundled', form: false, channels: [{ type: 'x', value: 'examplehq' }] });</script>
</head><body></body></html>`;

  for (const [page, title, hrefs] of [
    ['/bundled.html', 'From npm', ['mailto:help@example.com', 'https://t.me/examplehq']],
    ['/native.html', 'Unbundled', ['https://x.com/examplehq']],
  ]) {
    const { page: tab, consoleMessages, pageErrors } = await openPage(browser, `${site.url}${page}`);
    await widgetReady(tab);
    await tab.getByRole('button', { name: title }).click();
    await tab.getByRole('dialog', { name: title }).waitFor();
    const links = await tab.evaluate(() => [...document.querySelector('contact-widget').shadowRoot.querySelectorAll('a')].map((a) => a.getAttribute('href')));
    assert.deepEqual(links, hrefs, page);
    const globals = await tab.evaluate(() => Object.keys(window).filter((k) => /contact/i.test(k)));
    assert.deepEqual(globals, ['ContactWidget'], page);
    assert.deepEqual(pageErrors, [], page);
    assert.deepEqual(consoleMessages.filter((m) => m.type === 'warning' || m.type === 'error'), [], page);
    if (page === '/bundled.html') assert.equal(await tab.evaluate(() => document.body.dataset.ready), manifest.version);
    await tab.close();
  }
});
