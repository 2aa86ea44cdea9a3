// The configurator: the config (the one state) -> validation (the widget's own Rust parser,
// compiled to wasm), live preview (the real widget, in a frame beside or below the form) and the
// snippet to copy. Every control is built from the JSON Schema the core writes.
import { renderChannels } from './channels.js';
import { el, field, humanize } from './fields.js';
import { hoursEditor } from './hours.js';
import { clone, set } from './model.js';
import { loadSchema } from './schema.js';
import { snippet } from './snippet.js';
import { textsEditor } from './texts.js';
import { loadValidator } from './validate.js';

const $ = (id) => document.getElementById(id);
const DIST = new URL('/dist/', location.href);
const INBOX_ENDPOINT = new URL('/api/feedback', location.href).href;

async function loadIntegrity() {
  try {
    const hashes = await (await fetch(new URL('integrity.json', DIST))).json();
    return hashes['contact-widget.js'] ?? null;
  } catch {
    return null; // the snippet still works without the pin
  }
}

/** The loader (an async script) has defined window.ContactWidget. */
const loaderReady = () => new Promise((resolve) => {
  if (window.ContactWidget) return resolve();
  document.querySelector('script[src$="contact-widget.js"]').addEventListener('load', resolve, { once: true });
});

/** Where a problem is, in words: `channels[1].value` -> "Channel 2 (Phone), value". */
function place(path, config, schema) {
  const channel = /^channels\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (channel) {
    const type = config.channels?.[Number(channel[1])]?.type;
    return `Channel ${Number(channel[1]) + 1} (${schema.types[type]?.name ?? type})${channel[2] ? `, ${channel[2]}` : ''}`;
  }
  const [first, ...rest] = path.split('.');
  const title = schema.root.properties[first]?.title;
  if (title && rest.length) return `${title}, ${rest.join('.')}`;
  return title ?? (path || 'The config');
}

