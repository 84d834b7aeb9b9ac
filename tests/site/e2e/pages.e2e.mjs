// The public site as donors and journalists use it (issue 13), in Chromium
// against a real ledgerd with the demo ledger (2016-2020): phone layouts,
// accessibility (axe-core), the Sankey's labels, year pickers, corrected
// entries, translated codes, downloads, what the verify page claims, and
// the dashboard's weight. Screenshots of every page at 1366x900 and 390x844
// in both languages go to build/e2e/pages/. The axe-core check of the same
// pages is pages-axe.e2e.mjs (each e2e file has a 300 s budget).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLedgerd, makeDonation, someFund } from '../helpers/ledgerd.mjs';
import { fenToYuanString } from '../../../public-site/js/format.js';
import { BOM } from '../../../public-site/js/csv.js';
import { SITE, OUT, skipWithoutLedgerd, openBrowser, load, fitsWidth, log } from './harness.mjs';
import { measureTransfer, describe, DASHBOARD_LIMIT_BYTES } from './weight.mjs';

const skip = skipWithoutLedgerd();
const SHOTS = path.join(OUT, 'pages');
fs.mkdirSync(SHOTS, { recursive: true });

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

test('no page scrolls sideways on a phone or a desktop, in either language; screenshots of each', { skip }, async () => {
  const wide = [];
  for (const lang of LANGS) {
    for (const [w, h] of SIZES) {
      const page = await browser.newPage({ lang, viewport: { width: w, height: h } });
      for (const [name, p, ready] of pages()) {
        await load(page, srv.url + p, ready);
        if (name === 'entry') await page.waitForSelector('#entry-detail h2');
        if (!(await fitsWidth(page))) wide.push(`${name} ${lang} ${w}px: ${await page.evaluate(() => document.documentElement.scrollWidth)}px wide`);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${w}.png`), fullPage: true });
      }
      await page.close();
    }
  }
  assert.deepEqual(wide, []);
  log(`screenshots in ${path.relative(process.cwd(), SHOTS)}/`);
});

test('on a phone, wide tables are cards or scroll inside a marked box with a hint', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await load(page, srv.url + 'reports.html?year=2018');
  // Cards: the header row is hidden and every cell says its column.
  const card = await page.evaluate(() => {
    const td = document.querySelector('#report tbody td');
    return { display: getComputedStyle(td).display, label: getComputedStyle(td, '::before').content, theadHeight: document.querySelector('#report thead').getBoundingClientRect().height };
  });
  assert.equal(card.display, 'flex');
  assert.match(card.label, /期初余额/);
  assert.ok(card.theadHeight <= 1);
  await load(page, srv.url + 'index.html');
  const box = await page.evaluate(() => {
    const s = document.querySelector('#lottery .table-scroll');
    const w = s.querySelector('.table-wrap');
    return { overflowing: s.classList.contains('overflowing'), hint: getComputedStyle(s.querySelector('.scroll-hint')).display, scrolls: w.scrollWidth > w.clientWidth, role: w.getAttribute('role'), label: w.getAttribute('aria-label') };
  });
  assert.deepEqual(box, { overflowing: true, hint: 'block', scrolls: true, role: 'region', label: '福利彩票公益金（按期）' });
  await page.close();
});

test('at 1366 px the report keeps fund names whole and the root hash wraps', { skip }, async () => {
  for (const lang of LANGS) {
    const page = await browser.newPage({ lang, viewport: { width: 1366, height: 900 } });
    await load(page, srv.url + 'reports.html?year=2018');
    const names = await page.$$eval('#report tbody th a', (as) => as.map((a) => ({ text: a.textContent, lines: a.getClientRects().length, column: a.closest('th').getBoundingClientRect().width })));
    assert.ok(names.length >= 5);
    for (const n of names) {
      // The name column is never squeezed: Chinese names on one line, English ones on at most two, whole words.
      assert.ok(n.column >= 200, `${n.text}: column ${n.column}px`);
      assert.ok(n.lines <= (lang === 'zh-CN' ? 1 : 2), `${n.text}: ${n.lines} lines`);
    }
    const fits = await page.evaluate(() => { const w = document.querySelector('#report .table-wrap'); return w.scrollWidth <= w.clientWidth + 1; });
    assert.ok(fits, `${lang}: the whole report table fits at 1366 px, no scrolling inside it`);
    const anchor = await page.evaluate(() => { const a = document.querySelector('#report .anchor'); return a.scrollWidth <= a.clientWidth + 1; });
    assert.ok(anchor, 'the anchor line with the root hash fits its box');
    await page.close();
  }
});

/** Every Sankey node label: its rectangle on the page and whether ECharts hid it. */
function sankeyLabels(page) {
  return page.evaluate(() => {
    const chart = globalThis.echarts.getInstanceByDom(document.querySelector('#flow-chart'));
    const data = chart.getModel().getSeriesByIndex(0).getData();
    const out = [];
    for (let i = 0; i < data.count(); i++) {
      const text = data.getItemGraphicEl(i).getTextContent();
      const r = text.getBoundingRect().clone();
      r.applyTransform(text.getComputedTransform());
      out.push({ name: data.getName(i), hidden: !!text.ignore || !!text.invisible, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    return out;
  });
}

test('the Sankey labels every fund, small ones too, without overlap; screen readers hear no NaN', { skip }, async () => {
  for (const [w, h] of SIZES) {
    for (const lang of LANGS) {
      const page = await browser.newPage({ lang, viewport: { width: w, height: h } });
      await load(page, srv.url + 'index.html');
      const labels = await sankeyLabels(page);
      const flows = await api('api/v1/flows');
      assert.equal(labels.length, flows.nodes.length);
      assert.deepEqual(labels.filter((l) => l.hidden).map((l) => l.name), [], `${w}px ${lang}: every label shown`);
      const overlaps = [];
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
          const a = labels[i];
          const b = labels[j];
          if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.name} / ${b.name}`);
        }
      }
      assert.deepEqual(overlaps, [], `${w}px ${lang}: labels overlap`);
      const aria = await page.getAttribute('#flow-chart', 'aria-label');
      assert.ok(aria && aria.length > 40, 'the chart has a description');
      assert.doesNotMatch(aria, /NaN|undefined/);
      assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /NaN/);
      await page.locator('#flow-chart').screenshot({ path: path.join(SHOTS, `sankey-${lang}-${w}.png`) });
      await page.close();
    }
  }
});

