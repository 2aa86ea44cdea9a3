// The inbox UI in a real browser, behind a password, with a teammate and replies by e-mail to a
// local SMTP sink: on a desktop, log in, find a message, close it, add a note and export the
// closed ones; on a phone (390 px), a teammate works through the list and answers a returning
// customer — nothing wider than the screen, every control at least 44 px, times in the phone's
// zone, the customer's earlier message on the page, the reply sent, threaded, and kept; no
// script or style breaks the strict CSP, and axe-core finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { INBOX_BIN, PHONE, hashPassword, launch, startInbox } from './support/harness.mjs';

const PASSWORD = 'correct horse battery staple';
const TOKEN = 'e2e-token';
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'];
let inbox, browser, smtp, configDir;

/** A minimal SMTP server on 127.0.0.1 that accepts everything and keeps each e-mail as sent. */
async function startSmtp() {
  const mails = [];
  const server = net.createServer((socket) => {
    socket.write('220 localhost ESMTP test\r\n');
    let buffer = '';
    let data = null;
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            mails.push(data.join('\r\n'));
            data = null;
            socket.write('250 OK queued\r\n');
          } else data.push(line);
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 localhost\r\n');
        else if (/^DATA$/i.test(line)) {
          data = [];
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT$/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { port: server.address().port, mails, stop: () => new Promise((resolve) => server.close(resolve)) };
}

async function post(id, message, { email = 'ana@example.org', name = null, rating = 4, url = 'https://shop.example/page' } = {}) {
  const body = {
    id, message, rating, email, name, consent: null,
    page: { url, title: 'Shop', referrer: '' },
    locale: 'en', timeZone: 'Europe/Berlin', createdAt: '2026-11-22T10:15:30.000Z', widget: { version: '0.1.0' },
  };
  const response = await fetch(`${inbox.url}/api/feedback`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': id }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 201);
}
const uuid = (n) => `0b8e2c1e-5a7f-4c3b-9a61-${String(n).padStart(12, '0')}`;

before(async () => {
  smtp = await startSmtp();
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-inbox-'));
  const config = path.join(configDir, 'inbox.toml');
  fs.writeFileSync(config, `[forward]\nretry_base_ms = 200\n\n[reply]\nfrom = "Shop support <support@shop.example>"\nreply_to = "team@shop.example"\nsmtp_url = "smtp://127.0.0.1:${smtp.port}"\n`);
  inbox = await startInbox({ env: { INBOX_PASSWORD_HASH: hashPassword(PASSWORD), INBOX_API_TOKEN: TOKEN, INBOX_CONFIG: config } });
  const added = spawnSync(INBOX_BIN, ['user', 'add', 'ana', '--db', inbox.db], { input: 'ana secret\n', encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
  assert.equal(added.status, 0, added.stderr);
  browser = await launch();
  await post(uuid(1), 'The checkout page is confusing.', { rating: 2 });
  await post(uuid(2), 'Lovely shop, the parcel came fast!', { email: 'bo@example.org', rating: 5 });
  await post(uuid(3), `A very long word: ${'x'.repeat(200)}`, { email: null, url: `https://shop.example/${'deep/'.repeat(40)}` });
  await post(uuid(4), 'Me again: where is my parcel?\nOrder 1234.', { email: 'Ana@Example.org', name: 'Ana Lopez' });
});
after(async () => {
  await browser?.close();
  await inbox?.stop();
  await smtp?.stop();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
});

/** A page recording uncaught errors and CSP violations. */
async function watched(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text()); });
  return { page, problems };
}

async function logIn(page, name, password) {
  await page.goto(`${inbox.url}/inbox`);
  assert.match(page.url(), /\/inbox\/login$/, 'the inbox needs a login');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Messages' }).waitFor();
}

/** Nothing wider than the window, and every visible control at least 44 × 44 px. */
async function fitsAPhone(page, where) {
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(width[0] <= width[1], `${where}: the page is ${width[0]} px wide in a ${width[1]} px window`);
  const small = await page.evaluate(() => [...document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, summary')]
    .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
    .map((e) => [e.outerHTML.slice(0, 80), e.getBoundingClientRect()])
    .filter(([, r]) => r.width < 44 || r.height < 44)
    .map(([html, r]) => `${Math.round(r.width)}×${Math.round(r.height)} ${html}`));
  assert.deepEqual(small, [], `${where}: tap targets under 44 px`);
}

async function axe(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  const found = result.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(found, [], found.join('\n'));
}

test('on a desktop: log in, find a message, close it, note it, export the closed ones', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const { page, problems } = await watched(context);
  await page.goto(`${inbox.url}/inbox`);
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong name or password.' }).waitFor();
  await logIn(page, '', PASSWORD);
  const session = (await context.cookies()).find((c) => c.name === 'inbox_session');
  assert.ok(session?.httpOnly && session.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
  await page.getByRole('banner').getByText('Signed in as owner').waitFor();

  // Find it: search for a word, only the matching message is listed.
  await page.getByLabel('Search').fill('parcel came');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('1 message match').waitFor();
  assert.equal(await page.getByRole('link', { name: /checkout page/ }).count(), 0);
  await page.getByRole('link', { name: /Lovely shop/ }).click();

  // The message: the page it came from, close it, a note.
  await page.getByRole('heading', { name: 'Message' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'https://shop.example/page' }).getAttribute('href'), 'https://shop.example/page');
  assert.equal(await page.getByRole('link', { name: 'bo@example.org' }).first().getAttribute('href'), 'mailto:bo@example.org');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Reopen' }).waitFor();
  assert.equal(await page.locator('.message-page > .meta .badge').textContent(), 'Closed');
  await page.getByLabel('Note').fill('Thanked them by e-mail.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await page.getByText('owner edited the note').waitFor();
  assert.equal(await page.getByLabel('Note').inputValue(), 'Thanked them by e-mail.');
  await page.getByText('owner closed it').waitFor();

  // Export the closed ones as CSV.
  await page.getByRole('link', { name: /All messages/ }).click();
  await page.getByRole('link', { name: /^Closed/ }).click();
  await page.getByText('1 message match').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^inbox-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.match(csv[0], /^receivedAt,site,id,rating,email,name,message,pageUrl.*,handled,note,flags,status,assignee$/);
  assert.equal(csv.filter((l) => l).length, 2, 'the header and the one closed message');
  assert.match(csv[1], /Lovely shop, the parcel came fast!.*,yes,Thanked them by e-mail\.,,closed,$/);

  // Reopen it from the list.
  await page.getByRole('button', { name: 'Reopen' }).click();
  await page.getByText('No messages match.').waitFor();
  assert.equal(await page.getByText('No messages match.').count(), 1, 'one sentence when nothing matches');

  // The JSON listing agrees (through the API token, as a script would read it).
  const stored = await inbox.stored();
  assert.deepEqual(stored.map((r) => [r.id.slice(-1), r.inbox.status, r.inbox.handled]), [['4', 'open', false], ['3', 'open', false], ['2', 'open', false], ['1', 'open', false]]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone: a teammate answers a returning customer', async () => {
  const zone = 'America/New_York';
  const context = await browser.newContext({ ...PHONE, timezoneId: zone, locale: 'en-US' });
  const { page, problems } = await watched(context);
  await logIn(page, 'ana', 'ana secret');
  await page.getByRole('banner').getByText('Signed in as ana').waitFor();
  await fitsAPhone(page, 'the list');
  await axe(page, 'the list');

  // Times in the phone's zone, from <time datetime>.
  const time = page.locator('.cards time').first();
  const datetime = await time.getAttribute('datetime');
  const local = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(datetime));
  assert.equal(await time.textContent(), local);

  // One card per customer: Ana wrote twice, with two spellings of her address.
  await page.getByText('More filters').click();
  await page.getByLabel('Show').selectOption('customer');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('2 messages from this customer').waitFor();
  assert.equal(await page.getByRole('link', { name: /checkout page is confusing/ }).count(), 0, 'her older message is behind her newer one');
  await fitsAPhone(page, 'one card per customer');

  // Her newest message shows the earlier one; the page fits the phone.
  await page.getByRole('link', { name: /Me again/ }).click();
  await page.getByRole('heading', { name: 'Message from Ana Lopez' }).waitFor();
  const history = page.getByRole('region', { name: 'Other messages from this customer' });
  await history.getByRole('link', { name: /checkout page is confusing/ }).waitFor();
  await fitsAPhone(page, 'the message page');
  await axe(page, 'the message page');

  // Take it, and answer it.
  await page.getByLabel('Assigned to').selectOption('ana');
  await page.getByRole('button', { name: 'Assign' }).click();
  await page.getByText('ana assigned it to ana').waitFor();
  await page.getByLabel(/Reply to/).fill('Hello Ana,\nyour parcel left today.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  const replies = page.getByRole('region', { name: 'Replies' });
  await replies.getByText('your parcel left today.').waitFor();
  assert.equal(await page.locator('.message-page > .meta .badge').textContent(), 'Answered');
  for (let tries = 0; smtp.mails.length === 0 && tries < 100; tries++) await page.waitForTimeout(100);
  assert.equal(smtp.mails.length, 1, 'one e-mail');
  const mail = smtp.mails[0];
  assert.match(mail, /^To: Ana@Example\.org$/m);
  assert.match(mail, /^Reply-To: team@shop\.example$/m);
  assert.match(mail, new RegExp(`^In-Reply-To: <message\\.${uuid(4)}@shop\\.example>$`, 'm'));
  assert.match(mail, /^> Me again: where is my parcel\?\r\n> Order 1234\.$/m);
  await page.reload();
  await replies.locator('.delivery', { hasText: /^Sent / }).waitFor();
  await fitsAPhone(page, 'the message page with a reply');

  // Assigned to her; close it from her list.
  await page.getByRole('link', { name: /All messages/ }).click();
  await page.getByRole('link', { name: 'Assigned to me' }).click();
  await page.getByText('No messages match.').waitFor();
  assert.equal(await page.getByRole('link', { name: /^Answered/ }).textContent(), 'Answered 1', 'hers, answered');
  await page.getByRole('link', { name: /^Answered/ }).click();
  await page.getByText('1 message match').waitFor();
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByText('No messages match.').waitFor();
  await page.getByRole('link', { name: /^Closed/ }).click();
  await page.getByRole('link', { name: /Me again/ }).waitFor();
  await fitsAPhone(page, 'the closed ones');

  // An unknown page of the inbox is an HTML page too.
  const missing = await page.goto(`${inbox.url}/inbox/nothing/here`);
  assert.equal(missing.status(), 404);
  assert.match(missing.headers()['content-type'], /^text\/html/);
  await page.getByRole('heading', { name: 'There is no such page in the inbox.' }).waitFor();
  await fitsAPhone(page, 'the error page');

  const thread = await (await fetch(`${inbox.url}/api/feedback/${uuid(4)}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  assert.deepEqual([thread.inbox.status, thread.inbox.assignee, thread.replies[0].by, thread.replies[0].delivery.state], ['closed', 'ana', 'ana', 'sent']);
  assert.deepEqual(problems, []);
  await context.close();
});
