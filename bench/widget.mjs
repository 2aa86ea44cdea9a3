// The widget's half of `cargo xtask bench`: what embedding the widget costs a host page.
//
// One headless Chromium loads, side by side and alternately, a plain host page and the same page
// with the README's snippet, each time in a fresh browser context (cold cache: a first visit),
// with and without 4x CPU throttling, and writes the medians to a Markdown report.
//
// The host page comes from its own origin (a customer's site); the widget from the inbox's
// /dist/ (brotli, immutable hashed names, as deployed). Everything is on loopback, with no network
// throttling: byte counts are what a visitor downloads, times leave out network latency.
//
//   node bench/widget.mjs [--runs N] [--out FILE] [--note TEXT]
//
// Environment (as for the end-to-end tests): INBOX_BIN, DIST_DIR, WWW_DIR, CHROMIUM.
// `cargo xtask bench widget` builds dist/ and the release inbox and runs this.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, INBOX_BIN, launch, startInbox, startSite } from '../tests/e2e/support/harness.mjs';

const root = path.resolve(import.meta.dirname, '..');

/** CPU slowdowns measured: none, and 4x (Emulation.setCPUThrottlingRate). */
const THROTTLING = [1, 4];
/** The page has settled when no request was in flight for this long after `load`. */
const QUIET_MS = 1500;
/** Give up waiting for the launcher, the settling or the dialog after this long. */
const TIMEOUT_MS = 30_000;

// Bench-only instrumentation, installed before any script of the page runs. Records paint,
// long-task, long-animation-frame, layout-shift and event-timing entries; when the launcher first
// has a box; when the dialog is interactive after a click; and keeps every wasm memory the page
// instantiates (wrapping WebAssembly.instantiate and instantiateStreaming).
const INSTRUMENT = `(() => {
  if (window !== window.top) return;
  const signal = (what) => { try { if (window.__benchSignal) window.__benchSignal(what); } catch (ignored) {} };
  const b = window.__bench = { paints: {}, longtasks: [], frames: [], shifts: [], events: [],
    launcher: null, ready: null, opened: null, click: null, interactive: null };
  const observe = (options, record) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(record)).observe({ buffered: true, ...options }); }
    catch (e) { b['unsupported ' + options.type] = String(e); }
  };
  observe({ type: 'paint' }, (e) => { b.paints[e.name] = e.startTime; });
  observe({ type: 'longtask' }, (e) => b.longtasks.push({ start: e.startTime, duration: e.duration,
    attribution: (e.attribution || []).map((a) => [a.containerType, a.containerSrc, a.containerName].filter(Boolean).join(' ')) }));
  observe({ type: 'long-animation-frame' }, (e) => b.frames.push({ start: e.startTime, duration: e.duration,
    blocking: e.blockingDuration, scripts: e.scripts.map((s) => ({ url: s.sourceURL, invoker: s.invoker,
      start: s.startTime, duration: s.duration, layout: s.forcedStyleAndLayoutDuration })) }));
  const describe = (node) => node ? node.nodeName.toLowerCase() + (node.className && typeof node.className === 'string' ? '.' + node.className.split(' ').join('.') : '') : '?';
  observe({ type: 'layout-shift' }, (e) => b.shifts.push({ start: e.startTime, value: e.value,
    input: e.hadRecentInput, sources: (e.sources || []).map((s) => describe(s.node)) }));
  observe({ type: 'event', durationThreshold: 16 }, (e) => b.events.push({ name: e.name, start: e.startTime,
    duration: e.duration, interaction: e.interactionId }));

  const memories = [];
  const keep = (result) => {
    try {
      const instance = result instanceof WebAssembly.Instance ? result : result && result.instance;
      if (instance) for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
    } catch (ignored) {}
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    if (typeof original !== 'function') continue;
    WebAssembly[name] = function () { return original.apply(this, arguments).then(keep); };
  }
  b.wasmMemory = () => memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);

  const shadow = () => { const host = document.querySelector('contact-widget'); return host && host.shadowRoot; };
  const shown = (el) => {
    if (!el || el.hidden) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  // Checked once per frame (before it paints) from the moment the element exists.
  const everyFrame = (done) => {
    const tick = () => { if (!done()) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  };
  const watcher = new MutationObserver(() => {
    if (!document.querySelector('contact-widget')) return;
    watcher.disconnect();
    everyFrame(() => {
      const s = shadow();
      if (!shown(s && s.querySelector('button.launcher'))) return false;
      b.launcher = performance.now();
      signal('launcher');
      return true;
    });
  });
  watcher.observe(document, { childList: true, subtree: true });
  addEventListener('contact-widget:ready', () => { b.ready ??= performance.now(); });
  addEventListener('contact-widget:open', () => { b.opened ??= performance.now(); });
  // The dialog is interactive once its panel has a box and focus is inside it.
  addEventListener('pointerdown', (event) => {
    if (b.click !== null) return;
    b.click = event.timeStamp;
    everyFrame(() => {
      const s = shadow();
      const panel = s && s.querySelector('[role="dialog"]');
      if (!shown(panel) || !panel.contains(s.activeElement)) return false;
      b.interactive = performance.now();
      signal('interactive');
      return true;
    });
  }, true);
})();`;

