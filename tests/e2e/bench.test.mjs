// A smoke run of the widget benchmark (bench/widget.mjs): one visit of each page with 4x CPU, one
// cold open on the emulated slow 4G link and one traced visit of each page, so the script keeps
// working as the widget changes. It checks that every figure was measured, not how good they
// are: `cargo xtask bench widget` writes the real report.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { COLD, run } from '../../bench/widget.mjs';

test('the widget benchmark measures the three pages and a cold open, and writes its report', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
  try {
    const out = path.join(dir, 'widget.md');
    const slow = COLD.filter((setting) => setting.network);
    const { text, results, cold } = await run({ runs: 1, throttling: [4], coldSettings: slow, modes: ['click'], traced: 1, out, log: () => {} });
    assert.equal(fs.readFileSync(out, 'utf8'), text);
    const figures = (variant) => results.find((r) => r.variant === variant).figures;
    const [plain, widget, plainjs] = [figures('plain'), figures('widget'), figures('plainjs')];
    assert.ok(widget.bytes > plain.bytes + 1000, `the loader was downloaded: ${widget.bytes} vs ${plain.bytes} bytes`);
    assert.deepEqual(widget.loadFiles, ['/dist/contact-widget.js'], 'at load, the loader alone');
    assert.equal(widget.wasm, 0, 'no wasm at load');
    assert.ok(plainjs.bytes > plain.bytes + 1000, `the plain-JS widget was downloaded: ${plainjs.bytes} vs ${plain.bytes} bytes`);
    for (const key of ['launcher', 'interactive', 'script', 'task', 'heap', 'heapOpen', 'cls']) {
      assert.equal(typeof widget[key], 'number', `${key} measured`);
      assert.equal(typeof plainjs[key], 'number', `${key} measured for the plain-JS widget`);
    }
    assert.ok(widget.wasmOpen > 0, 'the wasm memory was seen once the dialog opened');
    assert.equal(cold.length, 1);
    const open = cold[0].figures;
    for (const key of ['busy', 'interactive', 'ready', 'openFetch']) assert.equal(typeof open[key], 'number', `cold open: ${key} measured`);
    assert.ok(open.openFiles.some((f) => f.endsWith('/locales/de.json')), `the language file came with the panel: ${open.openFiles}`);
    assert.ok(open.openBytes > 10_000, `the panel's files were downloaded on open: ${open.openBytes} bytes`);
    assert.match(text, /## 4× CPU throttling/);
    assert.match(text, /\| launcher visible \| — \| \d/);
    assert.match(text, /## Cold open/);
    assert.match(text, /\| slow 4G, 4× CPU \| click with no prior hover \| \d/);
    assert.match(text, /## Long tasks, explained/);
    assert.match(text, /Chromium \d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
