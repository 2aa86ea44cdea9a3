// The list of channels as form rows: each channel's value, label, prefilled message and subject
// (where its type takes them), and under "More for this channel" its group, devices, reply time,
// what happens when it is closed and its own hours. Every key and its words come from the schema.
import { el, field } from './fields.js';
import { hoursEditor } from './hours.js';

/**
 * Renders the config's channels into the list `ol`. `ctx` is the configurator's context
 * (`config()`, `schema`, `changed`); `on` has `remove(index)` and `move(index, delta)`.
 */
export function renderChannels(ol, ctx, on) {
  const channels = Array.isArray(ctx.config().channels) ? ctx.config().channels : [];
  ol.replaceChildren(...channels.map((channel, index) => row(channel, index, channels.length, ctx, on)));
}

/** The words for a channel's group and reply time: the widget's own headings and sentences. */
export const groupWords = (schema) => (group) => schema.textDefaults[`group.${group}`] || group;
export const replyWords = (schema) => (reply) => schema.textDefaults[`reply.${reply}`] || reply;

function row(channel, index, count, ctx, on) {
  const { schema } = ctx;
  const n = index + 1;
  const isObject = channel !== null && typeof channel === 'object' && !Array.isArray(channel);
  const typeName = isObject ? channel.type : undefined;
  const type = schema.types[typeName];
  const name = type?.name ?? String(typeName ?? 'channel');
  const keys = (key) => ['channels', index, key];
  const li = el('li');
  const set = el('fieldset', { 'data-path': `channels[${index}]` });
  set.append(el('legend', { 'data-path': `channels[${index}].type` }, `${n}. ${name}`));
  if (!isObject) {
    set.append(el('p', { class: 'hint' }, `Kept as written: ${JSON.stringify(channel)} (not a channel object).`));
  } else {
    set.append(field(ctx, keys('value'), {
      label: 'Value',
      hint: type ? `Write ${type.expects}.` : 'An unknown channel type: the widget leaves this channel out.',
    }));
    set.append(field(ctx, keys('label'), { placeholder: schema.textDefaults[`label.${typeName}`] ?? '' }));
    if (!type || type.takesMessage || channel.message !== undefined) set.append(field(ctx, keys('message')));
    if (!type || type.takesSubject || channel.subject !== undefined) set.append(field(ctx, keys('subject')));
    const more = el('details', { class: 'more' });
    const extra = ['group', 'devices', 'replyTime', 'whenClosed', 'hours'];
    more.open = extra.some((key) => channel[key] !== undefined);
    more.append(el('summary', {}, `More for channel ${n}: group, devices, reply time, hours`));
    const groupDefault = type?.group;
    more.append(field(ctx, keys('group'), {
      optionLabel: groupWords(schema),
      unset: groupDefault ? `Default: ${groupWords(schema)(groupDefault)}` : 'Default for the type',
    }));
    more.append(field(ctx, keys('devices')));
    more.append(field(ctx, keys('replyTime'), { optionLabel: replyWords(schema), unset: 'None' }));
    more.append(field(ctx, keys('whenClosed'), { unset: 'Default: dim with its own hours, else keep' }));
    more.append(hoursEditor(ctx, keys('hours'), { channel: true }));
    set.append(more);
  }

  const actions = el('div', { class: 'row-actions' });
  const button = (text, label, handler, disabled) => {
    const b = el('button', { type: 'button', 'aria-label': label }, text);
    b.disabled = disabled;
    b.addEventListener('click', handler);
    actions.append(b);
  };
  button('Move up', `Move channel ${n}, ${name}, up`, () => on.move(index, -1), index === 0);
  button('Move down', `Move channel ${n}, ${name}, down`, () => on.move(index, 1), index === count - 1);
  button('Remove', `Remove channel ${n}, ${name}`, () => on.remove(index), false);
  set.append(actions);
  li.append(set);
  return li;
}
