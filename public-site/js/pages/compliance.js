import { initPage, h, t, money, table, errorBox, loadingBox, fill, getLang, pickName, dataText, $ } from '../app.js';
import { formatDate, ratioToPercent } from '../format.js';
import { codeText } from '../entry-text.js';
import { RULES_FIRST_YEAR, complianceEmpty, notJudgedReason, deadlineLabel } from '../compliance-text.js';
import { yearPage } from '../years.js';

// The compliance view of one year (GET api/v1/compliance?year=, docs/api.md):
// the organisation and its tier with the legal source, the spending and
// admin ratios with their basis, why a year is not judged, and the
// disclosure deadlines with the published date of each disclosure.

const page = yearPage({ path: 'api/v1/compliance', picker: '#c-year', render });

const pct = (bp) => (Number(bp) / 100).toFixed(bp % 100 === 0 ? 0 : 2);
const day = (d) => (d ? formatDate(d, getLang()) : '—');

const STATUS_CLASS = { met: 'ok', late: 'bad', missed: 'bad', open: 'neutral', not_on_record: 'neutral', no_date: 'neutral' };

/** The deadline's status as a badge; an unknown status is shown as its code, neutral. */
export function statusBadge(status) {
  const cls = STATUS_CLASS[status] || 'neutral';
  return h('span', { class: 'badge ' + cls, dataset: { status } }, codeText('deadline_status', status));
}

function verdict(ok, { empty, reason }) {
  if (empty) return h('span', { class: 'badge neutral', dataset: { verdict: 'nodata' } }, t('nodata'));
  if (reason) return h('span', { class: 'badge neutral', dataset: { verdict: 'not_judged' } }, t('comp.not_judged'));
  if (ok === null || ok === undefined) return h('span', { class: 'badge neutral', dataset: { verdict: 'unknown' } }, t('comp.unknown'));
  return h('span', { class: 'badge ' + (ok ? 'ok' : 'bad'), dataset: { verdict: ok ? 'met' : 'not_met' } }, ok ? t('comp.ok') : t('comp.notok'));
}

function organisationBlock(c) {
  const o = c.organisation;
  // Without a profile in force, the reason below says so (once).
  if (!o) return notJudgedReason(c) === 'no_profile' ? null : h('p', { class: 'help', id: 'comp-org' }, t('comp.org.none'));
  return h('dl', { class: 'figure-list org-facts', id: 'comp-org' },
    h('dt', {}, t('comp.org.name')), h('dd', {}, dataText(pickName(o.name) || '—')),
    h('dt', {}, t('comp.org.legal_type')), h('dd', { id: 'comp-legal-type' }, codeText('legal_type', o.legal_type)),
    h('dt', {}, t('comp.org.public_fundraising')), h('dd', {}, o.public_fundraising ? t('comp.org.pf.yes') : t('comp.org.pf.no')),
    o.uscc ? [h('dt', {}, t('comp.org.uscc')), h('dd', { class: 'mono' }, o.uscc)] : null,
    h('dt', {}, t('comp.org.record')), h('dd', {}, h('a', { href: 'entries.html?seq=' + o.profile_seq }, '#' + o.profile_seq)));
}

function tierBlock(c) {
  const tier = c.tier;
  const reason = notJudgedReason(c);
  const out = [];
  if (tier) {
    const spending = tier.basis === 'net_assets'
      ? t('comp.tier.spending.net_assets', { pct: pct(tier.spending_min_bp) }) + (tier.income_floor_bp ? t('comp.tier.income_floor', { pct: pct(tier.income_floor_bp) }) : '')
      : t('comp.tier.spending.income', { pct: pct(tier.spending_min_bp) });
    out.push(h('p', { id: 'comp-tier', dataset: { tier: tier.id } }, h('strong', {}, t('comp.tier')), ' ', spending, t('list.semicolon'), t('comp.tier.admin', { pct: pct(tier.admin_max_bp) })));
    out.push(h('p', { class: 'muted', id: 'comp-source' }, t('comp.source'), ' ', dataText(tier.source)));
  }
  if (reason) out.push(h('p', { class: 'warn', id: 'comp-not-judged', dataset: { reason } }, t('comp.why.' + reason, { year: c.year, first: RULES_FIRST_YEAR })));
  return out;
}

function spendingCard(c, empty, reason) {
  const tier = c.tier;
  const basis = c.spending_basis;
  const inc = (c.income && c.income.previous_year) || {};
  const rows = [h('dt', {}, t('comp.spending')), h('dd', { dataset: { field: 'charitable_spending' } }, money(c.charitable_spending))];
  if (!basis || basis.kind === 'previous_year_income') {
    rows.push(h('dt', {}, t('comp.prev_income')), h('dd', { dataset: { field: 'previous_year_income' } }, money(c.previous_year_income)));
    rows.push(h('dt', { class: 'sub' }, t('comp.income.donations')), h('dd', { class: 'sub' }, money(inc.donations)));
    rows.push(h('dt', { class: 'sub' }, t('comp.income.other')), h('dd', { class: 'sub' }, money(inc.other_income)));
    if (String(inc.deferred || 0) !== '0') rows.push(h('dt', { class: 'sub' }, t('comp.income.deferred')), h('dd', { class: 'sub' }, '−' + money(inc.deferred)));
    if (String(inc.released || 0) !== '0') rows.push(h('dt', { class: 'sub' }, t('comp.income.released')), h('dd', { class: 'sub' }, '+' + money(inc.released)));
    rows.push(h('dt', {}, t('comp.income.avg3')), h('dd', {}, money(c.income && c.income.three_year_average)));
  } else {
    rows.push(h('dt', {}, t('comp.net_assets')), h('dd', { dataset: { field: 'net_assets' } }, money(basis.amount)));
    rows.push(h('dt', {}, t('comp.net_assets.avg3')), h('dd', {}, basis.three_year_average === null ? '—' : money(basis.three_year_average)));
  }
  const label = tier ? (tier.basis === 'net_assets' ? t('comp.rule.spending.net_assets', { pct: pct(tier.spending_min_bp) }) : t('comp.rule.spending', { pct: pct(tier.spending_min_bp) })) : t('comp.rule.none');
  let note = null;
  if (!empty && !reason && c.spending_ok === true && tier && c.spending_ratio !== null && Number(c.spending_ratio) * 10000 < tier.spending_min_bp) {
    note = h('p', { class: 'help', id: 'comp-avg-note' }, t('comp.met_by_average'));
  }
  return h('article', { class: 'card', id: 'spending' },
    h('h3', {}, t('comp.spending_ratio'), ' ', verdict(c.spending_ok, { empty, reason })),
    h('p', { class: 'kpi' }, h('span', { class: 'value' }, empty || c.spending_ratio === null ? '—' : ratioToPercent(c.spending_ratio)), h('span', { class: 'label' }, label)),
    note,
    h('dl', { class: 'figure-list' }, rows));
}

