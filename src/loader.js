/*! contact-widget __VERSION__ | MIT OR Apache-2.0 */
// The one file a site owner embeds, and all a page downloads and runs until a visitor reaches for
// the widget: the critical path, held to its budget by size-budget.json. A classic script (works
// with async or defer): it defines window.ContactWidget and the <contact-widget> element at once,
// queues API calls, reads and merges the config (the one place that does), paints the launcher,
// and loads the rest only on intent (by default): when the visitor points at, presses or focuses
// the launcher, or the page calls open()/toggle(). Then it fetches the glue (widget.HASH.js, with
// lazy.js bundled in), the wasm and the language file in parallel; lazy.js takes it from there
// (see boot() there: mounting, the guard, the fallback link).
(() => {
  const w = window, d = document, warn = (message) => console.warn('contact-widget: ' + message);
  if (w.ContactWidget) return warn('loaded twice; this copy does nothing');
  // Captured now, so a page that patches it later cannot break or observe us (lazy.js uses it).
  const nativeFetch = w.fetch.bind(w);
  const script = d.currentScript;
  // Filled in by `cargo xtask dist` from the core: the launcher's stylesheet, and the title of each
  // shipped language (the launcher's default label).
  const CSS = __LAUNCHER_CSS__;
  const TITLES = __TITLES__;
  const sheet = new CSSStyleSheet(); // launcher.css and the config's variables

  // Where the widget is in its life, the one state both halves share (lazy.js moves it on):
  // idle (the launcher is painted, nothing else fetched) → loading (the rest is being fetched) →
  // mounting (the wasm builds the panel) → mounted; or failed (for good: every call is a no-op);
  // or destroyed (until init()). init() with a new config goes back to mounting.
  let phase = 'idle';
  let host;              // the <contact-widget> element showing the widget
  let ours;              // whether this script created `host` (else it is the page's markup)
  let root;              // the widget's root element in host's shadow root (painted last)
  let launcher;          // the launcher button inside host's shadow root
  let lazy;              // lazy.js's side, once loaded (see boot() there)
  let queue = [];        // API calls made before the panel was mounted
  let wanted;            // a config exists or init() was called
  let configured;        // the page's config has been read
  let fileConfig;        // the JSON block or the config URL's content
  let initConfig;        // init()'s argument, with every update() layered on
  let tag = 'en';        // the language shown

  // A whole number from 0 to max (given as a number or as digits), else the default.
  const num = (v, max, otherwise) => /^\d+$/.test(v) && +v <= max ? +v : otherwise;

  // A plain object (what JSON.parse and object literals make), not an array or a value.
  const isObject = (v) => v?.constructor === Object;

  // `over` layered on `base`, objects key by key; anything else in `over` replaces. The one merge
  // of config sources (lazy.js uses it too).
  const merge = (base, over) => {
    if (!isObject(base) || !isObject(over)) return over ?? base;
    const out = { ...base };
    for (const key in over) out[key] = merge(base[key], over[key]);
    return out;
  };

  // The attributes of an element that are not config.
  const notConfig = /^(class|style|id|slot|hidden|lang|dir|tabindex|aria-.*|on.*)$/;

  // The data-* attributes of the script tag, then those of a <contact-widget> in the markup, by
  // name ("true"/"false" are booleans). For the launcher they are a config as they are; lazy.js
  // turns the channel types among them (data-phone="…") into channels, in attribute order.
  const attributes = () => {
    const out = {};
    const add = (key, value) => {
      if (key !== 'configUrl') out[key] = value === 'true' || (value !== 'false' && value);
    };
    if (script) for (const key in script.dataset) add(key, script.dataset[key]);
    if (host && !ours) {
      for (const a of host.attributes) {
        if (!notConfig.test(a.name)) {
          add(a.name.replace(/^data-/, '').replace(/-(\w)/g, (m, c) => c.toUpperCase()), a.value);
        }
      }
    }
    return out;
  };

  // The config, from its sources: init() over the JSON block or config URL over data attributes.
  const config = () => merge(merge(attributes(), fileConfig), initConfig) || {};

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

  // The colour a text on `hex` needs: black or white, whichever contrasts more (WCAG), for the
  // launcher and, through --cw-on-brand, the panel: white when 1.05 / (y + 0.05) >= (y + 0.05) / 0.05
  // for the relative luminance y.
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
    } else if (!ours) watcher.observe(host, { attributes: true });
    const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
    let color = /^#([0-9a-f]{3}){1,2}$/i.test(c.color) ? c.color : '#0b57d0';
    if (color.length === 4) color = color.replace(/\w/g, '$&$&');
    // The config's variables on :host, after launcher.css (an owner's rule on the element wins).
    sheet.replaceSync(`${CSS}:host{--cw-brand:${color};--cw-on-brand:${onBrand(color)};--cw-x:${num(c.offsetX, 400, 20)}px;`
      + `--cw-y:${num(c.offsetY, 400, 20)}px;--cw-z:${num(c.zIndex, 2147483647, 2147483000)}}`);
    // The font list through the CSSOM, which takes it as one value (nothing can break out of it);
    // whether it is a font list is the core's to say, on the console.
    if (typeof theme.font === 'string') sheet.cssRules[sheet.cssRules.length - 1].style.setProperty('--cw-font', theme.font);
    const sheets = shadow.adoptedStyleSheets;
    if (!sheets.includes(sheet)) shadow.adoptedStyleSheets = [sheet, ...sheets];

    root = shadow.firstElementChild;
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
      // Intent: the visitor points at it (mouse, pen, or a finger: a touch starts with
      // pointerenter too) or reaches it with the keyboard. The rest is fetched then, before the
      // click lands.
      launcher.onpointerenter = launcher.onfocus = load;
    }
    // The icon is the stylesheet's (a ::before); the label is text, or the name when alone.
    launcher.dataset.style = style;
    launcher.ariaLabel = icon ? label : null;
    launcher.textContent = icon ? '' : label;
    // `delay`: the launcher appears that many seconds after the page first painted it (never
    // the panel: opening is the visitor's choice, always).
    waited ??= !num(c.delay, 600, 0) || (setTimeout(() => { waited = true; show(); }, c.delay * 1000), false);
    show();
    attach();
  };

  // `pages`: whether this page's path is one the widget shows on (include, then exclude; `*`
  // stands for any characters), with the delay passed. Asked again when a single-page app
  // navigates (the Navigation API sees history.pushState too).
  let waited;
  // Each character but letters, digits and `*` escaped (an identity escape in a non-unicode RegExp).
  const matches = (list) => [].concat(list || []).some((p) => RegExp('^' + String(p).replace(/[^\w*]/g, '\\$&').replace(/\*/g, '.*') + '$').test(location.pathname));
  const show = () => {
    const p = config().pages || {};
    if (root) root.style.display = waited && (!p.include || matches(p.include)) && !matches(p.exclude) ? '' : 'none';
  };
  w.navigation?.addEventListener('currententrychange', show);

  // Put back in <body> after a single-page app threw it out with the old content (not when the
  // page moved it elsewhere itself). A page that keeps removing it wins: after 50 re-attachments
  // less than a frame apart it stays out, so two scripts never fight over it forever.
  let lastAttach, streak;
  const attach = () => {
    if (!ours || !wanted || phase === 'failed' || !d.body || host.isConnected) return;
    streak = lastAttach > (lastAttach = Date.now()) - 16 ? streak + 1 : 0;
    if (streak > 50) return warn('the page keeps removing <contact-widget>');
    d.body.append(host);
  };

  // What lazy.js sees of this script, by name.
  const page = {
    // Where the widget is now: the element, whether this script made it, the launcher, the
    // language shown, whether it is wanted (never once destroyed).
    now: () => ({ host, ours, launcher, tag, wanted }),
    // The config's sources, lowest first, and how they layer.
    sources: () => [attributes(), fileConfig, initConfig],
    merge,
    get phase() { return phase; },
    set phase(next) { phase = next; },
    fetch: nativeFetch,
    // The files fetched together with the glue (no waterfall): the wasm, and the texts by
    // language. (The npm entry adds `base`, where the files are, when it is not where the
    // bundler put them.)
    texts: {},
    // The API calls made before the panel was mounted, taken once it is.
    queued: () => queue.splice(0),
  };

  // The rest of the widget, fetched once, all at once: the glue with lazy.js, the wasm (compiled
  // while it streams in) and the language file; then lazy.js mounts the panel.
  let glue;
  const load = () => {
    // Not for a widget the page has taken out (it loads when the visitor can reach it again).
    if (!wanted || phase === 'failed' || !host?.isConnected) return;
    if (!glue) {
      phase = 'loading';
      // Where the other files are: under the config's baseUrl (a CDN, say), else next to this
      // script. The npm entry says some of this in words bundlers follow (package.rs).
      const base = new URL((config().baseUrl || '.').replace(/\/?$/, '/'), script?.src || d.baseURI);
      const file = (name, options) => nativeFetch(new URL(name, base), options);
      page.wasm = file('__WIDGET_WASM__');
      if (tag !== 'en' && TITLES[tag]) page.texts[tag] = file(`locales/${tag}.json`, { credentials: 'omit' });
      glue = import(new URL('__WIDGET_JS__', base)).then((module) => { lazy = module.boot(page); }, (error) => {
        // The glue could not be fetched (offline, or this version's files are not where baseUrl
        // or the script says): the fallback link lives in it, so the widget empties itself.
        phase = 'failed';
        console.error('contact-widget: could not load its files (see baseUrl); the widget removed itself.', error);
        host?.shadowRoot?.replaceChildren();
      });
    }
    glue.then(() => lazy?.mount());
  };

  const call = (name, argument) => {
    if (phase === 'failed' || lazy?.call(name, argument)) return;
    // Before the panel exists every press of the launcher means "open": none is lost.
    if (name === 'toggle') name = 'open';
    if (name === 'open') {
      // Feedback at once: the launcher shows it is busy (launcher.css) until the panel opens.
      if (launcher) launcher.ariaBusy = 'true';
      load();
    }
    queue = [...queue.filter((c) => c[0] !== name || name === 'update'), [name, argument]];
  };

  // For a new config or another host element: the panel, if any, is mounted again.
  const restart = () => {
    lazy?.unmount();
    start();
    if (glue) load();
  };

  const start = () => {
    wanted = true;
    if (phase === 'destroyed') phase = glue ? 'loading' : 'idle';
    if (phase === 'failed' || !configured) return;
    paint();
    const how = config().load, idle = (fn) => (w.requestIdleCallback || setTimeout)(fn, { timeout: 3000 });
    if (how === 'eager') load();
    else if (how === 'idle') {
      if (d.readyState === 'complete') idle(load);
      else w.addEventListener('load', () => idle(load), { once: true });
    }
    // A message from an earlier visit still waits in the outbox: delivery never waits for a
    // hover. The only storage read before the panel opens, when the page is idle (a page's first
    // read of localStorage can take long), not in the task that paints the launcher.
    idle(() => {
      try { if (localStorage.getItem('contact-widget:outbox')) load(); } catch (ignored) { /* no storage */ }
    });
  };

  // The element: created by this script for the snippet, or written in the page's markup
  // (`<contact-widget endpoint="…" email="…">`) by sites and frameworks that prefer that.
  // A page has one widget; a host removed by a single-page app's re-render is put back.
  // A page's own element is config too (paint() watches it): a change of its attributes (a
  // framework rendering it again) updates the widget, once per batch, while it is wanted.
  const watcher = new MutationObserver((records) => wanted && records.some((r) => !notConfig.test(r.attributeName)) && api.update());
  customElements.define('contact-widget', class extends HTMLElement {
    connectedCallback() {
      if (this === host || phase === 'failed') return;
      if (host?.isConnected) return warn('one widget per page: this one is ignored');
      // This element takes over from one a framework re-rendered away (or from ours): the panel
      // is mounted again in it, open if it was open (the draft comes back from storage).
      const open = launcher?.ariaExpanded === 'true';
      if (ours) host?.remove();
      host = this;
      ours = false;
      launcher = null;
      restart();
      if (open) call('open');
    }
    // Moved with moveBefore (into a host page's modal <dialog> and back, see panel/dialog.rs): the
    // element stays connected, so there is nothing to re-attach or close.
    connectedMoveCallback() {}
    // Still out of the page once this task's microtasks have run (not moved or replaced by a
    // framework): ours is put back (a single-page app threw it out with the old content); the
    // page's own is torn down as destroy() does, and let go (back in the page, it starts again).
    disconnectedCallback() {
      queueMicrotask(() => this === host && (ours ? attach() : this.isConnected || (api.destroy(), host = null)));
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
      if (host && phase !== 'failed') paint();
      if (!lazy?.update(shown)) call('update');
    },
    destroy: () => {
      wanted = false;
      queue = [];
      lazy?.unmount();
      if (phase !== 'failed') phase = 'destroyed';
      // The page's own element stays (and is used again by a later init()); only ours goes.
      if (host) ours ? host.remove() : host.shadowRoot?.replaceChildren();
      launcher = null;
      if (ours) host = null;
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
      return nativeFetch(new URL(url, d.baseURI), { credentials: 'omit' })
        .then((r) => { if (!r.ok) throw Error('HTTP ' + r.status); return r.json(); })
        .then((json) => { fileConfig = json; }, (error) => warn('the config at ' + url + ' could not be loaded (' + error.message + ')'))
        .then(() => { configured = true; start(); });
    }
    configured = true;
    if (wanted || block || host || Object.keys(attributes()).length) start();
  };
  // In a task of its own: DOMContentLoaded's is the browser's busiest, no place to add to.
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', () => setTimeout(configure), { once: true });
  else configure();
})();
