// The words the site uses for the charity-accounting data (issue 13), with
// no browser: every string a page asks for exists in both languages; every
// entry type, class, level, legal type and disclosure kind the C++ code
// accepts has a label in both (read from ledger/funds, so a new code without
// words fails here); every entry type gets a summary; the trace's summary
// parts add up to the gift; the compliance words for each status and reason.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// i18n.js reads the language from localStorage; give Node one.
const store = new Map();
globalThis.localStorage = { getItem: (k) => (store.has(k) ? store.get(k) : null), setItem: (k, v) => store.set(k, String(v)) };
const setLang = (l) => store.set('ledger.lang', l);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { STRINGS, t } = await import('../../public-site/js/i18n.js');
const E = await import('../../public-site/js/entry-text.js');
const C = await import('../../public-site/js/compliance-text.js');
const { groupFlows, summaryParts } = await import('../../public-site/js/trace-view.js');
const { pageOf } = await import('../../public-site/js/pager.js');

const LANGS = ['zh-CN', 'en'];

function jsFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'admin') out.push(...jsFiles(p)); } else if (e.name.endsWith('.js') && e.name !== 'vendor.js') out.push(p);
  }
  return out;
}

test('every string a page asks for by name exists in both languages', () => {
  const missing = [];
  for (const f of jsFiles(path.join(ROOT, 'public-site/js'))) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt[n]?\(\s*'([a-z0-9_.]+)'\s*[,)]/g)) {
      for (const l of LANGS) if (!(m[1] in STRINGS[l])) missing.push(`${path.relative(ROOT, f)}: ${l} ${m[1]}`);
    }
  }
  for (const f of fs.readdirSync(path.join(ROOT, 'public-site')).filter((n) => n.endsWith('.html'))) {
    const src = fs.readFileSync(path.join(ROOT, 'public-site', f), 'utf8');
    for (const m of src.matchAll(/data-i18n(?:-[a-z-]+)?="([a-z0-9_.]+)"/g)) {
      for (const l of LANGS) if (!(m[1] in STRINGS[l])) missing.push(`${f}: ${l} ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** The string list a C++ function returns, e.g. IncomeClasses() in ledger/funds/body.cc. */
function cppList(file, fn) {
  const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const at = src.indexOf(fn + '() {');
  assert.ok(at > 0, `${fn} in ${file}`);
  const body = src.slice(at, src.indexOf('};', at));
  return [...body.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

test('every code the ledger accepts has words in both languages (read from ledger/funds)', () => {
  const types = [...fs.readFileSync(path.join(ROOT, 'ledger/funds/entry_types.cc'), 'utf8').matchAll(/EntryType::k\w+, "([a-z._]+)"/g)].map((m) => m[1]);
  assert.ok(types.length >= 17, `entry types ${types}`);
  assert.deepEqual([...E.TYPES].sort(), [...types].sort(), 'the entries filter offers every type');
  const groups = {
    type: types,
    income_class: cppList('ledger/funds/body.cc', 'IncomeClasses'),
    level: cppList('ledger/funds/body.cc', 'LotteryLevels'),
    disclosure: cppList('ledger/funds/body.cc', 'DisclosureKinds'),
    legal_type: cppList('ledger/funds/body.cc', 'LegalTypes'),
    cost_class: ['fundraising', 'charitable', 'other'],
    channel: ['bank', 'online', 'cash', 'in_kind'],
    project_kind: ['campaign', 'project'],
    deadline_status: ['met', 'late', 'open', 'missed', 'not_on_record', 'no_date'],
  };
  const missing = [];
  for (const [g, codes] of Object.entries(groups)) {
    assert.ok(codes.length > 1, `${g}: ${codes}`);
    for (const c of codes) for (const l of LANGS) if (!STRINGS[l][`code.${g}.${c}`]) missing.push(`${l} code.${g}.${c}`);
  }
  assert.deepEqual(missing, []);
  // The deadline statuses the C++ view can answer are the ones above.
  const statuses = [...fs.readFileSync(path.join(ROOT, 'ledger/funds/compliance.cc'), 'utf8').matchAll(/status = [^;]*/g)].flatMap((m) => [...m[0].matchAll(/"([a-z_]+)"/g)].map((x) => x[1]));
  for (const s of statuses) assert.ok(groups.deadline_status.includes(s), `status ${s} has words`);
  setLang('en');
  assert.equal(E.typeText('balance.forward'), 'Balance brought forward');
  assert.equal(E.codeText('level', 'province'), 'Provincial');
  setLang('zh-CN');
  assert.equal(E.typeText('org.profile'), '机构信息');
  assert.equal(E.codeText('deadline_status', 'not_on_record'), '早于账本记录');
  assert.equal(E.codeText('channel', 'brand-new'), 'brand-new', 'an unknown code is shown as it is');
});

const BODIES = {
  'fund.open': { id: 'f', name: { zh: '助学', en: 'Students' }, purpose: 'p', kind: 'charity', opened_on: '2016-01-01' },
  'org.profile': { name: { zh: '慈善总会', en: 'Federation' }, legal_type: 'social_group', effective_from: '2016-01-01', public_fundraising_from: '2016-09-01', data: 'sample' },
  net_assets: { year: 2017, amount: 70000000 },
  'balance.forward': { fund: 'f', amount: 500, as_of: '2015-12-31', description: '结转' },
  donation: { fund: 'f', amount: 250000, channel: 'in_kind', received_at: '2018-01-06', receipt_no: 'HC-2', in_kind: { item: '大米', quantity: 50, unit: '袋', valuation_basis: '发票价' }, restriction: { purpose: '助学', admin_fee_cap_bp: 500 } },
  income: { fund: 'f', class: 'interest', amount: 100, received_at: '2018-02-01', receipt_no: 'R-1' },
  'lottery.allocation': { fund: 'w', fiscal_year: 2018, level: 'province', document_no: '粤财社〔2018〕12号', amount: 5, purpose: '公益金', received_at: '2018-03-01' },
  'lottery.sales': { period: '2018', sales: 1000, game: '双色球' },
  'project.open': { id: 'p', name: { zh: '冬季', en: 'Winter' }, kind: 'campaign', start: '2018-11-01', end: '2019-02-28', filing_no: 'F-1' },
  grant: { id: 'g', fund: 'f', recipient: { id: 'h1', name: '家庭' }, title: '救助', amount: 5, award_date: '2018-02-01' },
  disbursement: { grant: 'g', amount: 5, paid_at: '2018-02-02', payment_ref: 'P-1', beneficiaries: { households: 880, persons: 1 }, area: '江北' },
  expense: { grant: 'g', amount: 5, category: 'c', description: 'd', evidence_sha256: 'a'.repeat(64), spent_at: '2018-02-03' },
  admin_cost: { fund: 'f', amount: 5, category: '办公', period: '2018-06', charged_to: 7 },
  cost: { fund: 'f', class: 'fundraising', amount: 5, period: '2018-09', description: '印刷' },
  disclosure: { what: 'annual_report', period_from: '2018-01-01', period_to: '2018-12-31', published_at: '2019-05-20', url: 'https://example.org/r' },
  'books.close': { year: 2016 },
  correction: { target: 19, reason: '重复' },
};

test('every entry type has a summary and a business date in both languages, codes translated', () => {
  assert.deepEqual(Object.keys(BODIES).sort(), [...E.TYPES].sort());
  for (const l of LANGS) {
    setLang(l);
    for (const [type, body] of Object.entries(BODIES)) {
      const s = E.summaryText({ type, body });
      assert.ok(s.length > 3, `${l} ${type}: "${s}"`);
      assert.doesNotMatch(s, /undefined|null|NaN|\{[a-z_]+\}|\b(entries|code|ben|inkind)\.[a-z]/, `${l} ${type}: ${s}`);
    }
  }
  setLang('zh-CN');
  assert.match(E.summaryText({ type: 'donation', body: BODIES.donation }), /实物捐赠 · 大米 50 袋（估值依据：发票价） · 定向：助学（管理费不超过 5\.00%） · 捐赠票据 HC-2/);
  assert.match(E.summaryText({ type: 'disbursement', body: BODIES.disbursement }), /受益 880 户、1 人 · 地区：江北/);
  assert.match(E.summaryText({ type: 'lottery.allocation', body: BODIES['lottery.allocation'] }), /省级财政分配 · 2018 年度预算 · 文号 粤财社〔2018〕12号/);
  assert.match(E.summaryText({ type: 'lottery.sales', body: BODIES['lottery.sales'] }), /仅作背景/);
  assert.match(E.summaryText({ type: 'org.profile', body: BODIES['org.profile'] }), /社会团体 · 自 2016年9月1日 起具有公开募捐资格/);
  setLang('en');
  assert.match(E.summaryText({ type: 'disbursement', body: { ...BODIES.disbursement, beneficiaries: { households: 1 } } }), /Beneficiaries: 1 household · area/);
  assert.match(E.summaryText({ type: 'income', body: BODIES.income }), /^Interest · Donation receipt R-1$/);
  assert.match(E.summaryText({ type: 'cost', body: BODIES.cost }), /^Fundraising cost · 2018-09/);
  assert.equal(E.businessDate({ type: 'net_assets', body: BODIES.net_assets }), '2017-12-31');
  assert.equal(E.businessDate({ type: 'disclosure', body: BODIES.disclosure }), '2019-05-20');
  assert.equal(E.businessDate({ type: 'balance.forward', body: BODIES['balance.forward'] }), '2015-12-31');
  assert.equal(E.movedAmount({ type: 'lottery.sales', body: BODIES['lottery.sales'] }), null, 'sales are context, not money moving');
  assert.equal(E.movedAmount({ type: 'net_assets', body: BODIES.net_assets }), null);
  assert.equal(E.movedAmount({ type: 'cost', body: BODIES.cost }), 5);
  setLang('zh-CN');
});

const TRACE = {
  seq: 6, type: 'donation', fund: 'relief', amount: 100000000, date: '2018-01-05', corrected: false, unspent: 93100000,
  flows: [
    { kind: 'grant', ref: 'tr-2', seq: 12, amount: 2000000, date: '2018-03-05', title: '临时救助 Temporary relief', programme: '临时救助', recipient: { id: 'h2', name: '家庭 2' }, grant_paid: 2000000, grant_used: 0 },
    { kind: 'grant', ref: 'tr-1', seq: 10, amount: 1300000, date: '2018-03-04', title: '临时救助 Temporary relief', programme: '临时救助', recipient: { id: 'h1', name: '家庭 1' }, grant_paid: 1300000, grant_used: 0 },
    { kind: 'grant', ref: 'org-1', seq: 20, amount: 3000000, date: '2018-05-01', title: '康复设备', programme: '助残', recipient: { id: 'org-a', name: '福利院' }, grant_paid: 3000000, grant_used: 1000000 },
    { kind: 'admin_cost', ref: '办公 2018-06', seq: 30, amount: 500000, date: '2018-06', grant_paid: null, grant_used: null },
    { kind: 'cost', class: 'fundraising', ref: 'fundraising 2018-09', seq: 31, amount: 100000, date: '2018-09', grant_paid: null, grant_used: null },
  ],
  summary: { to_grants: 6300000, to_admin: 500000, to_charitable_costs: 0, to_other_costs: 100000, paid: 6300000, used: 1000000, recipients: 3, unspent: 93100000, first_date: '2018-03-04', last_date: '2018-09' },
};

test('the trace: the summary parts add up to the gift; lines grouped by programme with recipients and dates', () => {
  const parts = summaryParts(TRACE);
  assert.deepEqual(parts.map((p) => p.part), ['grants', 'admin', 'other', 'unspent'], 'zero parts are left out');
  assert.equal(parts.reduce((a, p) => a + p.amount, 0n), BigInt(TRACE.amount));
  const groups = groupFlows(TRACE.flows);
  assert.deepEqual(groups.map((g) => g.key), ['grant:临时救助', 'grant:助残', 'admin', 'cost:fundraising']);
  const relief = groups[0];
  assert.equal(relief.label, '临时救助 Temporary relief', 'named by the title its grants share');
  assert.deepEqual(relief.lines.map((f) => f.ref), ['tr-1', 'tr-2'], 'lines by date');
  assert.equal(relief.amount, 3300000n);
  assert.equal(relief.recipients.size, 2);
  assert.equal(relief.used, 0n);
  assert.deepEqual([relief.first, relief.last], ['2018-03-04', '2018-03-05']);
  assert.equal(groups[1].used, 1000000n);
  assert.equal(groups.reduce((a, g) => a + g.amount, 0n) + BigInt(TRACE.unspent), BigInt(TRACE.amount));
  // A new gift: one part, "still unspent".
  assert.deepEqual(summaryParts({ amount: 88800, unspent: 88800, flows: [], summary: { to_grants: 0, to_admin: 0, to_charitable_costs: 0, to_other_costs: 0, unspent: 88800 } }).map((p) => p.part), ['unspent']);
});

test('compliance words: a year with nothing is empty; why a year is not judged; each deadline named', () => {
  assert.equal(C.complianceEmpty({ previous_year_income: 0, charitable_spending: 0, admin_cost: 0, total_spending: 0, spending_ok: true }), true, 'the API may say spending_ok for a year with nothing: still empty');
  assert.equal(C.complianceEmpty({ previous_year_income: 0, charitable_spending: 5, admin_cost: 0, total_spending: 5 }), false);
  assert.equal(C.notJudgedReason({ judged: true, year: 2018 }), null);
  assert.equal(C.notJudgedReason({ judged: false, year: 2015, organisation: { legal_type: 'foundation' } }), 'before_rules');
  assert.equal(C.notJudgedReason({ judged: false, year: 2016, organisation: null }), 'no_profile');
  assert.equal(C.notJudgedReason({ judged: false, year: 2019, organisation: { legal_type: 'foundation' }, tier: null }), 'no_tier');
  for (const l of LANGS) for (const r of ['before_rules', 'no_profile', 'no_tier']) assert.doesNotMatch(t('comp.why.' + r, { year: 2016, first: 2016 }, l), /\{/);
  setLang('zh-CN');
  assert.equal(C.deadlineLabel({ what: 'annual_report', period: '2018' }), '2018 年度工作报告和财务会计报告');
  assert.equal(C.deadlineLabel({ what: 'project_progress', subject: 'winter', period: '2018-11-01..2019-02-01' }), '项目 winter 进展报告（2018年11月1日 – 2019年2月1日）');
  assert.equal(C.deadlineLabel({ what: 'admin_cost_explanation', period: '2019' }), '2019 年管理费用超标说明');
  setLang('en');
  assert.equal(C.deadlineLabel({ what: 'project_results', subject: 'p', period: '2018-01-01..2018-12-31' }), 'Results report of project p (1 Jan 2018 – 31 Dec 2018)');
  assert.equal(C.deadlineLabel({ what: 'major_event', period: '2019' }), 'Major event report · 2019');
  setLang('zh-CN');
});

test('paging a list', () => {
  const items = Array.from({ length: 63 }, (_, i) => i);
  assert.deepEqual({ ...pageOf(items, 1, 20), items: undefined }, { items: undefined, page: 1, pages: 4, from: 1, to: 20, total: 63 });
  assert.deepEqual(pageOf(items, 4, 20).items, [60, 61, 62]);
  assert.equal(pageOf(items, 99, 20).page, 4, 'clamped to the last page');
  assert.equal(pageOf(items, 0, 20).page, 1);
  assert.deepEqual({ ...pageOf([], 1, 20), items: undefined }, { items: undefined, page: 1, pages: 1, from: 0, to: 0, total: 0 });
});
