/*! contact-widget __VERSION__ | https://github.com/contact-widget | MIT OR Apache-2.0 */
// The one file a site owner embeds, and all that runs at page load. A classic script (works with
// async or defer): it defines window.ContactWidget and the <contact-widget> element at once,
// queues API calls, reads the config, paints the launcher, and fetches the wasm (which builds the
// panel) only when the page is idle or the visitor reaches for the launcher.
(function () {
  'use strict';
  var w = window, d = document, PREFIX = 'contact-widget: ';
  if (w.ContactWidget) {
    console.warn(PREFIX + 'the script is included twice; the second copy does nothing');
    return;
  }
  // Captured now, so a page that patches them later cannot break or observe us.
  var nativeFetch = w.fetch;
  var textOf = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').get;
  var script = d.currentScript;
  // Where widget.js and the wasm are. dist/contact-widget.mjs (the npm module entry, where
  // currentScript is null) is this file with only this expression replaced by import.meta.url.
  var base = new URL('.', (script && script.src) || d.baseURI);
  // Filled in by `cargo xtask dist`: the launcher's stylesheet, and the title of each shipped
  // language (the launcher's default label), so painting the launcher needs no other download.
  var CSS = __LAUNCHER_CSS__;
  var TITLES = __TITLES__;
  var ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

  var host = null;       // the <contact-widget> element showing the widget
  var ours = false;      // whether this script created `host` (else it is the page's markup)
  var launcher = null;   // the launcher button inside host's shadow root
  var wasm = null;       // the promise of the wasm module's exports
  var languages = {};    // the promise of each language's texts
  var widget = null;     // the mounted panel
  var queue = [];        // API calls made before the panel was mounted
  var wanted = false;    // a config exists or init() was called
  var dead = false;      // after a failure every call is a no-op
  var fallback = null;   // where the launcher leads when the wasm cannot run
  var configured = false; // the page's config has been read
  var fileConfig = null; // the JSON block or the config URL's content
  var initConfig = null; // init()'s argument, with every update() layered on
  var tag = 'en';        // the language shown

  function warn(message) { console.warn(PREFIX + message); }

  // Any error inside the widget ends here: reported once, the panel removed, never thrown into
  // the page. The launcher stays as a plain link when there is somewhere to go.
  // The wasm instance is never called again (it may be trapped): its nodes and stylesheet are
  // removed here, and its listeners and timers are no-ops from now on (see wrap).
  function fail(what, error) {
    if (dead) return;
    dead = true;
    widget = null;
    console.error(PREFIX + what + ' failed; ' + (fallback ? 'the launcher now opens ' + fallback : 'the widget removed itself') + '.', error);
    if (!host) return;
    var shadow = host.shadowRoot;
    if (!fallback || !launcher || !shadow) { if (ours) host.remove(); else if (shadow) shadow.replaceChildren(); return; }
    // What the visitor had typed goes into the e-mail, so it is not lost with the panel.
    var typed = '';
    try { typed = textOf.call(shadow.querySelector('textarea')).trim(); } catch (ignored) { /* no form, or unreadable */ }
    if (typed && /^mailto:/i.test(fallback)) fallback += (fallback.indexOf('?') < 0 ? '?' : '&') + 'body=' + encodeURIComponent(typed);
    shadow.adoptedStyleSheets = shadow.adoptedStyleSheets.slice(0, 1);
    var link = element('a', { class: 'launcher', href: fallback, 'data-style': launcher.getAttribute('data-style') });
    if (/^https?:/i.test(fallback)) { link.target = '_blank'; link.rel = 'noopener'; }
    link.ariaLabel = launcher.ariaLabel;
    link.append.apply(link, launcher.childNodes);
    var focused = shadow.activeElement;
    shadow.firstElementChild.replaceChildren(link);
    launcher = link;
    // A visitor who was on the launcher (or in the panel) is on the link now.
    if (focused) link.focus();
  }

  var inside = 0; // calls into the wasm under way (an event it emits may call the API again)
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
  function fetchFor(url, init) {
    var settle = function (ok) {
      return function (value) { return dead ? new Promise(function () {}) : ok ? value : Promise.reject(value); };
    };
    return nativeFetch.call(w, url, init).then(settle(true), settle(false));
  }

  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

  // `over` layered on `base`, objects key by key (the core's Value::merge, for the launcher).
  function merge(base, over) {
    if (!isObject(base) || !isObject(over)) return over == null ? base : over;
    var out = Object.assign({}, base);
    Object.keys(over).forEach(function (key) { out[key] = merge(base[key], over[key]); });
    return out;
  }

  // The data-* attributes of the script tag, then those of a <contact-widget> in the markup.
  function attributes() {
    var pairs = script ? Object.entries(script.dataset) : [];
    if (host && !ours) {
      Array.prototype.forEach.call(host.attributes, function (a) {
        if (/^(class|style|id|slot|hidden|lang|dir|tabindex|aria-.*|on.*)$/.test(a.name)) return;
        pairs.push([a.name.replace(/^data-/, '').replace(/-(\w)/g, function (m, c) { return c.toUpperCase(); }), a.value]);
      });
    }
    return pairs;
  }

  function config() {
    return merge(merge(Object.fromEntries(attributes()), fileConfig), initConfig) || {};
  }

  // The language: the configured one, else the page's, else the browser's first shipped one.
  // Texts come from locales/<tag>.json (English is built into the wasm).
  function negotiate(configured) {
    var primary = function (t) { t = String(t || '').trim().split(/[-_]/)[0].toLowerCase(); return t === 'iw' ? 'he' : t; };
    if (configured && configured !== 'auto') return TITLES[primary(configured)] ? primary(configured) : String(configured).trim();
    var tags = [d.documentElement.lang].concat(navigator.languages || []);
    for (var i = 0; i < tags.length; i++) if (TITLES[primary(tags[i])]) return primary(tags[i]);
    return 'en';
  }

  // The owner's text for `key` in the visitor's language, as the core layers texts.
  function text(c, key) {
    var texts = isObject(c.texts) ? c.texts : {}, primary = tag.split('-')[0];
    var found = [texts[tag], texts[primary], texts].concat(key === 'title' ? [c] : []).map(function (o) { return isObject(o) && o[key]; });
    return found.filter(function (s) { return typeof s === 'string' && s; })[0];
  }

  // The colour a text on `hex` needs: black or white, whichever contrasts more (as the core).
  function onBrand(hex) {
    var l = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var y = 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    return 1.05 / (y + 0.05) >= (y + 0.05) / 0.05 ? '#ffffff' : '#000000';
  }

  function element(name, attrs, ns) {
    var e = ns ? d.createElementNS('http://www.w3.org/2000/svg', name) : d.createElement(name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // Draws the launcher (again, after update()) from the config; the wasm adds the panel later.
  function paint() {
    var c = config(), theme = isObject(c.theme) ? c.theme : {};
    tag = negotiate(c.locale);
    if (!host) {
      host = d.createElement('contact-widget');
      ours = true;
    }
    var shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
    var color = /^#([0-9a-f]{3}){1,2}$/i.test(c.color) ? c.color.trim().toLowerCase() : '#0b57d0';
    if (color.length === 4) color = color.replace(/\w/g, '$&$&');
    var num = function (v, max) {
      v = /^\d+$/.test(v) ? +v : v;
      return typeof v === 'number' && v >= 0 && v <= max && v % 1 === 0 ? v : null;
    };
    var vars = [['brand', color], ['on-brand', onBrand(color)], ['x', num(c.offsetX, 400)], ['y', num(c.offsetY, 400)], ['z', num(c.zIndex, 2147483647)]]
      .filter(function (v) { return v[1] !== null; })
      .map(function (v) { return '--cw-' + v[0] + ':' + v[1] + (typeof v[1] === 'number' && v[0] !== 'z' ? 'px' : '') + ';'; });
    if (typeof theme.font === 'string' && /^[\p{L}\p{N} ,'"_-]+$/u.test(theme.font)) vars.push('--cw-font:' + theme.font + ';');
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS + ':host{' + vars.join('') + '}');
    var sheets = shadow.adoptedStyleSheets;
    shadow.adoptedStyleSheets = [sheet].concat(sheets.slice(1));

    var root = shadow.firstElementChild || shadow.appendChild(element('div', { class: 'cw' }));
    var style = ['icon', 'label'].indexOf(theme.launcher) < 0 ? 'icon-label' : theme.launcher;
    root.setAttribute('data-position', /^(top|bottom|middle)-(left|right)$/.test(c.position) ? c.position : 'bottom-right');
    root.setAttribute('data-scheme', ['light', 'dark'].indexOf(theme.scheme) < 0 ? 'auto' : theme.scheme);
    root.setAttribute('lang', tag);
    root.setAttribute('dir', /^(ar|he|fa|ur)\b/.test(tag) ? 'rtl' : 'ltr');
    var label = text(c, 'launcher') || text(c, 'title') || TITLES[tag.split('-')[0]] || TITLES.en;
    // One launcher element for the widget's life (the wasm holds on to it), redrawn in place.
    if (!launcher) {
      launcher = element('button', { type: 'button', class: 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': 'false' });
      launcher.addEventListener('click', function () { call('toggle'); });
      ['pointerenter', 'focus', 'touchstart'].forEach(function (type) { launcher.addEventListener(type, load, { passive: true }); });
      root.prepend(launcher);
    }
    launcher.setAttribute('data-style', style);
    launcher.removeAttribute('aria-label');
    launcher.replaceChildren();
    if (style !== 'label') {
      var svg = element('svg', { viewBox: '0 0 24 24', width: 24, height: 24, 'aria-hidden': 'true', focusable: 'false' }, true);
      svg.appendChild(element('path', { d: ICON, fill: 'currentColor' }, true));
      launcher.appendChild(svg);
    }
    if (style === 'icon') launcher.setAttribute('aria-label', label);
    else launcher.appendChild(element('span', {})).textContent = label;

    var channels = Array.isArray(c.channels) ? c.channels : [];
    var first = function (type) {
      var found = channels.filter(function (ch) { return isObject(ch) && ch.type === type; })[0];
      var value = found ? found.value : c[type];
      return typeof value === 'string' && value.trim();
    };
    fallback = typeof c.fallback === 'string' && /^(https?:|mailto:|tel:)/i.test(c.fallback.trim()) ? c.fallback.trim()
      : first('email') ? 'mailto:' + first('email') : first('phone') ? 'tel:' + first('phone').replace(/[^\d+]/g, '') : null;
    if (!host.isConnected) attach();
  }

  // Put back in <body> after a single-page app threw it out with the old content (not when the
  // page moved it elsewhere itself). A page that keeps removing it wins: after 50 re-attachments
  // less than a frame apart it stays out, so two scripts never fight over it forever.
  var lastAttach, streak;
  function attach() {
    if (!ours || !wanted || dead || !d.body || host.isConnected) return;
    streak = lastAttach > (lastAttach = Date.now()) - 16 ? streak + 1 : 0;
    if (streak > 50) return warn('the page keeps removing <contact-widget>');
    d.body.append(host);
  }

  // The wasm, once, compiled while it streams in; then the panel is mounted.
  function load() {
    // Not for a widget the page has taken out (it loads when the visitor can reach it again).
    if (!wanted || dead || !host || !host.isConnected) return;
    wasm = wasm || import(new URL('__WIDGET_JS__', base).href).then(function (module) {
      return module.default({ module_or_path: nativeFetch.call(w, new URL('__WIDGET_WASM__', base)) }).then(function () { return module; });
    });
    var shown = tag;
    Promise.all([wasm, language(shown)]).then(function (ready) {
      // A task of its own, apart from compiling and instantiating: no long task on slow devices.
      setTimeout(function () {
        if (shown === tag) mount(ready[0], ready[1]);
        else load(); // the language changed meanwhile (update())
      });
    }, function (error) {
      var csp = /Content.Security.Policy|unsafe-eval/i.test(error && error.message);
      fail(csp ? "WebAssembly is refused by the page's Content-Security-Policy (script-src needs 'wasm-unsafe-eval'): loading the widget" : 'loading the widget from ' + base.href, error);
    });
  }

  // The texts of a shipped language other than English (built in), fetched once.
  function language(t) {
    if (!TITLES[t] || t === 'en') return null;
    return languages[t] = languages[t] || fetchFor(new URL('locales/' + t + '.json', base), { credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .catch(function (error) { warn('the texts for "' + t + '" could not be loaded (' + error.message + '); English is shown instead'); return null; });
  }

  // The wasm builds the panel over a few tasks (none long on a slow phone); calls made meanwhile
  // wait in the queue. A mount overtaken by unmount() is taken down when it arrives, and the
  // widget mounted again if it is still wanted.
  var mounting = null;
  function mount(module, table) {
    if (dead || !wanted || widget || mounting || !launcher) return;
    var mine = mounting = { stale: false };
    guard('mounting', function () {
      module.mount(host.shadowRoot, launcher, attributes(), fileConfig, initConfig, tag, table, wrap, fetchFor).then(function (mounted) {
        mounting = null;
        if (mine.stale || dead) { takeDown(mounted); return load(); }
        widget = mounted;
        launcher.removeAttribute('aria-busy');
        var calls = queue;
        queue = [];
        calls.forEach(function (c) { call(c[0], c[1]); });
      }, function (error) { fail('mounting', error); });
    });
  }

  // Takes the panel down (init() with a new config, destroy()).
  function unmount() {
    var mounted = widget;
    widget = null;
    if (mounting) mounting.stale = true;
    if (mounted) takeDown(mounted);
  }

  function takeDown(mounted) {
    guard('removing the panel', function () { mounted.destroy(); mounted.free(); });
  }

  function call(name, argument) {
    if (dead) return;
    // From a listener of one of our events, while the wasm is busy: right after it, not inside.
    if (inside) return queueMicrotask(function () { call(name, argument); });
    if (!widget) {
      // Before the panel exists every press of the launcher means "open": none is lost.
      if (name === 'toggle') name = 'open';
      if (name === 'open') {
        if (launcher) launcher.setAttribute('aria-busy', 'true');
        load();
      }
      queue = queue.filter(function (c) { return c[0] !== name || name === 'update'; }).concat([[name, argument]]);
      return;
    }
    guard(name + '()', function () { widget[name](argument); });
  }

  function start() {
    wanted = true;
    if (dead || !configured) return;
    paint();
    // Fetched when the page has settled, unless the visitor reaches for the launcher first.
    var idle = w.requestIdleCallback || function (fn) { return setTimeout(fn, 1); };
    var later = function () { idle(load, { timeout: 3000 }); };
    if (d.readyState === 'complete') later();
    else w.addEventListener('load', later, { once: true });
  }

  // The element: created by this script for the snippet, or written in the page's markup
  // (`<contact-widget endpoint="…" email="…">`) by sites and frameworks that prefer that.
  // A page has one widget; a host removed by a single-page app's re-render is put back.
  class Host extends HTMLElement {
    connectedCallback() {
      if (this === host || dead) return;
      if (host && host.isConnected) return warn('a page shows one widget; this <contact-widget> is ignored');
      // This element takes over from one a framework re-rendered away (or from ours): the panel
      // is mounted again in it, open if it was open (the draft comes back from storage).
      var old = ours && host, open = launcher && launcher.getAttribute('aria-expanded') == 'true';
      unmount();
      host = this;
      ours = false;
      launcher = null;
      if (old) old.remove();
      start();
      if (wasm) load();
      if (open) call('open');
    }
    // Moved with moveBefore (into a host page's modal <dialog> and back, see widget.rs): the
    // element stays connected, so there is nothing to re-attach or close.
    connectedMoveCallback() {}
    disconnectedCallback() {
      // A markup element keeps its state while out of the page: frameworks often put it back.
      if (this === host && ours) queueMicrotask(attach);
    }
  }
  if (!customElements.get('contact-widget')) customElements.define('contact-widget', Host);

  w.ContactWidget = {
    version: '__VERSION__',
    init: function (config) {
      initConfig = config || null;
      unmount();
      start();
      if (wasm) load();
    },
    open: function () { call('open'); },
    close: function () { call('close'); },
    toggle: function () { call('toggle'); },
    update: function (partial) {
      initConfig = merge(initConfig, partial);
      var shown = tag;
      if (host && !dead) paint();
      if (!widget || tag === shown) return call('update', partial);
      var next = tag;
      // Another language: the panel re-renders in it (open, with the draft) once its texts are here.
      Promise.resolve(language(next)).then(function (table) {
        guard('update()', function () { if (widget) widget.update(partial, next, table); });
      });
    },
    destroy: function () {
      wanted = false;
      queue = [];
      unmount();
      var h = host;
      launcher = null;
      // The page's own element stays (and is used again by a later init()); only ours goes.
      if (ours) host = null;
      if (h && ours) h.remove();
      else if (h && h.shadowRoot) h.shadowRoot.replaceChildren();
    },
    on: function (name, fn) {
      var type = 'contact-widget:' + name;
      function listener(event) {
        try { fn(event.detail, event); } catch (error) { console.error(PREFIX + 'a "' + name + '" listener threw', error); }
      }
      w.addEventListener(type, listener);
      return function () { w.removeEventListener(type, listener); };
    }
  };

  function configure() {
    var url = script && script.dataset.configUrl;
    var block = d.getElementById('contact-widget-config');
    if (block) {
      try { fileConfig = JSON.parse(block.textContent || ''); } catch (error) {
        warn('the JSON in <script id="contact-widget-config"> is not valid (' + error.message + '); it is ignored');
      }
    }
    configured = true;
    var found = url || block || host || attributes().some(function (pair) { return pair[0] !== 'configUrl'; });
    if (!url) { if (found || wanted) start(); return; }
    configured = false;
    nativeFetch.call(w, new URL(url, d.baseURI), { credentials: 'omit' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (json) { fileConfig = json; }, function (error) { warn('the config at ' + url + ' could not be loaded (' + error.message + ')'); })
      .then(function () { configured = true; start(); });
  }
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', configure, { once: true });
  else configure();
})();
