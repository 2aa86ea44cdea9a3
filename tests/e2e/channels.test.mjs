// Every channel type in Chromium: the exact URL each one opens (clicks are recorded, never
// followed), prefills with &, #, +, emoji and right-to-left text, groups, refusals, and the
// treatment by device: Copy and a QR code on a computer, the app directly on a phone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, hostPage, named, openIn, widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

const tricky = 'Hi & bye #1 +2 👋 שלום';
const trickyEncoded = 'Hi%20%26%20bye%20%231%20%2B2%20%F0%9F%91%8B%20%D7%A9%D7%9C%D7%95%D7%9D';

/** Each channel with the href it must open (null: no link on a computer). */
const CHANNELS = [
  [{ type: 'phone', value: '+1 (555) 010-0100', label: 'Sales' }, 'tel:+15550100100'],
  [{ type: 'sms', value: '+1 555 010 0100', message: tricky }, `sms:+15550100100?body=${trickyEncoded}`],
  [{ type: 'email', value: 'help@example.com', subject: 'Order #12', message: tricky }, `mailto:help@example.com?subject=Order%20%2312&body=${trickyEncoded}`],
  [{ type: 'whatsapp', value: '+1 555 010 0100', message: tricky }, `https://wa.me/15550100100?text=${trickyEncoded}`],
  [{ type: 'telegram', value: '@examplehq' }, 'https://t.me/examplehq'],
  [{ type: 'messenger', value: 'examplehq' }, 'https://m.me/examplehq'],
  [{ type: 'signal', value: '+44 20 7946 0958' }, 'https://signal.me/#p/+442079460958'],
  [{ type: 'viber', value: '+44 20 7946 0958' }, 'viber://chat?number=%2B442079460958'],
  [{ type: 'line', value: '@examplehq' }, 'https://line.me/R/ti/p/%40examplehq'],
  [{ type: 'wechat', value: 'examplehq' }, null],
  [{ type: 'skype', value: 'example.hq' }, 'skype:example.hq?chat'],
  [{ type: 'teams', value: 'sales@example.com', message: 'Hello' }, 'https://teams.microsoft.com/l/chat/0/0?users=sales%40example.com&message=Hello'],
  [{ type: 'discord', value: 'https://discord.gg/AbCd123' }, 'https://discord.gg/AbCd123'],
  [{ type: 'x', value: '@examplehq' }, 'https://x.com/examplehq'],
  [{ type: 'instagram', value: 'example.hq' }, 'https://www.instagram.com/example.hq'],
  [{ type: 'facebook', value: 'examplehq' }, 'https://www.facebook.com/examplehq'],
  [{ type: 'linkedin', value: 'company/examplehq' }, 'https://www.linkedin.com/company/examplehq/'],
  [{ type: 'youtube', value: '@examplehq' }, 'https://www.youtube.com/@examplehq'],
  [{ type: 'tiktok', value: '@examplehq' }, 'https://www.tiktok.com/@examplehq'],
  [{ type: 'map', value: '1 Rue de Rivoli, 75001 Paris' }, 'https://www.google.com/maps/search/?api=1&query=1%20Rue%20de%20Rivoli%2C%2075001%20Paris'],
  [{ type: 'link', value: '/help?a=1&b=2#top', label: 'Help center' }, '/help?a=1&b=2#top'],
  [{ type: 'custom', value: 'viber://pa?chatURI=examplehq', label: 'Viber community', group: 'message' }, 'viber://pa?chatURI=examplehq'],
];

/** Profile links as owners paste them, the href each must open (the bare handle's) and what is shown. */
const PASTED = [
  [{ type: 'whatsapp', value: 'https://wa.me/15550100100' }, 'https://wa.me/15550100100', '+15550100100'],
  [{ type: 'telegram', value: 't.me/examplehq' }, 'https://t.me/examplehq', 'examplehq'],
  [{ type: 'messenger', value: 'https://m.me/examplehq?ref=site' }, 'https://m.me/examplehq', 'examplehq'],
  [{ type: 'signal', value: 'https://signal.me/#p/+442079460958' }, 'https://signal.me/#p/+442079460958', '+442079460958'],
  [{ type: 'line', value: 'https://line.me/R/ti/p/%40examplehq' }, 'https://line.me/R/ti/p/%40examplehq', '@examplehq'],
  [{ type: 'discord', value: 'https://discord.com/invite/AbCd123' }, 'https://discord.gg/AbCd123', 'AbCd123'],
  [{ type: 'x', value: 'https://twitter.com/examplehq' }, 'https://x.com/examplehq', 'examplehq'],
  [{ type: 'instagram', value: 'https://www.instagram.com/example.hq/?igshid=MzRlODBiNWFlZA==' }, 'https://www.instagram.com/example.hq', 'example.hq'],
  [{ type: 'facebook', value: 'm.facebook.com/examplehq/' }, 'https://www.facebook.com/examplehq', 'examplehq'],
  [{ type: 'linkedin', value: 'https://www.linkedin.com/company/examplehq/?viewAsMember=true' }, 'https://www.linkedin.com/company/examplehq/', 'company/examplehq'],
  [{ type: 'youtube', value: 'https://m.youtube.com/@examplehq?si=x' }, 'https://www.youtube.com/@examplehq', '@examplehq'],
  [{ type: 'tiktok', value: 'https://www.tiktok.com/@examplehq?lang=en' }, 'https://www.tiktok.com/@examplehq', '@examplehq'],
];

