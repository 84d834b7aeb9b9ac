// A small ledger of the charity-accounting kind (issue 11), recorded through
// the API of a real ledgerd with its own tokens, so the site tests do not
// depend on the demo's numbers: an organisation profile (sample data), a
// charity fund and a lottery fund, every entry type, a big gift spread over
// 60 household grants (with beneficiary counts) and an organisation's grant
// with a use report, a corrected payment, disclosures on time and late, a
// lottery year with allocation documents, sales and its announcement.
//
// recordFixture(srv) -> {seq: {...named entries}, receipts: {...}, grants2018, grants2019}
// recordProfile(srv) records the organisation profile (kept apart so a test
// can look at the site before and after it).

async function post(srv, token, type, body) {
  const r = await fetch(srv.url + 'api/v1/entries', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
    body: JSON.stringify({ type, body }),
  });
  const text = await r.text();
  if (r.status !== 201) throw new Error(`POST ${type} ${JSON.stringify(body)}: ${r.status} ${text}`);
  return JSON.parse(text);
}

function token(srv, role, name, org) {
  const args = ['token', '--data', srv.dataDir, '--role', role, '--name', name];
  if (org) args.push('--org', org);
  return srv.ctl(args).trim().split('\n').pop().trim();
}

const pad = (n, w = 3) => String(n).padStart(w, '0');
const EVIDENCE = 'a'.repeat(64);

export const PROFILE = {
  name: { zh: '惠城区慈善总会（测试）', en: 'Huicheng Charity Federation (test)' },
  legal_type: 'social_group',
  effective_from: '2017-01-01',
  public_fundraising_from: '2017-01-01',
  data: 'sample',
};

/** The organisation profile, recorded by an admin: sample data, a social group with public-fundraising status from 2017. */
export async function recordProfile(srv) {
  const admin = token(srv, 'admin', 'fixture-admin-profile');
  return post(srv, admin, 'org.profile', PROFILE);
}

