// The JSON Schema the core writes (dist/config.schema.json), read as the configurator's one source
// of keys, titles, descriptions, choices, defaults and limits: nothing here re-types a list the core
// already has, so the configurator cannot drift from the widget.

/** Config paths are arrays of keys (`['texts', 'label.phone']`, `['channels', 0, 'value']`). */
export function pathString(keys) {
  return keys.reduce((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

export class Schema {
  constructor(root) {
    this.root = root;
    const channel = root.$defs.channel;
    // One row per channel type, in the core's order: its name as the panel shows it, what its
    // value must be, whether it prefills a message or a subject, and its default group.
    this.types = {};
    for (const rule of channel.allOf) {
      const then = rule.then.properties;
      this.types[rule.if.properties.type.const] = {
        name: rule.title,
        expects: then.value.description,
        takesMessage: then.message !== false,
        takesSubject: then.subject !== false,
        group: then.group?.default,
      };
    }
    const texts = root.properties.texts.properties;
    this.textKeys = Object.keys(texts);
    this.textDefaults = Object.fromEntries(this.textKeys.map((key) => [key, texts[key].default ?? '']));
    this.locales = root.properties.locale.examples.filter((tag) => tag !== 'auto');
  }

  /** `node` with its `$ref` (one local reference, possibly chained) merged in. */
  resolve(node) {
    while (node?.$ref) {
      const target = node.$ref.replace(/^#\//, '').split('/').reduce((n, key) => n[key], this.root);
      const { $ref, ...rest } = node;
      node = { ...target, ...rest };
    }
    return node;
  }

  /**
   * The schema of the value at `keys`, or undefined when the schema does not describe it (an
   * unknown key). `value` is the whole config, for the `form` key (false or an object).
   */
  at(keys) {
    let node = this.resolve(this.root);
    for (const key of keys) {
      node = this.child(node, key);
      if (!node) return undefined;
    }
    return node;
  }

  /** The schema of `node`'s member `key` (an object's property or an array's item). */
  child(node, key) {
    if (node.oneOf && !node.properties) node = node.oneOf.map((n) => this.resolve(n)).find((n) => n.properties) ?? node;
    if (typeof key === 'number') return node.items && this.resolve(node.items);
    if (node.properties?.[key]) return this.resolve(node.properties[key]);
    for (const [pattern, inner] of Object.entries(node.patternProperties ?? {})) {
      if (new RegExp(pattern, 'u').test(key)) return this.resolve(inner);
    }
    if (isObject(node.additionalProperties)) return this.resolve(node.additionalProperties);
    return undefined;
  }

  /** The choices a value may take (`enum`, also inside `oneOf`/`anyOf`), or null. */
  choices(node) {
    if (node.enum) return node.enum;
    for (const alternative of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) {
      const found = this.resolve(alternative).enum;
      if (found) return found;
    }
    return null;
  }

  /** `{ min, max }` of a number (also inside `anyOf`), or null when the value is not a number. */
  numberLimits(node) {
    const numeric = [node, ...(node.anyOf ?? []).map((n) => this.resolve(n))].find((n) => n.type === 'number' || n.type === 'integer');
    return numeric ? { min: numeric.minimum, max: numeric.maximum, integer: numeric.type === 'integer' } : null;
  }

  /** Whether a number may also be written as digits (what data attributes carry). */
  takesDigits(node) {
    return (node.anyOf ?? []).some((n) => n.type === 'string' && n.pattern === '^[0-9]+$');
  }

  /**
   * Every path in `config` that the schema does not describe, as the core names them
   * (`channels[0].colour`, `form.captcha`): the keys the widget would report as unknown.
   */
  unknownPaths(config) {
    const found = [];
    const walk = (value, node, keys) => {
      if (!node) return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, node.items && this.resolve(node.items), [...keys, i]));
        return;
      }
      if (!isObject(value)) return;
      const object = node.oneOf && !node.properties ? node.oneOf.map((n) => this.resolve(n)).find((n) => n.properties) : node;
      if (!object || (!object.properties && !object.patternProperties && !object.additionalProperties)) return;
      for (const [key, inner] of Object.entries(value)) {
        const child = this.child(object, key);
        if (child) walk(inner, child, [...keys, key]);
        else found.push(pathString([...keys, key]));
      }
    };
    walk(config, this.resolve(this.root), []);
    return found;
  }
}

/** Reads the schema from `dist`. */
export async function loadSchema(dist) {
  const response = await fetch(new URL('config.schema.json', dist));
  if (!response.ok) throw new Error(`config.schema.json: HTTP ${response.status}`);
  return new Schema(await response.json());
}