/** The years whose report shows money moving, asked of the API one by one. */
async function yearsWithData() {
  const out = [];
  for (let y = 2010; y <= new Date().getFullYear(); y++) {
    const r = await api(`api/v1/reports?from=${y}-01-01&to=${y}-12-31`);
    // Money of the year, or a balance brought forward into it (the demo's 2015).
    const money = ['income', 'granted', 'disbursed', 'used', 'admin_cost'].some((k) => String(r.totals[k]) !== '0');
    if (money || String(r.totals.detail?.brought_forward ?? 0) !== '0') out.push(y);
  }
  return out;
}

test('year pickers offer the ledger\'s own years; 2018 is reachable and matches the API; an empty year says no data', { skip }, async () => {
  const years = await yearsWithData();
  assert.ok(years.length >= 3, `demo years ${years}`);
  const expected = [];
  for (let y = years[years.length - 1]; y >= years[0]; y--) expected.push(String(y));
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });

  // Reports: opens on the newest year with data; the picker lists exactly the ledger's years.
  await load(page, srv.url + 'reports.html');
  assert.deepEqual(await page.$$eval('#p-year option', (o) => o.map((x) => x.value)), expected);
  assert.equal(await page.inputValue('#p-year'), expected[0]);
  await page.selectOption('#p-year', '2018');
  await page.click('#period button[type="submit"]');
  await page.waitForFunction(() => /2018/.test(document.querySelector('#report h2')?.textContent || ''));
  const r2018 = await api('api/v1/reports?from=2018-01-01&to=2018-12-31');
  assert.equal(await page.textContent('#report tfoot [data-field="income"]'), fenToYuanString(r2018.totals.income));
  assert.match(page.url(), /year=2018/);
  await load(page, srv.url + 'reports.html?year=2018');
  assert.equal(await page.inputValue('#p-year'), '2018');
  assert.equal(await page.textContent('#report tfoot [data-field="disbursed"]'), fenToYuanString(r2018.totals.disbursed));
  await load(page, srv.url + 'reports.html?year=2012');
  assert.equal(await page.inputValue('#p-year'), '2012');
  assert.equal((await page.textContent('#report-nodata')).trim(), '无数据');
  assert.equal(await page.$('#report table'), null, 'no table of zeros for a year before the ledger');

  // Compliance: the same years; 2018 from the picker matches the API; a year with nothing is never "met".
  await load(page, srv.url + 'compliance.html');
  assert.deepEqual(await page.$$eval('#c-year option', (o) => o.map((x) => x.value)), expected);
  assert.equal(await page.inputValue('#c-year'), expected[0]);
  await page.selectOption('#c-year', '2018');
  const c2018 = await api('api/v1/compliance?year=2018');
  await page.waitForFunction((v) => document.querySelector('#admin .figure-list dd')?.textContent === v, `${fenToYuanString(c2018.admin_cost)} 元`);
  assert.match(page.url(), /year=2018/);
  await load(page, srv.url + 'compliance.html?year=2012');
  assert.equal(await page.inputValue('#c-year'), '2012');
  assert.ok(await page.$('#comp-nodata'), 'says there is no data');
  assert.doesNotMatch(await page.textContent('#compliance .cards'), /符合/);
  await page.close();
});

