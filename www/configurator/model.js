// The configurator's state is the config itself: a plain JSON object, edited in place by the
// controls at their paths. An imported config is kept as it is, so nothing in it is lost: keys the
// form has no control for (there should be none) and keys the widget does not know stay in the
// snippet, and a value stays as written until the owner changes that control.

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The value at `keys` (an array of keys and indexes), or undefined. */
export function get(config, keys) {
  return keys.reduce((value, key) => (value !== null && typeof value === 'object' ? value[key] : undefined), config);
}

/** Sets the value at `keys`, creating objects on the way (replacing a non-object, e.g. `form: false`). */
export function set(config, keys, value) {
  let node = config;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof keys[i + 1] === 'number' ? [] : {};
    node = node[key];
  }
  node[keys.at(-1)] = value;
}

/**
 * Removes the value at `keys`, and each object above it that this leaves empty (the config stays
 * as small as what the owner chose). A list item (a channel) and the config itself are kept.
 */
export function remove(config, keys) {
  const parent = get(config, keys.slice(0, -1));
  if (!isObject(parent)) return;
  delete parent[keys.at(-1)];
  for (let depth = keys.length - 1; depth > 0; depth--) {
    const node = get(config, keys.slice(0, depth));
    const above = get(config, keys.slice(0, depth - 1));
    if (!isObject(node) || Object.keys(node).length > 0 || !isObject(above)) return;
    delete above[keys[depth - 1]];
  }
}

/** A deep copy (the config is JSON). */
export const clone = (config) => JSON.parse(JSON.stringify(config));
