// The widget's half of `cargo xtask bench`: what embedding the widget costs a host page.
//
// One headless Chromium loads, side by side and alternately, a plain host page, the same page
// with the README's snippet, and the same page with a hand-written plain-JS contact widget
// (bench/plain-widget.js, the reference), each time in a fresh browser context (cold cache: a
// first visit), with and without 4x CPU throttling, then clicks the launcher. The widget loads on
// intent, so at load only its loader is fetched and the click is a cold open. Then, on a page in
// German (so one language file comes too), it measures cold opens on their own: unthrottled, and
// on an emulated slow 4G link with 4x CPU, clicking with no prior hover and after hovering. It
// writes the medians to a Markdown report.
//
// The host page comes from its own origin (a customer's site); the widget from the inbox's
// /dist/ (brotli, immutable hashed names, as deployed), the plain-JS widget from a third origin
// (brotli too). Everything is on loopback: byte counts are what a visitor downloads; times leave
// out network latency except where a slow link is emulated.
//
//   node bench/widget.mjs [--runs N] [--out FILE] [--note TEXT]
//
// Environment (as for the end-to-end tests): INBOX_BIN, DIST_DIR, WWW_DIR, CHROMIUM.
// `cargo xtask bench widget` builds dist/ and the release inbox and runs this.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { DIST, INBOX_BIN, launch, startInbox, startSite } from '../tests/e2e/support/harness.mjs';

const root = path.resolve(import.meta.dirname, '..');

/** CPU slowdowns measured at load: none, and 4x (Emulation.setCPUThrottlingRate). */
const THROTTLING = [1, 4];
/** The pages measured at load: no widget, ours, and the hand-written plain-JS reference. */
const VARIANTS = ['plain', 'widget', 'plainjs'];
const NAMES = { plain: 'plain page', widget: 'with the widget', plainjs: 'with the plain-JS widget' };
/**
 * An emulated slow 4G link (CDP Network.emulateNetworkConditions): 1.6 Mbps down, 750 kbps up,
 * 150 ms round trip (Lighthouse's "slow 4G" numbers).
 */
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
/** The cold opens measured on their own, each with its target for click → dialog interactive. */
export const COLD = [
  { name: 'unthrottled', cpu: 1, network: null, target: 150 },
  { name: 'slow 4G, 4× CPU', cpu: 4, network: SLOW_4G, target: 1000 },
];
/**
 * How the visitor clicks: `click` moves the pointer onto the launcher and presses at once (as
 * Playwright's click does; the move's pointerenter starts the loading a moment before the press,
 * so the click waits for nearly all of it: the worst case); `hover` rests the pointer on the
 * launcher for HOVER_MS first, as a hand reaching for it does.
 */
const MODES = ['click', 'hover'];
const HOVER_MS = 300;
/** The page has settled when no request was in flight for this long after `load`. */
const QUIET_MS = 1500;
/** Give up waiting for the launcher, the settling or the dialog after this long. */
const TIMEOUT_MS = 30_000;

// Bench-only instrumentation, installed before any script of the page runs. Records paint,
// long-task, long-animation-frame, layout-shift and event-timing entries; when the launcher first
// has a box; after a click, when the launcher first shows it is busy and when the dialog is
// interactive; and keeps every wasm memory the page instantiates (wrapping
// WebAssembly.instantiate and instantiateStreaming). It watches our <contact-widget> and the
// plain-JS widget's <plain-contact-widget> alike, so both pay the same for being watched.
const INSTRUMENT = `(() => {
  if (window !== window.top) return;
  const signal = (what) => { try { if (window.__benchSignal) window.__benchSignal(what); } catch (ignored) {} };
  const b = window.__bench = { paints: {}, longtasks: [], frames: [], shifts: [], events: [],
    launcher: null, ready: null, opened: null, pointer: null, click: null, busy: null, interactive: null };
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

  const HOSTS = 'contact-widget, plain-contact-widget';
  const shadow = () => { const host = document.querySelector(HOSTS); return host && host.shadowRoot; };
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
  // The launcher is visible in the first frame whose layout gives it a box: a ResizeObserver
  // tells, after that layout and before the paint, without forcing a layout of its own (a
  // getBoundingClientRect in an animation frame would run the frame's style and layout inside
  // the bench's script, counted as the widget's script time). Until the launcher exists, each
  // frame looks for it.
  const watcher = new MutationObserver(() => {
    if (!document.querySelector(HOSTS)) return;
    watcher.disconnect();
    everyFrame(() => {
      const s = shadow();
      const launcher = s && s.querySelector('button.launcher');
      if (!launcher) return false;
      new ResizeObserver((entries, observer) => {
        const [box] = entries[0].borderBoxSize;
        if (launcher.hidden || !(box.inlineSize > 0 && box.blockSize > 0) || getComputedStyle(launcher).visibility === 'hidden') return;
        observer.disconnect();
        b.launcher = performance.now();
        signal('launcher');
      }).observe(launcher);
      return true;
    });
  });
  watcher.observe(document, { childList: true, subtree: true });
  addEventListener('contact-widget:ready', () => { b.ready ??= performance.now(); });
  addEventListener('contact-widget:open', () => { b.opened ??= performance.now(); });
  addEventListener('pointerover', (event) => { b.pointer ??= event.timeStamp; }, true);
  // The dialog is interactive once its panel has a box and focus is inside it. Until then, the
  // first frame with a busy launcher (aria-busy, the spinner) is the click's feedback.
  addEventListener('pointerdown', (event) => {
    if (b.click !== null) return;
    b.click = event.timeStamp;
    everyFrame(() => {
      const s = shadow();
      if (b.busy === null && s && s.querySelector('.launcher[aria-busy="true"]')) b.busy = performance.now();
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

/** The host page; with `snippet`, a widget's snippet before `</body>`. */
function hostPage(snippet, lang = 'en') {
  return `<!doctype html>
