// The configurator (www/configurator.html) driven like an owner would: add channels with the
// keyboard, see validation and the live preview, copy the snippet, paste it into a blank page on
// another origin, and find the same widget there. Every key of the JSON Schema has its control
// and can be set through it; every example config and configs generated from the schema to use
// every key round-trip through import and snippet to the same widget; the preview never covers
// the form; axe finds nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { DIST, humanPause, widgetReady, world } from './support/harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'];

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

// ---------------------------------------------------------------------------------------------
// The schema, read here on its own (not through the configurator's code), for what to expect.

const SCHEMA = JSON.parse(fs.readFileSync(path.join(DIST, 'config.schema.json'), 'utf8'));

function resolve(node) {
  while (node?.$ref) {
    const target = node.$ref.slice(2).split('/').reduce((n, key) => n[key], SCHEMA);
    const { $ref, ...rest } = node;
    node = { ...target, ...rest };
  }
  return node;
}

/** The object schema of `node` (also the object alternative of `form`), or null. */
function objectOf(node) {
  node = resolve(node);
  if (node.properties || node.patternProperties || (node.additionalProperties && typeof node.additionalProperties === 'object')) return node;
  return (node.oneOf ?? []).map(resolve).find((n) => n.properties) ?? null;
}

/** A value's choices (`enum`, also inside oneOf/anyOf). */
function choices(node) {
  node = resolve(node);
  return node.enum ?? [...(node.oneOf ?? []), ...(node.anyOf ?? [])].map(resolve).find((n) => n.enum)?.enum;
}

/**
 * Every path the schema describes, generalised: `channels[].hours.weekly.*` (any key) and
 * `texts.<lang>.send` (a language's own texts).
 */
function schemaPaths(node = SCHEMA, prefix = '') {
  node = resolve(node);
  const paths = prefix ? [prefix] : [];
  if (node.type === 'array' && node.items) return [...paths, ...schemaPaths(node.items, `${prefix}[]`)];
  const object = objectOf(node);
  if (!object) return paths;
  const join = (key) => (prefix ? `${prefix}.${key}` : key);
  for (const [key, inner] of Object.entries(object.properties ?? {})) paths.push(...schemaPaths(inner, join(key)));
  for (const inner of Object.values(object.patternProperties ?? {})) paths.push(...schemaPaths(inner, join('<lang>')));
  if (object.additionalProperties && typeof object.additionalProperties === 'object') paths.push(...schemaPaths(object.additionalProperties, join('*')));
  return paths;
}

/** The generalised paths `config` uses (as `schemaPaths` names them); unknown keys end in `?`. */
function configPaths(value, node = SCHEMA, prefix = '') {
  node = resolve(node);
  const paths = prefix ? [prefix] : [];
  if (Array.isArray(value)) {
    if (node.items) for (const item of value) paths.push(...configPaths(item, node.items, `${prefix}[]`));
    return paths;
  }
  if (value === null || typeof value !== 'object') return paths;
  const object = objectOf(node);
  if (!object) return paths;
  const join = (key) => (prefix ? `${prefix}.${key}` : key);
  for (const [key, inner] of Object.entries(value)) {
    const pattern = Object.entries(object.patternProperties ?? {}).find(([p]) => new RegExp(p, 'u').test(key));
    if (object.properties?.[key]) paths.push(...configPaths(inner, object.properties[key], join(key)));
    else if (pattern) paths.push(...configPaths(inner, pattern[1], join('<lang>')));
    else if (object.additionalProperties && typeof object.additionalProperties === 'object') paths.push(...configPaths(inner, object.additionalProperties, join('*')));
    else paths.push(`${join(key)}?`);
  }
  return paths;
}

const TYPES = SCHEMA.$defs.channel.properties.type.enum;
const RULES = Object.fromEntries(SCHEMA.$defs.channel.allOf.map((r) => [r.if.properties.type.const, r.then.properties]));
const TEXT_KEYS = Object.keys(SCHEMA.properties.texts.properties);
const TEXT_DEFAULTS = Object.fromEntries(TEXT_KEYS.map((key) => [key, SCHEMA.properties.texts.properties[key].default]));
const FORM = objectOf(SCHEMA.properties.form).properties;
const THEME = SCHEMA.properties.theme.properties;
const CHANNEL = SCHEMA.$defs.channel.properties;
const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
const readExample = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
/** A valid value for every channel type (every-channel.json has them all). */
const VALUES = Object.fromEntries(readExample('every-channel.json').channels.map((c) => [c.type, c.value]));

