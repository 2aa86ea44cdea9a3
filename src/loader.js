/*! contact-widget __VERSION__ | https://github.com/contact-widget | MIT OR Apache-2.0 */
// The one file a site owner embeds. A classic script (works with async or defer): it defines
// window.ContactWidget at once, queues API calls, reads the config (data attributes, the JSON
// block, or a config URL), then fetches the wasm next to itself without blocking the page.
(function () {
  'use strict';
  var w = window, d = document, PREFIX = 'contact-widget: ';
  if (w.ContactWidget) {
    console.warn(PREFIX + 'the script is included twice; the second copy does nothing');
    return;
  }
  var script = d.currentScript;
  // Where widget.js and the wasm are. dist/contact-widget.mjs (the npm module entry, where
  // currentScript is null) is this file with only this expression replaced by import.meta.url.
  var base = new URL('.', (script && script.src) || d.baseURI);

  var wasm = null;       // the wasm module's exports, once instantiated
  var widget = null;     // the mounted widget
  var queue = [];        // API calls made before the widget was mounted
  var wanted = false;    // mount once ready: a config exists or init() was called
  var dead = false;      // after a failure every call is a no-op
  var fileConfig = null; // the JSON block or the config URL's content
  var initConfig = null; // the last init() argument

  function warn(message) { console.warn(PREFIX + message); }

  // Any error inside the widget ends here: reported once, the widget removed, the page untouched.
  function fail(what, error) {
    if (dead) return;
    dead = true;
    console.error(PREFIX + what + ' failed; the widget removed itself.', error);
    try { if (widget) widget.destroy(); } catch (ignored) { /* a trapped instance may throw again */ }
    widget = null;
    var host = d.querySelector('contact-widget');
    if (host) host.remove();
  }

  function guard(what, fn) {
    try { return fn(); } catch (error) { fail(what, error); }
  }

  function attributes() {
    return script ? Object.entries(script.dataset) : [];
  }

  function inlineConfig() {
    var block = d.getElementById('contact-widget-config');
    if (!block) return null;
    try {
      return JSON.parse(block.textContent || '');
    } catch (error) {
      warn('the JSON in <script id="contact-widget-config"> is not valid (' + error.message + '); it is ignored');
      return null;
    }
  }

  // JSON from `url`, or null with a console note naming `what` when it cannot be had.
  function fetchJson(url, what) {
    return fetch(url, { credentials: 'omit' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .catch(function (error) {
        warn(what + ' could not be loaded (' + error.message + ')');
        return null;
      });
  }

  function domReady() {
    return new Promise(function (resolve) {
      if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', resolve, { once: true });
      else resolve();
    });
  }

  // The texts of the visitor's language, fetched once per language: only the one needed.
  var languages = {};
  function language(tag) {
    if (!tag) return Promise.resolve(null);
    if (!languages[tag]) {
      languages[tag] = fetchJson(new URL('locales/' + tag + '.json', base), 'the texts for "' + tag + '" (English is shown instead)');
    }
    return languages[tag];
  }

  var mounting = 0;
  function mount() {
    if (dead || !wasm || !wanted) return;
    var tag = guard('choosing the language', function () { return wasm.languageFile(attributes(), fileConfig, initConfig); });
    var ticket = ++mounting;
    language(tag).then(function (table) {
      if (dead || !wanted || ticket !== mounting) return; // a later init() or destroy() won
      guard('mounting', function () {
        if (widget) { widget.destroy(); widget.free(); }
        widget = null;
        widget = wasm.mount(attributes(), fileConfig, initConfig, table);
        var calls = queue;
        queue = [];
        calls.forEach(function (c) { call(c[0], c[1]); });
      });
    });
  }

  function call(name, argument) {
    if (dead) return;
    if (!widget) { queue.push([name, argument]); return; }
    guard(name + '()', function () { widget[name](argument); });
  }

  w.ContactWidget = {
    version: '__VERSION__',
    init: function (config) { initConfig = config || null; wanted = true; mount(); },
    open: function () { call('open'); },
    close: function () { call('close'); },
    toggle: function () { call('toggle'); },
    update: function (partial) { call('update', partial); },
    destroy: function () {
      wanted = false;
      queue = [];
      if (widget) guard('destroy()', function () { widget.destroy(); widget.free(); });
      widget = null;
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

  var loaded = import(new URL('__WIDGET_JS__', base).href).then(function (module) {
    return module.default({ module_or_path: new URL('__WIDGET_WASM__', base) }).then(function () { wasm = module; });
  });
  var configured = domReady().then(function () {
    var url = script && script.dataset.configUrl;
    var hasAttributes = attributes().some(function (pair) { return pair[0] !== 'configUrl'; });
    var block = d.getElementById('contact-widget-config');
    if (hasAttributes || block || url) wanted = true;
    if (url) return fetchJson(new URL(url, d.baseURI), 'the config at ' + url).then(function (config) { fileConfig = config; });
    fileConfig = inlineConfig();
  });
  Promise.all([loaded, configured]).then(mount, function (error) {
    fail('loading the widget from ' + base.href, error);
  });
})();
