import { initPage, h, t, money, amount, table, errorBox, loadingBox, fill, getLang, dataText, downloads, $ } from '../app.js';
import { formatDate, formatCount } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import { codeText } from '../entry-text.js';
import { yearPage } from '../years.js';
import { pageOf, pagerNav } from '../pager.js';

// The welfare-lottery public-welfare fund's yearly announcement (GET
// api/v1/lottery/announcement?year=, docs/api.md), laid out as the provinces
// publish theirs (彩票公益金管理办法): the money raised by allocation
// documents, by allocating level, what was granted, paid and used, what is
// carried over, per project; sales only as context.
const page = yearPage({ path: 'api/v1/lottery/announcement', picker: '#l-year', render, reset: () => { projectPage = 1; } });
let projectPage = 1;
const PROJECTS_PER_PAGE = 25;
const LEVELS = ['central', 'province', 'city', 'district'];
const FLOW = ['brought_forward', 'received', 'granted', 'paid', 'used', 'costs', 'carried_over'];

/** A year with no lottery money on record: nothing received, held, granted or spent. */
export function announcementEmpty(a) {
  return FLOW.every((k) => a[k] === undefined || a[k] === null || String(a[k]) === '0') && !(a.allocations || []).length && !(a.projects || []).length;
}

export function projectsCsv(a) {
  return toCsv([t('csv.grant_id'), t('grant.title'), t('grant.recipient'), t('grant.award_date'), t('grant.promised') + t('unit.yuan'), t('grant.paid') + t('unit.yuan'), t('grant.used') + t('unit.yuan')],
    (a.projects || []).map((p) => [p.grant, p.title, p.recipient && p.recipient.name, p.award_date, yuan(p.amount), yuan(p.paid), yuan(p.used)]));
}

function publication(a) {
  const lang = getLang();
  if (a.announcement) {
    return h('p', { class: 'ok-line', id: 'lottery-published', dataset: { seq: a.announcement.seq } },
      t('lottery.published', { date: formatDate(a.announcement.published_at, lang) }), ' ',
      h('a', { href: 'entries.html?seq=' + a.announcement.seq }, '#' + a.announcement.seq));
  }
  return h('p', { class: 'warn', id: 'lottery-published' }, t('lottery.unpublished', { due: formatDate(a.due, lang) }));
}

// The year's flow and its split by level: short two-column lists, so
// definition lists (they read the same on a phone and a desktop).
function flowList(a) {
  return h('dl', { class: 'figure-list lottery-flow', id: 'lottery-flow', 'aria-label': t('lottery.flow', { year: a.year }) },
    FLOW.map((k) => [h('dt', {}, t('lottery.flow.' + k)), h('dd', { dataset: { field: k } }, amount(a[k]))]));
}

function levelsList(a) {
  const by = a.received_by_level || {};
  const rows = [...LEVELS.filter((l) => by[l] !== undefined), ...Object.keys(by).filter((l) => !LEVELS.includes(l))];
  if (!rows.length) return h('p', { class: 'muted' }, t('nodata'));
  return h('dl', { class: 'figure-list lottery-flow', id: 'lottery-levels' },
    rows.map((l) => [h('dt', {}, codeText('level', l)), h('dd', { dataset: { level: l } }, amount(by[l]))]));
}

function allocationsTable(a) {
  const lang = getLang();
  return table(t('lottery.allocations'), [
    { label: t('entries.document_no.label'), cell: (x) => dataText(x.document_no || '—', { quiet: true }) },
    { label: t('lottery.fiscal_year'), nowrap: true, cell: (x) => String(x.fiscal_year ?? '—') },
    { label: t('entries.level'), nowrap: true, cell: (x) => codeText('level', x.level) },
    { label: t('lottery.received_at'), nowrap: true, cell: (x) => formatDate(x.received_at, lang) },
    { label: t('col.amount') + t('unit.yuan'), num: true, cell: (x) => amount(x.amount) },
    { label: t('col.seq'), cell: (x) => h('a', { href: 'entries.html?seq=' + x.seq }, '#' + x.seq) },
  ], a.allocations || [], { rowHeader: true, hideCaption: true, empty: t('nodata'), class: 'allocations-table' });
}