/** The panel's order: groups in the order first used, the owner's order within each. */
const GROUP = { phone: 'call', skype: 'call', x: 'follow', instagram: 'follow', facebook: 'follow', linkedin: 'follow', youtube: 'follow', tiktok: 'follow', map: 'visit', link: 'other', custom: 'other' };
function panelOrder(pairs) {
  const group = ([c]) => c.group ?? GROUP[c.type] ?? 'message';
  const groups = [...new Set(pairs.map(group))];
  return groups.flatMap((g) => pairs.filter((p) => group(p) === g));
}

let counter = 0;
function pageWith(config) {
  const path = `/channels-${++counter}.html`;
  pages[path] = hostPage({
    distUrl: `${inbox.url}/dist`,
    before: `<script type="application/json" id="contact-widget-config">${JSON.stringify(config).replaceAll('<', '\\u003c')}</script>`,
  });
  return `${site.url}${path}`;
}

const shadow = (page, fn, arg) => page.evaluate(([source, arg]) => new Function('root', 'arg', `return (${source})(root, arg)`)(document.querySelector('contact-widget').shadowRoot, arg), [fn.toString(), arg]);
const warnings = (messages) => messages.filter((m) => m.type === 'warning' || m.type === 'error').map((m) => m.text);

async function opened(options, config) {
  const world = await openIn(browser, pageWith(config), options);
  await widgetReady(world.page);
  await world.page.getByRole('button', { name: 'Contact us' }).click();
  await world.page.getByRole('dialog', { name: 'Contact us' }).waitFor();
  return world;
}