function adminCard(c, empty, reason) {
  const tier = c.tier;
  let badge = verdict(c.admin_ok, { empty, reason });
  const notes = [];
  if (!empty && c.admin_exempt) {
    badge = h('span', { class: 'badge neutral', dataset: { verdict: 'exempt' } }, t('comp.admin.exempt.badge'));
    notes.push(h('p', { class: 'help', id: 'comp-admin-exempt' }, t('comp.admin.exempt')));
  }
  if (c.admin_ok === false) {
    notes.push(c.admin_explained !== null && c.admin_explained !== undefined
      ? h('p', { class: 'help', id: 'comp-admin-explained' }, t('comp.admin.explained'), ' ', h('a', { href: 'entries.html?seq=' + c.admin_explained }, '#' + c.admin_explained))
      : h('p', { class: 'warn', id: 'comp-admin-explained' }, t('comp.admin.unexplained')));
  }
  return h('article', { class: 'card', id: 'admin' },
    h('h3', {}, t('comp.admin_ratio'), ' ', badge),
    h('p', { class: 'kpi' }, h('span', { class: 'value' }, empty || c.admin_ratio === null ? '—' : ratioToPercent(c.admin_ratio)), h('span', { class: 'label' }, tier ? t('comp.rule.admin', { pct: pct(tier.admin_max_bp) }) : t('comp.rule.none'))),
    notes,
    h('dl', { class: 'figure-list' },
      h('dt', {}, t('comp.admin_cost')), h('dd', { dataset: { field: 'admin_cost' } }, money(c.admin_cost)),
      h('dt', {}, t('comp.total_spending')), h('dd', { dataset: { field: 'total_spending' } }, money(c.total_spending)),
      h('dt', { class: 'sub' }, t('comp.spending')), h('dd', { class: 'sub' }, money(c.charitable_spending)),
      h('dt', { class: 'sub' }, t('comp.admin_cost')), h('dd', { class: 'sub' }, money(c.admin_cost)),
      h('dt', { class: 'sub' }, t('comp.fundraising_cost')), h('dd', { class: 'sub' }, money(c.fundraising_cost)),
      h('dt', { class: 'sub' }, t('comp.other_cost')), h('dd', { class: 'sub' }, money(c.other_cost))));
}

function deadlinesTable(c) {
  const list = c.deadlines || [];
  return [
    h('h2', {}, t('comp.deadlines')),
    h('p', { class: 'help' }, t('comp.deadlines.help', { started: day(c.recording_started), as_of: day(c.as_of) })),
    table(t('comp.deadlines'), [
      { label: t('comp.what'), cell: (d) => deadlineLabel(d) },
      { label: t('comp.due'), nowrap: true, cell: (d) => (d.due ? day(d.due) : t('comp.no_due')) },
      { label: t('comp.status'), cell: (d) => statusBadge(d.status) },
      { label: t('comp.published'), nowrap: true, cell: (d) => (d.met_on ? [day(d.met_on), ' ', d.disclosure !== null && d.disclosure !== undefined ? h('a', { href: 'entries.html?seq=' + d.disclosure, 'aria-label': t('comp.published.link', { seq: d.disclosure }) }, '#' + d.disclosure) : null] : '—') },
      { label: t('comp.rule_source'), cell: (d) => h('span', { class: 'muted' }, dataText(d.source || '', { quiet: true })) },
    ], list, { hideCaption: true, rowHeader: true, empty: t('comp.deadlines.none'), class: 'deadlines-table' }),
  ];
}

function render() {
  page.fillPicker();
  const box = $('#compliance');
  if (page.error) return box.replaceChildren(errorBox(page.error, page.load));
  if (!page.data) return box.replaceChildren(loadingBox());
  const c = page.data;
  const empty = complianceEmpty(c);
  const reason = notJudgedReason(c);
  fill(box,
    page.mirrorNote(),
    empty ? h('p', { class: 'nodata', id: 'comp-nodata', role: 'status' }, t('comp.nodata', { year: c.year ?? page.year })) : null,
    h('section', { 'aria-labelledby': 'h-org' }, h('h2', { id: 'h-org' }, t('comp.org')), organisationBlock(c), tierBlock(c)),
    h('div', { class: 'cards comp-cards' }, spendingCard(c, empty, reason), adminCard(c, empty, reason)),
    deadlinesTable(c),
    h('p', { class: 'muted' }, t('comp.anchor', { size: c.tree_size ?? '—', scope: t('comp.scope') })),
  );
}

initPage('compliance', render);
page.start();