/**
 * Configs that use every key, generated from the schema: variant `i` takes the `i`-th choice of
 * every choice (cycling), and every channel type with a mix of its optional keys.
 */
function generatedConfigs(count = 6) {
  const pick = (list, i) => list[i % list.length];
  const tags = [...SCHEMA.properties.locale.examples, 'sv'];
  return Array.from({ length: count }, (_, i) => {
    const locale = pick(tags, i * 5);
    const own = locale === 'auto' ? 'fr' : locale;
    const texts = Object.fromEntries(TEXT_KEYS.map((key) => [key, `${TEXT_DEFAULTS[key] || 'Open'} ·${i}`]));
    const channels = TYPES.map((type, t) => {
      const k = i + t;
      const channel = { type, value: VALUES[type] };
      if (k % 3 === 0) channel.label = `${type} desk ${i}`;
      if (RULES[type].message !== false && k % 2 === 0) channel.message = `Hello & bye #${i}`;
      if (RULES[type].subject !== false) channel.subject = `Order #${i}`;
      if (k % 4 === 1) channel.group = pick(CHANNEL.group.enum, k);
      if (k % 5 === 2) channel.devices = pick(CHANNEL.devices.enum, k);
      if (k % 3 === 1) channel.replyTime = pick(CHANNEL.replyTime.enum, k);
      if (k % 4 === 3) channel.hours = { weekly: { daily: '08:00-20:00' }, ...(k % 8 === 3 ? { timeZone: 'Asia/Tokyo', exceptions: { '01-01': 'closed' } } : {}) };
      if (k % 4 === 2 || channel.hours) channel.whenClosed = pick(CHANNEL.whenClosed.enum, k);
      return channel;
    });
    return {
      ...(i === 0 ? { $schema: SCHEMA.$id } : {}),
      endpoint: '/api/feedback',
      transport: pick(SCHEMA.properties.transport.enum, i),
      title: `Talk to us ${i}`,
      greeting: `Hello, variant ${i}!`,
      locale,
      position: pick(SCHEMA.properties.position.enum, i),
      offsetX: 8 + i * 7,
      offsetY: i % 2 ? String(10 + i) : 10 + i, // digits are what data attributes carry
      zIndex: 1000 + i,
      color: pick(['#0b57d0', '#c00', '#2e7d32', '#ffeb3b', '#6a1b9a', '#000'], i),
      theme: { scheme: pick(THEME.scheme.enum, i), radius: (i * 7) % 33, launcher: pick(THEME.launcher.enum, i), font: pick(['Georgia, serif', '"Trebuchet MS", sans-serif', 'system-ui'], i) },
      channels,
      form: i === 5 ? false : {
        rating: pick([...choices(FORM.rating), true, false], i),
        email: pick([...choices(FORM.email), true, false], i + 1),
        name: pick([...choices(FORM.name), true, false], i + 2),
        consent: i % 2 ? 'I agree that you keep my message to answer it.' : null,
        spam: pick(FORM.spam.enum, i),
        minSeconds: pick([0, 2, 5, 0.5], i),
        replyTime: pick(FORM.replyTime.enum, i),
      },
      texts: i % 2 ? { ...texts, [own]: texts } : { [own]: texts },
      hours: {
        timeZone: pick(['Europe/Paris', 'America/New_York', 'Asia/Tokyo'], i),
        weekly: { 'mon-fri': '09:00-12:00, 13:00-17:30', sat: ['10:00-12:00', '13:00-14:00'], sun: 'closed' },
        exceptions: { '12-25': 'closed', '2026-12-24': '09:00-12:00', '2026-08-10/2026-08-14': 'closed' },
      },
      load: pick(SCHEMA.properties.load.enum, i),
      fallback: pick(['mailto:help@example.com', 'https://example.com/contact', 'tel:+15550100123'], i),
      // The preview shows at once, on the configurator's own page.
      delay: i % 2 ? '0' : 0,
      pages: { include: ['/*'], exclude: [`/checkout-${i}/*`, '/account'] },
      insights: i % 2 === 0,
      // Where the widget's files really are (the snippet's widget loads them from there).
      baseUrl: pick([`${inbox.url}/dist/`, `${inbox.url}/dist`], i),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Driving the configurator and reading widgets.

/** The configurator in a context that may use the clipboard; records CSP violations and errors. */
async function openConfigurator(options = {}) {
  const context = await browser.newContext(options);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: inbox.url });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${inbox.url}/configurator.html`);
  await page.waitForSelector('html[data-ready]');
  return { page, context, pageErrors };
}

async function addChannel(page, type, value) {
  await page.getByLabel('Channel type').selectOption({ label: type });
  await page.getByRole('button', { name: 'Add channel' }).click();
  // Adding moves focus to the new channel's value field.
  await page.keyboard.type(value);
}

/** Imports `config` (as JSON text) and answers the status and the snippet it then shows. */
async function importConfig(page, config) {
  await page.getByLabel(/Paste a configuration/).fill(typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  await page.getByRole('button', { name: 'Import' }).click();
  await page.locator('#import-status').getByText(/^Imported/).waitFor();
  return { status: await page.locator('#import-status').textContent(), snippet: await page.locator('#snippet').textContent() };
}

/** The config a JSON snippet carries. */
const jsonOf = (snippet) => JSON.parse(/<script type="application\/json" id="contact-widget-config">([\s\S]*?)<\/script>/.exec(snippet)[1]);

/** What a visitor meets in the widget on `page`: the launcher, the channels, the form. */
async function describeWidget(page) {
  await widgetReady(page);
  const launcher = page.locator('contact-widget').getByRole('button', { name: /./ }).first();
  const title = (await launcher.textContent()).trim();
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
  await page.getByRole('dialog', { name: title }).waitFor();
  return page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    return {
      dialog: root.querySelector('[role=dialog]').getAttribute('aria-labelledby') && root.getElementById('cw-title')?.textContent,
      greeting: root.querySelector('.greeting')?.textContent,
      channels: [...root.querySelectorAll('a.channel')].map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
      form: [...root.querySelectorAll('form input, form textarea, form button')].map((e) => `${e.tagName} ${e.type}`),
    };
  }).then((widget) => ({ title, ...widget }));
}

/**
 * The whole widget on `page`, open: its DOM (launcher and panel, every attribute and text), its
 * stylesheets (colours, offsets, z-index, font, radius), every link, and what it said on the
 * console.
 */
async function wholeWidget(page, consoleMessages) {
  await widgetReady(page);
  const launcher = page.locator('contact-widget .launcher');
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
  await page.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').getAttribute('aria-expanded') === 'true');
  await page.evaluate(() => Promise.all(document.querySelector('contact-widget').shadowRoot.getAnimations().map((a) => a.finished)));
  const widget = await page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    return {
      html: root.querySelector('.cw').outerHTML,
      sheets: root.adoptedStyleSheets.map((sheet) => [...sheet.cssRules].map((rule) => rule.cssText).join('\n')),
      links: [...root.querySelectorAll('a[href]')].map((a) => a.href),
    };
  });
  return { ...widget, console: consoleMessages.filter((m) => m.startsWith('contact-widget')).sort() };
}

/** A blank page on the site's origin with `body` in it, opened in `context`; with its console. */
async function blankPage(context, name, body) {
  pages[`/${name}.html`] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Blank</title></head><body>\n${body}\n</body></html>`;
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push(m.text()));
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(`${site.url}/${name}.html`);
  return { page, consoleMessages, pageErrors };
}

let blank = 0;
/**
 * Imports `config` into the configurator on `page`, pastes the snippet into a blank page, and
 * compares that widget with the widget `config` makes as a JSON block. Answers the status and the
 * snippet.
 */
async function roundTrip(page, context, config, name) {
  const { status, snippet } = await importConfig(page, config);
  const n = ++blank;
  const block = `<script type="application/json" id="contact-widget-config">${JSON.stringify(config).replaceAll('<', '\\u003c')}</script>\n<script src="${inbox.url}/dist/contact-widget.js" async></script>`;
  const original = await blankPage(context, `original-${n}`, block);
  const pasted = await blankPage(context, `pasted-${n}`, snippet);
  const [want, got] = [await wholeWidget(original.page, original.consoleMessages), await wholeWidget(pasted.page, pasted.consoleMessages)];
  assert.deepEqual(got, want, `${name}: the snippet makes another widget than the config`);
  assert.deepEqual([...pasted.pageErrors, ...original.pageErrors], [], name);
  if (snippet.includes('contact-widget-config')) {
    assert.deepEqual(jsonOf(snippet), config, `${name}: the JSON block is the config, whole`);
  } else {
    // Data attributes: the loader reads each as the key of its dataset name.
    const attributes = await pasted.page.evaluate(() => ({ ...document.querySelector('script[src$="contact-widget.js"]').dataset }));
    const expected = Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'channels').map(([key, value]) => [key, String(value)]));
    for (const channel of config.channels ?? []) expected[channel.type] = channel.value;
    assert.deepEqual(attributes, expected, `${name}: the data attributes say what the config says`);
  }
  await original.page.close();
  await pasted.page.close();
  return { status, snippet };
}

