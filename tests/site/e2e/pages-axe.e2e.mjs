// axe-core on every page of the site (issue 13), in Chromium against a real
// ledgerd with the demo ledger, in both languages at 1366x900 and 390x844: no
// serious or critical violation. The same pages as pages.e2e.mjs (split from
// it: each e2e file has a 300 s budget).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLedgerd, makeDonation, someFund } from '../helpers/ledgerd.mjs';
import { SITE, skipWithoutLedgerd, openBrowser, load, axeSerious } from './harness.mjs';

const skip = skipWithoutLedgerd();

let srv;
let browser;
let receipt;
let grantId;

async function api(p) {
  const r = await fetch(srv.url + p);
  assert.equal(r.status, 200, `GET ${p} -> ${r.status}`);
  return r.json();
}

before(async () => {
  if (skip) return;
  srv = await startLedgerd({ site: SITE });
  assert.equal(srv.mode, 'funds', 'ledgerd has the charity domain');
  receipt = await makeDonation(srv, { fund: await someFund(srv), amount: 123456 });
  await (await fetch(srv.url + `api/v1/receipts/${receipt.seq}?wait=1`)).text();
  const fund = await api('api/v1/funds/poor-students');
  grantId = fund.grants[0].id;
  browser = await openBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function pages() {
  return [
    ['dashboard', 'index.html'],
    ['funds', 'funds.html'],
    ['fund', 'fund.html?id=poor-students'],
    ['grant', `grant.html?id=${grantId}`],
    ['entries', 'entries.html'],
    ['entry', 'entries.html?seq=2768'],
    ['reports', 'reports.html?year=2018'],
    ['compliance', 'compliance.html?year=2018'],
    ['verify', `verify.html#${receipt.receipt}`, 'verified'],
    ['api', 'api.html'],
  ];
}

const LANGS = ['zh-CN', 'en'];
const SIZES = [[1366, 900], [390, 844]];

test('axe-core finds no serious or critical violation on any page, in either language, desktop and phone', { skip }, async () => {
  const found = [];
  for (const lang of LANGS) {
    for (const [w, h] of SIZES) {
      const page = await browser.newPage({ lang, viewport: { width: w, height: h } });
      for (const [name, p, ready] of pages()) {
        await load(page, srv.url + p, ready);
        if (name === 'entry') await page.waitForSelector('#entry-detail h2');
        for (const v of await axeSerious(page)) found.push(`${name} ${lang} ${w}px: ${v}`);
      }
      await page.close();
    }
  }
  assert.deepEqual(found, []);
});

test('no console errors, failed requests or off-site requests on any page', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