const CONTENT = `<p>We roast small batches of speciality coffee every Tuesday and ship them the same week, in
bags that you can recycle with your paper. This page stands in for any small business's site: a
header, a few paragraphs, a list and a footer, with its own stylesheet.</p>
<ul><li>Single origins from Ethiopia, Colombia and Guatemala</li><li>Two house blends</li>
<li>Subscriptions every two or four weeks</li></ul>
<p>Questions about an order, wholesale or a gift card? Write to us or call during opening hours.</p>`;

/** The host page; with `snippet`, the README's snippet before `</body>`. */
function hostPage(snippet) {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Example Coffee Roasters</title>
  <link rel="icon" href="data:,">
  <style>
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #222; }
    header, footer { padding: 16px 24px; background: #3b2a20; color: #fff; }
    main { max-width: 40rem; margin: 0 auto; padding: 24px; }
  </style>
</head>
<body>
  <header><strong>Example Coffee Roasters</strong></header>
  <main>
    <h1>Fresh beans, roasted this week</h1>
    ${CONTENT}
  </main>
  <footer>Example Coffee Roasters, 1 Market Street</footer>${snippet ?? ''}
</body>
</html>`;
}

/** The README's snippet, pointing at the inbox. */
function snippet(inbox) {
  return `
  <script src="${inbox}/dist/contact-widget.js" async
          data-endpoint="${inbox}/api/feedback"
          data-title="Contact us"
          data-phone="+1 555 0100 123"
          data-email="help@example.com"
          data-whatsapp="+1 555 0100 123"></script>`;
}

/**
 * One first visit of `url` in a fresh context: the load until it settles, then (when `open`) a
 * click on the launcher until the dialog is interactive. Returns the raw figures. The page tells
 * us what it saw through a CDP binding, so nothing polls it; the click is CDP input (mouse move,
 * press, release at the launcher's centre), so no Playwright script runs in the page meanwhile.
 */
async function visit(browser, url, { throttle, open, widgetOrigin, trace = false }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript(INSTRUMENT);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const requests = new Map();
    let inFlight = 0;
    let lastActivity = Date.now();
    let phase = 'load';
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url.startsWith('data:') || requests.has(e.requestId)) return;
      requests.set(e.requestId, { url: e.request.url, phase, bytes: 0, encoding: '', status: 0, done: false });
      inFlight += 1;
      lastActivity = Date.now();
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.encoding = headers['content-encoding'] ?? '';
      r.status = e.response.status;
    });
    const finish = (e, failed) => {
      const r = requests.get(e.requestId);
      if (!r || r.done) return;
      r.done = true;
      r.failed = failed;
      r.bytes = e.encodedDataLength ?? 0;
      inFlight -= 1;
      lastActivity = Date.now();
    };
    cdp.on('Network.loadingFinished', (e) => finish(e, false));
    cdp.on('Network.loadingFailed', (e) => finish(e, true));
    const signals = new Set();
    cdp.on('Runtime.bindingCalled', (e) => { if (e.name === '__benchSignal') signals.add(e.payload); });
    await cdp.send('Runtime.enable');
    await cdp.send('Runtime.addBinding', { name: '__benchSignal' });
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const tracer = trace ? await startTrace(cdp) : null;

    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    // Settled: nothing in flight for QUIET_MS and, with the widget, the launcher visible.
    await until(() => (!widgetOrigin || signals.has('launcher')) && inFlight === 0 && Date.now() - lastActivity >= QUIET_MS,
      () => `${url} did not settle within ${TIMEOUT_MS} ms (launcher shown: ${signals.has('launcher')}, ${inFlight} requests in flight)`);
    const result = { throttle, widgetOrigin, atLoad: await mainThread(cdp) };
    const thread = tracer ? renderer(await tracer.stop(), url) : null;
    if (trace) result.tasks = thread ? longTasksInTrace(thread, widgetOrigin, 'load') : [];
    Object.assign(result.atLoad, await memory(cdp));

    if (open) {
      const { x, y } = await evaluate(cdp, `(() => { const r = document.querySelector('contact-widget').shadowRoot
        .querySelector('button.launcher').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
      const before = await mainThread(cdp);
      const openTracer = thread ? await startTrace(cdp) : null;
      phase = 'open';
      await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
      await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
      await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
      await until(() => signals.has('interactive'), () => `the dialog was not interactive ${TIMEOUT_MS} ms after the click`);
      // Let any request the click started finish.
      await until(() => inFlight === 0 && Date.now() - lastActivity >= 300, () => 'requests after the click did not finish');
      const after = await mainThread(cdp);
      result.open = { script: after.script - before.script, task: after.task - before.task };
      if (openTracer) result.tasks.push(...longTasksInTrace({ ...thread, events: await openTracer.stop() }, widgetOrigin, 'open'));
      result.afterOpen = await memory(cdp);
    }
    result.loadEvent = await evaluate(cdp, `performance.getEntriesByType('navigation')[0].loadEventStart`);
    result.bench = await evaluate(cdp, `(() => { const { wasmMemory, ...rest } = window.__bench; return rest; })()`);
    result.requests = [...requests.values()];
    return result;
  } finally {
    await context.close();
  }
}

/** Waits (polling Node-side state only) until `done()`, or fails with `message()`. */
async function until(done, message) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function evaluate(cdp, expression) {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
  if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value;
}

async function startTrace(cdp) {
  const events = [];
  const collect = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES } });
  return {
    async stop() {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
      cdp.off('Tracing.dataCollected', collect);
      return events;
    },
  };
}

