// Every example config in the repository and the docs, against dist/config.schema.json with a real
// JSON Schema validator (ajv, draft 2020-12) and against the widget's own parser (`validate` of
// dist/validate.HASH.js): both accept every valid example, and both reject each invalid one at the same path.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { DIST, distFile } from './support/harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');

let checkSchema, parserIssues;
before(async () => {
  const schema = JSON.parse(fs.readFileSync(path.join(DIST, 'config.schema.json'), 'utf8'));
  checkSchema = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  // The configurator's build, which keeps the core's messages (the visitor's wasm has no validate).
  const wasm = await import(pathToFileURL(path.join(DIST, distFile('validate', 'js'))).href);
  wasm.initSync({ module: fs.readFileSync(path.join(DIST, distFile('validate_bg', 'wasm'))) });
  parserIssues = (config) => wasm.validate(config);
});

/** Where an ajv error points, as a JSON pointer including the missing or extra key. */
function errorPath(error) {
  const key = error.params.additionalProperty ?? error.params.missingProperty;
  return key === undefined ? error.instancePath : `${error.instancePath}/${key}`;
}

/** `channels[1].type` as the JSON pointer `/channels/1/type`. */
const pointer = (parserPath) => `/${parserPath.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;

/**
 * Config examples in Markdown: ```json config fences, and the JSON inside
 * <script type="application/json" id="contact-widget-config"> in any code block.
 */
function examplesIn(file) {
  const text = fs.readFileSync(file, 'utf8');
  const found = [];
  for (const m of text.matchAll(/```json config\n([\s\S]*?)```/g)) found.push(m[1]);
  for (const m of text.matchAll(/<script type="application\/json" id="contact-widget-config">([\s\S]*?)<\/script>/g)) {
    if (!m[1].includes('…')) found.push(m[1]); // prose such as `{ … }` is not an example
  }
  return found.map((json, i) => ({ name: `${path.relative(ROOT, file)} #${i + 1}`, json }));
}

function validExamples() {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(ROOT, 'docs', f));
  return [
    ...files.map((f) => ({ name: `examples/${f}`, json: fs.readFileSync(path.join(EXAMPLES, f), 'utf8') })),
    ...[path.join(ROOT, 'README.md'), ...docs].flatMap(examplesIn),
  ];
}

test('every example config in examples/, README.md and docs/ is valid for the schema and the parser', () => {
  const examples = validExamples();
  const sources = new Set(examples.map((e) => e.name.split(' ')[0]));
  for (const source of ['README.md', 'docs/options.md', 'docs/recipes.md', 'examples/every-channel.json']) {
    assert.ok(sources.has(source), `no example found in ${source}: ${[...sources].join(', ')}`);
  }
  for (const { name, json } of examples) {
    const config = JSON.parse(json);
    assert.ok(checkSchema(config), `${name}: ${JSON.stringify(checkSchema.errors, null, 1)}`);
    assert.deepEqual(parserIssues(config), [], name);
  }
});

test('each invalid example is rejected by the schema and the parser at the same path', () => {
  const dir = path.join(EXAMPLES, 'invalid');
  const { note, ...expected } = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
  assert.ok(note);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'expected.json');
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
  for (const file of files) {
    const config = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const want = expected[file];
    assert.equal(checkSchema(config), false, `${file} passes the schema`);
    const paths = [...new Set(checkSchema.errors.map(errorPath))];
    assert.ok(paths.includes(pointer(want)), `${file}: schema errors at ${paths.join(', ')}, not ${pointer(want)}`);
    // Every other error is about an enclosing object (e.g. `oneOf` of "form"), never elsewhere.
    for (const p of paths) assert.ok(pointer(want).startsWith(p), `${file}: unrelated schema error at ${p}`);
    assert.deepEqual(parserIssues(config).map((i) => i.path), [want], file);
  }
});

test('the schema knows a message is only for sms, email and whatsapp, as the parser does', () => {
  for (const type of ['phone', 'telegram', 'link']) {
    const value = { phone: '+1 555 0100 123', telegram: 'examplehq', link: 'https://example.com' }[type];
    const config = { form: false, channels: [{ type, value, message: 'Hi' }] };
    assert.equal(checkSchema(config), false, type);
    assert.deepEqual(parserIssues(config).map((i) => i.path), ['channels[0].message'], type);
  }
  const ok = { form: false, channels: [{ type: 'sms', value: '+1 555 0100 123', message: 'Hi' }] };
  assert.ok(checkSchema(ok));
  assert.deepEqual(parserIssues(ok), []);
});
