// The part of the loader a page needs only once the widget is wanted (the page is idle or the
// visitor reached for the launcher). `cargo xtask dist` bundles it with the wasm-bindgen glue into
// dist/widget.HASH.js, the one file the loader imports: no request of its own, and nothing on the
// critical path (src/loader.js). It compiles the wasm, fetches the language file, mounts the
// panel, dispatches API calls to it, and contains every failure: reported once, the panel
// removed, the launcher turned into a plain link (the fallback) when there is somewhere to go.
// Everything the glue exports is exported as it is (the configurator imports validate()).
import init, { mount } from './widget.js';

export * from './widget.js';
export { default } from './widget.js';

const PREFIX = 'contact-widget: ';

function isObject(v) { return v !== null && typeof v === 'object' && v.constructor === Object; }

// `over` layered on `base`, objects key by key (as the loader's merge).
function merge(base, over) {
  if (!isObject(base) || !isObject(over)) return over == null ? base : over;
  var out = Object.assign({}, base);
  Object.keys(over).forEach(function (key) { out[key] = merge(base[key], over[key]); });
  return out;
}

// Where the launcher leads when the wasm cannot run: the configured fallback, else the first
// e-mail, else the first phone; null when there is none.
function fallbackOf(c) {
  var channels = Array.isArray(c.channels) ? c.channels : [];
  var first = function (type) {
    var found = channels.filter(function (ch) { return isObject(ch) && ch.type === type; })[0];
    var value = found ? found.value : c[type];
    return typeof value === 'string' && value.trim();
  };
  return typeof c.fallback === 'string' && /^(https?:|mailto:|tel:)/i.test(c.fallback.trim()) ? c.fallback.trim()
    : first('email') ? 'mailto:' + first('email') : first('phone') ? 'tel:' + first('phone').replace(/[^\d+]/g, '') : null;
}

/**
 * Called once by the loader (src/loader.js) with its side of things:
 * - `now()`: its state, `[host, ours, launcher, wanted, tag, attributes, file, init]` (the
 *   <contact-widget> element, whether the loader created it, the launcher button, whether a
 *   config exists, the language shown, and the three config sources: the data-* attributes as
 *   [name, value] pairs, the JSON block or config URL's content, init()'s argument);
 * - `nativeFetch` and the textarea `value` getter `textOf`, captured when the page loaded;
 * - `call(name, argument)` and `load()`, the loader's own (to run queued calls, to load again);
 * - `take()`: the calls queued until now, and `die()`: every later call is a no-op.
 * Returns what the loader calls from then on; `call` and `update` answer true when they handled
 * the call (else the loader queues it until the panel is mounted).
 */
