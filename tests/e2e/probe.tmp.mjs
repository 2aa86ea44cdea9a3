import fs from 'node:fs';
import { startInbox, launch, widgetReady } from './support/harness.mjs';
const inbox = await startInbox();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: +(process.env.W ?? 1280), height: 800 } });
const page = await context.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${inbox.url}/configurator.html`);
await page.waitForSelector('html[data-ready]', { timeout: 15000 }).catch((e) => console.log('not ready', e.message));
await page.getByLabel(/Paste a configuration/).fill(fs.readFileSync('/work/wt-config/examples/hours.json','utf8').replace('"endpoint"', '"bogus": 1, "endpoint"'));
await page.getByRole('button', { name: 'Import' }).click();
await page.waitForTimeout(1500);
console.log(await page.locator('#import-status').textContent());
console.log(await page.locator('#problems').textContent());
console.log(await page.locator('#snippet').textContent());
for (const [i, sel] of ["#f-channels-1-value", "#f-hours-on", "#f-theme-scheme"].entries()) { await page.locator(sel).scrollIntoViewIfNeeded(); await page.evaluate(() => window.scrollBy(0, 250)); await page.screenshot({ path: `/tmp/cfgscratch/s${i}.png` }); }
await browser.close(); await inbox.stop();
