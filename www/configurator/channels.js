// The list of channels as form rows, built with createElement and textContent only.

/** What the value field is called, by channel type. */
const VALUE_LABELS = {
  phone: 'Phone number', sms: 'Phone number', whatsapp: 'Phone number', signal: 'Phone number',
  viber: 'Phone number', email: 'E-mail address', teams: 'E-mail address', link: 'URL or path',
  custom: 'URL', linkedin: 'LinkedIn path', map: 'Address', discord: 'Invite code', wechat: 'WeChat ID',
  line: 'LINE ID', skype: 'Skype name',
};


function el(tag, attributes = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/**
 * Renders `channels` into the list `ol`. `types` describes each known type
 * (`{ name, expects, takesMessage }`, from the JSON Schema, which the core writes); `on` has `change(index, key, value)`,
 * `remove(index)` and `move(index, delta)`.
 */
export function renderChannels(ol, channels, types, on) {
  ol.replaceChildren(...channels.map((channel, index) => row(channel, index, channels.length, types, on)));
}

function row(channel, index, count, types, on) {
  const n = index + 1;
  const name = types[channel.type]?.name ?? channel.type;
  const type = types[channel.type];
  const id = (key) => `channel-${index}-${key}`;
  const li = el('li');
  const set = el('fieldset', { 'data-path': `channels[${index}].type` });
  set.append(el('legend', {}, `${n}. ${name}`));

  const field = (key, label, hint) => {
    const input = el('input', { id: id(key), 'data-path': `channels[${index}].${key}`, autocomplete: 'off' });
    input.value = channel[key] ?? '';
    input.addEventListener('input', () => on.change(index, key, input.value));
    const labelNode = el('label', { for: id(key) }, label);
    set.append(labelNode, input);
    if (hint) {
      input.setAttribute('aria-describedby', id(`${key}-hint`));
      set.append(el('p', { class: 'hint', id: id(`${key}-hint`) }, hint));
    }
    return input;
  };
  field('value', VALUE_LABELS[channel.type] ?? 'Username', type ? `Write ${type.expects}.` : 'Unknown channel type.');
  field('label', 'Label (optional)', '');
  if (!type || type.takesMessage || channel.message) field('message', 'Prefilled message (optional)', '');

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
