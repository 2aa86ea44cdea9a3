// The configurator: the form's state -> config -> validation (the widget's own Rust parser,
// compiled to wasm), live preview (the real widget on this page) and the snippet to copy.
import { renderChannels } from './channels.js';
import { emptyState, explicit, fromConfig, toConfig } from './model.js';
import { snippet } from './snippet.js';
import { loadValidator } from './validate.js';

const $ = (id) => document.getElementById(id);
const DIST = new URL('/dist/', location.href);
const INBOX_ENDPOINT = new URL('/api/feedback', location.href).href;

/** Channel types and text keys from the JSON Schema, which the core generates from its tables. */
async function loadSchema() {
  const schema = await (await fetch(new URL('config.schema.json', DIST))).json();
  const channel = schema.$defs.channel;
  const types = {};
  for (const rule of channel.allOf) {
    const then = rule.then.properties;
    types[rule.if.properties.type.const] = { name: rule.title, expects: then.value.description, takesMessage: then.message !== false };
  }
  const texts = schema.properties.texts.properties;
  const textDefaults = Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, text.default]));
  return { types, textKeys: Object.keys(texts), textDefaults };
}

async function loadIntegrity() {
  try {
    const hashes = await (await fetch(new URL('integrity.json', DIST))).json();
    return hashes['contact-widget.js'] ?? null;
  } catch {
    return null; // the snippet still works without the pin
  }
}

/** Where a problem is, in words: `channels[1].value` -> "Channel 2 (Phone), value". */
function place(path, state, types) {
  const channel = /^channels\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (channel) {
    const type = state.channels[Number(channel[1])]?.type;
    return `Channel ${Number(channel[1]) + 1} (${types[type]?.name ?? type})${channel[2] ? `, ${channel[2]}` : ''}`;
  }
  if (path.startsWith('form.')) return `Feedback form, ${path.slice(5)}`;
  if (path.startsWith('texts.')) return `Text “${path.slice(6)}”`;
  return path || 'The config';
}