/** What a trace records: tasks, script evaluation and calls, wasm compilation, rendering. */
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8.wasm'];
/** Trace events that only wrap others. */
const WRAPPERS = /^(ThreadControllerImpl::RunTask|RunTask|Receive mojo message|SimpleWatcher::OnHandleReady|BlinkScheduler_PerformMicrotaskCheckpoint|V8\.|ThreadPool_RunTask)/;

/** The page's renderer main thread in a trace of its load: pid, tid, the commit's time, the events. */
function renderer(events, url) {
  const commit = events.find((e) => e.name === 'CommitLoad' && e.args?.data?.url === url);
  if (!commit) return null;
  const main = events.find((e) => e.name === 'thread_name' && e.pid === commit.pid && e.args?.name === 'CrRendererMain');
  return { pid: commit.pid, tid: main?.tid ?? commit.tid, zero: commit.ts, events };
}

/**
 * The main-thread tasks over 50 ms of the page's renderer in a trace, each with what ran in it:
 * the widget's when it evaluated or called a script from the widget's origin or compiled or
 * instantiated wasm (the host page has none).
 */
function longTasksInTrace({ pid, tid, zero, events }, widgetOrigin, phase) {
  const onMain = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X');
  const start = zero;
  // From the commit on: earlier tasks belong to the previous document (about:blank).
  const tasks = onMain.filter((e) => /^(ThreadControllerImpl::RunTask|RunTask)$/.test(e.name) && e.dur > 50_000 && e.ts + e.dur >= zero);
  const outermost = tasks.filter((t) => !tasks.some((o) => o !== t && o.ts <= t.ts && o.ts + o.dur >= t.ts + t.dur));
  return outermost.map((t) => {
    const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur);
    const scriptUrl = (e) => e.args?.data?.url ?? e.args?.data?.stackTrace?.[0]?.url ?? e.args?.data?.scriptName ?? '';
    const widget = inside.some((e) => /^(v8\.)?wasm\./.test(e.name) ||
      (/^(EvaluateScript|FunctionCall|v8\.compile|v8\.compileModule|TimerFire|FireAnimationFrame|EventDispatch)$/.test(e.name) && widgetOrigin && scriptUrl(e).startsWith(widgetOrigin)));
    const navigation = inside.some((e) => e.name === 'CommitLoad' || e.name === 'DocumentLoader::CommitNavigation');
    // The largest pieces, each counted once (not again inside a larger one of the same name).
    const pieces = new Map();
    for (const e of inside) {
      if (WRAPPERS.test(e.name) || !e.dur) continue;
      const name = /^(v8\.)?wasm\./.test(e.name) ? 'wasm ' + e.name.replace(/^(v8\.)?wasm\./, '') : e.name;
      const label = scriptUrl(e) && /^(EvaluateScript|FunctionCall|v8\.compile|v8\.compileModule)$/.test(e.name) ? `${name} ${new URL(scriptUrl(e)).pathname}` : name;
      const nested = inside.some((o) => o !== e && o.name === e.name && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur);
      if (!nested) pieces.set(label, (pieces.get(label) ?? 0) + e.dur / 1000);
    }
    const top = [...pieces].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 0.1 * t.dur / 1000).slice(0, 5);
    return {
      phase,
      start: (t.ts - start) / 1000,
      duration: t.dur / 1000,
      whose: widget ? 'widget' : navigation ? 'navigation (browser)' : 'host page / browser',
      what: top.map(([label, ms]) => `${label} ${ms.toFixed(0)} ms`).join(', '),
    };
  });
}

