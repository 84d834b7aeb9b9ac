// The charity-accounting pages (issue 13 on top of issue 11) in Chromium
// against a real ledgerd holding a ledger recorded here through the API
// (tests/site/helpers/accounts-fixture.mjs), not the demo: the sample-data
// banner on every page, where a gift went (summary, grouped lines, FIFO),
// fund pages paged by year with corrected entries marked, compliance by tier
// and deadline, the lottery announcement, every entry type in both
// languages. accounts-layout.e2e.mjs checks the same pages for sideways
// scroll and axe findings. Screenshots in build/e2e/accounts/.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startLedgerd } from '../helpers/ledgerd.mjs';
import { recordFixture, recordProfile } from '../helpers/accounts-fixture.mjs';
import { fenToYuanString, ratioToPercent, formatDate } from '../../../public-site/js/format.js';
import { SITE, OUT, skipWithoutLedgerd, openBrowser, load, startMirror } from './harness.mjs';
import { accountsPages } from './accounts-setup.mjs';

const skip = skipWithoutLedgerd();
const SHOTS = path.join(OUT, 'accounts');
fs.mkdirSync(SHOTS, { recursive: true });
const LANGS = ['zh-CN', 'en'];
const THIS_YEAR = new Date().getFullYear();

let srv;
let browser;
let fx;
let bannerBefore;

async function api(p) {
  const r = await fetch(srv.url + p);
  assert.equal(r.status, 200, `GET ${p} -> ${r.status}`);
  return r.json();
}
const yuan = (fen) => `${fenToYuanString(fen)} 元`;

