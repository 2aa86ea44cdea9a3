// The snippet a site owner pastes: data attributes when they can say everything, else a JSON block.
// Pure functions of the config, so the page and the tests agree on what is generated.

/** Keys a data attribute carries as plain text (from the parser's `from_attributes`). */
const ATTRIBUTE_KEYS = ['endpoint', 'title', 'greeting', 'locale', 'position', 'color'];

/**
 * Whether data attributes express `config` exactly: only plain text keys, the default form,
 * and channels with a type and value only, each type at most once (one attribute per type).
 */
export function fitsAttributes(config) {
  const keysOk = Object.keys(config).every((key) => ATTRIBUTE_KEYS.includes(key) || key === 'channels');
  const channels = config.channels ?? [];
  const plain = channels.every((c) => Object.keys(c).every((key) => key === 'type' || key === 'value'));
  const types = channels.map((c) => c.type);
  return keysOk && plain && new Set(types).size === types.length;
}

/** Text made safe inside a double-quoted HTML attribute. */
function attribute(value) {
  return String(value).replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** The loader's `<script>` tag, with its SRI hash when known, and any data attributes. */
function loaderTag(src, integrity, attributes) {
  const lines = [`<script src="${attribute(src)}" async`];
  if (integrity) lines.push(`        integrity="${attribute(integrity)}" crossorigin="anonymous"`);
  for (const [name, value] of attributes) lines.push(`        data-${name}="${attribute(value)}"`);
  return `${lines.join('\n')}></script>`;
}

/**
 * The snippet for `config`: `{ kind: 'attributes' | 'json', text }`. `src` is the loader's URL,
 * `integrity` its `sha384-…` hash from dist/integrity.json (or null).
 */
export function snippet(config, { src, integrity }) {
  if (fitsAttributes(config)) {
    const attributes = ATTRIBUTE_KEYS.filter((key) => key in config).map((key) => [key, config[key]]);
    for (const channel of config.channels ?? []) attributes.push([channel.type, channel.value]);
    return { kind: 'attributes', text: loaderTag(src, integrity, attributes) };
  }
  // `<` is escaped so no value can close the script element; JSON reads \u003c back as `<`.
  const json = JSON.stringify(config, null, 2).replaceAll('<', '\\u003c');
  const block = `<script type="application/json" id="contact-widget-config">\n${json}\n</script>`;
  return { kind: 'json', text: `${block}\n${loaderTag(src, integrity, [])}` };
}
