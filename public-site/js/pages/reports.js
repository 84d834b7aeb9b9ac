import { initPage, api, h, t, money, table, fundName, errorBox, loadingBox, markReady, fill, amount, getLang, downloads, $ } from '../app.js';
import { formatDate } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import { ledgerYears, yearList, reportHasActivity } from '../years.js';

const now = new Date();
const params = new URLSearchParams(location.search);
const askedYear = /^\d{4}$/.test(params.get('year') || '') ? +params.get('year') : null;
const state = {
  kind: ['year', 'quarter', 'month', 'custom'].includes(params.get('kind')) ? params.get('kind') : 'year',
  year: askedYear || now.getFullYear(),
  quarter: +(params.get('quarter') || Math.floor(now.getMonth() / 3) + 1),
  month: +(params.get('month') || now.getMonth() + 1),
  from: params.get('from') || '',
  to: params.get('to') || '',
};
let data = null;
let error = null;
let shown = null; // {from, to}
let years = null; // {first, last} of the ledger's data, or null when unknown

const pad = (n) => String(n).padStart(2, '0');
const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function periodRange(s) {
  if (s.kind === 'year') return { from: `${s.year}-01-01`, to: `${s.year}-12-31` };
  if (s.kind === 'quarter') {
    const m0 = (s.quarter - 1) * 3 + 1;
    return { from: `${s.year}-${pad(m0)}-01`, to: `${s.year}-${pad(m0 + 2)}-${pad(lastDay(s.year, m0 + 2))}` };
  }
  if (s.kind === 'month') return { from: `${s.year}-${pad(s.month)}-01`, to: `${s.year}-${pad(s.month)}-${pad(lastDay(s.year, s.month))}` };
  return { from: s.from, to: s.to };
}

/** The ledger's years, newest first, plus the year asked for when it lies outside them. */
function yearOptions() {
  const list = years ? yearList(years) : Array.from({ length: 8 }, (_, i) => now.getFullYear() - 7 + i);
  if (!list.includes(state.year)) list.push(state.year);
  return list.sort((a, b) => b - a);
}

function options(sel, items, value) {
  sel.replaceChildren(...items.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value) }, label)));
}

function renderForm() {
  const zh = getLang().startsWith('zh');
  options($('#p-kind'), ['year', 'quarter', 'month', 'custom'].map((k) => [k, t('reports.kind.' + k)]), state.kind);
  options($('#p-year'), yearOptions().map((y) => [y, String(y)]), state.year);
  options($('#p-quarter'), [1, 2, 3, 4].map((q) => [q, zh ? `第${q}季度` : `Q${q}`]), state.quarter);
  options($('#p-month'), Array.from({ length: 12 }, (_, i) => [i + 1, zh ? `${i + 1}月` : new Intl.DateTimeFormat('en', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, i, 1)))]), state.month);
  $('#p-from').value = state.from;
  $('#p-to').value = state.to;
  for (const el of document.querySelectorAll('#period [data-for]')) el.hidden = !el.dataset.for.split(' ').includes(state.kind);
}

const COLS = ['opening', 'income', 'granted', 'disbursed', 'used', 'admin_cost', 'closing'];

function render() {
  renderForm();
  const box = $('#report');
  if (error) return box.replaceChildren(errorBox(error, load));
  if (!data) return box.replaceChildren(shown ? loadingBox() : '');
  const r = data;
  const lang = getLang();
  const from = r.from || shown.from;
  const to = r.to || shown.to;
  const tot = r.totals || {};
  const active = reportHasActivity(r);
  const balances = COLS.some((c) => tot[c] !== undefined && String(tot[c]) !== '0');
  const name = `report-${from}-${to}`;
  fill(box,
    h('h2', {}, `${formatDate(from, lang)} – ${formatDate(to, lang)}`),
    active ? null : h('p', { class: 'nodata', id: 'report-nodata', role: 'status' }, balances ? t('reports.nomoves') : t('nodata')),
    active || balances ? table(t('reports.heading'), [
      { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
      ...COLS.map((c) => ({ label: t('reports.' + c) + t('unit.yuan'), num: true, cell: (f) => amount(f[c]) })),
    ], r.funds || [], {
      hideCaption: true,
      rowHeader: true,
      class: 'report-table',
      foot: h('tr', { role: 'row' }, h('th', { scope: 'row', role: 'rowheader' }, t('reports.total')), COLS.map((c) => h('td', { class: 'num', role: 'cell', 'data-label': t('reports.' + c) + t('unit.yuan'), dataset: { field: c } }, amount(tot[c])))),
    }) : null,
    r.tree_size !== undefined ? h('p', { class: 'muted anchor' }, t('reports.anchor', { size: r.tree_size, root: r.root || '—' })) : null,
    h('h3', {}, t('dl.heading')),
    downloads([
      { id: 'dl-csv', label: t('dl.csv'), filename: name + '.csv', type: 'text/csv;charset=utf-8', build: async () => reportCsv(r) },
      { id: 'dl-json', label: t('dl.json'), filename: name + '.json', type: 'application/json', build: async () => JSON.stringify(r, null, 1) },
    ]),
    h('p', { class: 'help' }, t('dl.json.help')),
  );
}

/** The report as CSV: one row per fund and a total, amounts in yuan. */
export function reportCsv(r) {
  const header = [t('csv.fund_id'), t('funds.name'), ...COLS.map((c) => t('reports.' + c) + t('unit.yuan'))];
  const rows = (r.funds || []).map((f) => [f.id, fundName(f), ...COLS.map((c) => yuan(f[c]))]);
  rows.push(['', t('reports.total'), ...COLS.map((c) => yuan((r.totals || {})[c]))]);
  return toCsv(header, rows);
}

async function load() {
  const range = periodRange(state);
  if (!range.from || !range.to) return markReady();
  shown = range;
  data = null;
  error = null;
  render();
  try {
    data = await api(`api/v1/reports?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`);
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('reports', render);
// Years first: the picker offers the ledger's own years, and without ?year
// the report opens on the newest one.
async function start() {
  years = await ledgerYears();
  if (!askedYear && years && !params.get('from')) state.year = years.last;
  renderForm();
  await load();
}
$('#period').addEventListener('change', (e) => {
  const f = e.target;
  if (f.name === 'kind') state.kind = f.value;
  else if (f.name === 'from' || f.name === 'to') state[f.name] = f.value;
  else state[f.name] = +f.value;
  renderForm();
});
$('#period').addEventListener('submit', (e) => {
  e.preventDefault();
  const p = new URLSearchParams({ kind: state.kind, year: state.year, quarter: state.quarter, month: state.month, from: state.from, to: state.to });
  history.replaceState(null, '', '?' + p.toString());
  load();
});
start();