before(async () => {
  if (skip) return;
  srv = await startLedgerd({ site: SITE, demo: false });
  fx = await recordFixture(srv);
  browser = await openBrowser();
  // Before the organisation declares its data fictional, no banner.
  const page = await browser.newPage();
  await load(page, srv.url + 'index.html');
  await page.waitForTimeout(300);
  bannerBefore = await page.$('#sample-banner');
  await page.close();
  await recordProfile(srv);
  await (await fetch(srv.url + `api/v1/receipts/${fx.seq.bigGift}?wait=1`)).text();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('a "sample data" banner on every page, in both languages, once the ledger says so; none before', { skip }, async () => {
  assert.equal(bannerBefore, null, 'no banner while /api/v1/log says sample_data: false');
  assert.equal((await api('api/v1/log')).sample_data, true);
  for (const lang of LANGS) {
    const page = await browser.newPage({ lang });
    for (const [name, p, ready] of accountsPages(fx)) {
      await load(page, srv.url + p, ready);
      const banner = page.locator('#sample-banner');
      await banner.waitFor({ state: 'visible', timeout: 5000 });
      const box = await banner.boundingBox();
      assert.ok(box && box.y < 5, `${name} ${lang}: the banner is at the top`);
      assert.match(await banner.textContent(), lang === 'zh-CN' ? /^示例数据 .*虚构/ : /^Sample data\. .*fictional/, `${name} ${lang}`);
    }
    // A language switch redraws it in the other language.
    await load(page, srv.url + 'index.html');
    await page.click('#lang-switch');
    assert.match(await page.textContent('#sample-banner'), lang === 'zh-CN' ? /Sample data/ : /示例数据/);
    await page.close();
  }
});

/** The amounts of the summary's parts as shown, and their sum. */
async function traceParts(page, root) {
  const parts = await page.$$eval(`${root} #trace-parts li`, (li) => li.map((x) => ({ part: x.dataset.part, amount: BigInt(x.dataset.amount).toString(), text: x.textContent })));
  const sum = parts.reduce((a, p) => a + BigInt(p.amount), 0n);
  return { parts, sum };
}

test('where my money went: a summary whose parts add up to the gift, grouped lines with recipients and dates, FIFO in one sentence', { skip }, async () => {
  const tr = await api(`api/v1/donations/${fx.seq.bigGift}/trace`);
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await load(page, srv.url + `trace.html?seq=${fx.seq.bigGift}`);
  const { parts, sum } = await traceParts(page, '#trace');
  assert.equal(sum, BigInt(tr.amount), 'the parts add up to the gift');
  assert.deepEqual(parts.map((p) => p.part), ['grants', 'admin', 'other', 'unspent']);
  assert.equal(parts[0].amount, String(tr.summary.to_grants));
  assert.equal(parts[3].amount, String(tr.summary.unspent));
  assert.match(parts[0].text, new RegExp(`资助了 ${tr.summary.recipients} 个受助对象（${formatDate(tr.summary.first_date)} – ${formatDate(tr.summary.last_date)}）`));
  assert.match(await page.textContent('#trace-summary'), new RegExp(`${yuan(tr.amount).replace(/[.]/g, '\\.')} 的捐赠于 2018年1月5日 到账，进入“临时救助基金”基金`));
  assert.match(await page.textContent('#trace-fifo'), /先进先出/);
  // Lines grouped by programme: one group for the household relief, however many households.
  const relief = tr.flows.filter((f) => f.programme === '临时救助');
  assert.ok(relief.length > 20, `${relief.length} relief lines`);
  const group = page.locator('#trace-list li[data-group="grant:临时救助"]');
  assert.equal(await group.getAttribute('data-lines'), String(relief.length));
  assert.match(await group.locator('.group-head').textContent(), /临时救助 Temporary relief/);
  assert.match(await group.locator('.group-facts').textContent(), new RegExp(`${relief.length} 个受助对象`));
  await group.locator('summary').click();
  const rows = await group.locator('tbody tr').allTextContents();
  assert.equal(rows.length, relief.length);
  assert.match(rows[0], new RegExp(`${formatDate(relief[0].date)}.*${relief[0].recipient.name}`));
  assert.equal(await page.$$eval('#trace-list > li', (li) => li.length), 4, 'relief, the organisation grant, admin, fundraising cost');
  // "Used" appears where a recipient reported use, and is explained once.
  assert.ok(tr.summary.used > 0);
  assert.match(await page.textContent('#trace-fifo'), /“已使用”是受助机构报告已花出/);
  assert.match(await page.textContent('#trace-list li[data-group="grant:助残"]'), /已使用 10,000\.00 元/);
  await page.screenshot({ path: path.join(SHOTS, 'trace-zh-CN-1366.png'), fullPage: true });

  // A gift that went only to households: no "used" anywhere.
  await load(page, srv.url + `trace.html?seq=${fx.seq.gift2017}`);
  const t2017 = await api(`api/v1/donations/${fx.seq.gift2017}/trace`);
  assert.equal((await traceParts(page, '#trace')).sum, BigInt(t2017.amount));
  assert.doesNotMatch(await page.textContent('#trace'), /已使用/);
  assert.equal(await page.$$eval('#trace-list th', (th) => th.filter((x) => /已使用/.test(x.textContent)).length), 0);

  // A new gift nothing has spent yet says so once.
  await load(page, srv.url + `trace.html?seq=${fx.seq.freshGift}`);
  const text = await page.textContent('#trace');
  assert.equal(text.split('尚未支出').length - 1, 1, text);
  assert.equal(await page.$('#trace-list'), null);
  await page.close();

  // The donor's own view: the verify page with the receipt code shows the same summary.
  for (const lang of LANGS) {
    const v = await browser.newPage({ lang });
    await load(v, srv.url + `verify.html#${fx.receipts.bigGift}`, 'verified');
    await v.waitForSelector('#verify-trace #trace-parts');
    assert.equal(await v.getAttribute('#verify-result', 'data-claim'), 'donation');
    assert.equal((await traceParts(v, '#verify-trace')).sum, BigInt(tr.amount));
    assert.match(await v.textContent('#donation-receipt-no'), /HC2018-0001/);
    if (lang === 'en') assert.match(await v.textContent('#trace-fifo'), /first in, first out/);
    await v.screenshot({ path: path.join(SHOTS, `verify-trace-${lang}.png`), fullPage: true });
    await v.close();
  }
});

test('fund pages: grants a page at a time by year, entries paged by business date, corrected entries marked', { skip }, async () => {
  const fund = await api('api/v1/funds/relief');
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await load(page, srv.url + 'fund.html?id=relief');
  const titles = () => page.$$eval('#fund .grants-table tbody th a', (a) => a.map((x) => new URL(x.href).searchParams.get('id')));
  assert.deepEqual(await titles(), fund.grants.slice(0, 20).map((g) => g.id));
  assert.match(await page.textContent('#grants-pager'), new RegExp(`第 1 / ${Math.ceil(fund.grants.length / 20)} 页.*共 ${fund.grants.length} 项`));
  await page.click('#grants-next');
  assert.deepEqual(await titles(), fund.grants.slice(20, 40).map((g) => g.id));
  assert.match(page.url(), /gpage=2/);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 12000, `the page is ${height} px tall, not every grant at once`);

  // The year filter: grants and entries of 2019 only.
  await page.selectOption('#fund-year', '2019');
  await page.waitForSelector('#fund-entries[data-page="2019:1"] table');
  assert.deepEqual(await titles(), fx.grants2019);
  assert.match(page.url(), /year=2019/);
  const e2019 = await api('api/v1/entries?fund=relief&from=2019-01-01&to=2019-12-31&order=desc&limit=20');
  assert.deepEqual(await page.$$eval('#fund-entries tbody th a', (a) => a.map((x) => Number(x.textContent.slice(1)))), e2019.entries.map((e) => e.seq));
  assert.ok(e2019.entries.every((e) => e.date.startsWith('2019')));

  // 2018: entries page after page, newest first, until the corrected payment shows, marked.
  await page.selectOption('#fund-year', '2018');
  await page.waitForSelector('#fund-entries[data-page="2018:1"] table');
  let cursor = '';
  let found = null;
  for (let n = 1; n <= 20 && !found; n++) {
    const p = await api('api/v1/entries?fund=relief&from=2018-01-01&to=2018-12-31&order=desc&limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    const shown = await page.$$eval('#fund-entries tbody th a', (a) => a.map((x) => Number(x.textContent.slice(1))));
    assert.deepEqual(shown, p.entries.map((e) => e.seq), `page ${n}`);
    const dates = p.entries.map((e) => e.date);
    assert.deepEqual(dates, [...dates].sort().reverse(), 'newest business date first');
    if (shown.includes(fx.seq.corrected)) found = n;
    else {
      cursor = p.next_cursor;
      assert.ok(cursor, 'more pages');
      await page.click('#fund-entries-next');
      await page.waitForSelector(`#fund-entries[data-page="2018:${n + 1}"] table`);
    }
  }
  assert.ok(found, 'the corrected payment is on some page');
  const row = page.locator('#fund-entries tbody tr', { has: page.locator(`th a:text-is("#${fx.seq.corrected}")`) });
  assert.equal(await row.locator('[data-corrected-by]').getAttribute('data-corrected-by'), String(fx.seq.correction));
  assert.match(await row.getAttribute('class'), /corrected/);
  assert.match(await row.locator('.struck').textContent(), /20,000\.00 元/);
  await page.close();

  // Reloaded with ?year=, in English: the picker says the year.
  const en = await browser.newPage({ lang: 'en', viewport: { width: 390, height: 844 } });
  await load(en, srv.url + 'fund.html?id=relief&year=2019');
  assert.equal(await en.inputValue('#fund-year'), '2019');
  assert.match(await en.textContent('#h-grants'), /3 in 2019/);
  assert.deepEqual(await en.$$eval('#fund .grants-table tbody tr td:last-child', (td) => td.map((x) => x.textContent)), ['2 persons', '2 persons', '2 persons'], 'beneficiary counts per grant');
  await en.close();
});

test('compliance: organisation, tier and source, ratios with their basis, why a year is not judged, deadlines by status with published dates', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const c2018 = await api('api/v1/compliance?year=2018');
  await load(page, srv.url + 'compliance.html?year=2018');
  assert.equal(await page.textContent('#comp-legal-type'), '社会团体');
  assert.equal(await page.getAttribute('#comp-tier', 'data-tier'), c2018.tier.id);
  assert.match(await page.textContent('#comp-tier'), /不低于上一年总收入的 70%.*不超过当年总支出的 13%/);
  assert.match(await page.textContent('#comp-source'), /第七条/);
  assert.equal(await page.getAttribute('#spending [data-verdict]', 'data-verdict'), 'met');
  assert.equal(await page.textContent('#spending .kpi .value'), ratioToPercent(c2018.spending_ratio));
  assert.equal(await page.textContent('#spending [data-field="previous_year_income"]'), yuan(c2018.previous_year_income));
  assert.equal(await page.textContent('#spending [data-field="charitable_spending"]'), yuan(c2018.charitable_spending));
  assert.equal(c2018.admin_exempt, true);
  assert.equal(await page.getAttribute('#admin [data-verdict]', 'data-verdict'), 'exempt');
  assert.ok(await page.$('#comp-admin-exempt'));
  assert.equal(await page.textContent('#admin [data-field="total_spending"]'), yuan(c2018.total_spending));
  const row = page.locator('#compliance .deadlines-table tbody tr').first();
  assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'met');
  assert.match(await row.textContent(), /2018 年度工作报告和财务会计报告.*2019年6月30日.*按时公开.*2019年5月20日/);
  assert.equal(await row.locator(`a[href="entries.html?seq=${fx.seq.report2018}"]`).count(), 1);
  await page.screenshot({ path: path.join(SHOTS, 'compliance-2018-zh-CN.png'), fullPage: true });

  const expectStatus = async (y, status) => {
    await load(page, srv.url + `compliance.html?year=${y}`);
    const api2 = await api(`api/v1/compliance?year=${y}`);
    assert.equal(api2.deadlines[0].status, status, `API ${y}`);
    assert.equal(await page.getAttribute('#compliance .deadlines-table [data-status]', 'data-status'), status, `page ${y}`);
    return api2;
  };
  await expectStatus(2019, 'late');
  assert.match(await page.textContent('#compliance .deadlines-table tbody tr'), /逾期公开.*2020年8月1日/);
  assert.equal(await page.getAttribute('#spending [data-verdict]', 'data-verdict'), 'not_met');
  await expectStatus(2020, 'not_on_record');
  assert.match(await page.textContent('#compliance .deadlines-table tbody tr'), /早于账本记录/);
  await expectStatus(THIS_YEAR, 'open');
  assert.match(await page.textContent('#compliance .deadlines-table tbody tr'), /未到期/);
  // 2016: no profile in force yet (it takes effect in 2017), nothing recorded: no data, not judged, no date set.
  await expectStatus(2016, 'no_date');
  assert.equal(await page.getAttribute('#comp-not-judged', 'data-reason'), 'no_profile');
  assert.ok(await page.$('#comp-nodata'));
  assert.match(await page.textContent('#compliance .deadlines-table tbody tr'), /未规定日期.*未规定期限/);
  await load(page, srv.url + 'compliance.html?year=2015');
  assert.equal(await page.getAttribute('#comp-not-judged', 'data-reason'), 'before_rules');
  // A later year with nothing recorded: the API may call it met; the page says no data, never 符合.
  const empty = await api('api/v1/compliance?year=2025');
  assert.equal(empty.spending_ok, true, 'the API judges an empty year');
  await load(page, srv.url + 'compliance.html?year=2025');
  assert.ok(await page.$('#comp-nodata'));
  assert.equal((await page.textContent('#comp-nodata')).includes('2025'), true);
  assert.doesNotMatch(await page.textContent('#compliance .cards'), /符合/);
  assert.equal(await page.$('#compliance [data-verdict="met"]'), null);
  await page.close();

  const en = await browser.newPage({ lang: 'en' });
  await load(en, srv.url + 'compliance.html?year=2018');
  assert.equal(await en.textContent('#comp-legal-type'), 'Social organisation (association)');
  assert.match(await en.textContent('#compliance .deadlines-table tbody tr'), /Annual work and financial report 2018.*30 Jun 2019.*Published on time.*20 May 2019/);
  assert.match(await en.textContent('#comp-source'), /\(Chinese only\)/);
  await en.close();
});

