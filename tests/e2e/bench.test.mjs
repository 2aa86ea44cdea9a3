// A smoke run of the widget benchmark (bench/widget.mjs): one visit of each page with 4x CPU and
// one traced pair, so the script keeps working as the widget changes. It checks that every figure
// was measured, not how good they are: `cargo xtask bench widget` writes the real report.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';

import { run } from '../../bench/widget.mjs';

test('the widget benchmark measures both pages and writes its report', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
  try {
    const out = path.join(dir, 'widget.md');
    const { text, results } = await run({ runs: 1, throttling: [4], traced: 1, out, log: () => {} });
    assert.equal(fs.readFileSync(out, 'utf8'), text);
    const plain = results.find((r) => r.variant === 'plain').figures;
    const widget = results.find((r) => r.variant === 'widget').figures;
    assert.ok(widget.bytes > plain.bytes + 1000, `the widget's files were downloaded: ${widget.bytes} vs ${plain.bytes} bytes`);
    for (const key of ['launcher', 'interactive', 'task', 'heap', 'heapOpen', 'cls']) {
      assert.equal(typeof widget[key], 'number', `${key} measured`);
    }
    assert.ok(widget.wasmOpen > 0, 'the wasm memory was seen once the dialog opened');
    assert.match(text, /## 4× CPU throttling/);
    assert.match(text, /\| launcher visible \| — \| \d/);
    assert.match(text, /## Long tasks, explained/);
    assert.match(text, /Chromium \d+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