test('on a computer, clicking each channel opens exactly its URL; numbers get Copy and a QR code', async () => {
  const { context, page, consoleMessages, pageErrors } = await opened(
    { ...DESKTOP, permissions: ['clipboard-read', 'clipboard-write'] },
    { form: false, channels: CHANNELS.map(([c]) => c) },
  );
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  const events = [];
  await page.exposeFunction('__channelEvent', (detail) => events.push(detail));
  await page.evaluate(() => window.addEventListener('contact-widget:channel', (e) => window.__channelEvent(e.detail)));

  // Groups in the order first used, each with its heading.
  assert.deepEqual(await dialog.getByRole('heading', { level: 3 }).allTextContents(), ['Call us', 'Message us', 'Follow us', 'Visit us', 'More']);
  // One icon per channel.
  assert.equal(await shadow(page, (root) => root.querySelectorAll('.item > .channel > svg path').length), CHANNELS.length);

  // Every channel with a link keeps it on a computer, tel: and sms: too (softphones call them).
  const linked = panelOrder(CHANNELS).filter(([, href]) => href);
  const hrefs = await shadow(page, (root) => [...root.querySelectorAll('a.channel')].map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, linked.map(([, href]) => href));
  for (const [channel, href] of linked) {
    await page.evaluate(() => (window.__clicked = []));
    await dialog.locator(`a.channel[data-type="${channel.type}"]`).click();
    assert.deepEqual(await page.evaluate(() => window.__clicked), [href], channel.type);
  }
  assert.equal(page.url().startsWith(site.url), true, 'never navigated away');
  assert.equal(events.filter((e) => e.action === 'open').length, linked.length);
  // Web links open in a new tab without an opener; app links do not.
  assert.deepEqual(await shadow(page, (root) => ['whatsapp', 'viber'].map((t) => root.querySelector(`a.channel[data-type="${t}"]`).getAttribute('rel'))), ['noopener noreferrer', null]);

  // The phone number, shown as written; Copy puts E.164 on the clipboard and says so.
  const sales = dialog.locator('.item[data-type="phone"]');
  assert.equal(await sales.locator('.value').textContent(), '+1 (555) 010-0100');
  assert.equal(await sales.getByRole('link').getAttribute('href'), 'tel:+15550100100');
  await dialog.getByRole('button', { name: 'Copy +1 (555) 010-0100' }).first().click();
  await dialog.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '+15550100100');
  assert.equal(await sales.locator('button.copy').textContent(), 'Copied +1 (555) 010-0100');
  // WeChat: the ID with Copy, never a link.
  await dialog.getByRole('button', { name: 'Copy examplehq' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'examplehq');

  // The QR code is drawn on demand, dark on white, and encodes the link (tel:, sms: with its body).
  assert.equal(await shadow(page, (root) => root.querySelectorAll('.qr-code svg').length), 0);
  const qr = dialog.getByRole('button', { name: 'QR code Sales' });
  assert.equal(await qr.getAttribute('aria-expanded'), 'false');
  await qr.click();
  assert.equal(await qr.getAttribute('aria-expanded'), 'true');
  const figure = dialog.locator('figure.qr-code').first();
  await figure.waitFor();
  assert.match(await figure.textContent(), /Scan with your phone/);
  const drawn = await shadow(page, (root) => {
    const svg = root.querySelector('.qr-code svg');
    return { paths: svg.querySelectorAll('path').length, view: svg.getAttribute('viewBox'), d: svg.querySelector('path').getAttribute('d').slice(0, 11), bg: getComputedStyle(svg).backgroundColor };
  });
  assert.deepEqual(drawn, { paths: 1, view: '-4 -4 33 33', d: 'M0 0h7v1H0z', bg: 'rgb(255, 255, 255)' });
  await qr.click();
  assert.equal(await figure.isHidden(), true);
  assert.deepEqual([...new Set(events.map((e) => e.action))].sort(), ['copy', 'open', 'qr']);

  assert.deepEqual(warnings(consoleMessages), []);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('on a phone, numbers open the app directly; devices limit channels', async () => {
  const config = {
    form: false,
    channels: [
      ...CHANNELS.map(([c]) => c),
      { type: 'sms', value: '+1 555 010 0199', label: 'Phones only', devices: 'mobile' },
      { type: 'link', value: 'https://example.com/desktop-app', label: 'Computers only', devices: 'desktop' },
    ],
  };
  const { context, page, pageErrors } = await opened(PHONE, config);
  const dialog = page.getByRole('dialog', { name: 'Contact us' });
  const expected = panelOrder([...CHANNELS, [config.channels.at(-2), 'sms:+15550100199']]).filter(([, href]) => href).map(([, href]) => href);
  assert.deepEqual(await shadow(page, (root) => [...root.querySelectorAll('a.channel')].map((a) => a.getAttribute('href'))), expected);
  // No Copy or QR code for anything with a link: only WeChat (which has none) keeps Copy.
  assert.deepEqual(await dialog.getByRole('button', { name: /^Copy / }).allTextContents(), ['Copy examplehq']);
  assert.equal(await dialog.getByRole('button', { name: /QR code/ }).count(), 0);
  await page.evaluate(() => (window.__clicked = []));
  await dialog.getByRole('link', { name: /Sales/ }).tap();
  await dialog.getByRole('link', { name: /Phones only/ }).tap();
  assert.deepEqual(await page.evaluate(() => window.__clicked), ['tel:+15550100100', 'sms:+15550100199']);
  // Touch targets stay at least 44 px high.
  const heights = await shadow(page, (root) => [...root.querySelectorAll('a.channel, .actions button')].map((e) => e.getBoundingClientRect().height));
  assert.ok(heights.every((h) => h >= 44), heights.join(','));
  assert.deepEqual(pageErrors, []);
  await context.close();

  // The same config on a computer shows the desktop-only link and not the phone-only SMS.
  const desktop = await opened(DESKTOP, config);
  const labels = await shadow(desktop.page, (root) => [...root.querySelectorAll('.item .label')].map((l) => l.textContent));
  assert.ok(labels.includes('Computers only') && !labels.includes('Phones only'), labels.join(','));
  await desktop.context.close();
});

test('pasted profile links open the link of their handle and show the handle; a link to another site is refused', async () => {
  const { context, page, consoleMessages, pageErrors } = await opened(DESKTOP, {
    form: false,
    channels: [...PASTED.map(([c]) => c), { type: 'instagram', value: 'https://evil.example/example.hq' }],
  });
  const shown = await shadow(page, (root) => [...root.querySelectorAll('a.channel')].map((a) => [a.getAttribute('href'), a.querySelector('.value').textContent]));
  assert.deepEqual(shown, panelOrder(PASTED).map(([, href, handle]) => [href, handle]));
  const messages = warnings(consoleMessages);
  assert.equal(messages.length, 1, messages.join('\n'));
  // The visitor's console names the key; the message in words is the configurator's (core tests).
  assert.equal(messages[0], named(`channels[${PASTED.length}].value`));
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test('unsafe or malformed values are refused by name on the console; the rest renders', async () => {
  const { context, page, consoleMessages, pageErrors } = await opened(DESKTOP, {
    form: false,
    channels: [
      { type: 'custom', value: 'JaVaScRiPt:alert(1)', label: 'Evil' },
      { type: 'custom', value: 'intent://scan/#Intent;scheme=zxing;end', label: 'Intent' },
      { type: 'signal', value: 'https://evil.example/signal.me' },
      { type: 'discord', value: 'https://evil.example/x' },
      { type: 'wechat', value: '1 not an id' },
      { type: 'telegram', value: 'examplehq' },
    ],
  });
  const messages = warnings(consoleMessages);
  assert.deepEqual(messages, [0, 1, 2, 3, 4].map((i) => named(`channels[${i}].value`)));
  assert.deepEqual(await shadow(page, (root) => [...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))), ['https://t.me/examplehq']);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