async function start() {
  const [{ types, textKeys, textDefaults }, integrity, validate] = await Promise.all([loadSchema(), loadIntegrity(), loadValidator(DIST)]);
  let state = emptyState(INBOX_ENDPOINT);
  let previewStarted = false;
  const form = $('config');

  // Static controls: each reads into and writes from one state key.
  const controls = {
    title: $('title'), greeting: $('greeting'), locale: $('locale'), color: $('color'),
    endpoint: $('endpoint'), email: $('form-email'), name: $('form-name'), consent: $('form-consent'),
  };
  for (const [key, input] of Object.entries(controls)) {
    input.addEventListener('input', () => { state[key] = input.value; changed(); });
  }
  $('form-rating').addEventListener('change', (e) => { state.rating = e.target.checked; changed(); });
  $('form-enabled').addEventListener('change', (e) => { state.formEnabled = e.target.checked; changed(); });
  for (const radio of form.elements.namedItem('position')) {
    radio.addEventListener('change', () => { state.position = radio.value; changed(); });
  }

  // One input per text key (title and greeting have their own fields above).
  const textInputs = {};
  for (const key of textKeys.filter((k) => k !== 'title' && k !== 'greeting')) {
    const id = `text-${key.replace('.', '-')}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = `“${textDefaults[key]}” `;
    const code = document.createElement('code');
    code.textContent = key;
    label.append(code);
    const input = document.createElement('input');
    input.id = id;
    input.placeholder = textDefaults[key];
    input.dataset.path = `texts.${key}`;
    input.addEventListener('input', () => { state.texts[key] = input.value; changed(); });
    textInputs[key] = input;
    $('texts').append(label, input);
  }

  const typeSelect = $('new-channel-type');
  for (const type of Object.keys(types)) typeSelect.append(new Option(types[type].name, type));
  $('add-channel').addEventListener('click', () => {
    state.channels.push({ type: typeSelect.value, value: '', label: '', message: '' });
    drawChannels();
    changed();
    $(`channel-${state.channels.length - 1}-value`).focus();
  });

  const channelEvents = {
    change(index, key, value) { state.channels[index][key] = value; changed(); },
    remove(index) {
      state.channels.splice(index, 1);
      drawChannels();
      changed();
      ($(`channel-${Math.min(index, state.channels.length - 1)}-value`) ?? typeSelect).focus();
    },
    move(index, delta) {
      const [moved] = state.channels.splice(index, 1);
      state.channels.splice(index + delta, 0, moved);
      drawChannels();
      changed();
      $(`channel-${index + delta}-value`).focus();
    },
  };
  const drawChannels = () => renderChannels($('channels'), state.channels, types, channelEvents);

  /** Puts `state` into every control (after an import). */
  function fill() {
    for (const [key, input] of Object.entries(controls)) input.value = state[key];
    $('form-rating').checked = state.rating;
    $('form-enabled').checked = state.formEnabled;
    for (const radio of form.elements.namedItem('position')) radio.checked = radio.value === state.position;
    for (const [key, input] of Object.entries(textInputs)) input.value = state.texts[key] ?? '';
    $('more-texts').open ||= Object.keys(state.texts).length > 0;
    drawChannels();
  }

  function showProblems(issues) {
    for (const field of form.querySelectorAll('[aria-invalid]')) field.removeAttribute('aria-invalid');
    const box = $('problems');
    if (issues.length === 0) {
      box.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'No problems: the widget takes this config as it is.' }));
      return;
    }
    const list = document.createElement('ul');
    for (const { path, message } of issues) {
      const field = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
      field?.setAttribute('aria-invalid', 'true');
      const item = document.createElement('li');
      item.dataset.problem = path;
      item.textContent = `${place(path, state, types)}: ${message} `;
      if (field && field.tagName !== 'FIELDSET') {
        const go = document.createElement('button');
        go.type = 'button';
        go.textContent = 'Go to field';
        go.setAttribute('aria-label', `Go to ${place(path, state, types)}`);
        go.addEventListener('click', () => field.focus());
        item.append(go);
      }
      list.append(item);
    }
    const heading = document.createElement('p');
    heading.textContent = issues.length === 1 ? '1 problem:' : `${issues.length} problems:`;
    box.replaceChildren(heading, list);
  }

  function preview(config) {
    if (!previewStarted) {
      previewStarted = true;
      window.ContactWidget.init(config);
      return;
    }
    // update() re-renders and, when the panel is open, focuses it: give focus back to the field.
    const active = document.activeElement;
    window.ContactWidget.update(explicit(config, textKeys));
    if (active && active !== document.activeElement) active.focus();
  }

  // Checks, preview and snippet follow the form once typing pauses, so the live region
  // announces a problem once rather than at every keystroke.
  let pending = null;
  function changed() {
    $('form-options').hidden = !state.formEnabled;
    $('copy-status').textContent = '';
    clearTimeout(pending);
    pending = setTimeout(refresh, 300);
  }

  function refresh() {
    clearTimeout(pending);
    const config = toConfig(state);
    showProblems(validate(config));
    preview(config);
    const { kind, text } = snippet(config, { src: new URL('contact-widget.js', DIST).href, integrity });
    $('snippet').textContent = text;
    $('snippet-kind').textContent = kind === 'attributes'
      ? 'Everything you chose fits in data attributes on the script tag:'
      : 'Labels, messages, form options or texts need a JSON block next to the script tag:';
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
    let config;
    try {
      config = JSON.parse($('import-text').value);
    } catch (error) {
      status.textContent = `That is not valid JSON: ${error.message}`;
      return;
    }
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      status.textContent = 'That JSON is not a configuration object ({ … }).';
      return;
    }
    const imported = fromConfig(config);
    state = imported.state;
    fill();
    changed();
    refresh();
    const skipped = imported.skipped.length > 0
      ? ` Not shown here and left out: ${imported.skipped.join(', ')}.`
      : '';
    status.textContent = `Imported ${state.channels.length} channel(s).${skipped} See “Check” for any problem.`;
  });

  controls.endpoint.value = state.endpoint;
  refresh();
  document.documentElement.dataset.ready = 'true';
}

start().catch((error) => {
  $('problems').textContent = `The configurator could not start: ${error.message}`;
  console.error(error);
});