test('the entries list shows business dates and marks corrected entries such as #2768', { skip }, async () => {
  const corrections = [];
  let cursor = '';
  do {
    const p = await api('api/v1/entries?type=correction&limit=500' + (cursor ? '&cursor=' + cursor : ''));
    corrections.push(...p.entries);
    cursor = p.next_cursor;
  } while (cursor);
  const target = corrections.find((c) => c.entry.body.target === 2768) || corrections[0];
  assert.ok(target, 'the demo has corrections');
  const t = await api('api/v1/entries/' + target.entry.body.target);
  const date = t.entry.body.paid_at || t.entry.body.received_at || t.entry.body.spent_at || t.entry.body.award_date;
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await load(page, srv.url + `entries.html?type=${t.entry.type}&from=${date}&to=${date}&limit=500`);
  const row = page.locator('#entries tbody tr', { has: page.locator(`th a:text-is("#${t.seq}")`) });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator('[data-corrected-by]').getAttribute('data-corrected-by'), String(target.seq));
  assert.match(await row.textContent(), new RegExp(`已被 #${target.seq} 更正`));
  assert.match(await row.locator('td').nth(0).textContent(), /\d{4}年\d+月\d+日/, 'business date shown');
  // Only corrected rows are marked.
  const marked = await page.$$eval('#entries [data-corrected-by]', (a) => a.length);
  const all = new Set(corrections.map((c) => c.entry.body.target));
  const rows = await page.$$eval('#entries tbody th a', (a) => a.map((x) => Number(x.textContent.slice(1))));
  assert.equal(marked, rows.filter((s) => all.has(s)).length);
  // A payment names its grant where the fund would be.
  if (t.entry.type === 'disbursement') assert.match(await row.locator('td').nth(2).textContent(), /经资助项目/);
  await page.close();
});

test('codes are translated: Chinese pages never show bank/online, English ones say Bank transfer; Chinese-only names are marked', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await load(page, srv.url + 'entries.html?type=donation&limit=200');
  const zh = await page.textContent('#entries');
  assert.doesNotMatch(zh, /\b(bank|online|cash|in_kind|charity|lottery|donation)\b/);
  assert.match(zh, /银行转账|网上捐赠|现金/);
  await load(page, srv.url + `verify.html#${receipt.receipt}`, 'verified');
  assert.match(await page.textContent('#verify-donation'), /银行转账/);
  await page.close();
  const en = await browser.newPage({ lang: 'en', viewport: { width: 1366, height: 900 } });
  await load(en, srv.url + 'entries.html?type=donation&limit=200');
  assert.match(await en.textContent('#entries'), /Bank transfer|Online|Cash/);
  await load(en, srv.url + `grant.html?id=${grantId}`);
  assert.match(await en.textContent('.grant-facts'), /\(Chinese only\)/);
  assert.equal(await en.getAttribute('.grant-facts dd span[lang="zh-CN"]', 'lang'), 'zh-CN');
  await load(en, srv.url + 'fund.html?id=poor-students');
  assert.match(await en.textContent('.zh-only-note'), /Chinese only/);
  await en.close();
});

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