async function axe(page, state) {
  // The configurator's CSP refuses inline scripts: axe is evaluated, not added as a tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  const found = result.violations.map((v) => `${state}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(found, [], found.join('\n'));
}

// ---------------------------------------------------------------------------------------------

test('owners build a widget with channels, see it live, copy it, and the pasted snippet makes the same widget', async () => {
  const { page, context, pageErrors } = await openConfigurator();

  await page.getByRole('textbox', { name: /^Title/ }).fill('Talk to us');
  await addChannel(page, 'Phone', '+1 555 0100 123');
  await addChannel(page, 'WhatsApp', '+1 555 0100 123');
  await page.locator('[data-path="channels[1].label"]').fill('Chat with us');
  await page.locator('[data-path="channels[1].message"]').fill('Hi!');

  // Validation as you type, by the widget's own parser: a Telegram handle that is too short.
  await addChannel(page, 'Telegram', 'ab');
  const problems = page.locator('#problems');
  await problems.getByText(/Channel 3 \(Telegram\), value: "ab" is not a Telegram username/).waitFor();
  assert.equal(await page.locator('[data-path="channels[2].value"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await problems.getAttribute('aria-live'), 'polite');
  await page.locator('[data-path="channels[2].value"]').fill('@examplehq');
  await problems.getByText('No problems').waitFor();
  assert.equal(await page.locator('[aria-invalid]').count(), 0);

  // The live preview is the real widget on this page.
  const preview = await describeWidget(page);
  assert.equal(preview.title, 'Talk to us');
  assert.deepEqual(preview.channels.map((c) => c.href), ['tel:+15550100123', 'https://wa.me/15550100123?text=Hi%21', 'https://t.me/examplehq']);
  assert.match(preview.channels[1].text, /Chat with us/);

  // A label and a message need the JSON form; the loader is pinned with its SRI hash.
  assert.match(await page.locator('#snippet-kind').textContent(), /JSON block/);
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  await page.getByText('Copied.').waitFor();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const integrity = JSON.parse(fs.readFileSync(path.join(DIST, 'integrity.json'), 'utf8'))['contact-widget.js'];
  assert.ok(snippet.includes(`integrity="${integrity}" crossorigin="anonymous"`), snippet);
  assert.ok(snippet.includes('<script type="application/json" id="contact-widget-config">'), snippet);

  // Pasted into a blank page on another origin, it makes the same widget, and its form delivers.
  const pasted = await blankPage(context, 'pasted', snippet);
  const pastedErrors = [...pasted.pageErrors];
  pasted.page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') pastedErrors.push(m.text()); });
  assert.deepEqual(await describeWidget(pasted.page), preview);
  await pasted.page.getByRole('textbox', { name: 'Message' }).fill('Sent from a pasted snippet.');
  await humanPause(pasted.page);
  await pasted.page.getByRole('button', { name: 'Send' }).click();
  await pasted.page.locator('contact-widget').getByRole('status').getByText(/Thank you/).waitFor();
  const stored = await inbox.stored();
  assert.deepEqual(stored.map((m) => m.message), ['Sent from a pasted snippet.']);

  assert.deepEqual(pastedErrors, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'the configurator runs under its strict CSP');
  await context.close();
});

test('a simple setup becomes data attributes; importing fills the form and the preview; unknown keys are named and kept', async () => {
  const { page, context, pageErrors } = await openConfigurator();

  await addChannel(page, 'Email', 'help@example.com');
  await page.locator('#snippet').getByText(/data-email="help@example\.com"/).waitFor();
  assert.match(await page.locator('#snippet-kind').textContent(), /data attributes/);
  const simple = await page.locator('#snippet').textContent();
  assert.match(simple, /^<script src="http:\/\/127\.0\.0\.1:\d+\/dist\/contact-widget\.js" async/);
  assert.match(simple, /data-endpoint="http:\/\/127\.0\.0\.1:\d+\/api\/feedback"\n\s+data-email="help@example\.com"><\/script>$/);
  const pasted = await blankPage(context, 'simple', simple);
  assert.deepEqual((await describeWidget(pasted.page)).channels, [{ href: 'mailto:help@example.com', text: 'Emailhelp@example.com' }]);

  // Single texts and numbers stay data attributes: the launcher style needs the JSON block.
  await page.getByLabel('Horizontal offset').fill('32');
  await page.getByRole('radio', { name: 'Middle left' }).check();
  await page.locator('#snippet').getByText(/data-offset-x="32"/).waitFor();
  // The snippet follows each change once typing pauses: wait for the position's turn.
  await page.locator('#snippet').getByText(/data-position="middle-left"/).waitFor();
  await page.getByLabel('Launcher style').selectOption('icon');
  await page.locator('#snippet').getByText(/"launcher": "icon"/).waitFor();

  // Keyboard only: choose a type, Tab to "Add channel", Enter, type the value into the new field.
  await page.getByLabel('Channel type').focus();
  await page.keyboard.press('End');
  assert.equal(await page.getByLabel('Channel type').inputValue(), 'custom');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.getByLabel('Channel type').inputValue(), 'link');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.type('https://example.com/help');
  await page.locator('#snippet').getByText(/"value": "https:\/\/example\.com\/help"/).waitFor();

  const every = readExample('every-channel.json');
  const { status } = await importConfig(page, every);
  assert.match(status, /Imported 22 channel\(s\)\. Everything in it has its control here\./);
  await page.locator('#problems').getByText('No problems').waitFor();
  assert.equal(await page.getByRole('textbox', { name: /^Title/ }).inputValue(), 'Contact us');
  assert.equal(await page.getByLabel('The visitor\'s e-mail').inputValue(), 'required');
  assert.equal(await page.getByRole('radio', { name: 'Bottom left' }).isChecked(), true);
  // `"rating": true` has no option of its own: it is shown and kept as written.
  assert.equal(await page.getByLabel('Rating').locator('option:checked').textContent(), 'As written: true');
  const preview = await describeWidget(page);
  // Every channel but WeChat (Copy only) is a link; phone and SMS too (softphones call them).
  assert.equal(preview.channels.length, 21);
  assert.ok(preview.form.includes('INPUT checkbox'), 'the consent checkbox is in the preview');

  // Keys the widget does not know are named, kept in the snippet, and reported by the check.
  const strange = { ...readExample('minimal.json'), colour: '#fff', form: { captcha: true }, channels: [{ type: 'fax', value: '1', icon: 'mail' }] };
  const imported = await importConfig(page, strange);
  assert.match(imported.status, /Unknown to the widget, kept as written in the snippet: channels\[0\]\.icon, colour, form\.captcha\./);
  assert.deepEqual(jsonOf(imported.snippet), strange);
  await page.locator('#problems').getByText(/unknown channel type "fax"/).waitFor();
  await page.locator('#problems').getByText(/colour: unknown key/).waitFor();

  // Every control has a name a screen reader can announce, and removing a channel keeps focus
  // on the channel list.
  const unnamed = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea, main button')]
    .filter((e) => e.labels?.length === 0 && !e.getAttribute('aria-label') && !e.textContent.trim())
    .map((e) => e.id || e.tagName));
  assert.deepEqual(unnamed, []);
  await page.getByRole('button', { name: 'Remove channel 1, fax' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-channel-type');

  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the generated configs use every key of the schema', () => {
  const wanted = new Set(schemaPaths());
  const used = new Set(generatedConfigs().flatMap((config) => configPaths(config)));
  assert.deepEqual([...wanted].filter((p) => !used.has(p)), [], 'keys no generated config uses');
  assert.deepEqual([...used].filter((p) => !wanted.has(p)), [], 'keys the schema does not know');
});

test('every example and every generated config round-trips through import and snippet to the same widget', async () => {
  const { page, context, pageErrors } = await openConfigurator();
  const configs = [
    ...EXAMPLES.map((file) => [`examples/${file}`, readExample(file)]),
    ...generatedConfigs().map((config, i) => [`generated #${i}`, config]),
    // One that fits in data attributes, with every kind of value they carry.
    ['attributes', { endpoint: '/api/feedback', title: 'Hi', position: 'top-left', offsetX: 4, offsetY: '6', zIndex: 10, load: 'eager', fallback: 'tel:+15550100123', form: false, channels: [{ type: 'sms', value: '+1 555 0100 123' }, { type: 'email', value: 'a@example.com' }] }],
  ];
  for (const [name, config] of configs) {
    const { status, snippet } = await roundTrip(page, context, config, name);
    assert.match(status, /Everything in it has its control here/, name);
    if (name === 'attributes') assert.doesNotMatch(snippet, /contact-widget-config/, 'a config that fits in data attributes is written as them');
  }
  assert.deepEqual(pageErrors, []);
  await context.close();
});

/** Sets `value` through the control at `path` (a select, a checkbox, a number, a colour, a text field, or a list's text area). */
async function setControl(page, dataPath, value) {
  const control = page.locator(`[data-path="${dataPath}"]`).first();
  const kind = await control.evaluate((e) => (e.type === 'checkbox' ? 'checkbox' : e.tagName));
  if (kind === 'SELECT') await control.selectOption(String(value));
  else if (kind === 'checkbox') await control.setChecked(value);
  else if (Array.isArray(value)) await control.fill(value.join('\n'));
  else await control.fill(String(value));
}

/** Ticks the hours at `keys` and fills their time zone, weekly rows and exceptions. */
async function setHours(page, prefix, id, hours) {
  await page.locator(`#${id}-on`).check();
  if (hours.timeZone) await setControl(page, `${prefix}.timeZone`, hours.timeZone);
  for (const what of ['weekly', 'exceptions']) {
    const group = page.locator(`fieldset[data-path="${prefix}.${what}"]`);
    const entries = Object.entries(hours[what] ?? {});
    for (const [i, [key, ranges]] of entries.entries()) {
      if ((await group.locator('.span-row').count()) <= i) await group.getByRole('button', { name: /^Add/ }).click();
      const row = group.locator('.span-row').nth(i);
      await row.locator('input').nth(0).fill(key);
      await row.locator('input').nth(1).fill(ranges);
    }
    while ((await group.locator('.span-row').count()) > entries.length) await group.locator('.span-row').last().getByRole('button', { name: /^Remove/ }).click();
  }
}

test('every key of the JSON Schema has a control and is set through it', async () => {
  const all = Object.fromEntries(TEXT_KEYS.map((key) => [key, `${key}, for everyone`]));
  const swedish = Object.fromEntries(TEXT_KEYS.map((key) => [key, `${key} på svenska`]));
  const target = {
    endpoint: '/api/feedback', transport: 'simple', title: 'Talk to us', greeting: 'Hello there', locale: 'sv',
    position: 'middle-left', offsetX: 12, offsetY: 34, zIndex: 1000, color: '#2e7d32',
    theme: { scheme: 'dark', radius: 8, launcher: 'icon', font: 'Georgia, serif' },
    channels: [
      {
        type: 'email', value: 'help@example.com', label: 'Write to us', message: 'Hello,', subject: 'Order #12',
        group: 'call', devices: 'desktop', replyTime: 'day', whenClosed: 'dim',
        hours: { timeZone: 'Asia/Tokyo', weekly: { 'mon-fri': '10:00-16:00' }, exceptions: { '12-24': 'closed' } },
      },
      { type: 'phone', value: '+1 555 0100 123', whenClosed: 'hide' },
    ],
    form: { rating: 'faces', email: 'required', name: 'optional', consent: 'I agree.', spam: 'drop', minSeconds: 5, replyTime: 'hours' },
    texts: { ...all, sv: swedish },
    hours: { timeZone: 'Europe/Paris', weekly: { 'mon-fri': '09:00-12:00, 13:00-17:00', sat: '10:00-12:00' }, exceptions: { '12-25': 'closed', '2026-12-24': '09:00-12:00' } },
    load: 'idle', fallback: 'mailto:help@example.com', baseUrl: `${inbox.url}/dist/`,
    delay: 3, pages: { include: ['/*'], exclude: ['/checkout/*', '/account'] }, insights: true,
  };
  // The target uses every key but $schema (for editors; the widget ignores it) and form: false.
  const used = new Set(configPaths(target));
  assert.deepEqual(schemaPaths().filter((p) => !used.has(p)), ['$schema']);

  const { page, context, pageErrors } = await openConfigurator();
  for (const [key, value] of Object.entries(target)) {
    if (key === 'channels') {
      for (const [i, channel] of value.entries()) {
        await page.getByLabel('Channel type').selectOption(channel.type);
        await page.getByRole('button', { name: 'Add channel' }).click();
        await page.getByText(`More for channel ${i + 1}:`).click();
        for (const [k, v] of Object.entries(channel)) {
          if (k === 'type') continue;
          if (k === 'hours') await setHours(page, `channels[${i}].hours`, `f-channels-${i}-hours`, v);
          else await setControl(page, `channels[${i}].${k}`, v);
        }
      }
    } else if (key === 'texts') {
      await page.getByText(/^Every text/).click();
      for (const [scope, texts] of [['', all], ['sv', swedish]]) {
        if (scope) {
          await page.getByLabel('Another language').fill(scope);
          await page.getByRole('button', { name: 'Add language' }).click();
          assert.equal(await page.getByLabel('Texts for').inputValue(), scope);
        }
        for (const [k, v] of Object.entries(texts)) await setControl(page, scope ? `texts.${scope}.${k}` : `texts.${k}`, v);
      }
    } else if (key === 'hours') {
      await setHours(page, 'hours', 'f-hours', value);
    } else if (key === 'position') {
      await page.getByRole('radio', { name: 'Middle left' }).check();
    } else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) await setControl(page, `${key}.${k}`, v);
    } else {
      await setControl(page, key, value);
    }
  }
  await page.waitForTimeout(600); // the check follows once typing pauses
  assert.equal(await page.locator('#problems').textContent(), 'No problems: the widget takes this config as it is.');
  assert.deepEqual(jsonOf(await page.locator('#snippet').textContent()), target);

  // Switching the form off is `"form": false`; on again, its options come back.
  await page.getByLabel('Show a feedback form').uncheck();
  await page.locator('#snippet').getByText('"form": false').waitFor();
  await page.getByLabel('Show a feedback form').check();
  await page.locator('#snippet').getByText('"spam": "drop"').waitFor();
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('the configurator shows the schema\'s names, choices and defaults, and types no list of its own', async () => {
  const { page, context } = await openConfigurator();
  await importConfig(page, { channels: [{ type: 'email', value: 'help@example.com' }] });
  const selects = {
    transport: SCHEMA.properties.transport, load: SCHEMA.properties.load,
    'theme.scheme': THEME.scheme, 'theme.launcher': THEME.launcher,
    'form.rating': FORM.rating, 'form.email': FORM.email, 'form.name': FORM.name, 'form.spam': FORM.spam, 'form.replyTime': FORM.replyTime,
    'channels[0].group': CHANNEL.group, 'channels[0].devices': CHANNEL.devices, 'channels[0].whenClosed': CHANNEL.whenClosed, 'channels[0].replyTime': CHANNEL.replyTime,
  };
  for (const [dataPath, node] of Object.entries(selects)) {
    const options = await page.locator(`select[data-path="${dataPath}"] option`).evaluateAll((all) => all.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options.slice(1).map(([value]) => value), choices(node), dataPath);
    const defaultValue = resolve(node).default;
    if (defaultValue !== undefined) assert.match(options[0][1], new RegExp(`^Default: ${String(defaultValue).replaceAll('-', '[ -]')}$`, 'i'), dataPath);
  }
  // The defaults a group and a reply time are shown with are the widget's own words.
  assert.equal(await page.locator('select[data-path="channels[0].group"] option').first().textContent(), `Default: ${TEXT_DEFAULTS[`group.${RULES.email.group.default}`]}`);
  assert.deepEqual(await page.locator('#look').getByRole('radio').evaluateAll((all) => all.map((r) => r.value)), SCHEMA.properties.position.enum);
  assert.deepEqual(await page.locator('#new-channel-type option').evaluateAll((all) => all.map((o) => o.value)), TYPES);
  for (const [dataPath, node] of [['offsetX', resolve(SCHEMA.properties.offsetX).anyOf[0]], ['theme.radius', THEME.radius], ['form.minSeconds', FORM.minSeconds], ['zIndex', SCHEMA.properties.zIndex.anyOf[0]]]) {
    const input = page.locator(`input[data-path="${dataPath}"]`);
    assert.deepEqual([await input.getAttribute('min'), await input.getAttribute('max')], [String(node.minimum), String(node.maximum)], dataPath);
  }
  assert.deepEqual(await page.locator('#texts-language option').evaluateAll((all) => all.slice(1).map((o) => o.value)), SCHEMA.properties.locale.examples.slice(1));
  // Every zone the browser knows, and UTC (which Intl takes but does not list).
  const zones = await page.evaluate(() => [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])]);
  await page.locator('#f-hours-on').check();
  assert.deepEqual(await page.locator('select[data-path="hours.timeZone"] option').evaluateAll((all) => all.slice(1).map((o) => o.value)), zones);

  // No table of the core's names is typed into the configurator's code (they come from the schema).
  const sources = fs.readdirSync(path.join(ROOT, 'www/configurator')).map((f) => fs.readFileSync(path.join(ROOT, 'www/configurator', f), 'utf8'));
  for (const [what, names] of [['channel types', TYPES], ['positions', SCHEMA.properties.position.enum], ['text keys', TEXT_KEYS.filter((k) => k.includes('.'))]]) {
    for (const source of sources) {
      const typed = names.filter((name) => source.includes(`'${name}'`) || source.includes(`"${name}"`));
      assert.ok(typed.length < 3, `the configurator types a list of ${what}: ${typed.join(', ')}`);
    }
  }
  // Nothing stale: hours and translations work in the widget.
  const text = await page.locator('body').textContent();
  assert.doesNotMatch(text, /not supported by the widget yet|English today/);
  await context.close();
});

