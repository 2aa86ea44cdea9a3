// What the owner chose (the form's state) and the config it means. Defaults are left out of the
// config, so a simple setup stays simple enough for data attributes.

export const DEFAULT_COLOR = '#0b57d0';
export const DEFAULT_POSITION = 'bottom-right';

export function emptyState(endpoint) {
  return {
    channels: [], // { type, value, label, message }
    title: '',
    greeting: '',
    locale: '',
    texts: {}, // text key -> override
    color: DEFAULT_COLOR,
    position: DEFAULT_POSITION,
    formEnabled: true,
    endpoint,
    rating: false,
    email: 'optional',
    name: 'off',
    consent: '',
  };
}

const trimmed = (text) => (text ?? '').trim();

/** The config for `state`. Channel values stay as typed so validation can name an empty one. */
export function toConfig(state) {
  const config = {};
  if (state.formEnabled && trimmed(state.endpoint)) config.endpoint = trimmed(state.endpoint);
  if (trimmed(state.title)) config.title = trimmed(state.title);
  if (trimmed(state.greeting)) config.greeting = trimmed(state.greeting);
  if (trimmed(state.locale) && trimmed(state.locale) !== 'auto') config.locale = trimmed(state.locale);
  if (state.position !== DEFAULT_POSITION) config.position = state.position;
  if (state.color.toLowerCase() !== DEFAULT_COLOR) config.color = state.color;
  if (state.channels.length > 0) {
    config.channels = state.channels.map(({ type, value, label, message }) => {
      const channel = { type, value };
      if (trimmed(label)) channel.label = trimmed(label);
      if (trimmed(message)) channel.message = trimmed(message);
      return channel;
    });
  }
  if (!state.formEnabled) {
    config.form = false;
  } else {
    const form = {};
    if (state.rating) form.rating = true;
    if (state.email !== 'optional') form.email = state.email;
    if (state.name !== 'off') form.name = state.name;
    if (trimmed(state.consent)) form.consent = trimmed(state.consent);
    if (Object.keys(form).length > 0) config.form = form;
  }
  const texts = Object.entries(state.texts).filter(([, text]) => trimmed(text));
  if (texts.length > 0) config.texts = Object.fromEntries(texts.map(([key, text]) => [key, trimmed(text)]));
  return config;
}

const ASKS = { true: 'optional', false: 'off' };
const text = (value) => (typeof value === 'string' ? value : '');

/**
 * The state for an imported config, and the keys the configurator cannot show (reported to the
 * owner). Values of the wrong type become empty; validation of the config names them.
 */
export function fromConfig(config) {
  const state = emptyState('');
  const skipped = [];
  for (const [key, value] of Object.entries(config)) {
    switch (key) {
      case 'endpoint': state.endpoint = text(value); break;
      case 'title': case 'greeting': case 'locale': state[key] = text(value); break;
      case 'color': state.color = /^#[0-9a-f]{6}$/i.test(value) ? value : expandShort(value); break;
      case 'position': state.position = text(value) || DEFAULT_POSITION; break;
      case 'channels':
        state.channels = (Array.isArray(value) ? value : []).map((c) => ({
          type: text(c?.type), value: text(c?.value), label: text(c?.label), message: text(c?.message),
        }));
        break;
      case 'form':
        if (value === false) { state.formEnabled = false; break; }
        state.rating = value?.rating === true;
        state.email = ASKS[value?.email] ?? (text(value?.email) || 'optional');
        state.name = ASKS[value?.name] ?? (text(value?.name) || 'off');
        state.consent = text(value?.consent);
        break;
      case 'texts': state.texts = Object.fromEntries(Object.entries(value ?? {}).map(([k, v]) => [k, text(v)])); break;
      case '$schema': break;
      default: skipped.push(key);
    }
  }
  return { state, skipped };
}

/** `#abc` as `#aabbcc` (an `<input type="color">` only takes the long form); else the default. */
function expandShort(value) {
  const m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value ?? '');
  return m ? `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}` : DEFAULT_COLOR;
}

/**
 * `config` with every key the configurator edits present (null or the default where unset), for
 * `ContactWidget.update()`, which layers over the current config: an absent key would keep its
 * old value instead of going back to the default.
 */
export function explicit(config, textKeys) {
  const form = config.form === false
    ? false
    : { rating: false, email: 'optional', name: 'off', consent: null, ...config.form };
  const texts = Object.fromEntries(textKeys.map((key) => [key, null]));
  return {
    endpoint: null, title: null, greeting: null, locale: null, position: null, color: null,
    channels: [],
    ...config,
    form,
    texts: { ...texts, ...config.texts },
  };
}