/** Main-thread time so far (CDP Performance metrics of the page's renderer), in ms. */
async function mainThread(cdp) {
  const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  return { script: m.ScriptDuration * 1000, task: m.TaskDuration * 1000, layout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000 };
}

/** The JS heap after a full GC, and the wasm memory, in bytes. */
async function memory(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const m = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
  return { heap: m.JSHeapUsedSize, wasm: await evaluate(cdp, 'window.__bench.wasmMemory()') };
}

/** The figures of one visit that the report compares, by row key. */
function figures(v) {
  const loadRequests = v.requests.filter((r) => r.phase === 'load');
  const openRequests = v.requests.filter((r) => r.phase === 'open');
  const fromWidget = (url) => v.widgetOrigin && url && url.startsWith(v.widgetOrigin);
  // A long task is the widget's when a script from the widget's origin ran inside it (the
  // long-animation-frame entries name each script that ran for 5 ms or more).
  const widgetScripts = v.bench.frames.flatMap((f) => f.scripts).filter((s) => fromWidget(s.url));
  const overlaps = (t, s) => s.start < t.start + t.duration && t.start < s.start + s.duration;
  const beforeClick = (t) => v.bench.click === null || t.start < v.bench.click;
  const longAtLoad = v.bench.longtasks.filter(beforeClick);
  const longAfterClick = v.bench.longtasks.filter((t) => !beforeClick(t));
  const mountedIn = (t) => v.bench.ready !== null && t.start <= v.bench.ready && v.bench.ready <= t.start + t.duration;
  const byWidget = (tasks) => tasks.filter((t) => mountedIn(t) || widgetScripts.some((s) => overlaps(t, s)));
  const openEvent = v.bench.events.filter((e) => e.interaction > 0 && v.bench.click !== null && e.start >= v.bench.click - 1);
  const f = {
    bytes: sum(loadRequests.map((r) => r.bytes)),
    requests: loadRequests.length,
    script: v.atLoad.script,
    task: v.atLoad.task,
    layout: v.atLoad.layout,
    longtasks: longAtLoad.length,
    longtasksWidget: byWidget(longAtLoad).length,
    blocking: sum(longAtLoad.map((t) => Math.max(0, t.duration - 50))),
    longestTask: Math.max(0, ...longAtLoad.map((t) => t.duration)),
    longestWidgetTask: Math.max(0, ...byWidget(longAtLoad).map((t) => t.duration)),
    fcp: v.bench.paints['first-contentful-paint'] ?? null,
    load: v.loadEvent,
    launcher: v.bench.launcher,
    ready: v.bench.ready,
    cls: sum(v.bench.shifts.filter((s) => !s.input).map((s) => s.value)),
    heap: v.atLoad.heap,
    wasm: v.atLoad.wasm,
  };
  if (v.afterOpen) {
    Object.assign(f, {
      interactive: v.bench.interactive - v.bench.click,
      inp: Math.max(0, ...openEvent.map((e) => e.duration)),
      openScript: v.open.script,
      openTask: v.open.task,
      openBytes: sum(openRequests.map((r) => r.bytes)),
      openLongtasks: longAfterClick.length,
      openLongtasksWidget: byWidget(longAfterClick).length,
      openCls: sum(v.bench.shifts.filter((s) => s.start >= v.bench.click).map((s) => s.value)),
      heapOpen: v.afterOpen.heap,
      wasmOpen: v.afterOpen.wasm,
    });
  }
  return f;
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The report's rows: key, label, unit; `open` rows exist only for the widget. */
const ROWS = [
  ['At load (until the page settles)'],
  ['bytes', 'transferred (compressed, with headers)', 'bytes'],
  ['requests', 'requests', 'count'],
  ['task', 'main-thread busy (TaskDuration)', 'ms'],
  ['script', 'main-thread scripting (ScriptDuration, without promise continuations)', 'ms'],
  ['layout', 'style and layout', 'ms'],
  ['longtasks', 'long tasks (> 50 ms)', 'count'],
  ['longtasksWidget', 'long tasks running widget code', 'count'],
  ['longestTask', 'longest task', 'ms'],
  ['blocking', 'total blocking time', 'ms'],
  ['fcp', 'first contentful paint', 'ms'],
  ['load', 'load event', 'ms'],
  ['launcher', 'launcher visible', 'ms'],
  ['ready', 'widget ready (`contact-widget:ready`)', 'ms'],
  ['cls', 'cumulative layout shift', 'cls'],
  ['heap', 'JS heap used (after GC)', 'bytes'],
  ['wasm', 'wasm memory', 'bytes'],
  ['Opening the dialog (click on the launcher after the page settled)'],
  ['interactive', 'click → dialog interactive (panel shown, focus inside)', 'ms'],
  ['inp', 'click → next paint (Event Timing, as INP)', 'inp'],
  ['openTask', 'main-thread busy', 'ms'],
  ['openScript', 'main-thread scripting', 'ms'],
  ['openLongtasks', 'long tasks', 'count'],
  ['openLongtasksWidget', 'long tasks running widget code', 'count'],
  ['openBytes', 'transferred', 'bytes'],
  ['openCls', 'layout shift (all, including after input)', 'cls'],
  ['heapOpen', 'JS heap used (after GC)', 'bytes'],
  ['wasmOpen', 'wasm memory', 'bytes'],
];

function format(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'bytes': return value >= 10_000 ? `${(value / 1000).toFixed(1)} KB` : `${Math.round(value)} B`;
    case 'ms': return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    case 'inp': return value === 0 ? '< 16 ms' : `${Math.round(value)} ms`;
    case 'cls': return value.toFixed(value === 0 ? 0 : 4);
    default: return String(Math.round(value * 10) / 10);
  }
}

