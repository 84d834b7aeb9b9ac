import { initPage, api, h, t, money, table, fundName, kindLabel, errorBox, loadingBox, markReady, fill, param, getLang, dataText, zhOnlyNote, downloads, $ } from '../app.js';
import { formatDate, formatCount, percentOf } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import { isChineseOnly } from '../text.js';
import { businessDate, movedAmount, summaryText, typeText, beneficiaryCounts } from '../entry-text.js';
import { ledgerYears, yearList } from '../years.js';
import { pageOf, pagerNav } from '../pager.js';

// A fund: its figures, its grants (a page at a time, by year), and its
// ledger entries (a page at a time from GET api/v1/entries?fund=, newest
// business date first, by year), corrected ones marked.
const id = param('id');
const GRANTS_PER_PAGE = 20;
const ENTRIES_PER_PAGE = 20;
const askedYear = /^\d{4}$/.test(param('year') || '') ? +param('year') : null;
let year = askedYear; // null: every year
let grantPage = Math.max(1, +(param('gpage') || 1) || 1);
let years = null;
let data = null;
let error = null;
let entries = null; // the current page of entries
let entriesError = null;
let cursors = ['']; // page-start cursors of the entries list
const FIELDS = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];

export function grantsCsv(grants) {
  return toCsv([t('csv.grant_id'), t('grant.title'), t('csv.recipient_id'), t('grant.recipient'), t('grant.award_date'),
    t('grant.promised') + t('unit.yuan'), t('grant.paid') + t('unit.yuan'), t('grant.used') + t('unit.yuan'), t('ben.households.col'), t('ben.persons.col'), t('grant.corrected')],
  grants.map((g) => [g.id, g.title, g.recipient && g.recipient.id, g.recipient && g.recipient.name, g.award_date, yuan(g.amount), yuan(g.paid), yuan(g.used),
    (g.beneficiaries && g.beneficiaries.households) || '', (g.beneficiaries && g.beneficiaries.persons) || '', g.corrected ? t('yes') : '']));
}

/** The grants awarded in `y` (every grant when y is null). */
export function grantsOfYear(grants, y) {
  return y === null ? grants : grants.filter((g) => String(g.award_date || '').startsWith(String(y)));
}

function syncUrl() {
  const q = new URLSearchParams({ id });
  if (year !== null) q.set('year', year);
  if (grantPage > 1) q.set('gpage', grantPage);
  history.replaceState(null, '', '?' + q.toString());
}

function yearPicker() {
  const list = years ? yearList(years) : [];
  if (year !== null && !list.includes(year)) list.push(year);
  list.sort((a, b) => b - a);
  return h('form', { class: 'form-row', id: 'fund-year-form', onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'fund-year' }, t('fund.year')),
      h('select', {
        id: 'fund-year', name: 'year',
        onchange: (e) => {
          year = e.target.value === '' ? null : +e.target.value;
          grantPage = 1;
          cursors = [''];
          entries = null;
          syncUrl();
          render();
          loadEntries();
        },
      }, h('option', { value: '', selected: year === null }, t('fund.year.all')), list.map((y) => h('option', { value: y, selected: y === year }, String(y))))));
}

