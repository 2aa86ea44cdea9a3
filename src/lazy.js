// The part of the loader a page needs only once the widget is wanted (the visitor reached for the
// launcher, or the owner chose to load it when idle or at once). `cargo xtask dist` bundles it
// with the wasm-bindgen glue into dist/widget.HASH.js, the one file the loader imports: no request
// of its own, and nothing on the critical path (src/loader.js). It compiles the wasm the loader
// started fetching, mounts the panel, dispatches API calls to it, and contains every failure:
// reported once, the panel removed, the launcher turned into a plain link (the fallback) when
// there is somewhere to go. Everything the glue exports is exported as it is (the configurator
// has a build of its own with validate(): dist/validate.HASH.js).
import init, { install, Setup } from './widget.js';

export * from './widget.js';
export { default } from './widget.js';

const PREFIX = 'contact-widget: ';
// Filled in by `cargo xtask dist` from the core: the channel types, which data attributes name.
const TYPES = __CHANNEL_TYPES__;
// Filled in by `cargo xtask dist`: each shipped language but English (built in) by the URL of its
// file, `fr: () => new URL('./locales/fr.json', import.meta.url)`, written out so that bundlers
// emit the files; used when the loader has no base (the npm entry without baseUrl).
const LOCALES = __LOCALES__;
const isObject = (v) => v?.constructor === Object;
// Captured when this file loads, before the panel (and its textarea) exists: a page that patches
// the getter later cannot keep the fallback from carrying the visitor's draft.
const textOf = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').get;
/** A task of the browser of its own: the steps of a mount never add up to a long task. */
const nextTask = () => new Promise((resolve) => setTimeout(resolve));

// Where the launcher leads when the wasm cannot run: the configured fallback, else the first
// e-mail, else the first phone; null when there is none.
function fallbackOf(c) {
  const channels = Array.isArray(c.channels) ? c.channels : [];
  const first = (type) => {
    const value = channels.find((ch) => isObject(ch) && ch.type === type)?.value;
    return typeof value === 'string' && value.trim();
  };
  return typeof c.fallback === 'string' && /^(https?:|mailto:|tel:)/i.test(c.fallback.trim()) ? c.fallback.trim()
    : first('email') ? 'mailto:' + first('email') : first('phone') ? 'tel:' + first('phone').replace(/[^\d+]/g, '') : null;
}

/**
 * Called once by the loader with `page`, its side by name: `now()` (the `host` element, `ours`:
 * whether the loader created it, the `launcher`, `tag`: the language shown, `wanted`), `sources()`
 * (the config's: data attributes, the JSON block or config URL, init()) and `merge`, `phase` (the one lifecycle state, which this file moves from
 * loading to mounting, mounted or failed), `fetch` (captured when the page loaded),
 * `base` (where the files are, or null where this file's own URLs name them), `wasm` and
 * `texts` (the files it fetched together with this one) and `queued()` (the API calls
 * made before the panel was mounted). Returns what the loader calls from then on; `call` and `update`
 * answer true when they handled the call (else the loader queues it until the panel is mounted).
 */
