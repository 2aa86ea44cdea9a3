// Business hours in Chromium with a fixed clock and a fixed visitor time zone: "Open now" /
// "Closed · opens …" in the visitor's zone and language, holidays, a DST week where New York and
// Berlin are 5 hours apart instead of 6, and channels dimmed, hidden or kept outside their hours.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, hostPage, openIn, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

const HOURS = {
  timeZone: 'America/New_York',
  weekly: { 'mon-fri': '09:00-17:00' },
  exceptions: { '2026-11-26': 'closed' },
};
const CONFIG = {
  form: false,
  hours: HOURS,
  channels: [
    { type: 'phone', value: '+1 555 010 0100', whenClosed: 'dim' },
    { type: 'sms', value: '+1 555 010 0100', whenClosed: 'hide' },
    { type: 'whatsapp', value: '+1 555 010 0100', hours: { weekly: { daily: '08:00-22:00' } }, replyTime: 'minutes' },
    { type: 'email', value: 'help@example.com', replyTime: 'day' },
  ],
};

let counter = 0;
function pageWith(config) {
  const path = `/hours-${++counter}.html`;
  pages[path] = hostPage({
    distUrl: `${inbox.url}/dist`,
    before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(config)}</script>`,
  });
  return `${site.url}${path}`;
}

/** The panel at `time` (UTC) for a visitor in `timezoneId` reading `locale`. */
async function panelAt(time, { config = CONFIG, timezoneId = 'Europe/Berlin', locale = 'en-GB' } = {}) {
  const opened = await openIn(browser, pageWith(config), { ...DESKTOP, time, timezoneId, locale });
  await widgetReady(opened.page);
  await opened.page.locator('contact-widget .launcher').click();
  const state = await opened.page.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const item = (type) => {
      const e = root.querySelector(`.item[data-type="${type}"]`);
      return e && { hidden: e.hidden, dimmed: e.hasAttribute('data-closed'), when: e.querySelector('.when').hidden ? '' : e.querySelector('.when').textContent, note: e.querySelector('.note')?.textContent ?? '' };
    };
    const hours = root.querySelector('#cw-hours');
    const lines = (type) => {
      const when = root.querySelector(`.item[data-type="${type}"] .when`);
      if (!when || when.hidden) return 0;
      const range = document.createRange();
      range.selectNodeContents(when);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    return { hours: hours && !hours.hidden ? hours.textContent : null, open: hours?.dataset.open, phone: item('phone'), sms: item('sms'), whatsapp: item('whatsapp'), email: item('email'), lines: { phone: lines('phone'), whatsapp: lines('whatsapp') } };
  });
  return { ...opened, state };
}

test('open and closed, in the visitor\'s time zone and language', async () => {
  const rows = [
    // Monday 23 November 2026, 03:00 in New York (EST, UTC-5), 09:00 in Berlin: opens at 15:00 Berlin time today.
    ['2026-11-23T08:00:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens 15:00'],
    ['2026-11-23T15:00:00Z', 'Europe/Berlin', 'en-GB', 'Open now'],
    // Friday evening in New York: next is Monday.
    ['2026-11-27T23:30:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens Monday 15:00'],
    // Sunday evening: tomorrow.
    ['2026-11-29T20:00:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens tomorrow 15:00'],
    // Thanksgiving (an exception) is closed: from Wednesday evening, next is Friday.
    ['2026-11-25T22:30:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens Friday 15:00'],
    // A visitor in Tokyo sees the same opening in their own time; one in New York in theirs, 12-hour clock.
    ['2026-11-23T08:00:00Z', 'Asia/Tokyo', 'en-GB', 'Closed · opens 23:00'],
    ['2026-11-23T08:00:00Z', 'America/New_York', 'en-US', 'Closed · opens 9:00 AM'],
    // In French and German (the widget's language set by the owner; the page itself is English).
    ['2026-11-27T23:30:00Z', 'Europe/Paris', 'fr-FR', 'Fermé · ouvre lundi 15:00'],
    ['2026-11-29T20:00:00Z', 'Europe/Berlin', 'de-DE', 'Geschlossen · öffnet morgen 15:00'],
    // 20 March 2026: New York is already on summer time (since 8 March), Berlin not yet (29 March):
    // 09:00 EDT is 13:00 UTC, 14:00 in Berlin.
    ['2026-03-20T11:00:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens 14:00'],
    ['2026-03-30T11:00:00Z', 'Europe/Berlin', 'en-GB', 'Closed · opens 15:00'],
  ];
  for (const [time, timezoneId, locale, want] of rows) {
    const config = { ...CONFIG, locale: locale.slice(0, 2) };
    const { context, state, pageErrors } = await panelAt(time, { timezoneId, locale, config });
    assert.equal(state.hours, want, `${time} in ${timezoneId} (${locale})`);
    assert.equal(state.open, String(want.startsWith('Open')));
    assert.deepEqual(pageErrors, []);
    await context.close();
  }
});

test('outside its hours a channel is dimmed with its next opening, hidden, or kept', async () => {
  // Monday 03:00 in New York: the business is closed, WhatsApp (08:00-22:00) too.
  let { context, state } = await panelAt('2026-11-23T08:00:00Z');
  assert.deepEqual(state.phone, { hidden: false, dimmed: true, when: 'Closed · opens 15:00', note: '' });
  assert.equal(state.sms.hidden, true);
  assert.deepEqual(state.whatsapp, { hidden: false, dimmed: true, when: 'Closed · opens 14:00', note: 'Typically replies within minutes' });
  assert.deepEqual(state.email, { hidden: false, dimmed: false, when: '', note: 'Typically replies within a day' });
  // On a computer the next opening fits on one line, beside Copy and QR as they are.
  assert.deepEqual(state.lines, { phone: 1, whatsapp: 1 });
  await context.close();

  // Monday 10:00 in New York: everything open, nothing dimmed or hidden.
  ({ context, state } = await panelAt('2026-11-23T15:00:00Z'));
  for (const type of ['phone', 'sms', 'whatsapp', 'email']) assert.deepEqual([type, state[type].hidden, state[type].dimmed, state[type].when], [type, false, false, '']);
  await context.close();

  // A group whose every channel is hidden disappears with its heading.
  const onlySms = { form: false, hours: HOURS, channels: [{ type: 'sms', value: '+1 555 010 0100', whenClosed: 'hide' }, { type: 'x', value: 'examplehq' }] };
  const closed = await panelAt('2026-11-23T08:00:00Z', { config: onlySms });
  const headings = await closed.page.getByRole('heading', { level: 3 }).allTextContents();
  assert.deepEqual(headings, ['Follow us']);
  await closed.context.close();
});

test('a time zone the browser does not know is named on the console and the hours are left out', async () => {
  const config = { form: false, hours: { timeZone: 'Mars/Olympus_Mons', weekly: { daily: '09:00-17:00' } }, channels: [{ type: 'email', value: 'help@example.com', whenClosed: 'dim' }] };
  const { context, state, consoleMessages, pageErrors } = await panelAt('2026-11-23T08:00:00Z', { config });
  const warnings = consoleMessages.filter((m) => m.type === 'warning').map((m) => m.text);
  assert.deepEqual(warnings, ['contact-widget: config `hours`: "Mars/Olympus_Mons" is not a time zone this browser knows; these hours are not shown']);
  assert.equal(state.hours, null);
  assert.deepEqual(state.email, { hidden: false, dimmed: false, when: '', note: '' });
  assert.deepEqual(pageErrors, []);
  await context.close();
});