test('the live preview never covers the form: beside it where there is room, below it where not', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 1100, height: 700 }, { width: 1000, height: 700 }, { width: 800, height: 900 }, { width: 390, height: 844 }]) {
    const { page, context } = await openConfigurator({ viewport });
    await importConfig(page, readExample('hours.json'));
    for (const position of ['bottom-right', 'middle-left', 'top-left']) {
      await page.getByRole('radio', { name: position.replace('-', ' ').replace(/^./, (c) => c.toUpperCase()) }).check();
      await widgetReady(page);
      await page.waitForFunction((p) => document.querySelector('contact-widget').shadowRoot.querySelector('.cw').dataset.position === p, position);
      const launcher = page.locator('contact-widget .launcher');
      if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
      await page.waitForFunction(() => document.querySelector('contact-widget').shadowRoot.querySelector('.launcher').getAttribute('aria-expanded') === 'true');
      await page.evaluate(() => Promise.all(document.querySelector('contact-widget').shadowRoot.getAnimations().map((a) => a.finished)));
      const boxes = await page.evaluate(() => {
        const box = (e) => { const r = e.getBoundingClientRect(); return { left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY }; };
        const root = document.querySelector('contact-widget').shadowRoot;
        return {
          frame: box(document.querySelector('.frame')),
          widget: [box(root.querySelector('.launcher')), box(root.querySelector('.panel'))],
          config: box(document.getElementById('config')),
          form: [...document.querySelectorAll('#config, #intro, #check, #get-snippet, #import-config, header')].map(box),
          hint: box(document.getElementById('f-locale-hint')),
        };
      });
      const where = `${viewport.width}x${viewport.height} ${position}`;
      const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
      for (const part of boxes.widget) assert.ok(inside(part, boxes.frame), `${where}: the widget is shown whole in the preview frame ${JSON.stringify([part, boxes.frame])}`);
      for (const section of boxes.form) assert.ok(!overlaps(section, boxes.frame), `${where}: the preview covers the form ${JSON.stringify([section, boxes.frame])}`);
      assert.ok(!overlaps(boxes.hint, boxes.frame), `${where}: the Language hint is covered`);
      if (viewport.width >= 1040) assert.ok(boxes.frame.left >= boxes.config.right, `${where}: the preview is beside the form`);
      else assert.ok(boxes.frame.top >= boxes.config.bottom, `${where}: the preview is below the form`);
      await page.keyboard.press('Escape');
    }
    await context.close();
  }
});

test('axe finds nothing in the configurator, with every section open and with problems shown', async () => {
  const { page, context } = await openConfigurator();
  await axe(page, 'empty');
  await importConfig(page, generatedConfigs(1)[0]);
  for (const details of await page.locator('details').all()) await details.evaluate((d) => { d.open = true; });
  await axe(page, 'every key');
  await importConfig(page, { channels: [{ type: 'telegram', value: 'ab' }], hours: { timeZone: 'Nowhere/Land', weekly: { someday: '9-5' } } });
  await page.locator('#problems li').first().waitFor();
  await axe(page, 'problems');
  await context.close();
});
