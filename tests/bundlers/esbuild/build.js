// An ES module build with code splitting (the widget's glue becomes a chunk loaded on intent);
// contact-widget's plugin has esbuild emit the files the package names by URL. And the same app
// as an IIFE without the plugin: import.meta is empty there, which must not break the page.
import fs from 'node:fs';
import * as esbuild from 'esbuild';
import contactWidget from 'contact-widget/esbuild';

fs.rmSync('dist', { recursive: true, force: true });
await esbuild.build({
  entryPoints: ['src/app.js'],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  outdir: 'dist',
  plugins: [contactWidget()],
});
await esbuild.build({
  entryPoints: ['src/app.js'],
  bundle: true,
  format: 'iife',
  minify: true,
  outfile: 'dist/iife/app.js',
  logLevel: 'error',
});
fs.copyFileSync('index.html', 'dist/index.html');
// The IIFE as a classic script, then with baseUrl in the page's JSON block: the files from
// elsewhere (the test serves the package there, as a CDN would).
const html = fs.readFileSync('index.html', 'utf8').replace('type="module"', 'defer');
const block = '<script type="application/json" id="contact-widget-config">{ "baseUrl": "/cdn/contact-widget/" }</script>';
fs.writeFileSync('dist/iife/index.html', html);
fs.writeFileSync('dist/iife/cdn.html', html.replace('</head>', `  ${block}\n  </head>`));
