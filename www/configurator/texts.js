// Every text the visitor sees, for every language or for one: a language picker (the shipped
// languages from the schema, any language the config already has, or another tag) and one field
// per text key, showing what the widget says without an override as its placeholder (the shipped
// translation, else English).
import { el, field } from './fields.js';
import { get } from './model.js';

const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'language' }) : null;
const languageName = (tag) => {
  try { return names?.of(tag) ?? tag; } catch { return tag; }
};

/**
 * Fills `container` with the texts editor. `ctx` is the configurator's context; `dist` the URL of
 * dist/ (for the shipped languages' texts).
 */
export function textsEditor(ctx, container, dist) {
  const { schema } = ctx;
  const shipped = {}; // tag -> promise of its texts
  const shippedTexts = (tag) => {
    if (!schema.locales.includes(tag) || tag === 'en') return Promise.resolve({});
    shipped[tag] ??= fetch(new URL(`locales/${tag}.json`, dist)).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
    return shipped[tag];
  };
  const tagPattern = new RegExp(Object.keys(schema.root.properties.texts.patternProperties)[0], 'u');

  const pick = el('select', { id: 'texts-language', 'aria-describedby': 'texts-language-hint' });
  const pickHint = el('p', { class: 'hint', id: 'texts-language-hint' },
    'Texts for every language apply unless a language has its own; the widget ships the languages listed, '
    + 'and for any other it uses your texts over English.');
  const other = el('input', { id: 'texts-other', autocomplete: 'off', placeholder: 'sv', 'aria-describedby': 'texts-other-hint' });
  const otherHint = el('p', { class: 'hint', id: 'texts-other-hint' }, 'A language tag such as sv or pt-BR.');
  const addOther = el('button', { type: 'button' }, 'Add language');
  const list = el('div', { class: 'text-fields' });
  const details = el('details', { id: 'more-texts' });
  const summary = el('summary', {}, `Every text (${schema.textKeys.length})`);
  details.append(summary, list);

  const options = () => {
    const texts = get(ctx.config(), ['texts']);
    const own = texts && typeof texts === 'object'
      ? Object.keys(texts).filter((key) => !schema.textKeys.includes(key) && tagPattern.test(key))
      : [];
    const tags = [...new Set([...schema.locales, ...own])];
    const chosen = pick.value;
    pick.replaceChildren(new Option('Every language', ''), ...tags.map((tag) => new Option(`${languageName(tag)} (${tag})`, tag)));
    pick.value = tags.includes(chosen) ? chosen : '';
  };

  let drawn = 0;
  const draw = async () => {
    const tag = pick.value;
    const mine = ++drawn;
    const translated = tag ? await shippedTexts(tag) : {};
    if (mine !== drawn) return; // the owner picked another language meanwhile
    const base = tag ? ['texts', tag] : ['texts'];
    list.replaceChildren(...schema.textKeys.map((key) => field(ctx, [...base, key], {
      label: `“${schema.textDefaults[key] || 'empty: the title is shown'}”`,
      hint: '',
      placeholder: translated[key] ?? schema.textDefaults[key],
    })));
    const texts = get(ctx.config(), base);
    details.open ||= !!texts && typeof texts === 'object' && schema.textKeys.some((key) => texts[key] !== undefined);
  };

  pick.addEventListener('change', draw);
  addOther.addEventListener('click', () => {
    const tag = other.value.trim();
    if (!tagPattern.test(tag) || schema.textKeys.includes(tag)) {
      other.setAttribute('aria-invalid', 'true');
      otherHint.textContent = `“${tag}” is not a language tag such as sv or pt-BR.`;
      other.focus();
      return;
    }
    other.removeAttribute('aria-invalid');
    otherHint.textContent = 'A language tag such as sv or pt-BR.';
    if (![...pick.options].some((o) => o.value === tag)) pick.append(new Option(`${languageName(tag)} (${tag})`, tag));
    pick.value = tag;
    other.value = '';
    details.open = true;
    draw();
  });

  container.replaceChildren(
    el('label', { for: 'texts-language' }, 'Texts for'), pick, pickHint,
    el('div', { class: 'add' }, ''),
    details,
  );
  container.querySelector('.add').append(el('label', { for: 'texts-other' }, 'Another language'), other, addOther);
  container.querySelector('.add').after(otherHint);
  options();
  draw();
  return { redraw: () => { options(); draw(); } };
}