test('lottery: the yearly announcement by allocation documents and level, carried over, per project; sales only as context', { skip }, async () => {
  const a = await api('api/v1/lottery/announcement?year=2018');
  for (const lang of LANGS) {
    const page = await browser.newPage({ lang, viewport: { width: 1366, height: 900 } });
    await load(page, srv.url + 'lottery.html?year=2018');
    for (const k of ['brought_forward', 'received', 'granted', 'paid', 'used', 'costs', 'carried_over']) {
      assert.equal(await page.textContent(`#lottery-flow [data-field="${k}"]`), fenToYuanString(a[k]), k);
    }
    for (const [level, amt] of Object.entries(a.received_by_level)) assert.equal(await page.textContent(`#lottery-levels [data-level="${level}"]`), fenToYuanString(amt));
    const rows = await page.$$eval('#lottery .allocations-table tbody tr', (tr) => tr.map((x) => x.textContent));
    assert.equal(rows.length, 2);
    assert.match(rows[0], lang === 'zh-CN' ? /粤财社〔2018〕12号.*2018.*省级.*2018年3月1日.*500,000\.00/ : /粤财社〔2018〕12号.*2018.*Provincial.*1 Mar 2018.*500,000\.00/);
    assert.match(rows[1], /惠市财社〔2018〕5号/);
    assert.equal(await page.getAttribute('#lottery-published', 'data-seq'), String(fx.seq.announcement));
    assert.equal(await page.getAttribute('#lottery-sales', 'data-sales'), String(a.sales));
    assert.match(await page.textContent('#lottery-sales'), lang === 'zh-CN' ? /10,000,000\.00 元。销售额不是本区收到的钱/ : /¥10,000,000\.00\. Sales are not money the district receives/);
    assert.equal(await page.$$eval('#lottery .projects-table tbody tr', (tr) => tr.length), a.projects.length);
    // The nav leads here on every page.
    assert.equal(await page.getAttribute('#site-header a[aria-current="page"]', 'href'), 'lottery.html');
    await page.screenshot({ path: path.join(SHOTS, `lottery-${lang}.png`), fullPage: true });
    await load(page, srv.url + 'lottery.html?year=2017');
    assert.ok(await page.$('#lottery-nodata'));
    await page.close();
  }
});

