// Insight events from a real browser, sent as the widget sends them (a simple `no-cors` POST from
// the host page's origin, no cookie): counted by the inbox per day and site, refused from an
// origin that is not listed, and shown on the Insights page behind a password (no CSP violation,
// axe finds nothing), with its CSV export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { hashPassword, launch, startInbox, startSite } from './support/harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PASSWORD = 'correct horse battery staple';
const TOKEN = 'e2e-token';
let inbox, shop, stranger, browser;

before(async () => {
  const page = '<!doctype html><html lang="en"><title>Pricing</title><h1>Pricing</h1></html>';
  shop = await startSite({ '/pricing': page });
  stranger = await startSite({ '/pricing': page });
  inbox = await startInbox({
    env: { INBOX_PASSWORD_HASH: hashPassword(PASSWORD), INBOX_API_TOKEN: TOKEN, INBOX_ALLOWED_ORIGINS: shop.url },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await shop?.stop();
  await stranger?.stop();
  await inbox?.stop();
});

/** Sends `events` from a page of `site` exactly as the widget does; the answers are opaque. */
async function sendFrom(site, events) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/pricing?ref=newsletter#plans`);
  await page.evaluate(async ({ endpoint, events }) => {
    for (const event of events) {
      const path = location.pathname; // no query string, no fragment
      await fetch(endpoint, {
        method: 'POST', mode: 'no-cors', credentials: 'omit', keepalive: true,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ ...event, path, language: 'fr', device: 'desktop' }),
      });
    }
  }, { endpoint: `${inbox.url}/api/events`, events });
  await page.close();
}

test('events from a listed site are counted and shown; from another origin, not', async () => {
  await sendFrom(shop, [
    { event: 'open' },
    { event: 'channel', channel: 'whatsapp', action: 'open' },
    { event: 'open' },
    { event: 'channel', channel: 'email', action: 'copy' },
    { event: 'channel', channel: 'phone', action: 'qr' },
  ]);
  await sendFrom(stranger, [{ event: 'open' }, { event: 'channel', channel: 'sms', action: 'open' }]);
  const today = new Date().toISOString().slice(0, 10);

  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  const cspViolations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) cspViolations.push(m.text()); });
  await page.goto(`${inbox.url}/inbox/insights`);
  assert.match(page.url(), /\/inbox\/login$/, 'the Insights page needs a login');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Messages' }).waitFor();
  await page.getByRole('link', { name: 'Insights' }).click();
  await page.getByRole('heading', { name: 'Insights' }).waitFor();

  await page.getByText('2 opens · 3 channel uses · 0 messages · conversion 150%').waitFor();
  const days = page.getByRole('table', { name: 'Per day (UTC) and site' });
  const cells = await days.getByRole('row').nth(1).getByRole('cell').allInnerTexts();
  assert.deepEqual(cells.map((c) => c.replace(/\s+/g, ' ').trim()), [
    today, 'default', '2', '3 Email: 1 copied Phone: 1 QR code shown WhatsApp: 1 link opened', '0', '150%',
  ]);
  assert.equal(await days.getByRole('row').count(), 2, 'one day of one site: the stranger counted nothing');
  const pages = await page.getByRole('table', { name: 'Pages' }).getByRole('row').nth(1).getByRole('cell').allInnerTexts();
  assert.deepEqual(pages, ['/pricing', '2', '3'], 'the path alone, without the query string or fragment');

  // Another range: nothing counted then.
  await page.getByLabel('From').fill('2020-01-01');
  await page.getByLabel('To').fill('2020-01-31');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.getByText('Nothing counted in this range.').waitFor();
  await page.goBack();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^inbox-\d{4}-\d{2}-\d{2}\.insights\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n');
  assert.deepEqual(csv, [
    'day,site,event,channel,action,path,language,device,count',
    `${today},default,channel,email,copy,/pricing,fr,desktop,1`,
    `${today},default,channel,phone,qr,/pricing,fr,desktop,1`,
    `${today},default,channel,whatsapp,open,/pricing,fr,desktop,1`,
    `${today},default,open,,,/pricing,fr,desktop,2`,
    '',
  ]);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, []);
  await context.close();

  // axe on the same page, read with the API token in a context that lets its script in.
  const checking = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
  const report = await checking.newPage();
  await report.goto(`${inbox.url}/inbox/insights`);
  await report.addScriptTag({ path: AXE });
  const result = await report.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
  await checking.close();
});
