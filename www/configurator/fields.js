// One labelled control per config key, built from the key's schema: a choice is a <select> (its
// first option is the widget's default, shown by name, which leaves the key out), a number an
// <input type="number"> with the schema's limits, a colour a colour picker, a yes/no a checkbox, a
// list of texts a text area (one per line), anything else a text field. Each control reads the config at its path and writes to it; a value the control cannot
// show (an imported `"rating": true`) stays as written until the owner picks another.
// Built with createElement and textContent only.
import { get, remove, set } from './model.js';
import { pathString } from './schema.js';

/** An element with attributes and text. */
export function el(tag, attributes = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  if (text) node.textContent = text;
  return node;
}

/** A choice's words: `bottom-right` is "Bottom right", `icon-label` "Icon label". */
export const humanize = (value) => {
  const text = String(value).replaceAll('-', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

const AS_WRITTEN = '\u0000as-written';

/** The id for the control at `keys`, unique on the page and stable for the same path. */
export const idFor = (keys) => `f-${pathString(keys).replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/**
 * A hint under a control: the key's path as the config names it and the schema's description.
 * Returns the element (its id is for aria-describedby).
 */
export function hintFor(id, keys, text) {
  const hint = el('p', { class: 'hint', id: `${id}-hint` });
  hint.append(el('code', {}, pathString(keys)));
  if (text) hint.append(` · ${text}`);
  return hint;
}

/**
 * The labelled control for the config value at `keys`. `ctx` is `{ config, schema, changed }`
 * (`config` read at use, so an import that replaces it is seen). Options: `label` (else the
 * schema's title), `hint` (else its description), `optionLabel(value)` (the words for a choice),
 * `unset` (the words for "not set" when the schema has no default), `node` (the schema, when
 * not found by path). Returns the wrapper, with `.control` the input or select.
 */
export function field(ctx, keys, options = {}) {
  const node = options.node ?? ctx.schema.at(keys);
  if (!node) throw new Error(`the schema has no ${pathString(keys)}`);
  const id = idFor(keys);
  const path = pathString(keys);
  const wrapper = el('div', { class: 'field' });
  const label = el('label', { for: id }, options.label ?? node.title ?? humanize(keys.at(-1)));
  const hint = hintFor(id, keys, options.hint ?? node.description);
  const current = get(ctx.config(), keys);
  const choices = ctx.schema.choices(node);
  const limits = ctx.schema.numberLimits(node);
  let control;
  if (choices) {
    const words = options.optionLabel ?? humanize;
    control = el('select', { id, 'data-path': path, 'aria-describedby': hint.id });
    const unset = node.default !== undefined ? `Default: ${words(node.default)}` : options.unset ?? 'Not set';
    control.append(new Option(unset, ''));
    for (const value of choices) control.append(new Option(words(value), value));
    if (current !== undefined && !choices.includes(current)) {
      control.append(new Option(`As written: ${JSON.stringify(current)}`, AS_WRITTEN));
    }
    control.value = current === undefined ? '' : choices.includes(current) ? current : AS_WRITTEN;
    control.addEventListener('change', () => {
      if (control.value === AS_WRITTEN) return;
      if (control.value === '') remove(ctx.config(), keys);
      else set(ctx.config(), keys, control.value);
      ctx.changed(keys);
    });
  } else if (keys.length === 1 && keys[0] === 'color') {
    // A colour picker takes #rrggbb only: #abc is shown as #aabbcc, and stays #abc in the config
    // until another colour is picked.
    const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(current ?? '');
    const shown = /^#[0-9a-f]{6}$/i.test(current ?? '') ? current : short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}` : node.default;
    control = el('input', { id, type: 'color', 'data-path': path, 'aria-describedby': hint.id, value: shown.toLowerCase() });
    control.addEventListener('input', () => {
      if (control.value.toLowerCase() === node.default.toLowerCase()) remove(ctx.config(), keys);
      else set(ctx.config(), keys, control.value);
      ctx.changed(keys);
    });
  } else if (limits) {
    control = el('input', {
      id, type: 'number', inputmode: 'numeric', 'data-path': path, 'aria-describedby': hint.id,
      min: limits.min, max: limits.max, step: limits.integer || keys.at(-1) === 'radius' ? 1 : 'any',
      placeholder: node.default,
    });
    control.value = current ?? '';
    control.addEventListener('input', () => {
      const raw = control.value.trim();
      if (raw === '') remove(ctx.config(), keys);
      else if (Number.isFinite(Number(raw))) set(ctx.config(), keys, Number(raw));
      ctx.changed(keys);
    });
    hint.append(` (${limits.min}–${limits.max}${node.default !== undefined ? `, default ${node.default}` : ''})`);
  } else if (node.type === 'boolean') {
    control = el('input', { id, type: 'checkbox', 'data-path': path, 'aria-describedby': hint.id });
    control.checked = current === true || (current === undefined && node.default === true);
    control.addEventListener('change', () => {
      if (control.checked === node.default) remove(ctx.config(), keys);
      else set(ctx.config(), keys, control.checked);
      ctx.changed(keys);
    });
    wrapper.classList.add('check');
  } else if (node.type === 'array') {
    // One entry per line; an empty list leaves the key out.
    const example = node.examples?.[0]?.join('\n') ?? '';
    control = el('textarea', { id, rows: 2, 'data-path': path, 'aria-describedby': hint.id, autocomplete: 'off', placeholder: example });
    control.value = Array.isArray(current) ? current.join('\n') : current === undefined ? '' : JSON.stringify(current);
    control.addEventListener('input', () => {
      const lines = control.value.split('\n').map((line) => line.trim()).filter(Boolean);
      if (lines.length) set(ctx.config(), keys, lines);
      else remove(ctx.config(), keys);
      ctx.changed(keys);
    });
    hint.append(' (one per line)');
  } else {
    control = el('input', { id, 'data-path': path, 'aria-describedby': hint.id, autocomplete: 'off', placeholder: options.placeholder ?? node.default ?? '' });
    control.value = typeof current === 'string' ? current : current === undefined || current === null ? '' : JSON.stringify(current);
    control.addEventListener('input', () => {
      const text = control.value.trim();
      if (text === '') remove(ctx.config(), keys);
      else set(ctx.config(), keys, text);
      ctx.changed(keys);
    });
  }
  wrapper.append(label, control, hint);
  wrapper.control = control;
  return wrapper;
}