async function start() {
  const [schema, integrity, validate] = await Promise.all([loadSchema(DIST), loadIntegrity(), loadValidator(DIST)]);
  let config = { endpoint: INBOX_ENDPOINT };
  const form = $('config');
  const ctx = { schema, config: () => config, changed: () => changed() };

  // Top-level keys: the schema's titles and descriptions, choices by name.
  const basics = () => [field(ctx, ['title']), field(ctx, ['greeting']), localeField()];
  const localeField = () => {
    const wrapper = field(ctx, ['locale'], {
      hint: `auto follows the page and the visitor's browser; the widget ships ${schema.locales.join(', ')}, and any other tag uses your texts below over English.`,
    });
    const list = el('datalist', { id: 'locales' });
    for (const tag of ['auto', ...schema.locales]) list.append(new Option(tag));
    wrapper.control.setAttribute('list', 'locales');
    wrapper.append(list);
    return wrapper;
  };
  const positions = () => {
    const node = schema.at(['position']);
    const set_ = el('fieldset', { class: 'inline', 'data-path': 'position', 'aria-describedby': 'position-hint' });
    set_.append(el('legend', {}, node.title));
    const current = config.position ?? node.default;
    for (const value of node.enum) {
      const radio = el('input', { type: 'radio', name: 'position', value });
      radio.checked = value === current;
      radio.addEventListener('change', () => {
        if (value === node.default && config.position === undefined) return;
        set(config, ['position'], value);
        changed();
      });
      const label = el('label');
      label.append(radio, ` ${humanize(value)}`);
      set_.append(label);
    }
    const hint = el('p', { class: 'hint', id: 'position-hint' });
    hint.append(el('code', {}, 'position'), ` · ${node.description} Default: ${humanize(node.default)}.`);
    set_.append(hint);
    return set_;
  };
  const look = () => [
    field(ctx, ['color']),
    positions(),
    field(ctx, ['offsetX']), field(ctx, ['offsetY']), field(ctx, ['zIndex']),
    field(ctx, ['theme', 'scheme']), field(ctx, ['theme', 'launcher']),
    field(ctx, ['theme', 'radius']), field(ctx, ['theme', 'font']),
  ];
  const formFields = () => {
    const enabled = el('input', { type: 'checkbox', id: 'form-enabled' });
    enabled.checked = config.form !== false;
    const label = el('label', { for: 'form-enabled', class: 'check' });
    label.append(enabled, ' Show a feedback form');
    const options = el('div', { id: 'form-options', 'data-path': 'form' });
    options.hidden = !enabled.checked;
    let saved = null;
    enabled.addEventListener('change', () => {
      if (enabled.checked) {
        if (saved && typeof saved === 'object') config.form = saved;
        else delete config.form;
      } else {
        saved = config.form;
        config.form = false;
      }
      options.hidden = !enabled.checked;
      changed();
    });
    const endpoint = field(ctx, ['endpoint'], { hint: 'The inbox that serves this page, or your own; see the request format in the docs (Your own endpoint).' });
    options.append(
      endpoint, field(ctx, ['transport']),
      field(ctx, ['form', 'rating']), field(ctx, ['form', 'email']), field(ctx, ['form', 'name']),
      field(ctx, ['form', 'consent']),
      field(ctx, ['form', 'spam']), field(ctx, ['form', 'minSeconds']),
      field(ctx, ['form', 'replyTime'], { optionLabel: (v) => schema.textDefaults[`reply.${v}`] || v, unset: 'None' }),
    );
    return [label, options];
  };
  const loading = () => [
    field(ctx, ['pages', 'include']), field(ctx, ['pages', 'exclude']), field(ctx, ['delay']),
    field(ctx, ['load']), field(ctx, ['fallback']), field(ctx, ['insights']), field(ctx, ['baseUrl']),
  ];

  const typeSelect = $('new-channel-type');
  for (const [type, { name }] of Object.entries(schema.types)) typeSelect.append(new Option(name, type));
  $('add-channel').addEventListener('click', () => {
    if (!Array.isArray(config.channels)) config.channels = [];
    config.channels.push({ type: typeSelect.value, value: '' });
    drawChannels();
    changed();
    $(`f-channels-${config.channels.length - 1}-value`).focus();
  });
  const channelEvents = {
    remove(index) {
      config.channels.splice(index, 1);
      if (config.channels.length === 0) delete config.channels;
      drawChannels();
      changed();
      ($(`f-channels-${Math.min(index, (config.channels?.length ?? 0) - 1)}-value`) ?? typeSelect).focus();
    },
    move(index, delta) {
      const [moved] = config.channels.splice(index, 1);
      config.channels.splice(index + delta, 0, moved);
      drawChannels();
      changed();
      $(`f-channels-${index + delta}-value`).focus();
    },
  };
  const drawChannels = () => renderChannels($('channels'), ctx, channelEvents);

  let texts;
  /** Builds every control from the config (at start and after an import). */
  function draw() {
    drawChannels();
    $('basics').replaceChildren(...basics());
    if (texts) texts.redraw();
    else texts = textsEditor(ctx, $('texts'), DIST);
    $('look').replaceChildren(...look());
    $('form-fields').replaceChildren(...formFields());
    $('hours').replaceChildren(hoursEditor(ctx, ['hours']));
    $('loading').replaceChildren(...loading());
  }

  function showProblems(issues) {
    for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
    // A day or date listed twice stays marked (see hours.js).
    for (const note of form.querySelectorAll('.repeat:not([hidden])')) note.closest('.span-row').querySelector('input').setAttribute('aria-invalid', 'true');
    const box = $('problems');
    if (issues.length === 0) {
      box.replaceChildren(el('p', {}, 'No problems: the widget takes this config as it is.'));
      return;
    }
    const list = el('ul');
    for (const { path, message } of issues) {
      const fields = [...form.querySelectorAll(`[data-path="${CSS.escape(path)}"]`)];
      for (const node of fields) node.setAttribute('aria-invalid', 'true');
      const item = el('li', { 'data-problem': path }, `${place(path, config, schema)}: ${message} `);
      const target = fields.find((node) => node.matches('input, select, textarea'));
      if (target) {
        const go = el('button', { type: 'button', 'aria-label': `Go to ${place(path, config, schema)}` }, 'Go to field');
        go.addEventListener('click', () => {
          target.closest('details')?.setAttribute('open', '');
          target.focus();
        });
        item.append(go);
      }
      list.append(item);
    }
    box.replaceChildren(el('p', {}, issues.length === 1 ? '1 problem:' : `${issues.length} problems:`), list);
  }

  // The preview is the real widget, mounted again with each config (init() replaces the config
  // whole; update() would layer over it and keep what was removed). Open stays open, and the
  // field being edited keeps the focus. Its files are this inbox's, wherever the config's
  // baseUrl says the owner's site keeps them.
  function preview() {
    const open = document.querySelector('contact-widget')?.shadowRoot?.querySelector('.launcher')?.getAttribute('aria-expanded') === 'true';
    const active = document.activeElement;
    const shown = clone(config);
    delete shown.baseUrl;
    window.ContactWidget.init(shown);
    if (open) {
      window.ContactWidget.open();
      const back = () => { if (active && active !== document.body && document.activeElement !== active) active.focus(); };
      const stop = window.ContactWidget.on('open', () => { stop(); back(); });
    }
  }

  // Checks, preview and snippet follow the form once typing pauses, so the live region
  // announces a problem once rather than at every keystroke.
  let pending = null;
  function changed() {
    $('copy-status').textContent = '';
    clearTimeout(pending);
    pending = setTimeout(refresh, 300);
  }

  function refresh() {
    clearTimeout(pending);
    showProblems(validate(clone(config)));
    preview();
    const { kind, text } = snippet(config, schema, { src: new URL('contact-widget.js', DIST).href, integrity });
    $('snippet').textContent = text;
    $('snippet-kind').textContent = kind === 'attributes'
      ? 'Everything you chose fits in data attributes on the script tag:'
      : 'What you chose needs a JSON block next to the script tag (data attributes carry only single texts and numbers, and one plain channel per type):';
  }

  $('copy').addEventListener('click', async () => {
    refresh(); // whatever was typed last is in the snippet
    try {
      await navigator.clipboard.writeText($('snippet').textContent);
      $('copy-status').textContent = 'Copied.';
    } catch {
      $('copy-status').textContent = 'Your browser did not allow copying; select the snippet and copy it by hand.';
    }
  });

  $('import').addEventListener('click', () => {
    const status = $('import-status');
    let imported;
    try {
      imported = JSON.parse($('import-text').value);
    } catch (error) {
      status.textContent = `That is not valid JSON: ${error.message}`;
      return;
    }
    if (imported === null || typeof imported !== 'object' || Array.isArray(imported)) {
      status.textContent = 'That JSON is not a configuration object ({ … }).';
      return;
    }
    config = imported;
    draw();
    refresh();
    const unknown = schema.unknownPaths(config);
    const channels = Array.isArray(config.channels) ? config.channels.length : 0;
    const kept = unknown.length > 0
      ? ` Unknown to the widget, kept as written in the snippet: ${unknown.join(', ')}.`
      : ' Everything in it has its control here.';
    status.textContent = `Imported ${channels} channel(s).${kept} See “Check” for any problem.`;
  });

  await loaderReady();
  draw();
  refresh();
  document.documentElement.dataset.ready = 'true';
}

start().catch((error) => {
  $('problems').textContent = `The configurator could not start: ${error.message}`;
  console.error(error);
});
