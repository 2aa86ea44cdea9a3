// The inbox UI in a real browser, behind a password: log in, find a message, open it, mark it
// handled, add a note, and export the CSV.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { hashPassword, launch, startInbox } from './support/harness.mjs';

const PASSWORD = 'correct horse battery staple';
const TOKEN = 'e2e-token';
let inbox, browser;

before(async () => {
  inbox = await startInbox({ env: { INBOX_PASSWORD_HASH: hashPassword(PASSWORD), INBOX_API_TOKEN: TOKEN } });
  browser = await launch();
  for (const [n, message, rating] of [[1, 'The checkout page is confusing.', 2], [2, 'Lovely shop, the parcel came fast!', 5]]) {
    const id = `0b8e2c1e-5a7f-4c3b-9a61-00000000000${n}`;
    const body = {
      id, message, rating, email: 'ana@example.org', name: null, consent: null,
      page: { url: `https://shop.example/page-${n}`, title: 'Shop', referrer: '' },
      locale: 'en', timeZone: 'Europe/Berlin', createdAt: '2026-11-22T10:15:30.000Z', widget: { version: '0.1.0' },
    };
    const response = await fetch(`${inbox.url}/api/feedback`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': id }, body: JSON.stringify(body),
    });
    assert.equal(response.status, 201);
  }
});
after(async () => {
  await browser?.close();
  await inbox?.stop();
});

test('log in, find a message, mark it handled, export CSV', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  const cspViolations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) cspViolations.push(m.text()); });

  await page.goto(`${inbox.url}/inbox`);
  assert.match(page.url(), /\/inbox\/login$/, 'the inbox needs a login');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong name or password.' }).waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Messages' }).waitFor();
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'inbox_session');
  assert.ok(session?.httpOnly && session.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');

  // Find it: search for a word, only the matching message is listed.
  await page.getByLabel('Search').fill('parcel');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('1 message match').waitFor();
  assert.equal(await page.getByRole('link', { name: /checkout page/ }).count(), 0);
  await page.getByRole('link', { name: /Lovely shop/ }).click();

  // The detail: the message, the page it came from, mark handled, a note.
  await page.getByRole('heading', { name: 'Message' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'https://shop.example/page-2' }).getAttribute('href'), 'https://shop.example/page-2');
  assert.equal(await page.getByRole('status').textContent(), 'Not handled');
  await page.getByRole('button', { name: 'Mark handled' }).click();
  await page.getByRole('status').filter({ hasText: /^Handled$/ }).waitFor();
  await page.getByLabel('Note').fill('Thanked them by e-mail.');
  await page.getByRole('button', { name: 'Save note' }).click();
  await page.getByRole('button', { name: 'Mark not handled' }).waitFor();
  assert.equal(await page.getByLabel('Note').inputValue(), 'Thanked them by e-mail.');

  // Export the handled ones as CSV.
  await page.getByRole('link', { name: /All messages/ }).click();
  await page.getByLabel('Handled').selectOption('yes');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('1 message match').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^inbox-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.match(csv[0], /^receivedAt,site,id,rating,email,name,message,pageUrl/);
  assert.equal(csv.filter((l) => l).length, 2, 'the header and the one handled message');
  assert.match(csv[1], /Lovely shop, the parcel came fast!".*,yes,Thanked them by e-mail\.,/);

  // The JSON listing agrees (through the API token, as a script would read it).
  const stored = await inbox.stored();
  assert.deepEqual(stored.map((r) => [r.id.slice(-1), r.inbox.handled]), [['2', true], ['1', false]]);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
  await context.close();
});