test('the entries browser names every entry type in both languages, with beneficiaries, in-kind items and receipt numbers', { skip }, async () => {
  for (const lang of LANGS) {
    const page = await browser.newPage({ lang, viewport: { width: 1366, height: 900 } });
    await load(page, srv.url + 'entries.html?limit=200');
    const options = await page.$$eval('#f-type option', (o) => o.map((x) => ({ value: x.value, text: x.textContent })));
    assert.equal(options.length, 18, 'any + 17 types');
    for (const o of options.slice(1)) assert.notEqual(o.text, o.value, `${lang}: ${o.value} has a label`);
    const text = await page.textContent('#entries');
    assert.doesNotMatch(text, /\b(org\.profile|net_assets|balance\.forward|project\.open|books\.close|lottery\.sales|lottery\.allocation|government_grant|in_kind|social_group|annual_report|lottery_announcement)\b/);
    const want = lang === 'zh-CN'
      ? ['机构信息', '年末净资产', '上年结转', '其他收入', '设立项目', '信息公开', '年度关账', '彩票销售（背景）', '福彩公益金分配', '其他费用', '受益 1 户、3 人 · 地区：江北街道', '实物捐赠 · 大米 50 袋（估值依据：发票价）', '捐赠票据 HC2018-0001', '政府补助', '募捐成本', '省级财政分配 · 2018 年度预算 · 文号 粤财社〔2018〕12号', '备案编号 53440000MJ0000001']
      : ['Organisation profile', 'Year-end net assets', 'Balance brought forward', 'Other income', 'Project opened', 'Disclosure', 'Books closed', 'Lottery sales (context)', 'Lottery fund allocation', 'Beneficiaries: 1 household, 3 persons · area: 江北街道', 'In kind · 50 袋 of 大米 (valued by: 发票价)', 'Donation receipt HC2018-0001', 'Government grant', 'Fundraising cost', 'Provincial budget allocation · fiscal year 2018'];
    for (const w of want) assert.ok(text.includes(w), `${lang}: "${w}" in the entries list`);
    // Filtering by a new type works, and a donation's detail links to where its money went.
    await load(page, srv.url + 'entries.html?type=disclosure');
    assert.equal(await page.$$eval('#entries tbody tr', (tr) => tr.length), 3);
    await load(page, srv.url + `entries.html?seq=${fx.seq.bigGift}`);
    await page.waitForSelector('#entry-trace-link');
    assert.equal(await page.getAttribute('#entry-trace-link', 'href'), `trace.html?seq=${fx.seq.bigGift}`);
    await page.close();
  }
});