<html lang="${lang}">
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

/** The README's snippet, pointing at the inbox; with `src`, the same tag loading another script. */
function snippet(inbox, src = `${inbox}/dist/contact-widget.js`) {
  return `
  <script src="${src}" async
          data-endpoint="${inbox}/api/feedback"
          data-title="Contact us"
          data-phone="+1 555 0100 123"
          data-email="help@example.com"
          data-whatsapp="+1 555 0100 123"></script>`;
}

/**
 * The plain-JS widget's origin: bench/plain-widget.js as a CDN would serve it (brotli or gzip
 * when the browser takes them, cached as immutable, CORS-readable).
 */
async function startPlainOrigin() {
  const source = fs.readFileSync(path.join(root, 'bench/plain-widget.js'));
  const encodings = {
    br: zlib.brotliCompressSync(source, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: zlib.gzipSync(source, { level: 9 }),
  };
  return startSite({
    '/plain-widget.js': (req, res) => {
      const accepted = String(req.headers['accept-encoding'] ?? '');
      const encoding = ['br', 'gzip'].find((e) => accepted.includes(e));
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=31536000, immutable',
        'access-control-allow-origin': '*',
        vary: 'accept-encoding',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      res.end(encoding ? encodings[encoding] : source);
    },
  });
}

/**
 * One first visit of `url` in a fresh context, on loopback or the emulated `network`: the load
 * until it settles, then (when `open` is 'click' or 'hover', see MODES) a click on the launcher
 * until the dialog is interactive. Returns the raw figures. The page tells us what it saw through
 * a CDP binding, so nothing polls it; the click is CDP input (mouse move, press, release at the
 * launcher's centre), so no Playwright script runs in the page meanwhile.
 */
async function visit(browser, url, { throttle, network = null, open = null, widgetOrigin, trace = false }) {
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
      requests.set(e.requestId, { url: e.request.url, phase, at: e.timestamp * 1000, bytes: 0, encoding: '', status: 0, done: false });
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
      r.end = e.timestamp * 1000;
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
    if (network) await cdp.send('Network.emulateNetworkConditions', network);
    const tracer = trace ? await startTrace(cdp) : null;

    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    // Settled: nothing in flight for QUIET_MS and, with the widget, the launcher visible.
    await until(() => (!widgetOrigin || signals.has('launcher')) && inFlight === 0 && Date.now() - lastActivity >= QUIET_MS,
      () => `${url} did not settle within ${TIMEOUT_MS} ms (launcher shown: ${signals.has('launcher')}, ${inFlight} requests in flight)`);
    const result = { throttle, network, open, widgetOrigin, atLoad: await mainThread(cdp), loadAverage: os.loadavg()[0] };
    const thread = tracer ? renderer(await tracer.stop(), url) : null;
    if (trace) result.tasks = thread ? longTasksInTrace(thread, widgetOrigin, 'load') : [];
    if (thread) result.scriptTime = scriptTimeInTrace(thread, widgetOrigin);
    Object.assign(result.atLoad, await memory(cdp));

    if (open) {
      const { x, y } = await evaluate(cdp, `(() => { const r = document.querySelector('contact-widget, plain-contact-widget').shadowRoot
        .querySelector('button.launcher').getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`);
      const before = await mainThread(cdp);
      const openTracer = thread ? await startTrace(cdp) : null;
      phase = 'open';
      await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
      if (open === 'hover') await new Promise((resolve) => setTimeout(resolve, HOVER_MS));
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

/** The script a trace event ran, if it names one. */
const scriptUrl = (e) => e.args?.data?.url ?? e.args?.data?.stackTrace?.[0]?.url ?? e.args?.data?.scriptName ?? '';

/**
 * The time the widget's own scripts ran on the page's main thread in a trace, from the commit
 * on: the outermost script evaluations and calls from the widget's origin (nested ones are inside
 * them), as wall time and as the thread's CPU time (`tdur`), which leaves out the time the
 * machine's other work took the core away from the thread.
 */
function scriptTimeInTrace({ pid, tid, zero, events }, widgetOrigin) {
  const ours = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts >= zero &&
    /^(EvaluateScript|FunctionCall|v8\.compile)$/.test(e.name) && widgetOrigin && scriptUrl(e).startsWith(widgetOrigin));
  const inside = (e, o) => o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur;
  const outermost = ours.filter((e, i) => !ours.some((o, j) => j !== i && inside(e, o) && (o.dur > e.dur || j < i)));
  return { wall: sum(outermost.map((e) => e.dur)) / 1000, cpu: sum(outermost.map((e) => e.tdur ?? 0)) / 1000 };
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
    cls: sum(v.bench.shifts.filter((s) => !s.input).map((s) => s.value)),
    heap: v.atLoad.heap,
    wasm: v.atLoad.wasm,
    // The widget's files requested at load (the loader alone, when it loads on intent).
    loadFiles: loadRequests.filter((r) => fromWidget(r.url)).map((r) => new URL(r.url).pathname),
  };
  if (v.afterOpen) {
    const since = (t) => t === null ? null : t - v.bench.click;
    Object.assign(f, {
      interactive: since(v.bench.interactive),
      busy: since(v.bench.busy),
      ready: since(v.bench.ready),
      // From the pointer reaching the launcher (its pointerover) to the dialog interactive.
      reach: v.bench.pointer === null ? null : v.bench.interactive - v.bench.pointer,
      inp: Math.max(0, ...openEvent.map((e) => e.duration)),
      openScript: v.open.script,
      openTask: v.open.task,
      openBytes: sum(openRequests.map((r) => r.bytes)),
      openRequests: openRequests.length,
      openFiles: openRequests.map((r) => new URL(r.url).pathname),
      // How far apart the files of the open were requested (0 when all at once: no waterfall).
      openSpread: openRequests.length ? Math.max(...openRequests.map((r) => r.at)) - Math.min(...openRequests.map((r) => r.at)) : null,
      // From the first of them requested to the last one received.
      openFetch: openRequests.length ? Math.max(...openRequests.map((r) => r.end)) - Math.min(...openRequests.map((r) => r.at)) : null,
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

/** The report's rows: key, label, unit; `open` rows exist only for the widgets. */
const ROWS = [
  ['At load (until the page settles; nobody touches the widget)'],
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
  ['cls', 'cumulative layout shift', 'cls'],
  ['heap', 'JS heap used (after GC)', 'bytes'],
  ['wasm', 'wasm memory', 'bytes'],
  ['Opening the dialog (click on the launcher after the page settled: for our widget a cold open, its panel is fetched then)'],
  ['interactive', 'click → dialog interactive (panel shown, focus inside)', 'ms'],
  ['busy', 'click → busy launcher shown (first frame with `aria-busy`)', 'ms'],
  ['ready', 'click → panel mounted (`contact-widget:ready`)', 'ms'],
  ['inp', 'click → next paint (Event Timing, as INP)', 'inp'],
  ['openBytes', 'transferred', 'bytes'],
  ['openRequests', 'requests', 'count'],
  ['openTask', 'main-thread busy', 'ms'],
  ['openScript', 'main-thread scripting', 'ms'],
  ['openLongtasks', 'long tasks', 'count'],
  ['openLongtasksWidget', 'long tasks running widget code', 'count'],
  ['openCls', 'layout shift (all, including after input)', 'cls'],
  ['heapOpen', 'JS heap used (after GC)', 'bytes'],
  ['wasmOpen', 'wasm memory', 'bytes'],
];

function format(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'bytes': return value >= 10_000 ? `${(value / 1000).toFixed(1)} KB` : `${Math.round(value)} B`;
    case 'ms': return `${value.toFixed(Math.abs(value) < 10 ? 1 : 0).replace('-', '−')} ms`;
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

/** The figures of one setting side by side: the plain page, ours and the plain-JS widget, each widget with what it adds. */
function table(plainRuns, widgetRuns, jsRuns) {
  const lines = ['| | plain page | with the widget | added | with the plain-JS widget | added |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const [key, label, unit] of ROWS) {
    if (!label) { lines.push(`| **${key}** | | | | | |`); continue; }
    const p = plainRuns.map((f) => f[key]);
    const plainCell = key in (plainRuns[0] ?? {}) ? cell(p, unit) : '';
    const side = (runs) => {
      const xs = runs.map((f) => f[key]);
      return [cell(xs, unit), plainCell ? added(p, xs, unit) : ''];
    };
    lines.push(`| ${[label, plainCell, ...side(widgetRuns), ...side(jsRuns)].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The files of one visit with the widget, by phase. */
function requestTable(v) {
  const lines = ['| request | phase | requested (after the page) | status | content-encoding | transferred |', '| --- | --- | ---: | ---: | --- | ---: |'];
  const first = Math.min(...v.requests.map((r) => r.at));
  for (const r of v.requests) {
    const u = new URL(r.url);
    const who = r.url.startsWith(v.widgetOrigin) ? 'widget origin' : 'host origin';
    lines.push(`| \`${u.pathname}\` (${who}) | ${r.phase} | ${format(r.at - first, 'ms')} | ${r.failed ? 'failed' : r.status} | ${r.encoding || 'none'} | ${r.bytes} B |`);
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

/** The medians a report states, by page variant and CPU setting, and by cold-open setting and mode. */
function medians(results, cold) {
  const load = (variant, throttle, key) => {
    const xs = results.filter((r) => r.variant === variant && r.throttle === throttle).map((r) => r.figures[key]).filter((x) => x !== null && x !== undefined);
    return xs.length ? median(xs) : null;
  };
  // What a widget adds to the plain page (difference of medians).
  const adds = (variant, throttle, key) => {
    const [w, p] = [load(variant, throttle, key), load('plain', throttle, key)];
    return w === null || p === null ? null : w - p;
  };
  const opens = (setting, mode, key) => {
    const xs = cold.filter((c) => c.setting === setting && c.mode === mode).map((c) => c.figures[key]).filter((x) => x !== null && x !== undefined);
    return xs.length ? median(xs) : null;
  };
  return { load, adds, opens };
}

const signed = (value, unit) => value === null ? '—' : (value < 0 ? '−' : '+') + format(Math.abs(value), unit);
const met = (ok) => ok === null ? '—' : ok ? 'yes' : '**no**';
const cpuName = (throttle) => throttle === 1 ? 'no CPU throttling' : `${throttle}× CPU`;

function report({ runs, throttling, tracedVisits, results, cold, requests, traced, host, loadBefore, loadAfter, loadAverages, note, started, finished }) {
  const out = [];
  const p = (s = '') => out.push(s);
  const { load, adds, opens } = medians(results, cold);
  const coldSettings = [...new Set(cold.map((c) => c.setting))];
  const modes = [...new Set(cold.map((c) => c.mode))];
  const widgetRuns = results.filter((r) => r.variant === 'widget').map((r) => r.figures);
  const coldRuns = cold.map((c) => c.figures);

  p('# Widget benchmark: what embedding the widget costs a page');
  p();
  p(`Written by \`cargo xtask bench widget\` (\`bench/widget.mjs\`) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ` +
    `${runs} visits per page and setting, medians (see *Machine* for how busy the machine was).`);
  p();
  if (note) { p(`**Note:** ${note}`); p(); }
  p('## Summary');
  p();
  p(`The widget loads on intent: a page that nobody touches downloads and runs its loader only;
the panel (the glue, the wasm and, for a visitor not reading English, one language file) is
fetched when the visitor points at or focuses the launcher, or the page calls \`open()\`. The
plain-JS widget is the reference: a hand-written widget with the same channels and form
(\`bench/plain-widget.js\`, bench only), loaded by the same host page with the same script tag.
Targets are issue 15's.`);
  p();
  p('| | our widget | plain-JS widget | target | met |');
  p('| --- | ---: | ---: | --- | --- |');
  // At load: the files, the bytes and the requests.
  const files = [...new Set(widgetRuns.flatMap((f) => f.loadFiles))];
  const onlyLoader = files.length > 0 && files.every((f) => /\/contact-widget\.js$/.test(f));
  const bytesAt = (variant, throttle) => `${format(adds(variant, throttle, 'bytes'), 'bytes')} in ${format(adds(variant, throttle, 'requests'), 'count')} request(s)`;
  p(`| at load: transferred (with headers) | ${bytesAt('widget', throttling[0])} (${files.map((f) => `\`${path.basename(f)}\``).join(', ') || 'none'}) | ` +
    `${bytesAt('plainjs', throttling[0])} | only \`contact-widget.js\` | ${met(onlyLoader)} |`);
  for (const throttle of throttling) {
    const [ours, plainjs] = [adds('widget', throttle, 'script'), adds('plainjs', throttle, 'script')];
    const ratio = ours !== null && plainjs > 0 ? ours / plainjs : null;
    const targeted = throttle === 4;
    p(`| at load, ${cpuName(throttle)}: main-thread scripting added | ${signed(ours, 'ms')} | ${signed(plainjs, 'ms')} | ` +
      `${targeted ? '≤ 1.5× the plain-JS widget\'s' : ''} | ${targeted ? `${met(ratio === null ? null : ratio <= 1.5)} (${ratio === null ? 'no ratio' : `${ratio.toFixed(2)}×`})` : ''} |`);
  }
  const traceTime = (variant, throttle) => {
    const xs = traced.filter((t) => t.variant === variant && t.throttle === throttle && t.scriptTime).map((t) => t.scriptTime.cpu);
    return xs.length ? median(xs) : null;
  };
  for (const throttle of throttling) {
    const [ours, plainjs] = [traceTime('widget', throttle), traceTime('plainjs', throttle)];
    if (ours === null) continue;
    p(`| at load, ${cpuName(throttle)}: the widget's own scripts, main-thread CPU time (traced visits) | ${format(ours, 'ms')} | ${format(plainjs, 'ms')} | | ` +
      `${plainjs > 0 ? `(${(ours / plainjs).toFixed(2)}×)` : ''} |`);
  }
  for (const throttle of throttling) {
    p(`| at load, ${cpuName(throttle)}: main-thread busy added (all tasks) | ${signed(adds('widget', throttle, 'task'), 'ms')} | ${signed(adds('plainjs', throttle, 'task'), 'ms')} | | |`);
  }
  for (const throttle of throttling) {
    const [ours, plainjs] = [load('widget', throttle, 'launcher'), load('plainjs', throttle, 'launcher')];
    p(`| at load, ${cpuName(throttle)}: launcher visible (from navigation) | ${format(ours, 'ms')} | ${format(plainjs, 'ms')} | as fast as the plain-JS widget | ` +
      `${ours === null || plainjs === null ? '—' : `${ours <= plainjs ? 'yes' : `${format(ours - plainjs, 'ms')} later`}`} |`);
  }
  const worstShift = (variant) => Math.max(0, ...results.filter((r) => r.variant === variant).map((r) => r.figures.cls));
  const shifted = (variant) => results.filter((r) => r.variant === variant && r.figures.cls > 0);
  p(`| at load: layout shift (largest of any run) | ${format(worstShift('widget'), 'cls')} (in ${shifted('widget').length} of ${widgetRuns.length} runs) | ` +
    `${format(worstShift('plainjs'), 'cls')} (in ${shifted('plainjs').length} runs) | 0 | ${met(worstShift('widget') === 0)} |`);
  if (cold.length) {
    const openBytes = median(coldRuns.map((f) => f.openBytes));
    const openFiles = [...new Set(coldRuns.flatMap((f) => f.openFiles))].map((f) => path.basename(f).replace(/\.[0-9a-f]{10}\./, '.HASH.'));
    const spread = median(coldRuns.map((f) => f.openSpread));
    const loaderBytes = adds('widget', throttling[0], 'bytes');
    p(`| on first open: transferred (with headers) | ${format(openBytes, 'bytes')} in ${median(coldRuns.map((f) => f.openRequests))} requests ` +
      `(${openFiles.map((f) => `\`${f}\``).join(', ')}; requested ${format(spread, 'ms')} apart) | 0 (built at load) | fetched in parallel | ${met(spread < 100)} |`);
    const byOpen = loaderBytes + openBytes;
    p(`| by the first open: loader + panel | ${format(byOpen, 'bytes')} | ${format(adds('plainjs', throttling[0], 'bytes'), 'bytes')} | ≤ 60 KB brotli | ${met(byOpen <= 60_000)} |`);
    for (const setting of coldSettings) {
      for (const mode of modes) {
        const m = opens(setting, mode, 'interactive');
        p(`| cold open, ${setting.name}, ${mode === 'click' ? 'click with no prior hover' : `hover ${HOVER_MS} ms, then click`}: click → dialog interactive | ` +
          `${format(m, 'ms')} | — | ≤ ${format(setting.target, 'ms')} | ${met(m <= setting.target)} |`);
      }
    }
    const busy = coldRuns.filter((f) => f.busy !== null).map((f) => f.busy);
    if (busy.length) {
      p(`| cold open: click → busy launcher shown (when the panel was not ready) | ${format(median(busy), 'ms')} (at most ${format(Math.max(...busy), 'ms')}) | — | ≤ 100 ms | ${met(median(busy) <= 100)} |`);
    }
  }
  const shifts = [...new Set(['widget', 'plainjs'].flatMap((variant) => shifted(variant)
    .flatMap((r) => r.visit.bench.shifts.filter((e) => !e.input).map((e) => `${NAMES[variant]}, ${cpuName(r.throttle)}: ${format(e.value, 'cls')} at ${format(e.start, 'ms')} (${e.sources.join(', ') || 'no source named'})`))))];
  if (shifts.length) {
    p();
    p(`Layout shifts at load: ${shifts.join('; ')}.`);
  }
  p();
  p(`"Added" is the page with a widget minus the plain page (difference of medians); main-thread
scripting is Chromium's \`ScriptDuration\`, busy its \`TaskDuration\` (see *How it is measured*).
The cold opens are on a page in German, so the language file is among the files; an English
visitor does without it.`);
  p();
  p('## How it is measured');
  p();
  p(`Headless Chromium loads a small host page (served from its own origin, as a customer's site),
the same page with the README's snippet before \`</body>\` (the widget from the inbox's \`/dist/\`:
brotli, content-hashed files cached as \`immutable\`), and the same page with the same script tag
loading the plain-JS widget instead (from a third origin, brotli, cached as \`immutable\`). Each
visit is a first visit in a fresh browser context (cold HTTP and code caches); the three pages
take turns, ${runs} visits of each per CPU setting, after one discarded warm-up visit of each.
Figures are medians with (min–max); "added" is a widget's median minus the plain page's. Times
are from navigation start (\`performance.now()\`). Except for the cold opens on a slow link, everything is
served over loopback without network throttling, so those times leave out network latency; the
bytes are what a visitor downloads.`);
  p();
  p(`- **The plain-JS widget** (\`bench/plain-widget.js\`, bench only): about 120 lines of DOM code with
  no framework, as a site owner might write one: it reads the same \`data-*\` attributes, and at
  load builds, in a shadow root with a \`<style>\`, a launcher and a hidden panel with the three
  channels (phone, e-mail, WhatsApp) and a feedback form (message, name, e-mail, send), as such
  widgets usually do. It has none of our config checks, languages, opening hours, drafts or
  delivery queue.
- **Settled**: the \`load\` event has fired, no request has been in flight for ${QUIET_MS / 1000} s
  and (with a widget) the launcher is visible. "At load" figures are read then: nobody has
  touched the widget.
- **Main-thread time**: CDP \`Performance.getMetrics\` (\`TaskDuration\`, \`ScriptDuration\`,
  \`LayoutDuration\` + \`RecalcStyleDuration\`) for the page's renderer, from navigation until
  settled. \`ScriptDuration\` is the time in scripts (issue 15's "script time"; it leaves out
  promise continuations, where our widget instantiates and mounts its wasm, but at load it has
  none: the wasm is not fetched then); \`TaskDuration\` is everything the main thread did,
  including the host page's own parsing, style and layout, so its difference of medians is noisier.
- **Long tasks**: \`PerformanceObserver\` \`longtask\` entries (> 50 ms). One runs widget code when
  \`contact-widget:ready\` fired inside it (the wasm's mount) or a \`long-animation-frame\` entry
  names a script from the widget's origin in it (those entries miss promise continuations, such
  as the wasm's instantiation; the traced visits below see everything).
  Total blocking time is the sum over long tasks of the time beyond 50 ms.
- **Launcher visible**: the first frame in which the widget's shadow root holds a
  \`button.launcher\` with a non-zero box (a \`ResizeObserver\` on it, which reports after the
  frame's layout and before its paint, without forcing a layout in the bench's own script).
- **Click → dialog interactive**: from the \`pointerdown\` of a click on the launcher (CDP mouse
  input at its centre: move, press, release, after the page settled) to the first frame in which
  the \`[role="dialog"]\` panel has a box and focus is inside it (checked just before that frame
  paints). The panel's 160 ms fade-in animation is not waited for. The mouse move fires
  \`pointerenter\`, which starts loading our panel; the press follows as soon as the browser has
  handled the move (compare "pointer arrives" and "click" in *Cold open*), so a click with no
  prior hover waits for nearly all the loading (Playwright's \`click()\` does the same: a real
  pointer always enters the launcher before it presses it). "Busy launcher shown" is
  the first frame after the press in which the launcher has \`aria-busy="true"\` (its spinner),
  when the panel was not ready yet. "Next paint" is the click's Event Timing duration (what INP
  reports; entries under 16 ms are not recorded).
- **Cold opens**: on their own, a fresh context each time as above, on the host page with
  \`lang="de"\`, ${runs} visits per setting and way of clicking (taking turns): after the page
  settled, the pointer moves onto the launcher and presses it at once ("click with no prior
  hover"), or rests on it ${HOVER_MS} ms first ("hover, then click": loading starts when the pointer
  arrives). Settings: unthrottled (loopback, no CPU throttling), and an emulated slow 4G link with
  4× CPU: CDP \`Network.emulateNetworkConditions\` with 150 ms latency, ${SLOW_4G.downloadThroughput * 8 / 1e6} Mbps down
  and ${SLOW_4G.uploadThroughput * 8 / 1e3} kbps up for the whole visit. Chromium applies that per request (each
  response waits at least the latency, the throughput is shared by the requests in flight); it
  does not model TCP or TLS handshakes, and the loader's request has already opened a
  connection to the widget's origin (plain HTTP/1.1 on loopback: the browser opens more
  connections for requests in parallel, as HTTP/2 would multiplex them).
- **Layout shift**: the sum of \`layout-shift\` entry values without recent input.
- **Memory**: \`JSHeapUsedSize\` after a forced GC (\`HeapProfiler.collectGarbage\`); wasm memory is
  the \`byteLength\` of the memory each instantiated wasm module exports (bench-only
  instrumentation wraps \`WebAssembly.instantiate\`/\`instantiateStreaming\`).
- **4× CPU**: \`Emulation.setCPUThrottlingRate\` with rate 4 (the renderer's main thread only; the
  wasm is compiled off the main thread while it streams in).`);
  p();
  for (const throttle of throttling) {
    const of = (variant) => results.filter((r) => r.throttle === throttle && r.variant === variant).map((r) => r.figures);
    p(`## ${throttle === 1 ? 'No CPU throttling' : `${throttle}× CPU throttling`}`);
    p();
    p(table(of('plain'), of('widget'), of('plainjs')));
    p();
  }
  if (cold.length) {
    p('## Cold open');
    p();
    p(`A first visit of a page in German, which then opens the widget (see *How it is measured*);
medians of ${runs} visits each, with (min–max).`);
    p();
    p('| setting | how the visitor clicks | click → busy launcher shown | click → dialog interactive | pointer arrives → dialog interactive | files fetched in | click → panel mounted | click → next paint | transferred on open | long tasks after the click | target | met |');
    p('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    for (const setting of coldSettings) {
      for (const mode of modes) {
        const runsOf = cold.filter((c) => c.setting === setting && c.mode === mode).map((c) => c.figures);
        const col = (key, unit) => cell(runsOf.map((f) => f[key]), unit);
        const busyRuns = runsOf.filter((f) => f.busy !== null).length;
        p(`| ${setting.name} | ${mode === 'click' ? 'click with no prior hover' : `hover ${HOVER_MS} ms, then click`} | ` +
          `${col('busy', 'ms')}${busyRuns < runsOf.length ? ` (busy in ${busyRuns} of ${runsOf.length})` : ''} | ${col('interactive', 'ms')} | ` +
          `${col('reach', 'ms')} | ${col('openFetch', 'ms')} | ${col('ready', 'ms')} | ${col('inp', 'inp')} | ${col('openBytes', 'bytes')} | ${col('openLongtasks', 'count')} | ≤ ${format(setting.target, 'ms')} | ` +
          `${met(opens(setting, mode, 'interactive') <= setting.target)} |`);
      }
    }
    p();
    p(`"Busy launcher shown" counts only the visits in which the panel was not ready at the click (after
a hover it often is). "Pointer arrives" is from the pointer's \`pointerover\` on the launcher.
"Files fetched in" is from the first of the panel's files requested to the last one received
(the network's share; compiling the wasm overlaps it); "panel mounted" is
\`contact-widget:ready\`, after which the panel opens and takes focus (negative when the panel was
mounted before the click).`);
    p();
  }
  if (traced.some((t) => t.scriptTime)) {
    p('## The widgets\' own script time at load, from the traces');
    p();
    p(`In the traced visits (see below), the time the widget's own scripts ran on the main thread until
the page settled: every script evaluation and call from the widget's origin (the outermost ones;
what they call, such as building DOM nodes, is inside them). Wall time is what the page waited;
CPU time is the main thread's own time in them (the trace's \`tdur\`): it leaves out the time
the machine's other work took the core away from the thread, so it varies less than wall time on
a busy machine (Chromium's CPU throttling keeps the thread busy, so it is in both). Medians with
(min–max).`);
    p();
    p('| page | CPU | visits | wall time | CPU time |');
    p('| --- | --- | ---: | ---: | ---: |');
    for (const throttle of throttling) {
      for (const variant of ['widget', 'plainjs']) {
        const times = traced.filter((t) => t.variant === variant && t.throttle === throttle && t.scriptTime).map((t) => t.scriptTime);
        p(`| ${NAMES[variant]} | ${throttle}× | ${times.length} | ${cell(times.map((t) => t.wall), 'ms')} | ${cell(times.map((t) => t.cpu), 'ms')} |`);
      }
    }
    p();
  }
  p('## Long tasks, explained');
  p();
  p(`Traced visits (${tracedVisits} more per page and CPU setting, recorded with a Chromium trace, which
slows them down a little) list every main-thread task over 50 ms of the page's renderer, with the
largest pieces of work in it (\`RunMicrotasks\` is promise continuations: for our widget,
instantiating and mounting the wasm; \`wasm CompileLazy\` is the main thread compiling wasm
functions on their first call). The "open" phase starts with the click after the page settled:
for our widget that is when its panel is fetched, compiled and mounted.
A task is the widget's when it ran a script from the widget's origin or compiled or instantiated
wasm (the host page has neither). Start is from the navigation's commit; the commit's own task
comes before the page's time origin, and the Long Tasks API does not report it. In the open
phase, a \`FireAnimationFrame\` with a \`FunctionCall\` of no URL is the bench's own check for the
dialog, whose \`getBoundingClientRect\` does that frame's style and layout a little early.`);
  p();
  p('| page | CPU | visit | phase | start | duration | whose | largest pieces |');
  p('| --- | --- | ---: | --- | ---: | ---: | --- | --- |');
  const count = {};
  for (const t of traced) {
    const n = (count[t.variant + t.throttle] = (count[t.variant + t.throttle] ?? 0) + 1);
    const page = { plain: 'plain', widget: 'widget', plainjs: 'plain-JS widget' }[t.variant];
    if (!t.tasks.length) p(`| ${page} | ${t.throttle}× | ${n} | | | | no task over 50 ms | |`);
    for (const task of t.tasks) {
      p(`| ${page} | ${t.throttle}× | ${n} | ${task.phase} | ${task.start.toFixed(0)} ms | ${task.duration.toFixed(0)} ms | ${task.whose} | ${task.what} |`);
    }
  }
  p();
  p('## What a visitor downloads');
  p();
  if (requests) {
    const setting = requests.network ? 'on the emulated slow 4G link' : 'unthrottled';
    p(`The requests of one cold open (${setting}, ${cpuName(requests.throttle)}, ${requests.open === 'hover' ? 'hover, then click' : 'click with no prior hover'}), at load and on opening the dialog:`);
    p();
    p(requestTable(requests));
    p();
  }
  p(`The widget's files in \`dist/\` (bytes; the inbox serves the \`.br\` copy to browsers that accept brotli):`);
  p();
  p(distSizes());
  p();
  p('## Machine');
  p();
  const loads = [...loadAverages].sort((a, b) => a - b);
  p(`- CPU: ${host.cpu}, ${host.cores} cores available`);
  p(`- RAM: ${host.ram}`);
  p(`- OS: ${host.os}`);
  p(`- Browser: Chromium ${host.chromium} (headless, \`--disable-gpu\`), viewport 1280×800`);
  p(`- Node.js ${host.node}, playwright-core`);
  p(`- Load average (1 min): ${loadBefore.toFixed(2)} before the run, ${loadAfter.toFixed(2)} after it; ` +
    `${loads.length ? `over its visits ${median(loads).toFixed(2)} (median), ${loads[0].toFixed(2)}–${loads.at(-1).toFixed(2)}` : 'no visits'}; the run took ${Math.round((finished - started) / 1000)} s`);
  if (loads.length && median(loads) > host.cores / 2) {
    p(`- The machine was shared: a load average near or above its ${host.cores} cores means other work ran
  beside the browser. Single visits vary more
  than on a quiet machine; the medians are steadier, and a widget's page and the plain page ran
  under the same load, taking turns.`);
  }
  p();
  p('## Reproduce');
  p();
  p('```sh');
  const command = `cargo xtask bench widget --runs ${runs}`;
  p(`${command}   # builds dist/ and the release inbox, writes bench/widget.md`);
  p(`${'cargo xtask bench'.padEnd(command.length)}   # the inbox benchmark (bench/inbox.md), then this one, then bench/size.md`);
  p('```');
  p();
  p(`Or by hand, after \`cargo xtask dist\`, \`cargo build --release -p inbox\` and \`npm ci\` in
\`tests/e2e\`: \`INBOX_BIN=target/release/inbox node bench/widget.mjs --runs ${runs} --out bench/widget.md\`.`);
  return out.join('\n') + '\n';
}

/**
 * Runs the benchmark and writes the report to `out`; returns the report, the load runs
 * (`results`) and the cold opens (`cold`). `throttling` are the CPU settings of the load runs,
 * `coldSettings` and `modes` the cold opens' (see COLD and MODES), `traced` the traced visits per
 * page and CPU setting.
 */
export async function run({ runs = 9, throttling = THROTTLING, coldSettings = COLD, modes = MODES, traced: tracedVisits = 3, out = path.join(root, 'bench/widget.md'), note = '', log = console.log } = {}) {
  if (!fs.existsSync(INBOX_BIN)) throw new Error(`${INBOX_BIN} does not exist: build the inbox first (cargo build --release -p inbox, or set INBOX_BIN)`);
  const started = new Date();
  const loadBefore = os.loadavg()[0];
  const inbox = await startInbox();
  const plainOrigin = await startPlainOrigin();
  const site = await startSite({
    '/plain.html': hostPage(),
    '/widget.html': hostPage(snippet(inbox.url)),
    '/plainjs.html': hostPage(snippet(inbox.url, `${plainOrigin.url}/plain-widget.js`)),
    // The cold opens' page: a visitor reading German gets one language file with the panel.
    '/widget-de.html': hostPage(snippet(inbox.url), 'de'),
  });
  const origins = { plain: null, widget: inbox.url, plainjs: plainOrigin.url };
  const browser = await launch();
  try {
    const results = [];
    const one = async (variant, throttle, trace = false) => {
      const v = await visit(browser, `${site.url}/${variant}.html`, {
        throttle, open: origins[variant] ? 'click' : null, widgetOrigin: origins[variant], trace,
      });
      return { variant, throttle, visit: v, figures: figures(v) };
    };
    log(`warm-up: one visit of each page (discarded)`);
    for (const variant of VARIANTS) await one(variant, 1);
    for (const throttle of throttling) {
      for (let i = 0; i < runs; i++) {
        // Each run in another order, so no page always comes first or last.
        const order = VARIANTS.map((_, k) => VARIANTS[(i + k) % VARIANTS.length]);
        for (const variant of order) {
          const r = await one(variant, throttle);
          results.push(r);
          const f = r.figures;
          log(`${throttle}x cpu, run ${i + 1}/${runs}, ${variant.padEnd(7)}: ${f.bytes} B, script ${f.script.toFixed(1)} ms, ` +
            `busy ${f.task.toFixed(1)} ms, long tasks ${f.longtasks}, cls ${f.cls}` +
            (origins[variant] ? `, launcher ${f.launcher?.toFixed(0)} ms, open ${f.interactive?.toFixed(0)} ms` : ''));
        }
      }
    }
    const cold = [];
    for (const setting of coldSettings) {
      for (let i = 0; i < runs; i++) {
        for (const mode of i % 2 === 0 ? modes : [...modes].reverse()) {
          const v = await visit(browser, `${site.url}/widget-de.html`, {
            throttle: setting.cpu, network: setting.network, open: mode, widgetOrigin: inbox.url,
          });
          const f = figures(v);
          cold.push({ setting, mode, visit: v, figures: f });
          log(`cold open, ${setting.name}, run ${i + 1}/${runs}, ${mode.padEnd(5)}: busy shown ${f.busy?.toFixed(0) ?? '—'} ms, ` +
            `interactive ${f.interactive.toFixed(0)} ms, ${f.openBytes} B in ${f.openRequests} requests`);
        }
      }
    }
    const traced = [];
    for (const throttle of throttling) {
      for (const variant of Array.from({ length: tracedVisits }, () => VARIANTS).flat()) {
        log(`${throttle}x cpu, traced ${variant} visit`);
        const { visit: v } = await one(variant, throttle, true);
        traced.push({ variant, throttle, tasks: v.tasks, scriptTime: v.scriptTime });
      }
    }
    // One cold open's requests, unthrottled if it was measured: the files by phase.
    const requests = (cold.find((c) => !c.setting.network && c.mode === 'click') ?? cold[0] ??
      results.find((r) => r.variant === 'widget'))?.visit;
    const loadAverages = [...results, ...cold].map((r) => r.visit.loadAverage);
    const text = report({
      runs, throttling, tracedVisits, results, cold, requests, traced, host: machine(browser.version()),
      loadBefore, loadAfter: os.loadavg()[0], loadAverages, note, started, finished: new Date(),
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
    log(`wrote ${out}`);
    return { text, results, cold };
  } finally {
    await browser.close();
    await site.stop();
    await plainOrigin.stop();
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
