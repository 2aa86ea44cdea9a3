// A good guest on any page: hostile host CSS changes nothing inside the widget (geometry within
// 1 px and computed styles equal to those on a plain page), and nothing of ours reaches the host
// page (its own elements look and sit the same with and without the widget).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { widgetReady, world } from './support/harness.mjs';

let inbox, site, browser;
const pages = {};
world(pages, (w) => ({ inbox, site, browser } = w));

/** Hostile host stylesheets, each a pattern seen on real sites (or a deliberate attack). */
export const HOSTILE = {
  'rem base 62.5%': 'html{font-size:62.5%} body{font-size:1.6rem}',
  'forced fonts, colours, line heights': `*{font-family:"Comic Sans MS",cursive!important;line-height:3!important;color:red!important;
    box-sizing:content-box!important;letter-spacing:3px!important;text-transform:uppercase!important;word-spacing:9px!important;
    text-align:center!important;text-indent:20px!important;font-size:22px!important;font-weight:900!important;font-style:italic!important;
    white-space:pre!important;cursor:crosshair!important;text-shadow:0 0 2px blue!important;visibility:visible!important}`,
  'unset buttons and links': 'button,a{all:unset!important;padding:40px!important;display:block!important;font-size:30px!important} a{color:green!important}',
  'right to left body': 'body{direction:rtl;writing-mode:horizontal-tb;unicode-bidi:bidi-override}',
  'vertical writing mode': 'html{writing-mode:vertical-rl}',
  'flex everything': 'div,p,h2,form,section,ul,li{display:flex!important;flex-direction:row-reverse!important;margin:30px!important;padding:30px!important}',
  'huge svgs': 'svg{width:200px!important;height:200px!important;fill:red!important} path{fill:red!important}',
  'attacks on the host element': `contact-widget,body>*{display:none!important;transform:translateX(100px)!important;filter:blur(2px)!important;
    contain:strict!important;position:absolute!important;z-index:-1!important;opacity:.2!important;visibility:hidden!important;
    pointer-events:none!important;content-visibility:hidden!important;overflow:hidden!important;width:0!important;height:0!important}
    main{display:block!important}`,
  'leaking custom properties': `:root{--cw-panel-top:0px;--cw-panel-bottom:0px;--cw-left:0px;--cw-right:auto;--cw-top:0px;--cw-bottom:auto;
    --cw-fg:red;--cw-bg:lime;--cw-muted:red;--cw-border:red;--cw-accent:red;--cw-x:300px;--cw-y:300px;--cw-z:-1;--cw-brand:red;
    --cw-on-brand:lime;--cw-radius:0px;--cw-font:cursive;--cw-vv-height:10px;--cw-vv-top:300px;--cw-accent-light:red;--cw-accent-dark:red}`,
  // On the element itself only the documented names count (--cw-brand, --cw-radius…); the widget's
  // internal ones are set inside it.
  'internal custom properties on the host element': `contact-widget{--cw-panel-top:0px;--cw-panel-bottom:0px;--cw-left:0px;--cw-top:0px;
    --cw-fg:red;--cw-bg:lime;--cw-muted:red;--cw-border:red;--cw-accent:red;--cw-vv-height:10px;--cw-vv-top:300px;--cw-unknown:1px}`,
  // Not here: a transform, filter, perspective or `contain` on <html> or <body> makes that element
  // the containing block of every fixed element on the page, ours included (see the README).
};

const CONFIG = (endpoint) => ({
  endpoint,
  channels: [{ type: 'phone', value: '+1 555 0100 123', label: 'Sales' }, { type: 'email', value: 'help@example.com' }],
  form: { email: 'optional' },
});

/** A host page with `css` in its head; `widget` false leaves the script out. */
function page(name, css, { widget = true, config } = {}) {
  const path = `/guest-${Object.keys(pages).length}.html`;
  const json = JSON.stringify(config ?? CONFIG(`${inbox.url}/api/feedback`));
  pages[path] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name}</title>
