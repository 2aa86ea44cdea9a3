// The snippet a site owner pastes: data attributes when they say exactly the same as the config,
// else a JSON block. Pure functions of the config and the schema, so the page and the tests agree
// on what is generated.
//
// How the loader reads data attributes (src/loader.js, src/lazy.js): every `data-*` of the script
// tag is a top-level key by its dataset name (`data-offset-x` is `offsetX`), "true" and "false"
// become booleans, everything else stays text; an attribute named after a channel type
// (`data-phone`) is a channel with that value, in attribute order. So a config fits in attributes
// when every value is one of those: a text (not "true"/"false"), a boolean, a whole number where
// the schema also takes it as digits (offsets, z-index), and channels with a type and a value only,
// at most one of each known type.

const TEXT_SAFE = (value) => typeof value === 'string' && value !== 'true' && value !== 'false' && !value.includes('\r');

/** `offsetX` as its attribute name, `offset-x` (what `dataset` turns back into `offsetX`). */
const attributeName = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The data attributes that say exactly what `config` says, as `[name, value]` pairs, or null when
 * it needs the JSON block. `schema` is the configurator's `Schema`.
 */
export function asAttributes(config, schema) {
  const out = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'channels') continue;
    const node = key !== '$schema' && schema.root.properties[key] && schema.at([key]);
    if (!node || !/^[a-z][a-zA-Z]*$/.test(key)) return null;
    if (TEXT_SAFE(value) || typeof value === 'boolean') out.push([attributeName(key), String(value)]);
    else if (Number.isInteger(value) && value >= 0 && schema.takesDigits(node)) out.push([attributeName(key), String(value)]);
    else return null;
  }
  if (config.channels !== undefined) {
    if (!Array.isArray(config.channels)) return null;
    const seen = new Set();
    for (const channel of config.channels) {
      const plain = channel !== null && typeof channel === 'object' && Object.keys(channel).sort().join() === 'type,value';
      if (!plain || !schema.types[channel.type] || seen.has(channel.type) || !TEXT_SAFE(channel.value)) return null;
      seen.add(channel.type);
      out.push([channel.type, channel.value]);
    }
  }
  return out;
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
export function snippet(config, schema, { src, integrity }) {
  const attributes = asAttributes(config, schema);
  if (attributes) return { kind: 'attributes', text: loaderTag(src, integrity, attributes) };
  // `<` is escaped so no value can close the script element; JSON reads \u003c back as `<`.
  const json = JSON.stringify(config, null, 2).replaceAll('<', '\\u003c');
  const block = `<script type="application/json" id="contact-widget-config">\n${json}\n</script>`;
  return { kind: 'json', text: `${block}\n${loaderTag(src, integrity, [])}` };
}
