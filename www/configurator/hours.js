// Business hours, the widget's or a channel's own: the time zone (every IANA zone the browser
// knows, from Intl.supportedValuesOf), weekly ranges and exceptions (holidays, special days) as
// rows of "days → hours" and "dates → hours". Rows keep the config's order (a later row wins for
// the same day) and a value as written (a list of ranges) until it is edited.
import { el, hintFor, idFor } from './fields.js';
import { get, remove, set } from './model.js';
import { pathString } from './schema.js';

/**
 * Every time zone the browser knows (the widget asks the same browser API about them), and UTC,
 * which Intl takes but does not list.
 */
const ZONES = [...new Set(['UTC', ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [])])];
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The editor for the hours object at `keys` (`['hours']` or `['channels', i, 'hours']`).
 * `channel`: a channel's own hours (the time zone may be left to the widget's).
 */
export function hoursEditor(ctx, keys, { channel = false } = {}) {
  const node = ctx.schema.at(keys);
  const id = idFor(keys);
  const box = el('fieldset', { class: 'hours', 'data-path': pathString(keys) });
  box.append(el('legend', {}, node.title));
  const hint = hintFor(id, keys, node.description);
  const toggle = el('input', { type: 'checkbox', id: `${id}-on`, 'aria-describedby': hint.id });
  const toggleLabel = el('label', { for: toggle.id, class: 'check' });
  toggleLabel.prepend(toggle);
  toggleLabel.append(channel ? ' This channel has its own hours' : ' Show business hours');
  const body = el('div', { class: 'hours-body' });
  box.append(toggleLabel, hint, body);

  let saved = null; // what was there before the box was unticked, to give back when ticked again
  const draw = () => {
    const hours = get(ctx.config(), keys);
    toggle.checked = hours !== undefined && hours !== null;
    body.hidden = !toggle.checked;
    body.replaceChildren();
    if (!toggle.checked) return;
    if (hours === null || typeof hours !== 'object' || Array.isArray(hours)) {
      body.append(el('p', { class: 'hint' }, `Kept as written: ${JSON.stringify(hours)}. Untick and tick the box to start again.`));
      return;
    }
    body.append(zonePicker(ctx, [...keys, 'timeZone'], channel));
    body.append(spans(ctx, [...keys, 'weekly'], { what: 'Days', add: 'Add days', required: true }));
    body.append(spans(ctx, [...keys, 'exceptions'], { what: 'Date or dates', add: 'Add a date (holiday or special day)' }));
  };
  toggle.addEventListener('change', () => {
    if (toggle.checked) {
      set(ctx.config(), keys, saved ?? (channel ? { weekly: { 'mon-fri': '09:00-17:00' } } : { timeZone: HERE, weekly: { 'mon-fri': '09:00-17:00' } }));
    } else {
      saved = get(ctx.config(), keys);
      remove(ctx.config(), keys);
    }
    draw();
    ctx.changed(keys);
  });
  draw();
  return box;
}

/** The time zone: a <select> of the browser's zones (type-ahead finds one by its first letters). */
function zonePicker(ctx, keys, channel) {
  const node = ctx.schema.at(keys);
  const id = idFor(keys);
  const current = get(ctx.config(), keys);
  const wrapper = el('div', { class: 'field' });
  const hint = hintFor(id, keys, `${node.description} Yours is ${HERE}.`);
  const select = el('select', { id, 'data-path': pathString(keys), 'aria-describedby': hint.id });
  select.append(new Option(channel ? 'Default: the widget\u2019s time zone' : 'Choose a time zone', ''));
  const zones = typeof current === 'string' && current && !ZONES.includes(current) ? [current, ...ZONES] : ZONES;
  for (const zone of zones) select.append(new Option(zone === current && !ZONES.includes(zone) ? `${zone} (as written)` : zone, zone));
  select.value = typeof current === 'string' ? current : '';
  select.addEventListener('change', () => {
    if (select.value === '') remove(ctx.config(), keys);
    else set(ctx.config(), keys, select.value);
    ctx.changed(keys);
  });
  wrapper.append(el('label', { for: id }, node.title), select, hint);
  return wrapper;
}

