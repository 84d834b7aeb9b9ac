// Shared by accounts.e2e.mjs and accounts-layout.e2e.mjs: the pages of the
// site to visit for a ledger recorded by tests/site/helpers/accounts-fixture.mjs.

/** Every page of the site with this ledger's data: [name, path, ready-flag?]. */
export function accountsPages(fx) {
  return [
    ['dashboard', 'index.html'],
    ['funds', 'funds.html'],
    ['fund', 'fund.html?id=relief&year=2018'],
    ['grant', `grant.html?id=${fx.grants2018[0]}`],
    ['entries', 'entries.html?limit=200'],
    ['entry', `entries.html?seq=${fx.seq.inKind}`],
    ['reports', 'reports.html?year=2018'],
    ['lottery', 'lottery.html?year=2018'],
    ['compliance', 'compliance.html?year=2018'],
    ['compliance-2016', 'compliance.html?year=2016'],
    ['trace', `trace.html?seq=${fx.seq.bigGift}`],
    ['verify', `verify.html#${fx.receipts.bigGift}`, 'verified'],
    ['api', 'api.html'],
  ];
}

