// Insights through the real widget and the real inbox: with `insights: true` a visitor opens the
// panel, uses two channels and sends a message, and the inbox counts exactly that for the day and
// the site; every event goes out with no cookie and no identifier, and nothing is stored on the
// device for it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { humanPause, launch, openPage, startInbox, startSite, widgetReady } from './support/harness.mjs';
import { page as hostPage } from './support/guest.mjs';

const TOKEN = 'e2e-token';
let inbox, site, browser;
const pages = {};

before(async () => {
  site = await startSite(pages);
  inbox = await startInbox({ env: { INBOX_API_TOKEN: TOKEN, INBOX_ALLOWED_ORIGINS: site.url } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.stop();
  await inbox?.stop();
});

test('opening, two channels and a message are counted exactly, per day and site, with nothing that identifies the visitor', async () => {
  const config = {
    endpoint: `${inbox.url}/api/feedback`,
    insights: true,
    channels: [{ type: 'phone', value: '+1 555 0100 123' }, { type: 'email', value: 'help@example.com' }],
  };
  pages['/pricing'] = hostPage({
    body: `<script type="application/json" id="contact-widget-config">${JSON.stringify(config)}</script>
      <script src="${inbox.url}/dist/contact-widget.js" async></script>`,
  });
  const context = await browser.newContext();
  // A cookie for the inbox's host: the events must not carry it.
  await context.addCookies([{ name: 'visitor', value: 'someone', url: inbox.url }]);
  const { page: p, pageErrors } = await openPage(context, `${site.url}/pricing?ref=newsletter#plans`);
  const events = [];
  p.on('request', (r) => {
    if (r.url().endsWith('/api/events')) events.push({ headers: r.headers(), body: JSON.parse(r.postData()) });
  });

  await widgetReady(p);
  await p.waitForTimeout(300);
  assert.equal(events.length, 0, 'nothing is sent before an interaction');
  await p.getByRole('button', { name: 'Contact us' }).click();
  const dialog = p.getByRole('dialog', { name: 'Contact us' });
  await dialog.getByRole('button', { name: 'Copy +1 555 0100 123' }).click();
  await dialog.getByRole('link', { name: /help@example\.com/ }).click();
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Counting me once, without knowing who I am.');
  await humanPause(p);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await dialog.getByText('Thank you!').waitFor();
  await p.waitForFunction((n) => performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/events')).length >= n, 3);

  const device = { path: '/pricing', language: 'en', device: 'desktop' };
  assert.deepEqual(events.map((e) => e.body), [
    { event: 'open', ...device },
    { event: 'channel', channel: 'phone', action: 'copy', ...device },
    { event: 'channel', channel: 'email', action: 'open', ...device },
  ]);
  for (const { headers } of events) {
    assert.equal(headers.cookie, undefined, 'no cookie');
    assert.ok(!Object.keys(headers).some((h) => /^x-|idempotency/i.test(h)), `no identifier: ${Object.keys(headers)}`);
  }
  assert.deepEqual(await p.evaluate(() => Object.keys(localStorage)), [], 'nothing kept on the device once the message is delivered');

  const today = new Date().toISOString().slice(0, 10);
  const counts = await (await fetch(`${inbox.url}/inbox/insights.json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const rows = counts.map(({ day, site: s, event, channel, action, count }) => [day, s, event, channel, action, count]);
  assert.deepEqual(rows.sort(), [
    [today, 'default', 'channel', 'email', 'open', 1],
    [today, 'default', 'channel', 'phone', 'copy', 1],
    [today, 'default', 'message', '', '', 1],
    [today, 'default', 'open', '', '', 1],
  ].sort());
  assert.deepEqual(pageErrors, []);
  await context.close();
});