/** "median (min–max)" over the runs, or — when no run has the figure. */
function cell(values, unit) {
  const xs = values.filter((x) => x !== null && x !== undefined && !Number.isNaN(x));
  if (xs.length === 0) return '—';
  const m = format(median(xs), unit);
  if (xs.length === 1) return m;
  const lo = format(Math.min(...xs), unit);
  const hi = format(Math.max(...xs), unit);
  return lo === hi ? m : `${m} (${lo}–${hi})`;
}

function added(plain, widget, unit) {
  const p = plain.filter((x) => x !== null && x !== undefined);
  const w = widget.filter((x) => x !== null && x !== undefined);
  if (!p.length || !w.length || unit === 'inp') return '';
  const d = median(w) - median(p);
  const sign = d > 0 ? '+' : d < 0 ? '−' : '';
  return sign + format(Math.abs(d), unit);
}

function table(plainRuns, widgetRuns) {
  const lines = ['| | plain page | with the widget | added (difference of medians) |', '| --- | ---: | ---: | ---: |'];
  for (const [key, label, unit] of ROWS) {
    if (!label) { lines.push(`| **${key}** | | | |`); continue; }
    const p = plainRuns.map((f) => f[key]);
    const w = widgetRuns.map((f) => f[key]);
    const plainCell = key in (plainRuns[0] ?? {}) ? cell(p, unit) : '';
    lines.push(`| ${label} | ${plainCell} | ${cell(w, unit)} | ${plainCell ? added(p, w, unit) : ''} |`);
  }
  return lines.join('\n');
}

/** The files of one visit with the widget, by phase. */
function requestTable(v) {
  const lines = ['| request | phase | status | content-encoding | transferred |', '| --- | --- | ---: | --- | ---: |'];
  for (const r of v.requests) {
    const u = new URL(r.url);
    const who = r.url.startsWith(v.widgetOrigin) ? 'widget origin' : 'host origin';
    lines.push(`| \`${u.pathname}\` (${who}) | ${r.phase} | ${r.failed ? 'failed' : r.status} | ${r.encoding || 'none'} | ${r.bytes} B |`);
  }
  return lines.join('\n');
}

