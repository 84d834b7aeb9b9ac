// The pages the charity-accounting work changed (trace, lottery, compliance,
// fund, grant, entries, verify), with a ledger recorded through the API
// (tests/site/helpers/accounts-fixture.mjs): no sideways scroll at 390 or
// 1366 px and no serious or critical axe-core finding, in both languages,
// every <details> open. Screenshots in build/e2e/accounts/.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLedgerd } from '../helpers/ledgerd.mjs';
import { recordFixture, recordProfile } from '../helpers/accounts-fixture.mjs';
import { SITE, OUT, skipWithoutLedgerd, openBrowser, load, axeSerious, fitsWidth, log } from './harness.mjs';
import { accountsPages } from './accounts-setup.mjs';

const skip = skipWithoutLedgerd();
const SHOTS = path.join(OUT, 'accounts');
fs.mkdirSync(SHOTS, { recursive: true });
const LANGS = ['zh-CN', 'en'];
const SIZES = [[1366, 900], [390, 844]];

let srv;
let browser;
let fx;

before(async () => {
  if (skip) return;
  srv = await startLedgerd({ site: SITE, demo: false });
  fx = await recordFixture(srv);
  await recordProfile(srv);
  await (await fetch(srv.url + `api/v1/receipts/${fx.seq.bigGift}?wait=1`)).text();
  browser = await openBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// The pages this issue changed, with this ledger's data (pages.e2e.mjs checks every page with the demo's).
function changedPages() {
  const keep = new Set(['fund', 'grant', 'entry', 'lottery', 'compliance', 'compliance-2016', 'trace', 'verify']);
  return [...accountsPages(fx).filter(([name]) => keep.has(name)), ['entries', 'entries.html?limit=60']];
}

test('no sideways scroll at 390 or 1366 px and no serious axe finding on these pages, in either language', { skip }, async () => {
  const wide = [];
  const found = [];
  for (const lang of LANGS) {
    for (const [w, h] of SIZES) {
      const page = await browser.newPage({ lang, viewport: { width: w, height: h } });
      for (const [name, p, ready] of changedPages()) {
        await load(page, srv.url + p, ready);
        if (name === 'entry') await page.waitForSelector('#entry-detail h2');
        if (name === 'trace' || name === 'verify') await page.waitForSelector('#trace-parts');
        for (const d of await page.$$('details')) await d.evaluate((x) => { x.open = true; });
        if (!(await fitsWidth(page))) wide.push(`${name} ${lang} ${w}px: ${await page.evaluate(() => document.documentElement.scrollWidth)}px`);
        for (const v of await axeSerious(page)) found.push(`${name} ${lang} ${w}px: ${v}`);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${w}.png`), fullPage: true });
      }
      await page.close();
    }
  }
  assert.deepEqual(wide, []);
  assert.deepEqual(found, []);
  log(`screenshots in ${path.relative(process.cwd(), SHOTS)}/`);
});

test('no console errors, failed requests or off-site requests on these pages', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
