// The docs' search box. The index (search-index.json: every section of every page, written by
// `cargo xtask docs` with the pages) is fetched once, when the box is first used; every query is
// then answered here, in the browser, with no request. An external module: the docs hold to a
// Content-Security-Policy without inline script.

const input = document.getElementById('search');
const status = document.getElementById('search-status');
const results = document.getElementById('search-results');

let index = null;
const load = () => (index ??= fetch(new URL('search-index.json', import.meta.url))
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`HTTP ${response.status}`))))
  .then((json) => json.sections.map((s) => ({ ...s, words: fold(`${s.heading} ${s.text}`), title: fold(s.heading), pageWords: fold(s.page) }))));

/** Lower case without accents, so "Ubersicht" finds "Übersicht". */
function fold(text) {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** The sections that contain every word of `query`, best first (heading hits before text hits). */
export function search(sections, query) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored = [];
  for (const section of sections) {
    if (!words.every((w) => section.words.includes(w) || section.pageWords.includes(w))) continue;
    let score = 0;
    for (const w of words) {
      if (section.title.includes(w)) score += 10;
      if (section.pageWords.includes(w)) score += 3;
      score += Math.min(5, section.words.split(w).length - 1);
    }
    scored.push({ section, score });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, 12).map((s) => s.section);
}

/** A few words of `text` around the first word of the query that it contains. */
function excerpt(text, query) {
  const folded = fold(text);
  const at = Math.max(0, ...fold(query).split(/\s+/).filter(Boolean).map((w) => folded.indexOf(w)).filter((i) => i >= 0).slice(0, 1));
  const start = Math.max(0, at - 60);
  return `${start > 0 ? '…' : ''}${text.slice(start, start + 180)}${start + 180 < text.length ? '…' : ''}`;
}

function show(found, query) {
  results.replaceChildren(...found.map((section) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = section.href;
    link.textContent = section.heading === section.page ? section.page : `${section.page} › ${section.heading}`;
    const words = document.createElement('p');
    words.textContent = excerpt(section.text, query);
    item.append(link, words);
    return item;
  }));
  results.hidden = found.length === 0;
  status.textContent = query.trim() === '' ? '' : found.length === 0 ? `Nothing found for “${query.trim()}”.`
    : found.length === 1 ? '1 result.' : `${found.length} results.`;
}

let latest = 0;
async function update() {
  const query = input.value;
  const mine = ++latest;
  try {
    const sections = await load();
    if (mine === latest) show(search(sections, query), query);
  } catch (error) {
    status.textContent = `The search index could not be loaded (${error.message}).`;
  }
}

if (input) {
  input.addEventListener('focus', load, { once: true });
  input.addEventListener('input', update);
  input.addEventListener('keydown', (event) => {
    // Enter opens the best result; Escape clears the box.
    if (event.key === 'Enter' && results.firstElementChild) {
      event.preventDefault();
      location.href = results.querySelector('a').href;
    } else if (event.key === 'Escape') {
      input.value = '';
      show([], '');
    }
  });
}