/** Raw and brotli sizes of the files a browser may load from dist/. */
function distSizes() {
  const files = [];
  const walk = (dir, prefix) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else if (/\.(js|mjs|wasm|json)$/.test(name) && !/^(integrity|package|config\.schema)\.json$/.test(name)) {
        const br = fs.existsSync(`${full}.br`) ? fs.statSync(`${full}.br`).size : null;
        files.push({ name: prefix + name, raw: fs.statSync(full).size, br });
      }
    }
  };
  walk(DIST, '');
  const lines = ['| file | raw | brotli (as served) |', '| --- | ---: | ---: |'];
  for (const f of files) lines.push(`| \`${f.name}\` | ${f.raw} | ${f.br ?? '—'} |`);
  return lines.join('\n');
}

function machine(browserVersion) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const release = fs.existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] : null;
  return {
    cpu,
    cores: os.availableParallelism(),
    ram: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${release ?? os.type()} (${os.type()} ${os.release()})`,
    chromium: browserVersion,
    node: process.version,
  };
}

function report({ runs, throttling, tracedVisits, results, requests, traced, host, loadBefore, loadAfter, note, started, finished }) {
  const out = [];
  const p = (s = '') => out.push(s);
  p('# Widget benchmark: what embedding the widget costs a page');
  p();
  p(`Written by \`cargo xtask bench widget\` (\`bench/widget.mjs\`) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  p();
  if (note) { p(`**Note:** ${note}`); p(); }
  p('## Summary');
  p();
  for (const throttle of throttling) {
    const of = (variant) => results.filter((r) => r.throttle === throttle && r.variant === variant).map((r) => r.figures);
    const [plain, widget] = [of('plain'), of('widget')];
    const med = (runs, key) => median(runs.map((f) => f[key]));
    const withLong = widget.filter((f) => f.longtasksWidget > 0);
    const longest = Math.max(0, ...widget.map((f) => f.longestWidgetTask));
    const cls = Math.max(...widget.map((f) => f.cls));
    p(`- **${throttle === 1 ? 'No CPU throttling' : `${throttle}× CPU`}**: the widget adds ` +
      `${format(med(widget, 'bytes') - med(plain, 'bytes'), 'bytes')} in ${med(widget, 'requests') - med(plain, 'requests')} requests and ` +
      `${format(med(widget, 'task') - med(plain, 'task'), 'ms')} of main-thread time at load; ` +
      `layout shift ${cls === 0 ? '0 in every run' : `up to ${format(cls, 'cls')}`}; ` +
      (withLong.length === 0 ? 'no long task ran widget code' : `a long task ran widget code in ${withLong.length} of ${widget.length} runs (up to ${format(longest, 'ms')})`) +
      `; launcher visible at ${format(med(widget, 'launcher'), 'ms')}, dialog interactive ${format(med(widget, 'interactive'), 'ms')} after a click (medians).`);
  }
  p();
  p('## How it is measured');
  p();
  p(`Headless Chromium loads a small host page (served from its own origin, as a customer's site) and
the same page with the README's snippet before \`</body>\` (the widget from the inbox's \`/dist/\`:
brotli, content-hashed files cached as \`immutable\`). Each visit is a first visit in a fresh browser
context (cold HTTP and code caches); plain and widget visits alternate, ${runs} of each per
setting, after one discarded warm-up pair. Figures are medians with (min–max); "added" is the
widget's median minus the plain page's. Times are from navigation start (\`performance.now()\`).
Everything is served over loopback without network throttling, so times leave out network
latency; the bytes are what a visitor downloads.`);
  p();
  p(`- **Settled**: the \`load\` event has fired, no request has been in flight for ${QUIET_MS / 1000} s
  and (with the widget) the launcher is visible. "At load" figures are read then.
- **Main-thread time**: CDP \`Performance.getMetrics\` (\`TaskDuration\`, \`ScriptDuration\`,
  \`LayoutDuration\` + \`RecalcStyleDuration\`) for the page's renderer, from navigation until
  settled. \`TaskDuration\` (everything the main thread did) is the figure to read:
  \`ScriptDuration\` leaves out promise continuations, and the widget instantiates and mounts its
  wasm in one (see the traces below). The wasm is compiled off the main thread while it streams,
  except functions compiled lazily on their first call.
- **Long tasks**: \`PerformanceObserver\` \`longtask\` entries (> 50 ms). One runs widget code when
  \`contact-widget:ready\` fired inside it (the wasm's mount) or a \`long-animation-frame\` entry
  names a script from the widget's origin in it (those entries miss promise continuations, such
  as the wasm's instantiation; the traced visits below see everything).
  Total blocking time is the sum over long tasks of the time beyond 50 ms.
- **Launcher visible**: the first animation frame in which \`contact-widget\`'s shadow root holds a
  \`button.launcher\` with a non-zero box (checked just before that frame paints).
- **Click → dialog interactive**: from the \`pointerdown\` of a click on the launcher (CDP mouse
  input at its centre: move, press, release, after the page settled) to the first frame in which the \`[role="dialog"]\` panel has a box and
  focus is inside it. The panel's 160 ms fade-in animation is not waited for. "Next paint" is the
  click's Event Timing duration (what INP reports; entries under 16 ms are not recorded).
- **Layout shift**: the sum of \`layout-shift\` entry values without recent input.
- **Memory**: \`JSHeapUsedSize\` after a forced GC (\`HeapProfiler.collectGarbage\`); wasm memory is
  the \`byteLength\` of the memory each instantiated wasm module exports (bench-only
  instrumentation wraps \`WebAssembly.instantiate\`/\`instantiateStreaming\`).
- **4× CPU**: \`Emulation.setCPUThrottlingRate\` with rate 4 (the renderer's main thread only).`);
  p();
  for (const throttle of throttling) {
    const plain = results.filter((r) => r.throttle === throttle && r.variant === 'plain').map((r) => r.figures);
    const widget = results.filter((r) => r.throttle === throttle && r.variant === 'widget').map((r) => r.figures);
    p(`## ${throttle === 1 ? 'No CPU throttling' : `${throttle}× CPU throttling`}`);
    p();
    p(table(plain, widget));
    p();
  }
  p('## Long tasks, explained');
  p();
  p(`Traced visits (${tracedVisits} more per page and setting, recorded with a Chromium trace, which
slows them down a little) list every main-thread task over 50 ms of the page's renderer, with the
largest pieces of work in it (\`RunMicrotasks\` is promise continuations: for the widget,
instantiating and mounting the wasm; \`wasm CompileLazy\` is the main thread compiling wasm
functions on their first call).
A task is the widget's when it ran a script from the widget's origin or compiled or instantiated
wasm (the host page has neither). Start is from the navigation's commit; the commit's own task
comes before the page's time origin, and the Long Tasks API does not report it. A
\`FireAnimationFrame\` with a \`FunctionCall\` of no URL is the bench's own check for the launcher,
whose \`getBoundingClientRect\` does that frame's style and layout a little early.`);
  p();
  p('| page | CPU | visit | phase | start | duration | whose | largest pieces |');
  p('| --- | --- | ---: | --- | ---: | ---: | --- | --- |');
  const count = {};
  for (const t of traced) {
    const n = (count[t.variant + t.throttle] = (count[t.variant + t.throttle] ?? 0) + 1);
    if (!t.tasks.length) p(`| ${t.variant} | ${t.throttle}× | ${n} | | | | no task over 50 ms | |`);
    for (const task of t.tasks) {
      p(`| ${t.variant} | ${t.throttle}× | ${n} | ${task.phase} | ${task.start.toFixed(0)} ms | ${task.duration.toFixed(0)} ms | ${task.whose} | ${task.what} |`);
    }
  }
  p();
  p('## What a visitor downloads');
  p();
  p(`The requests of one visit with the widget (${requests.throttle === 1 ? 'no CPU throttling' : `${requests.throttle}× CPU`}), at load and on opening the dialog:`);
  p();
  p(requestTable(requests));
  p();
  p(`The widget's files in \`dist/\` (bytes; the inbox serves the \`.br\` copy to browsers that accept brotli):`);
  p();
  p(distSizes());
  p();
  p('## Machine');
  p();
  p(`- CPU: ${host.cpu}, ${host.cores} cores available`);
  p(`- RAM: ${host.ram}`);
  p(`- OS: ${host.os}`);
  p(`- Browser: Chromium ${host.chromium} (headless, \`--disable-gpu\`), viewport 1280×800`);
  p(`- Node.js ${host.node}, playwright-core`);
  p(`- Load average (1 min) before and after the run: ${loadBefore.toFixed(2)}, ${loadAfter.toFixed(2)}; the run took ${Math.round((finished - started) / 1000)} s`);
  p();
  p('## Reproduce');
  p();
  p('```sh');
  p(`cargo xtask bench widget --runs ${runs}   # builds dist/ and the release inbox, writes bench/widget.md`);
  p('cargo xtask bench                        # the inbox benchmark (bench/inbox.md), then this one');
  p('```');
  p();
  p(`Or by hand, after \`cargo xtask dist\`, \`cargo build --release -p inbox\` and \`npm ci\` in
\`tests/e2e\`: \`INBOX_BIN=target/release/inbox node bench/widget.mjs --runs ${runs} --out bench/widget.md\`.`);
  return out.join('\n') + '\n';
}