function parseCsv(text) {
  assert.ok(text.startsWith(BOM), 'UTF-8 BOM');
  const rows = [];
  let row = [];
  let cell = '';
  let q = false;
  const s = text.slice(1);
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && s[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

test('downloads: CSV in yuan with a BOM and units in the headers, and JSON, for entries, grants, funds and reports; API links', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  // Entries of January 2016, every page of them.
  await load(page, srv.url + 'entries.html?type=donation&from=2016-01-01&to=2016-01-31&limit=10');
  const apiEntries = [];
  let cursor = '';
  do {
    const p = await api('api/v1/entries?type=donation&from=2016-01-01&to=2016-01-31&limit=500' + (cursor ? '&cursor=' + cursor : ''));
    apiEntries.push(...p.entries);
    cursor = p.next_cursor;
  } while (cursor);
  assert.ok(apiEntries.length > 10, 'more than one page');
  const csv = await download(page, '#dl-entries-csv');
  const rows = parseCsv(csv.text);
  const header = rows[0];
  const amountCol = header.indexOf('金额（元）');
  assert.ok(amountCol > 0, `header ${header}`);
  assert.equal(rows.length - 1, apiEntries.length);
  for (let i = 0; i < apiEntries.length; i++) {
    assert.equal(rows[i + 1][0], String(apiEntries[i].seq));
    assert.equal(rows[i + 1][amountCol], fenToYuanString(apiEntries[i].entry.body.amount).replace(/,/g, ''));
  }
  const json = JSON.parse((await download(page, '#dl-entries-json')).text);
  assert.deepEqual(json.entries.map((e) => e.seq), apiEntries.map((e) => e.seq));

  // A fund's grants.
  await load(page, srv.url + 'fund.html?id=poor-students');
  const fund = await api('api/v1/funds/poor-students');
  const g = parseCsv((await download(page, '#dl-grants-csv')).text);
  assert.ok(g[0].includes('承诺金额（元）'));
  assert.equal(g.length - 1, fund.grants.length);
  assert.equal(g[1][g[0].indexOf('承诺金额（元）')], fenToYuanString(fund.grants[0].amount).replace(/,/g, ''));
  assert.deepEqual(JSON.parse((await download(page, '#dl-grants-json')).text).grants, fund.grants);

  await page.close();

  // Funds and the 2018 report, in English this time.
  const en = await browser.newPage({ lang: 'en', viewport: { width: 1366, height: 900 } });
  await load(en, srv.url + 'funds.html');
  const f = parseCsv((await download(en, '#dl-funds-csv')).text);
  assert.ok(f[0].includes('Income (CNY)'), `header ${f[0]}`);
  await load(en, srv.url + 'reports.html?year=2018');
  const rep = await api('api/v1/reports?from=2018-01-01&to=2018-12-31');
  const r = parseCsv((await download(en, '#dl-csv')).text);
  const total = r[r.length - 1];
  assert.equal(total[1], 'Total');
  assert.equal(total[r[0].indexOf('Income (CNY)')], fenToYuanString(rep.totals.income).replace(/,/g, ''));
  assert.deepEqual(JSON.parse((await download(en, '#dl-json')).text), rep);

  // The footer links the API page and the 360Giving export, both served.
  const links = await en.$$eval('#site-footer a', (a) => a.map((x) => x.getAttribute('href')));
  assert.deepEqual(links, ['api.html', 'api/v1/export/360giving.json']);
  const giving = await api('api/v1/export/360giving.json');
  assert.ok(giving.grants.length > 0);
  await load(en, srv.url + 'api.html');
  assert.match(await en.textContent('main'), /api\/v1\/proof\/consistency/);
  await en.close();
});

test('the verify page claims only what it checked: a proof file without a code is "a record in the ledger", never "your donation"', { skip }, async () => {
  const proof = await (await fetch(srv.url + `api/v1/receipts/${receipt.seq}?wait=1`)).text();
  const file = path.join(OUT, 'pages-receipt.tlog-proof');
  fs.writeFileSync(file, proof);
  const logInfo = await api('api/v1/log');
  const [name, id] = logInfo.vkey.split('+');
  for (const lang of LANGS) {
    const page = await browser.newPage({ lang });
    await load(page, srv.url + 'verify.html');
    await page.setInputFiles('#proof-file', file);
    await page.waitForSelector('#verify-result[data-status="verified"]');
    assert.equal(await page.getAttribute('#verify-result', 'data-claim'), 'record');
    const text = await page.textContent('#verify-result');
    if (lang === 'zh-CN') {
      assert.match(text, new RegExp(`第 ${receipt.seq} 号捐赠记录在公开账本中`));
      assert.doesNotMatch(text, /您的捐赠已记入/);
    } else {
      assert.match(text, new RegExp(`record no. ${receipt.seq} is in the public ledger`));
      assert.doesNotMatch(text, /your donation is in/);
    }
    // The key it checked with, its ID to compare with the printed receipt, and that it came from this server.
    assert.equal(await page.textContent('#log-key-id'), `${name}+${id}`);
    assert.equal(await page.getAttribute('#key-pinning', 'data-source'), 'server');
    assert.match(await page.textContent('#key-pinning'), lang === 'zh-CN' ? /本站没有固定账本公钥/ : /pins no ledger key/);
    await page.goto(srv.url + `verify.html#${receipt.receipt}`);
    await page.waitForSelector('#verify-result[data-claim="donation"]');
    await page.screenshot({ path: path.join(SHOTS, `verify-claims-${lang}.png`), fullPage: true });
    await page.close();
  }
});

test(`the dashboard transfers under ${DASHBOARD_LIMIT_BYTES / 1024} KB on a first visit, compressed, and loads ECharts only where a chart is drawn`, { skip }, async () => {
  const m = await measureTransfer(browser.context, srv.url + 'index.html');
  log(describe(m));
  assert.ok(m.total < DASHBOARD_LIMIT_BYTES, describe(m));
  const chart = m.requests.find((r) => /vendor\/echarts/.test(r.url));
  assert.equal(chart.encoding, 'gzip');
  for (const [name, p] of pages().filter(([n]) => n !== 'dashboard')) {
    const other = await measureTransfer(browser.context, srv.url + p);
    assert.deepEqual(other.requests.filter((r) => /echarts/.test(r.url)).map((r) => r.url), [], `${name} loads no chart library`);
  }
});

test('no console errors, failed requests or off-site requests on any page', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