/** A range as the field shows it: text as written, a list of ranges joined by commas. */
const shown = (value) => (typeof value === 'string' ? value : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(', ') : JSON.stringify(value));

/**
 * Rows of "key → ranges" for the object at `keys` (weekly or exceptions). `required`: the object
 * stays (empty) when the last row goes, as the widget needs it.
 */
function spans(ctx, keys, { what, add, required = false }) {
  const node = ctx.schema.at(keys);
  const id = idFor(keys);
  const group = el('fieldset', { class: 'spans', 'data-path': pathString(keys) });
  group.append(el('legend', {}, node.title));
  const hint = hintFor(id, keys, node.description);
  const list = el('ol', { class: 'span-rows' });
  const current = get(ctx.config(), keys);
  // { key, value, edited }: the value stays as written (a list) until its field is edited.
  const rows = current && typeof current === 'object' && !Array.isArray(current)
    ? Object.entries(current).map(([key, value]) => ({ key, value, edited: false }))
    : [];

  const write = () => {
    const object = {};
    for (const row of rows) if (row.key.trim()) object[row.key.trim()] = row.value;
    if (Object.keys(object).length > 0 || required) set(ctx.config(), keys, object);
    else remove(ctx.config(), keys);
    ctx.changed(keys);
  };
  // A day or date listed twice: its earlier rows do not count (JSON keeps one of each key).
  const mark = () => {
    const counts = {};
    for (const row of rows) counts[row.key.trim()] = (counts[row.key.trim()] ?? 0) + 1;
    for (const [i, li] of [...list.children].entries()) {
      const key = rows[i].key.trim();
      const twice = key !== '' && counts[key] > 1;
      const input = li.querySelector('input');
      if (twice) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      const note = li.querySelector('.repeat');
      note.hidden = !twice;
      note.textContent = twice ? `“${key}” is listed more than once: only its last row counts.` : '';
    }
  };
  const draw = (focus) => {
    list.replaceChildren(...rows.map((row, i) => {
      const n = i + 1;
      const li = el('li', { class: 'span-row' });
      const keyId = `${id}-${i}-key`;
      const valueId = `${id}-${i}-value`;
      const path = `${pathString(keys)}.${row.key.trim()}`;
      const keyInput = el('input', { id: keyId, 'data-path': path, autocomplete: 'off', 'aria-describedby': `${hint.id} ${keyId}-repeat` });
      keyInput.value = row.key;
      const valueInput = el('input', { id: valueId, 'data-path': path, autocomplete: 'off', placeholder: '09:00-17:00 or closed' });
      valueInput.value = shown(row.value);
      keyInput.addEventListener('input', () => {
        row.key = keyInput.value;
        keyInput.dataset.path = valueInput.dataset.path = `${pathString(keys)}.${row.key.trim()}`;
        mark();
        write();
      });
      valueInput.addEventListener('input', () => {
        row.value = valueInput.value.trim();
        row.edited = true;
        write();
      });
      const removeButton = el('button', { type: 'button', 'aria-label': `Remove ${what.toLowerCase()} row ${n} of ${node.title.toLowerCase()}` }, 'Remove');
      removeButton.addEventListener('click', () => {
        rows.splice(i, 1);
        write();
        draw(rows.length ? Math.min(i, rows.length - 1) : 'add');
      });
      li.append(
        el('label', { for: keyId }, `${what} (row ${n})`), keyInput,
        el('label', { for: valueId }, `Hours (row ${n})`), valueInput,
        removeButton,
        el('p', { class: 'hint repeat', id: `${keyId}-repeat`, hidden: true }),
      );
      return li;
    }));
    mark();
    if (focus === 'add') addButton.focus();
    else if (typeof focus === 'number') list.querySelectorAll('input')[focus * 2]?.focus();
  };
  const addButton = el('button', { type: 'button' }, add);
  addButton.addEventListener('click', () => {
    rows.push({ key: '', value: '', edited: true });
    draw(rows.length - 1);
  });
  draw();
  group.append(hint, list, addButton);
  return group;
}
