/*! contact-widget __VERSION__ | MIT OR Apache-2.0 */
// The one file a site owner embeds, and all that runs at page load: the critical path, held to
// 3 KB brotli by size-budget.json. A classic script (works with async or defer): it defines
// window.ContactWidget and the <contact-widget> element at once, queues API calls, reads the
// config, paints the launcher, and imports the rest only when the page is idle or the visitor
// reaches for the launcher: widget.HASH.js, the wasm-bindgen glue with lazy.js bundled into it
// (it fetches the wasm and the language file, mounts the panel, guards it, and turns the launcher
// into the fallback link when the wasm cannot run).
(() => {
  const w = window, d = document, warn = (message) => console.warn('contact-widget: ' + message);
  if (w.ContactWidget) return warn('the script is included twice; the second copy does nothing');
  // Captured now, so a page that patches them later cannot break or observe us (lazy.js uses them).
  const nativeFetch = w.fetch;
  const textOf = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').get;
  const script = d.currentScript;
  // Where widget.js and the wasm are. dist/contact-widget.mjs (the npm module entry, where
  // currentScript is null) is this file with only this expression replaced by import.meta.url.
  const base = new URL('.', script?.src || d.baseURI);
  // Filled in by `cargo xtask dist`: the launcher's stylesheet, and the title of each shipped
  // language (the launcher's default label), so painting the launcher needs no other download.
  const CSS = __LAUNCHER_CSS__;
  const TITLES = __TITLES__;
  const sheet = new CSSStyleSheet(); // launcher.css and the config's variables

  // Unset (undefined) until they are known:
  let host;              // the <contact-widget> element showing the widget
  let ours;              // whether this script created `host` (else it is the page's markup)
  let launcher;          // the launcher button inside host's shadow root
  let glue;              // the promise of the lazily imported part (widget.HASH.js)
  let lazy;              // what its boot() returned: mounts the panel, dispatches calls to it
  let queue = [];        // API calls made before the panel was mounted
  let wanted;            // a config exists or init() was called
  let dead;              // after a failure every call is a no-op
  let configured;        // the page's config has been read
  let fileConfig;        // the JSON block or the config URL's content
  let initConfig;        // init()'s argument, with every update() layered on
  let tag = 'en';        // the language shown

  // A plain object (what JSON.parse and object literals make), not an array or a value.
  const isObject = (v) => v?.constructor === Object;

  // `over` layered on `base`, objects key by key (the core's Value::merge, for the launcher).
  const merge = (base, over) => {
    if (!isObject(base) || !isObject(over)) return over ?? base;
    const out = { ...base };
    for (const key in over) out[key] = merge(base[key], over[key]);
    return out;
  };

  // The data-* attributes of the script tag, then those of a <contact-widget> in the markup.
  const attributes = () => {
    const pairs = script ? Object.entries(script.dataset) : [];
    if (host && !ours) {
      for (const a of host.attributes) {
        if (!/^(class|style|id|slot|hidden|lang|dir|tabindex|aria-.*|on.*)$/.test(a.name)) {
          pairs.push([a.name.replace(/^data-/, '').replace(/-(\w)/g, (m, c) => c.toUpperCase()), a.value]);
        }
      }
    }
    return pairs;
  };

  const config = () => merge(merge(Object.fromEntries(attributes()), fileConfig), initConfig) || {};

  // The language: the configured one, else the page's, else the browser's first shipped one.
  // Texts come from locales/<tag>.json (English is built into the wasm).
  const primary = (t) => (t = String(t || '').trim().split(/[-_]/)[0].toLowerCase()) === 'iw' ? 'he' : t;
  const negotiate = (configured, p = primary(configured)) => configured && configured !== 'auto'
    ? TITLES[p] ? p : String(configured).trim()
    : [d.documentElement.lang, ...navigator.languages].map(primary).find((t) => TITLES[t]) || 'en';

  // The owner's text for `key` in the visitor's language, as the core layers texts.
  const text = (c, key) => {
    const texts = c.texts || {};
    return [texts[tag], texts[tag.split('-')[0]], texts, key === 'title' && c]
      .map((o) => o && o[key]).find((s) => typeof s === 'string' && s);
  };

  // The colour a text on `hex` needs: black or white, whichever contrasts more (as the core):
  // white when 1.05 / (y + 0.05) >= (y + 0.05) / 0.05 for the relative luminance y.
  const onBrand = (hex) => [0.2126, 0.7152, 0.0722].reduce((y, weight, i) => {
    const c = parseInt(hex.substr(2 * i + 1, 2), 16) / 255;
    return y + weight * (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  }, 0.05) ** 2 <= 0.0525 ? '#fff' : '#000';

  // Draws the launcher (again, after update()) from the config; the wasm adds the panel later.
  // It creates and sets nodes only: nothing here reads a style or a box, so it forces no layout.
  const paint = () => {
    const c = config(), theme = c.theme || {};
    tag = negotiate(c.locale);
    if (!host) {
      host = d.createElement('contact-widget');
      ours = true;
    }
    const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
    let color = /^#([0-9a-f]{3}){1,2}$/i.test(c.color) ? c.color : '#0b57d0';
    if (color.length === 4) color = color.replace(/\w/g, '$&$&');
    // A whole number from 0 to max (given as a number or as digits), else the default.
    const num = (v, max, otherwise) => /^\d+$/.test(v) && +v <= max ? +v : otherwise;
    // The config's variables on :host, after launcher.css (an owner's rule on the element wins).
    sheet.replaceSync(`${CSS}:host{--cw-brand:${color};--cw-on-brand:${onBrand(color)};--cw-x:${num(c.offsetX, 400, 20)}px;`
      + `--cw-y:${num(c.offsetY, 400, 20)}px;--cw-z:${num(c.zIndex, 2147483647, 2147483000)}`
      + (typeof theme.font === 'string' && /^[\p{L}\p{N} ,'"_-]+$/u.test(theme.font) ? ';--cw-font:' + theme.font : '') + '}');
    const sheets = shadow.adoptedStyleSheets;
    if (!sheets.includes(sheet)) shadow.adoptedStyleSheets = [sheet, ...sheets];

    let root = shadow.firstElementChild;
    if (!root) (root = shadow.appendChild(d.createElement('div'))).className = 'cw';
    const style = ['icon', 'label'].includes(theme.launcher) ? theme.launcher : 'icon-label', icon = style === 'icon';
    root.dataset.position = /^(top|bottom|middle)-(left|right)$/.test(c.position) ? c.position : 'bottom-right';
    // Light or dark if the owner fixed it, else the visitor's (launcher.css: light dark).
    root.style.colorScheme = ['light', 'dark'].includes(theme.scheme) ? theme.scheme : '';
    root.lang = tag;
    root.dir = /^(ar|he|fa|ur)\b/.test(tag) ? 'rtl' : 'ltr';
    const label = text(c, 'launcher') || text(c, 'title') || TITLES[tag] || TITLES.en;
    // One launcher element for the widget's life (the wasm holds on to it), redrawn in place.
    if (!launcher) {
      // No type="button" needed: a button in a shadow root belongs to no form.
      launcher = root.insertBefore(d.createElement('button'), root.firstChild);
      launcher.className = 'launcher';
      launcher.ariaHasPopup = 'dialog';
      launcher.ariaExpanded = 'false';
      launcher.onclick = () => call('toggle');
      // Loading starts when the visitor reaches for it (a touch starts with pointerenter too).
      launcher.onpointerenter = launcher.onfocus = load;
    }
    // The icon is the stylesheet's (a ::before); the label is text, or the name when alone.
    launcher.dataset.style = style;
    launcher.ariaLabel = icon ? label : null;
    launcher.textContent = icon ? '' : label;
    attach();
  };

  // Put back in <body> after a single-page app threw it out with the old content (not when the
  // page moved it elsewhere itself). A page that keeps removing it wins: after 50 re-attachments
  // less than a frame apart it stays out, so two scripts never fight over it forever.
  let lastAttach, streak;
  const attach = () => {
    if (!ours || !wanted || dead || !d.body || host.isConnected) return;
    streak = lastAttach > (lastAttach = Date.now()) - 16 ? streak + 1 : 0;
    if (streak > 50) return warn('the page keeps removing <contact-widget>');
    d.body.append(host);
  };

  // The rest of the widget, imported once: widget.HASH.js, the glue with lazy.js, whose boot()
  // gets this script's side; it compiles the wasm while it streams in, then mounts the panel.
  const load = () => {
    // Not for a widget the page has taken out (it loads when the visitor can reach it again).
    if (!wanted || dead || !host?.isConnected) return;
    glue = glue || import(new URL('__WIDGET_JS__', base)).then((module) => {
      lazy = module.boot(
        () => [host, ours, launcher, wanted, tag, attributes(), fileConfig, initConfig],
        nativeFetch, textOf, call, load,
        () => queue.splice(0), // the calls queued so far, once the panel is mounted
        () => { dead = true; } // after a failure
      );
    }, (error) => {
      // The glue could not be fetched (offline, or this version's files are gone from the
      // server): the fallback link lives in it, so the widget empties itself.
      dead = true;
      console.error('contact-widget: could not load ' + base.href + '; the widget removed itself.', error);
      host?.shadowRoot?.replaceChildren();
    });
    glue.then(() => lazy?.load());
  };

  const call = (name, argument) => {
    if (dead || lazy?.call(name, argument)) return;
    // Before the panel exists every press of the launcher means "open": none is lost.
    if (name === 'toggle') name = 'open';
    if (name === 'open') {
      if (launcher) launcher.ariaBusy = 'true';
      load();
    }
    queue = [...queue.filter((c) => c[0] !== name || name === 'update'), [name, argument]];
  };

  const unmount = () => lazy?.unmount();

  // For a new config or another host element: the panel, if any, is mounted again.
  const restart = () => {
    unmount();
    start();
    if (glue) load();
  };

  const start = () => {
    wanted = true;
    if (dead || !configured) return;
    paint();
    // Fetched when the page has settled, unless the visitor reaches for the launcher first.
    const later = () => (w.requestIdleCallback || setTimeout)(load, { timeout: 3000 });
    if (d.readyState === 'complete') later();
    else w.addEventListener('load', later, { once: true });
  };

  // The element: created by this script for the snippet, or written in the page's markup
  // (`<contact-widget endpoint="…" email="…">`) by sites and frameworks that prefer that.
  // A page has one widget; a host removed by a single-page app's re-render is put back.
  customElements.define('contact-widget', class extends HTMLElement {
    connectedCallback() {
      if (this === host || dead) return;
      if (host?.isConnected) return warn('a page shows one widget; this <contact-widget> is ignored');
      // This element takes over from one a framework re-rendered away (or from ours): the panel
      // is mounted again in it, open if it was open (the draft comes back from storage).
      const old = ours && host, open = launcher?.ariaExpanded === 'true';
      host = this;
      ours = false;
      launcher = null;
      if (old) old.remove();
      restart();
      if (open) call('open');
    }
    // Moved with moveBefore (into a host page's modal <dialog> and back, see widget.rs): the
    // element stays connected, so there is nothing to re-attach or close.
    connectedMoveCallback() {}
    disconnectedCallback() {
      // A markup element keeps its state while out of the page: frameworks often put it back.
      if (this === host && ours) queueMicrotask(attach);
    }
  });

  const api = w.ContactWidget = {
    version: '__VERSION__',
    init: (config) => {
      initConfig = config;
      restart();
    },
    update: (partial) => {
      initConfig = merge(initConfig, partial);
      const shown = tag;
      if (host && !dead) paint();
      // Into another language the mounted panel re-renders once its texts are here (lazy.js).
      if (!lazy?.update(partial, shown)) call('update', partial);
    },
    destroy: () => {
      wanted = false;
      queue = [];
      unmount();
      const h = host;
      launcher = null;
      // The page's own element stays (and is used again by a later init()); only ours goes.
      if (ours) host = null;
      if (h) ours ? h.remove() : h.shadowRoot?.replaceChildren();
    },
    on: (name, fn) => {
      const type = 'contact-widget:' + name;
      const listener = (event) => fn(event.detail, event);
      w.addEventListener(type, listener);
      return () => w.removeEventListener(type, listener);
    }
  };
  for (const name of ['open', 'close', 'toggle']) api[name] = () => call(name);

  // The JSON block, else the config URL's content (the launcher waits for it).
  const configure = () => {
    const url = script?.dataset.configUrl;
    const block = d.getElementById('contact-widget-config');
    if (block) {
      try { fileConfig = JSON.parse(block.textContent); } catch (error) {
        warn('the JSON in <script id="contact-widget-config"> is not valid (' + error.message + '); it is ignored');
      }
    }
    if (url) {
      return nativeFetch.call(w, new URL(url, d.baseURI), { credentials: 'omit' })
        .then((r) => { if (!r.ok) throw Error('HTTP ' + r.status); return r.json(); })
        .then((json) => { fileConfig = json; }, (error) => warn('the config at ' + url + ' could not be loaded (' + error.message + ')'))
        .then(() => { configured = true; start(); });
    }
    configured = true;
    if (wanted || block || host || attributes().some((pair) => pair[0] !== 'configUrl')) start();
  };
  // In a task of its own: DOMContentLoaded's is the browser's busiest, no place to add to.
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', () => setTimeout(configure), { once: true });
  else configure();
})();