function projectsSection(a) {
  const lang = getLang();
  const list = a.projects || [];
  const pg = pageOf(list, projectPage, PROJECTS_PER_PAGE);
  projectPage = pg.page;
  const go = (p) => { projectPage = p; render(); const hd = $('#h-projects'); if (hd) hd.focus(); };
  return [
    h('h3', { id: 'h-projects', tabindex: '-1' }, t('lottery.projects'), ' ', h('span', { class: 'muted count' }, t('fund.grants.count.all', { n: formatCount(list.length, lang) }))),
    table(t('lottery.projects'), [
      { label: t('grant.title'), cell: (p) => h('a', { href: 'grant.html?id=' + encodeURIComponent(p.grant) }, dataText(p.title || p.grant, { quiet: true })) },
      { label: t('grant.recipient'), cell: (p) => dataText((p.recipient && p.recipient.name) || '—', { quiet: true }) },
      { label: t('grant.award_date'), nowrap: true, cell: (p) => formatDate(p.award_date, lang) },
      { label: t('grant.promised') + t('unit.yuan'), num: true, cell: (p) => amount(p.amount) },
      { label: t('grant.paid') + t('unit.yuan'), num: true, cell: (p) => amount(p.paid) },
      { label: t('grant.used') + t('unit.yuan'), num: true, cell: (p) => amount(p.used) },
    ], pg.items, { rowHeader: true, hideCaption: true, empty: t('nodata'), class: 'projects-table' }),
    list.length > PROJECTS_PER_PAGE ? pagerNav({
      id: 'projects', label: t('lottery.projects'),
      text: t('pager.text', { page: pg.page, pages: pg.pages, from: pg.from, to: pg.to, total: formatCount(pg.total, lang) }),
      hasPrev: pg.page > 1, hasNext: pg.page < pg.pages, onPrev: () => go(pg.page - 1), onNext: () => go(pg.page + 1),
    }) : null,
  ];
}

function salesNote(a) {
  if (a.sales === null || a.sales === undefined) return h('p', { class: 'help', id: 'lottery-sales' }, t('lottery.sales.none'));
  return h('p', { class: 'help', id: 'lottery-sales', dataset: { sales: a.sales } }, t('lottery.sales', { sales: money(a.sales) }));
}

function render() {
  page.fillPicker();
  const box = $('#lottery');
  if (page.error) return box.replaceChildren(errorBox(page.error, page.load));
  if (!page.data) return box.replaceChildren(loadingBox());
  const a = page.data;
  const note = page.mirrorNote();
  if (announcementEmpty(a)) {
    return fill(box, note, h('h2', {}, t('lottery.title', { year: a.year })), h('p', { class: 'nodata', id: 'lottery-nodata', role: 'status' }, t('nodata')));
  }
  fill(box,
    note,
    h('h2', {}, t('lottery.title', { year: a.year })),
    publication(a),
    h('p', { class: 'help' }, t('lottery.unit')),
    flowList(a),
    h('h3', {}, t('lottery.by_level')),
    levelsList(a),
    h('h3', {}, t('lottery.allocations')),
    h('p', { class: 'help' }, t('lottery.allocations.help')),
    allocationsTable(a),
    projectsSection(a),
    h('h3', {}, t('lottery.sales.heading')),
    salesNote(a),
    h('p', { class: 'muted' }, t('lottery.anchor', { size: a.tree_size ?? '—' })),
    h('h3', {}, t('dl.heading')),
    downloads([
      { id: 'dl-lottery-csv', label: t('dl.grants.csv'), filename: `lottery-projects-${a.year}.csv`, type: 'text/csv;charset=utf-8', build: async () => projectsCsv(a) },
      { id: 'dl-lottery-json', label: t('dl.json'), filename: `lottery-${a.year}.json`, type: 'application/json', build: async () => JSON.stringify(a, null, 1) },
    ]),
  );
}

initPage('lottery', render);
page.start();