export function boot(page) {
  let wasm = null;        // the promise of the instantiated wasm
  const languages = {};   // the promise of each language's texts
  let widget = null;      // the mounted panel
  let mounting = null;    // the mount under way: { stale } (see mount)
  let inside = 0;         // calls into the wasm under way (an event it emits may call the API again)
  const failed = () => page.phase === 'failed';

  // The config: the data attributes (a channel type's name is a channel, in attribute order),
  // under the JSON block or config URL, under init(), merged by the loader's rule.
  const config = () => {
    const [attributes, file, init] = page.sources(), base = {}, channels = [];
    for (const [key, value] of Object.entries(attributes)) {
      if (TYPES.includes(key)) channels.push({ type: key, value });
      else base[key] = value;
    }
    if (channels.length) base.channels = channels;
    return [file, init].reduce(page.merge, base) || {};
  };

  // Any error inside the widget ends here: reported once, the panel removed, never thrown into
  // the page. The launcher stays as a plain link when there is somewhere to go.
  // The wasm instance is never called again (it may be trapped): its nodes and stylesheet are
  // removed here, and its listeners and timers are no-ops from now on (see wrap).
  function fail(what, error) {
    if (failed()) return;
    page.phase = 'failed';
    widget = null;
    const { host, ours, launcher } = page.now();
    let fallback = fallbackOf(config());
    console.error(PREFIX + what + ' failed; ' + (fallback ? 'the launcher now opens ' + fallback : 'the widget removed itself') + '.', error);
    if (!host) return;
    const shadow = host.shadowRoot;
    if (!fallback || !launcher || !shadow) { if (ours) host.remove(); else shadow?.replaceChildren(); return; }
    // What the visitor had typed goes into the e-mail, so it is not lost with the panel.
    let typed = '';
    try { typed = textOf.call(shadow.querySelector('textarea')).trim(); } catch (ignored) { /* no form, or unreadable */ }
    if (typed && /^mailto:/i.test(fallback)) fallback += (fallback.includes('?') ? '&' : '?') + 'body=' + encodeURIComponent(typed);
    // The sheets stay: the loader's (the launcher's look) and, once adopted, the panel's (the
    // launcher's focus ring and forced-colours border, which the link keeps).
    // The same look (style, label or name, and the stylesheet's icon), as a link.
    const link = document.createElement('a');
    link.className = 'launcher';
    link.dataset.style = launcher.dataset.style;
    link.href = fallback;
    if (/^https?:/i.test(fallback)) { link.target = '_blank'; link.rel = 'noopener'; }
    link.ariaLabel = launcher.ariaLabel;
    link.append(...launcher.childNodes);
    const focused = shadow.activeElement;
    shadow.firstElementChild.replaceChildren(link);
    // A visitor who was on the launcher (or in the panel) is on the link now.
    if (focused) link.focus();
  }

  function guard(what, fn, argument) {
    if (failed()) return;
    inside++;
    try { return fn(argument); } catch (error) { fail(what, error); } finally { inside--; }
  }

  // Every callback the wasm registers (events, timers, locks) goes through here: nothing runs
  // in a failed instance and nothing it throws reaches the page.
  const wrap = (fn) => (argument) => guard('an event handler', fn, argument);

  // fetch for the wasm: after a failure its answers never arrive, so no callback runs in it.
  const fetchFor = (url, options) => {
    const settle = (ok) => (value) => failed() ? new Promise(() => {}) : ok ? value : Promise.reject(value);
    return page.fetch.call(window, url, options).then(settle(true), settle(false));
  };

  // The texts of a shipped language other than English (built in), fetched once (the loader
  // fetched the first one together with this file when it knows where the files are).
  function language(t) {
    if (!LOCALES[t]) return null;
    const url = page.base ? new URL(`locales/${t}.json`, page.base) : LOCALES[t]();
    return languages[t] ||= (page.texts[t] || fetchFor(url, { credentials: 'omit' }))
      .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .catch((error) => { console.warn(PREFIX + 'the texts for "' + t + '" could not be loaded (' + error.message + '); English is shown instead'); return null; });
  }

  // The wasm, once, compiled while it streams in (the loader started fetching it).
  function instantiate() {
    wasm ||= init({ module_or_path: page.wasm }).then(() => install(wrap, fetchFor));
    return wasm;
  }

  // Mounts the panel next to the launcher, in short steps (no long task on a slow phone), then
  // runs the calls queued meanwhile and opens the panel the moment it is ready if it was asked
  // for. A mount overtaken by unmount() (init() with a new config, destroy(), another host
  // element) is taken down, and the panel mounted again if it is still wanted.
  async function mount() {
    if (failed() || widget || mounting || !page.now().wanted) return;
    const mine = mounting = { stale: false };
    const { tag } = page.now();
    let table;
    try {
      table = (await Promise.all([instantiate(), language(tag)]))[1];
    } catch (error) {
      mounting = null;
      const csp = /Content.Security.Policy|unsafe-eval/i.test(error?.message);
      return fail(csp ? "WebAssembly is refused by the page's Content-Security-Policy (script-src needs 'wasm-unsafe-eval'): loading the widget" : 'loading its files (baseUrl says where they are)', error);
    }
    // A task of its own, apart from compiling and instantiating.
    await nextTask();
    const { host, launcher } = page.now();
    const gone = () => mine.stale || failed() || !launcher;
    if (gone() || tag !== page.now().tag) { mounting = null; return gone() ? undefined : mount(); }
    page.phase = 'mounting';
    const setup = guard('mounting', () => new Setup({ shadow: host.shadowRoot, launcher, config: config(), language: tag, texts: table }));
    for (const step of ['zones', 'form', 'panel']) {
      await nextTask();
      if (failed()) return;
      guard('mounting', () => setup[step]());
    }
    await nextTask();
    const mounted = guard('mounting', () => setup.finish());
    mounting = null;
    if (!mounted) return;
    if (mine.stale) { takeDown(mounted); return mount(); }
    widget = mounted;
    page.phase = 'mounted';
    launcher.removeAttribute('aria-busy');
    for (const [name, argument] of page.queued()) call(name, argument);
  }

  function takeDown(mounted) {
    guard('removing the panel', () => { mounted.destroy(); mounted.free(); });
  }

  function call(name, argument) {
    // From a listener of one of our events, while the wasm is busy: right after it, not inside.
    if (inside) queueMicrotask(() => call(name, argument));
    else if (widget) guard(name + '()', () => name === 'update' ? widget.update(config(), undefined, null) : widget[name](argument));
    else return false;
    return true;
  }

  return {
    mount,
    call,
    // Takes the panel down (init() with a new config, destroy(), another host element).
    unmount() {
      const mounted = widget;
      widget = null;
      if (mounting) mounting.stale = true;
      if (mounted) takeDown(mounted);
      if (!failed()) page.phase = 'loading';
    },
    // After update() changed the config: the panel re-renders with it, in the new language
    // (open, with the draft) once its texts are here when the language changed from `shown`.
    update(shown) {
      const { tag: next } = page.now();
      if (!widget) return false;
      if (next === shown) return call('update');
      Promise.resolve(language(next)).then((table) => {
        guard('update()', () => widget?.update(config(), next, table));
      });
      return true;
    }
  };
}