<style>${css}</style></head><body><main><h1>${name}</h1><p>Some host content with <a href="#top">a link</a> and <button>a button</button>.</p>
<div class="box">A host div</div><svg viewBox="0 0 10 10" width="10" height="10"><path d="M0 0h10v10z"/></svg></main>
${widget ? `<script type="application/json" id="contact-widget-config">${json}</script><script src="${inbox.url}/dist/contact-widget.js" async></script>` : ''}
</body></html>`;
  return `${site.url}${path}`;
}

const PROPS = ['font-family', 'font-size', 'font-weight', 'font-style', 'line-height', 'color', 'background-color', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'letter-spacing', 'word-spacing', 'text-transform', 'text-align', 'text-indent', 'white-space', 'box-sizing', 'direction', 'writing-mode', 'visibility', 'cursor', 'display', 'pointer-events'];
const PARTS = { launcher: '.launcher', panel: '#cw-panel', title: '#cw-title', close: '.close', channel: '.channel', textarea: 'textarea', email: '#cw-email', send: '.send' };

/** Boxes and computed styles of the widget's parts, closed and open. */
async function measureWidget(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e));
  await p.goto(url);
  await widgetReady(p);
  const grab = (which) => p.evaluate(([parts, props, which]) => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const out = {};
    for (const [name, selector] of Object.entries(parts)) {
      const e = root.querySelector(selector);
      if (!e || (which === 'closed' && name !== 'launcher' && name !== 'icon')) continue;
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      out[name] = { box: [r.x, r.y, r.width, r.height], style: Object.fromEntries(props.map((k) => [k, s.getPropertyValue(k)])) };
      // What the visitor sees at the centre of the part is the part (nothing covers it).
      const hit = root.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      out[name].hit = !!hit && (e === hit || e.contains(hit) || hit.contains(e));
    }
    return out;
  }, [PARTS, PROPS, which]);
  const closed = await grab('closed');
  await p.locator('contact-widget .launcher').click();
  await p.getByRole('dialog').waitFor();
  const open = await grab('open');
  await context.close();
  assert.deepEqual(errors, []);
  return { closed, open };
}

/** The host page's own elements: boxes and computed styles. */
async function measureHost(url, withWidget) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await context.newPage();
  await p.goto(url);
  if (withWidget) {
    await widgetReady(p);
    await p.locator('contact-widget .launcher').click();
    await p.getByRole('dialog').waitFor();
    await p.keyboard.press('Escape');
  }
  const result = await p.evaluate((props) => {
    const out = {};
    for (const [i, e] of [...document.querySelectorAll('html, body, main, main *')].entries()) {
      const r = e.getBoundingClientRect();
      const s = getComputedStyle(e);
      out[`${i} ${e.tagName}`] = { box: [r.x, r.y, r.width, r.height], style: Object.fromEntries(props.map((k) => [k, s.getPropertyValue(k)])) };
    }
    out.sheets = [document.styleSheets.length, document.adoptedStyleSheets.length, document.documentElement.scrollHeight, document.documentElement.scrollWidth];
    out.htmlStyle = [document.documentElement.getAttribute('style'), document.body.getAttribute('style')];
    return out;
  }, PROPS);
  await context.close();
  return result;
}

function near(actual, expected, what) {
  for (const [part, e] of Object.entries(expected)) {
    const a = actual[part];
    assert.ok(a, `${what}: ${part} is missing`);
    e.box.forEach((v, i) => assert.ok(Math.abs(a.box[i] - v) <= 1, `${what}: ${part} box ${JSON.stringify(a.box)}, on a plain page ${JSON.stringify(e.box)}`));
    assert.deepEqual(a.style, e.style, `${what}: ${part} computed style`);
    assert.ok(a.hit, `${what}: ${part} is covered by something else`);
  }
}

let plain;
test('a plain page: the reference', async () => {
  plain = await measureWidget(page('plain', ''));
  assert.ok(plain.open.panel.box[2] > 300 && plain.open.textarea.box[3] >= 90);
});

for (const [name, css] of Object.entries(HOSTILE)) {
  test(`hostile host CSS changes nothing inside: ${name}`, async () => {
    const got = await measureWidget(page(name, css));
    near(got.closed, plain.closed, `${name}, closed`);
    near(got.open, plain.open, `${name}, open`);
  });
}

test("nothing of ours reaches the host page's elements", async () => {
  for (const [name, css] of Object.entries({ plain: '', ...HOSTILE })) {
    const without = await measureHost(page(name, css, { widget: false }), false);
    const withWidget = await measureHost(page(name, css), true);
    assert.deepEqual(withWidget, without, name);
  }
});

test('the owner styles the widget only through the documented --cw-* properties and the hidden attribute', async () => {
  const owner = 'contact-widget{--cw-brand:#aa0000;--cw-on-brand:#ffffff;--cw-radius:4px;--cw-font:serif}';
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  const p = await context.newPage();
  await p.goto(page('owner', owner));
  await widgetReady(p);
  await p.locator('contact-widget .launcher').click();
  const styles = await p.evaluate(() => {
    const root = document.querySelector('contact-widget').shadowRoot;
    const s = (q) => getComputedStyle(root.querySelector(q));
    return { launcher: s('.launcher').backgroundColor, text: s('.launcher').color, radius: s('#cw-panel').borderTopLeftRadius, font: s('#cw-title').fontFamily };
  });
  assert.deepEqual(styles, { launcher: 'rgb(170, 0, 0)', text: 'rgb(255, 255, 255)', radius: '4px', font: 'serif' });
  // The hidden attribute hides everything; removing it shows the widget again.
  await p.evaluate(() => document.querySelector('contact-widget').setAttribute('hidden', ''));
  assert.equal(await p.locator('contact-widget .launcher').isVisible(), false);
  await p.evaluate(() => document.querySelector('contact-widget').removeAttribute('hidden'));
  assert.equal(await p.locator('contact-widget .launcher').isVisible(), true);
  await context.close();
});