test('on a static mirror (one compliance year), the compliance page shows the year it holds and says so, never another year\'s figures under the year asked', { skip }, async (t) => {
  const mirror = await startMirror(srv.dataDir);
  if (!mirror) return t.skip('nginx is not installed');
  try {
    const held = JSON.parse(fs.readFileSync(path.join(mirror.out, 'api/v1/compliance'), 'utf8')).year;
    const page = await browser.newPage({ allow: (r) => r.url().startsWith(mirror.url) });
    await load(page, mirror.url + 'compliance.html?year=2018');
    assert.notEqual(held, 2018);
    assert.equal(await page.inputValue('#c-year'), String(held));
    assert.match(await page.textContent('#mirror-year'), new RegExp(`只提供 ${held} 年`));
    await page.close();
  } finally {
    await mirror.stop();
  }
});

test('on a static mirror, the lottery page shows the announcement the mirror holds (the last full year with lottery figures) and says which year it is', { skip }, async (t) => {
  const mirror = await startMirror(srv.dataDir);
  if (!mirror) return t.skip('nginx is not installed');
  try {
    const held = JSON.parse(fs.readFileSync(path.join(mirror.out, 'api/v1/lottery/announcement'), 'utf8'));
    assert.equal(held.year, 2018, 'the fixture\'s lottery figures are of 2018');
    const page = await browser.newPage({ allow: (r) => r.url().startsWith(mirror.url) });
    await load(page, mirror.url + 'lottery.html?year=2017');
    assert.match(await page.textContent('#mirror-year'), /只提供 2018 年/);
    assert.equal(await page.textContent('#lottery-flow [data-field="received"]'), fenToYuanString(held.received));
    assert.equal(await page.getAttribute('#lottery-published', 'data-seq'), String(fx.seq.announcement));
    await page.close();
  } finally {
    await mirror.stop();
  }
});

test('no console errors, failed requests or off-site requests on these pages', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
