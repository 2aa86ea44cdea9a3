// The docs site (www/docs/, generated from docs/*.md by cargo xtask dist) as the inbox serves it:
// every page and every same-site link answers, and the generated tables match the schema.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DIST, startInbox } from './support/harness.mjs';

let inbox;
before(async () => { inbox = await startInbox(); });
after(async () => { await inbox?.stop(); });

async function get(url) {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

test('every docs page is served and every link on it to this site answers', async () => {
  const index = await get(`${inbox.url}/docs/index.html`);
  assert.equal(index.status, 200);
  const pages = [...index.text.matchAll(/<nav[\s\S]*?<\/nav>/g)][0][0].match(/href="([^"]+)"/g).map((h) => h.slice(6, -1));
  assert.ok(pages.length >= 10, pages.join(', '));
  const checked = new Set();
  for (const page of pages) {
    const url = new URL(page, `${inbox.url}/docs/`);
    const { status, text } = await get(url);
    assert.equal(status, 200, url.href);
    assert.match(text, /<h1[ >]/, url.href);
    for (const [, href] of text.matchAll(/href="([^"#]+)(?:#[^"]*)?"/g)) {
      const target = new URL(href, url);
      if (target.origin !== inbox.url || checked.has(target.href)) continue;
      checked.add(target.href);
      assert.equal((await fetch(target)).status, 200, `${url.pathname} links to ${target.href}`);
    }
  }
  assert.ok(checked.has(`${inbox.url}/configurator.html`), 'the docs link to the configurator');
});

test('the generated tables name every channel type and text key the schema knows', async () => {
  const schema = JSON.parse(fs.readFileSync(path.join(DIST, 'config.schema.json'), 'utf8'));
  const channels = (await get(`${inbox.url}/docs/channels.html`)).text;
  for (const type of schema.$defs.channel.properties.type.enum) assert.ok(channels.includes(`<td><code>${type}</code></td>`), type);
  const options = (await get(`${inbox.url}/docs/options.html`)).text;
  for (const key of Object.keys(schema.properties.texts.properties)) assert.ok(options.includes(`<td><code>${key}</code></td>`), key);
  for (const key of Object.keys(schema.properties)) assert.ok(options.includes(`<code>${key}</code>`), key);
});
