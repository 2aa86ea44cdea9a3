// Helpers for the "good guest" suites (guest-*.test.mjs): the widget's files served by the host
// site itself (so 'self' in a CSP covers them, and the wasm can be held back), pages with their
// own headers, and instrumentation installed before any page script runs.
import fs from 'node:fs';
import path from 'node:path';
import { DIST } from './harness.mjs';

/**
 * Serves every file of dist/ at `${prefix}/…` on the host site, proxied from the inbox (so the
 * content types are the inbox's). Returns `gate`: while `gate.hold` is set, the wasm waits until
 * `gate.release()` is called.
 */
export function serveDist(pages, inboxUrl, prefix = '/w') {
  let release = () => {};
  const gate = {
    hold: false,
    waiting: 0,
    release() { gate.hold = false; release(); },
  };
  const files = fs.readdirSync(DIST, { recursive: true }).filter((f) => fs.statSync(path.join(DIST, f)).isFile() && !/\.(br|gz)$/.test(f));
  for (const file of files) {
    pages[`${prefix}/${file}`] = async (req, res) => {
      if (file.endsWith('.wasm') && gate.hold) {
        gate.waiting++;
        await new Promise((r) => { release = r; });
      }
      const upstream = await fetch(`${inboxUrl()}/dist/${file}`);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    };
  }
  pages['/favicon.ico'] = (req, res) => res.writeHead(204).end();
  return gate;
}

/** A route answering `html` with `headers` (e.g. a Content-Security-Policy). */
export const withHeaders = (html, headers) => (req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(html);
};

/** A bare host page: no favicon, no inline script (a strict CSP would refuse both). */
export const page = ({ head = '', body = '' } = {}) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="/favicon.ico"><title>Host</title>${head}</head><body><main><h1>Host</h1><p>Content with <a href="#top">a link</a>.</p></main>${body}</body></html>`;

/**
 * Runs before any script of the page: records CSP violations, MutationObserver.observe calls,
 * and the listeners and timers that are active (added and not yet removed, fired or cleared).
 * `window.__guest.snapshot()` reads them.
 */
export function instrument() {
  const violations = [];
  const observed = [];
  const listeners = new Map();
  const timers = new Set();
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample }));
  const key = (target, type, fn, options) => {
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    let ids = listeners.get(target);
    if (!ids) listeners.set(target, (ids = new Map()));
    return [ids, `${type}|${capture}`, fn];
  };
  const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
  EventTarget.prototype.addEventListener = function (type, fn, options) {
    if (fn) {
      const [ids, k] = key(this, type, fn, options);
      const set = ids.get(k) ?? new Set();
      ids.set(k, set);
      if (options?.once) {
        // Removed by the browser after it fires: counted as gone then.
        const target = this;
        add.call(this, type, () => set.delete(fn), { once: true, capture: !!options.capture });
        set.add(fn);
        return add.call(target, type, fn, options);
      }
      set.add(fn);
    }
    return add.call(this, type, fn, options);
  };
  EventTarget.prototype.removeEventListener = function (type, fn, options) {
    if (fn) {
      const [ids, k] = key(this, type, fn, options);
      ids.get(k)?.delete(fn);
    }
    return remove.call(this, type, fn, options);
  };
  for (const [set, clear] of [['setTimeout', 'clearTimeout'], ['setInterval', 'clearInterval'], ['requestIdleCallback', 'cancelIdleCallback'], ['requestAnimationFrame', 'cancelAnimationFrame']]) {
    const native = window[set], nativeClear = window[clear];
    const repeats = set === 'setInterval';
    window[set] = function (fn, ...rest) {
      let id;
      const run = typeof fn === 'function' ? function (...args) { if (!repeats) timers.delete(`${set}:${id}`); return fn.apply(this, args); } : fn;
      id = native.call(window, run, ...rest);
      timers.add(`${set}:${id}`);
      return id;
    };
    window[clear] = function (id) {
      timers.delete(`${set}:${id}`);
      if (set === 'setTimeout') timers.delete(`setInterval:${id}`);
      if (set === 'setInterval') timers.delete(`setTimeout:${id}`);
      return nativeClear.call(window, id);
    };
  }
  const observe = MutationObserver.prototype.observe;
  MutationObserver.prototype.observe = function (target, options) {
    observed.push({ node: target.nodeName, subtree: !!options?.subtree, documentWide: (target === document || target === document.documentElement || target === document.body), stack: new Error().stack });
    return observe.call(this, target, options);
  };
  window.__guest = {
    violations,
    observed,
    snapshot() {
      // Listeners on the window, the document and nodes still in it; those on nodes the widget
      // dropped go with them.
      const active = [];
      for (const [target, ids] of listeners) {
        const live = target === window || target === document || (target instanceof Node && target.isConnected);
        if (!live) continue;
        for (const [k, set] of ids) if (set.size) active.push(`${target === window ? 'window' : target === document ? 'document' : target.nodeName}:${k}×${set.size}`);
      }
      return { listeners: active.sort(), timers: [...timers].sort() };
    },
  };
}