export async function recordFixture(srv) {
  const admin = token(srv, 'admin', 'fixture-admin');
  const rec = token(srv, 'recorder', 'fixture-recorder');
  const grantee = token(srv, 'grantee', 'fixture-grantee', 'org-a');
  const seq = {};
  const receipts = {};
  const P = (type, body) => post(srv, rec, type, body);

  await post(srv, admin, 'fund.open', { id: 'relief', name: { zh: '临时救助基金', en: 'Temporary relief fund' }, purpose: '困难家庭临时救助', kind: 'charity', opened_on: '2016-01-01' });
  await post(srv, admin, 'fund.open', { id: 'welfare', name: { zh: '福利彩票公益金', en: 'Welfare lottery fund' }, purpose: '扶老助残救孤济困', kind: 'lottery', opened_on: '2015-01-01' });
  seq.balanceForward = (await P('balance.forward', { fund: 'relief', amount: 5000000, as_of: '2015-12-31', description: '2015 年末结转余额' })).seq;
  const d2017 = await P('donation', { fund: 'relief', amount: 50000000, channel: 'bank', received_at: '2017-03-01' });
  seq.gift2017 = d2017.seq;
  receipts.gift2017 = d2017.receipt;
  seq.income = (await P('income', { fund: 'relief', class: 'government_grant', amount: 10000000, received_at: '2017-06-01', description: '区财政补助' })).seq;
  seq.netAssets = (await P('net_assets', { year: 2017, amount: 70000000 })).seq;
  const big = await P('donation', { fund: 'relief', amount: 100000000, channel: 'bank', received_at: '2018-01-05', receipt_no: 'HC2018-0001' });
  seq.bigGift = big.seq;
  receipts.bigGift = big.receipt;
  seq.inKind = (await P('donation', { fund: 'relief', amount: 250000, channel: 'in_kind', received_at: '2018-01-06', receipt_no: 'HC2018-0002', in_kind: { item: '大米', quantity: 50, unit: '袋', valuation_basis: '发票价' } })).seq;
  seq.restricted = (await P('donation', { fund: 'relief', amount: 1000000, channel: 'online', received_at: '2018-01-07', restriction: { purpose: '助学' } })).seq;
  seq.project = (await P('project.open', { id: 'winter-2018', name: { zh: '2018 冬季送温暖', en: 'Winter warmth 2018' }, kind: 'campaign', start: '2018-11-01', end: '2019-02-28', fund: 'relief', filing_no: '53440000MJ0000001' })).seq;

  // 60 household grants in 2018, each paid in full, with beneficiary counts.
  const grants2018 = [];
  seq.payments = [];
  for (let i = 1; i <= 60; i++) {
    const id = `tr-2018-${pad(i)}`;
    const day = `2018-${pad(2 + Math.floor((i - 1) / 28), 2)}-${pad(1 + ((i - 1) % 28), 2)}`;
    await P('grant', { id, fund: 'relief', recipient: { id: `household-${pad(i)}`, name: `困难家庭 ${pad(i)}` }, title: '临时救助 Temporary relief', programme: '临时救助', amount: 2000000, award_date: day });
    seq.payments.push((await P('disbursement', { grant: id, amount: 2000000, paid_at: day, payment_ref: `PAY-2018-${pad(i)}`, beneficiaries: { households: 1, persons: 3 }, area: '江北街道' })).seq);
    grants2018.push(id);
  }
  // An organisation's grant, paid, with a use report from the grantee.
  await P('grant', { id: 'org-2018-1', fund: 'relief', recipient: { id: 'org-a', name: '惠城区社会福利院' }, title: '康复设备 Rehabilitation equipment', programme: '助残', amount: 3000000, award_date: '2018-05-01' });
  seq.orgPayment = (await P('disbursement', { grant: 'org-2018-1', amount: 3000000, paid_at: '2018-05-02', payment_ref: 'PAY-ORG-1' })).seq;
  seq.expense = (await post(srv, grantee, 'expense', { grant: 'org-2018-1', amount: 1000000, category: 'equipment', description: '康复床两张', evidence_sha256: EVIDENCE, spent_at: '2018-05-10' })).seq;
  seq.admin = (await P('admin_cost', { fund: 'relief', amount: 500000, category: '人员及办公费用', period: '2018-06' })).seq;
  seq.cost = (await P('cost', { fund: 'relief', class: 'fundraising', amount: 100000, period: '2018-09', description: '募捐活动印刷费' })).seq;
  // A payment recorded twice by mistake, reversed by a correction.
  seq.corrected = seq.payments[4];
  seq.correction = (await P('correction', { target: seq.corrected, reason: '重复记录，撤销' })).seq;
  seq.repaid = (await P('disbursement', { grant: grants2018[4], amount: 2000000, paid_at: '2018-02-05', payment_ref: 'PAY-2018-005-R', beneficiaries: { households: 1, persons: 3 }, area: '江北街道' })).seq;

  // 2019: three small grants, then a gift nothing has spent yet.
  const grants2019 = [];
  for (let i = 1; i <= 3; i++) {
    const id = `tr-2019-${pad(i)}`;
    await P('grant', { id, fund: 'relief', recipient: { id: `household-9${pad(i)}`, name: `困难家庭 9${pad(i)}` }, title: '临时救助 Temporary relief', programme: '临时救助', amount: 100000, award_date: `2019-03-0${i}` });
    await P('disbursement', { grant: id, amount: 100000, paid_at: `2019-03-0${i}`, payment_ref: `PAY-2019-${pad(i)}`, beneficiaries: { persons: 2 } });
    grants2019.push(id);
  }
  const fresh = await P('donation', { fund: 'relief', amount: 88800, channel: 'online', received_at: '2019-12-30' });
  seq.freshGift = fresh.seq;
  receipts.freshGift = fresh.receipt;

  // Disclosures: the 2018 annual report on time, the 2019 one late.
  seq.report2018 = (await P('disclosure', { what: 'annual_report', period_from: '2018-01-01', period_to: '2018-12-31', published_at: '2019-05-20', url: 'https://example.org/reports/2018', title: '2018 年度工作报告' })).seq;
  seq.report2019 = (await P('disclosure', { what: 'annual_report', period_from: '2019-01-01', period_to: '2019-12-31', published_at: '2020-08-01', url: 'https://example.org/reports/2019' })).seq;

  // The lottery year 2018: two allocation documents, sales as context, a project, the announcement.
  seq.allocProvince = (await P('lottery.allocation', { fund: 'welfare', fiscal_year: 2018, level: 'province', document_no: '粤财社〔2018〕12号', amount: 50000000, purpose: '福彩公益金 扶老助残', received_at: '2018-03-01' })).seq;
  seq.allocCity = (await P('lottery.allocation', { fund: 'welfare', fiscal_year: 2018, level: 'city', document_no: '惠市财社〔2018〕5号', amount: 20000000, purpose: '福彩公益金 养老服务', received_at: '2018-04-01' })).seq;
  seq.sales = (await P('lottery.sales', { period: '2018', sales: 1000000000, game: '双色球' })).seq;
  await P('grant', { id: 'lw-2018-1', fund: 'welfare', recipient: { id: 'org-b', name: '惠城区敬老院' }, title: '敬老院改造 Care home renovation', amount: 30000000, award_date: '2018-05-01' });
  await P('disbursement', { grant: 'lw-2018-1', amount: 30000000, paid_at: '2018-05-03', payment_ref: 'PAY-LW-1' });
  seq.announcement = (await P('disclosure', { what: 'lottery_announcement', period_from: '2018-01-01', period_to: '2018-12-31', published_at: '2019-06-20', url: 'https://example.org/lottery/2018' })).seq;

  seq.booksClose = (await post(srv, admin, 'books.close', { year: 2016 })).seq;
  return { seq, receipts, grants2018, grants2019 };
}