function extraFacts(f) {
  const d = f.detail || {};
  const lang = getLang();
  const items = [];
  const ben = beneficiaryCounts(d.beneficiaries);
  if (ben) items.push([t('fund.beneficiaries'), ben]);
  for (const k of ['donations', 'other_income', 'brought_forward', 'in_kind', 'restricted']) {
    if (d[k] !== undefined && String(d[k]) !== '0') items.push([t('fund.detail.' + k), money(d[k])]);
  }
  if (f.opened_on) items.push([t('fund.opened_on'), formatDate(f.opened_on, lang)]);
  if (!items.length) return null;
  return h('dl', { class: 'figure-list fund-facts', id: 'fund-facts' }, items.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function grantsSection(f) {
  const lang = getLang();
  const all = f.grants || [];
  const list = grantsOfYear(all, year);
  const pg = pageOf(list, grantPage, GRANTS_PER_PAGE);
  grantPage = pg.page;
  const zhCols = [];
  if (pg.items.some((g) => isChineseOnly(g.title))) zhCols.push(t('grant.title'));
  if (pg.items.some((g) => g.recipient && isChineseOnly(g.recipient.name))) zhCols.push(t('grant.recipient'));
  const go = (p) => { grantPage = p; syncUrl(); render(); const hd = $('#h-grants'); if (hd) hd.focus(); };
  return [
    h('h2', { id: 'h-grants', tabindex: '-1' }, t('fund.grants'), ' ', h('span', { class: 'muted count' }, t(year === null ? 'fund.grants.count.all' : 'fund.grants.count.year', { n: formatCount(list.length, lang), year }))),
    zhCols.length ? zhOnlyNote(zhCols) : null,
    table(t('fund.grants'), [
      { label: t('grant.title'), cell: (g) => [h('a', { href: 'grant.html?id=' + encodeURIComponent(g.id) }, dataText(g.title || g.id, { quiet: true })), g.corrected ? [' ', h('span', { class: 'badge bad' }, t('grant.corrected'))] : null] },
      { label: t('grant.recipient'), cell: (g) => dataText((g.recipient && g.recipient.name) || '', { quiet: true }) },
      { label: t('grant.award_date'), nowrap: true, cell: (g) => formatDate(g.award_date, lang) },
      { label: t('grant.promised'), num: true, cell: (g) => h('span', { class: g.corrected ? 'struck' : '' }, money(g.amount)) },
      { label: t('grant.paid'), num: true, cell: (g) => `${money(g.paid)} (${percentOf(g.paid, g.amount)})` },
      { label: t('grant.used'), num: true, cell: (g) => (String(g.used) === '0' ? '—' : `${money(g.used)} (${percentOf(g.used, g.amount)})`) },
      { label: t('fund.beneficiaries'), cell: (g) => beneficiaryCounts(g.beneficiaries) || '—' },
    ], pg.items, { hideCaption: true, rowHeader: true, empty: year === null ? t('none') : t('nodata'), rowClass: (g) => (g.corrected ? 'corrected' : null), class: 'grants-table' }),
    list.length > GRANTS_PER_PAGE ? pagerNav({
      id: 'grants', label: t('fund.grants'),
      text: t('pager.text', { page: pg.page, pages: pg.pages, from: pg.from, to: pg.to, total: formatCount(pg.total, lang) }),
      hasPrev: pg.page > 1, hasNext: pg.page < pg.pages, onPrev: () => go(pg.page - 1), onNext: () => go(pg.page + 1),
    }) : null,
    h('p', { class: 'help' }, t('fund.used.help')),
    downloads([
      { id: 'dl-grants-csv', label: t('dl.grants.csv'), filename: `grants-${f.id}${year ? '-' + year : ''}.csv`, type: 'text/csv;charset=utf-8', build: async () => grantsCsv(list) },
      { id: 'dl-grants-json', label: t('dl.grants.json'), filename: `grants-${f.id}${year ? '-' + year : ''}.json`, type: 'application/json', build: async () => JSON.stringify({ fund: f.id, year, grants: list }, null, 1) },
    ]),
    h('p', { class: 'help' }, t('dl.json.help')),
  ];
}

function entriesQuery() {
  const q = new URLSearchParams({ fund: id, order: 'desc', limit: String(ENTRIES_PER_PAGE) });
  if (year !== null) {
    q.set('from', `${year}-01-01`);
    q.set('to', `${year}-12-31`);
  }
  return q;
}

function entriesSection() {
  const lang = getLang();
  const head = h('h2', { id: 'h-fund-entries', tabindex: '-1' }, t('fund.entries.heading'));
  const all = entriesQuery();
  all.delete('order');
  all.delete('limit');
  const link = h('p', {}, h('a', { href: 'entries.html?' + all.toString(), id: 'fund-entries-link' }, t('fund.entries')));
  if (entriesError) return [head, errorBox(entriesError, loadEntries), link];
  if (!entries) return [head, loadingBox(), link];
  const n = cursors.length;
  const go = (dir) => {
    if (dir < 0) cursors.pop(); else cursors.push(entries.next_cursor);
    loadEntries().then(() => { const hd = $('#h-fund-entries'); if (hd) hd.focus(); });
  };
  return [head,
    table(t('fund.entries.heading'), [
      { label: t('col.seq'), cell: (r) => h('a', { href: 'entries.html?seq=' + r.seq }, '#' + r.seq) },
      { label: t('col.business_date'), nowrap: true, cell: (r) => { const d = r.date || businessDate(r.entry); return /^\d{4}-\d{2}-\d{2}$/.test(d) ? formatDate(d, lang) : d || '—'; } },
      { label: t('col.type'), cell: (r) => [typeText(r.entry.type), r.corrected_by !== null && r.corrected_by !== undefined ? [' ', h('a', { class: 'badge bad', href: 'entries.html?seq=' + r.corrected_by, dataset: { correctedBy: r.corrected_by }, title: t('entries.corrected.title', { seq: r.corrected_by }) }, t('entries.corrected', { seq: r.corrected_by }))] : null] },
      { label: t('col.amount'), num: true, cell: (r) => { const a = movedAmount(r.entry); return a === null ? '' : h('span', { class: r.corrected_by !== null && r.corrected_by !== undefined ? 'struck' : '' }, money(a)); } },
      { label: t('col.summary'), cell: (r) => dataText(summaryText(r.entry)) },
    ], entries.entries || [], { hideCaption: true, rowHeader: true, empty: t('entries.empty'), rowClass: (r) => (r.corrected_by !== null && r.corrected_by !== undefined ? 'corrected' : null), class: 'fund-entries-table' }),
    pagerNav({ id: 'fund-entries', label: t('fund.entries.heading'), text: t('entries.page', { n }), hasPrev: n > 1, hasNext: !!entries.next_cursor, onPrev: () => go(-1), onNext: () => go(1) }),
    link];
}

function render() {
  const box = $('#fund');
  if (!id) return box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('fund.notfound')));
  if (error) return box.replaceChildren(h('h1', {}, id), errorBox(error.status === 404 ? new Error(t('fund.notfound')) : error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const f = data;
  document.title = fundName(f) + ' · ' + t('site.title');
  const counts = f.counts || {};
  fill(box,
    h('h1', {}, fundName(f)),
    h('p', { class: 'lead' }, kindLabel(f.kind), f.purpose ? [` · ${t('fund.purpose')}: `, dataText(f.purpose)] : ''),
    h('div', { class: 'kpis' }, FIELDS.map((k) => h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.' + k)), h('span', { class: 'value', dataset: { field: k } }, money(f[k]))))),
    extraFacts(f),
    h('h2', {}, t('fund.counts')),
    h('p', {}, ['donations', 'grants', 'disbursements', 'expenses'].map((k) => `${t('fund.count.' + k)} ${counts[k] ?? 0}`).join(' · ')),
    yearPicker(),
    h('section', { 'aria-labelledby': 'h-grants' }, grantsSection(f)),
    h('section', { 'aria-labelledby': 'h-fund-entries', id: 'fund-entries', dataset: entries ? { page: `${year ?? 'all'}:${cursors.length}` } : {} }, entriesSection()),
  );
}

// The section says which page it shows once loaded ("2018:2": year, page), for tests and scripts.
function renderEntries() {
  const sec = $('#fund-entries');
  if (!sec) return;
  fill(sec, entriesSection());
  if (entries) sec.dataset.page = `${year ?? 'all'}:${cursors.length}`;
  else delete sec.dataset.page;
}

async function loadEntries() {
  entries = null;
  entriesError = null;
  renderEntries();
  const q = entriesQuery();
  const c = cursors[cursors.length - 1];
  if (c) q.set('cursor', c);
  try {
    entries = await api('api/v1/entries?' + q.toString());
  } catch (e) {
    entriesError = e;
  }
  renderEntries();
}

async function load() {
  try {
    [data, years] = await Promise.all([api('api/v1/funds/' + encodeURIComponent(id)), ledgerYears()]);
    error = null;
  } catch (e) {
    error = e;
  }
  render();
  if (!error) await loadEntries();
  markReady();
}

initPage('funds', render);
if (id) load(); else markReady();