export function boot(now, nativeFetch, textOf, call, load, take, die) {
  var wasm = null;       // the promise of the instantiated wasm
  var languages = {};    // the promise of each language's texts
  var widget = null;     // the mounted panel
  var mounting = null;   // while the wasm builds the panel: { stale } (see attach)
  var dead = false;      // after a failure the wasm is never called again
  var inside = 0;        // calls into the wasm under way (an event it emits may call the API again)

  // Any error inside the widget ends here: reported once, the panel removed, never thrown into
  // the page. The launcher stays as a plain link when there is somewhere to go.
  // The wasm instance is never called again (it may be trapped): its nodes and stylesheet are
  // removed here, and its listeners and timers are no-ops from now on (see wrap).
  function fail(what, error) {
    if (dead) return;
    dead = true;
    die();
    widget = null;
    var state = now(), host = state[0], ours = state[1], launcher = state[2];
    var fallback = fallbackOf(merge(merge(Object.fromEntries(state[5]), state[6]), state[7]) || {});
    console.error(PREFIX + what + ' failed; ' + (fallback ? 'the launcher now opens ' + fallback : 'the widget removed itself') + '.', error);
    if (!host) return;
    var shadow = host.shadowRoot;
    if (!fallback || !launcher || !shadow) { if (ours) host.remove(); else if (shadow) shadow.replaceChildren(); return; }
    // What the visitor had typed goes into the e-mail, so it is not lost with the panel.
    var typed = '';
    try { typed = textOf.call(shadow.querySelector('textarea')).trim(); } catch (ignored) { /* no form, or unreadable */ }
    if (typed && /^mailto:/i.test(fallback)) fallback += (fallback.indexOf('?') < 0 ? '?' : '&') + 'body=' + encodeURIComponent(typed);
    // The loader's sheet stays; the panel's goes, and the link gets the launcher's focus ring and
    // forced-colours border, which are the panel's sheet's (style.css).
    var sheet = new CSSStyleSheet();
    sheet.replaceSync('.launcher:focus-visible{outline:3px solid light-dark(#1f1f1f,#e8eaed);outline-offset:2px}'
      + '@media (forced-colors:active){.launcher{border:1px solid ButtonText}.launcher:focus-visible{outline-color:Highlight}}');
    shadow.adoptedStyleSheets = [shadow.adoptedStyleSheets[0], sheet];
    // The same look (style, label or name, and the stylesheet's icon), as a link.
    var link = document.createElement('a');
    link.className = 'launcher';
    link.dataset.style = launcher.dataset.style;
    link.href = fallback;
    if (/^https?:/i.test(fallback)) { link.target = '_blank'; link.rel = 'noopener'; }
    link.ariaLabel = launcher.ariaLabel;
    link.append.apply(link, launcher.childNodes);
    var focused = shadow.activeElement;
    shadow.firstElementChild.replaceChildren(link);
    // A visitor who was on the launcher (or in the panel) is on the link now.
    if (focused) link.focus();
  }

  function guard(what, fn, argument) {
    if (dead) return;
    inside++;
    try { return fn(argument); } catch (error) { fail(what, error); } finally { inside--; }
  }

  // Every callback the wasm registers (events, timers, locks) goes through here: nothing runs
  // in a failed instance and nothing it throws reaches the page.
  function wrap(fn) {
    return function (argument) { return guard('an event handler', fn, argument); };
  }

  // fetch for the wasm: after a failure its answers never arrive, so no callback runs in it.
  function fetchFor(url, options) {
    var settle = function (ok) {
      return function (value) { return dead ? new Promise(function () {}) : ok ? value : Promise.reject(value); };
    };
    return nativeFetch.call(window, url, options).then(settle(true), settle(false));
  }

  // The texts of a shipped language other than English (built in), fetched once.
  function language(t) {
    // Filled in by `cargo xtask dist`: the shipped languages other than English.
    if (__LOCALES__.indexOf(t) < 0) return null;
    return languages[t] = languages[t] || fetchFor(new URL('locales/' + t + '.json', import.meta.url), { credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .catch(function (error) { console.warn(PREFIX + 'the texts for "' + t + '" could not be loaded (' + error.message + '); English is shown instead'); return null; });
  }

  // Mounts the panel next to the launcher, then runs the calls queued meanwhile. The wasm builds
  // it over a few tasks (none long on a slow phone); calls made meanwhile wait in the loader's
  // queue. A mount overtaken by unmount() is taken down when it arrives, and the panel mounted
  // again if it is still wanted.
  function attach(table) {
    var state = now(), host = state[0], launcher = state[2];
    if (dead || !state[3] || widget || mounting || !launcher) return;
    var mine = mounting = { stale: false };
    guard('mounting', function () {
      mount(host.shadowRoot, launcher, state[5], state[6], state[7], state[4], table, wrap, fetchFor).then(function (mounted) {
        mounting = null;
        if (mine.stale || dead) { takeDown(mounted); return load(); }
        widget = mounted;
        launcher.removeAttribute('aria-busy');
        take().forEach(function (c) { call(c[0], c[1]); });
      }, function (error) { fail('mounting', error); });
    });
  }

  function takeDown(mounted) {
    guard('removing the panel', function () { mounted.destroy(); mounted.free(); });
  }

  return {
    // The wasm, once, compiled while it streams in (it is next to this file); then the panel.
    load: function () {
      if (dead) return;
      wasm = wasm || init({ module_or_path: nativeFetch.call(window, new URL('__WIDGET_WASM__', import.meta.url)) });
      var shown = now()[4];
      Promise.all([wasm, language(shown)]).then(function (ready) {
        // A task of its own, apart from compiling and instantiating: no long task on slow devices.
        setTimeout(function () {
          if (shown === now()[4]) attach(ready[1]);
          else load(); // the language changed meanwhile (update())
        });
      }, function (error) {
        var csp = /Content.Security.Policy|unsafe-eval/i.test(error && error.message);
        fail(csp ? "WebAssembly is refused by the page's Content-Security-Policy (script-src needs 'wasm-unsafe-eval'): loading the widget" : 'loading the widget from ' + new URL('.', import.meta.url).href, error);
      });
    },
    // Takes the panel down (init() with a new config, destroy(), another host element).
    unmount: function () {
      var mounted = widget;
      widget = null;
      if (mounting) mounting.stale = true;
      if (mounted) takeDown(mounted);
    },
    call: function (name, argument) {
      // From a listener of one of our events, while the wasm is busy: right after it, not inside.
      if (inside) queueMicrotask(function () { call(name, argument); });
      else if (widget) guard(name + '()', function () { widget[name](argument); });
      else return false;
      return true;
    },
    // After update() changed the language from `shown`: the panel re-renders in the new one
    // (open, with the draft) once its texts are here.
    update: function (partial, shown) {
      var next = now()[4];
      if (!widget || next === shown) return false;
      Promise.resolve(language(next)).then(function (table) {
        guard('update()', function () { if (widget) widget.update(partial, next, table); });
      });
      return true;
    }
  };
}