/** Runs the benchmark and writes the report to `out`; returns the report. */
export async function run({ runs = 9, throttling = THROTTLING, traced: tracedVisits = 2, out = path.join(root, 'bench/widget.md'), note = '', log = console.log } = {}) {
  if (!fs.existsSync(INBOX_BIN)) throw new Error(`${INBOX_BIN} does not exist: build the inbox first (cargo build --release -p inbox, or set INBOX_BIN)`);
  const started = new Date();
  const loadBefore = os.loadavg()[0];
  const inbox = await startInbox();
  const site = await startSite({ '/plain.html': hostPage(), '/widget.html': hostPage(snippet(inbox.url)) });
  const browser = await launch();
  try {
    const results = [];
    let requests = null;
    const one = async (variant, throttle) => {
      const v = await visit(browser, `${site.url}/${variant}.html`, {
        throttle,
        open: variant === 'widget',
        widgetOrigin: variant === 'widget' ? inbox.url : null,
      });
      return { variant, throttle, visit: v, figures: figures(v) };
    };
    log(`warm-up: one plain and one widget visit (discarded)`);
    await one('plain', 1);
    await one('widget', 1);
    for (const throttle of throttling) {
      for (let i = 0; i < runs; i++) {
        const order = i % 2 === 0 ? ['plain', 'widget'] : ['widget', 'plain'];
        for (const variant of order) {
          const r = await one(variant, throttle);
          results.push(r);
          if (variant === 'widget' && (throttle === 1 || !requests)) requests = r.visit;
          const f = r.figures;
          log(`${throttle}x cpu, run ${i + 1}/${runs}, ${variant.padEnd(6)}: ${f.bytes} B, script ${f.script.toFixed(1)} ms, ` +
            `busy ${f.task.toFixed(1)} ms, long tasks ${f.longtasks}, cls ${f.cls}` +
            (variant === 'widget' ? `, launcher ${f.launcher?.toFixed(0)} ms, open ${f.interactive?.toFixed(0)} ms` : ''));
        }
      }
    }
    const traced = [];
    for (const throttle of throttling) {
      for (const variant of Array.from({ length: tracedVisits }, () => ['plain', 'widget']).flat()) {
        log(`${throttle}x cpu, traced ${variant} visit`);
        const v = await visit(browser, `${site.url}/${variant}.html`, {
          throttle, open: variant === 'widget', widgetOrigin: variant === 'widget' ? inbox.url : null, trace: true,
        });
        traced.push({ variant, throttle, tasks: v.tasks });
      }
    }
    const text = report({
      runs, throttling, tracedVisits, results, requests, traced, host: machine(browser.version()), loadBefore, loadAfter: os.loadavg()[0],
      note, started, finished: new Date(),
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    log(`wrote ${out}`);
    return { text, results };
  } finally {
    await browser.close();
    await site.stop();
    await inbox.stop();
  }
}

function parseArgs(args) {
  const options = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--runs') {
      options.runs = Number(value);
      if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`--runs wants a whole number of at least 1, not ${value}`);
    } else if (flag === '--out') options.out = path.resolve(value);
    else if (flag === '--note') options.note = value;
    else throw new Error(`unknown argument ${flag}; usage: node bench/widget.mjs [--runs N] [--out FILE] [--note TEXT]`);
  }
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { text } = await run(parseArgs(process.argv.slice(2)));
    console.log(`\n${text}`);
  } catch (error) {
    console.error(`bench/widget.mjs: ${error.stack ?? error}`);
    process.exit(1);
  }
}
