import { initPage, api, h, t, money, table, fundName, errorBox, loadingBox, markReady, getLang, $ } from '../app.js';
import { formatDate } from '../format.js';

const now = new Date();
const params = new URLSearchParams(location.search);
const state = {
  kind: params.get('kind') || 'year',
  year: +(params.get('year') || now.getFullYear()),
  quarter: +(params.get('quarter') || Math.floor(now.getMonth() / 3) + 1),
  month: +(params.get('month') || now.getMonth() + 1),
  from: params.get('from') || '',
  to: params.get('to') || '',
};
let data = null;
let error = null;
let shown = null; // {from, to}

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

function options(sel, items, value) {
  sel.replaceChildren(...items.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value) }, label)));
}

function renderForm() {
  const zh = getLang().startsWith('zh');
  options($('#p-kind'), ['year', 'quarter', 'month', 'custom'].map((k) => [k, t('reports.kind.' + k)]), state.kind);
  options($('#p-year'), Array.from({ length: 8 }, (_, i) => now.getFullYear() + 1 - i).map((y) => [y, String(y)]), state.year);
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
  const q = `from=${encodeURIComponent(r.from || shown.from)}&to=${encodeURIComponent(r.to || shown.to)}`;
  const tot = r.totals || {};
  box.replaceChildren(
    h('h2', {}, `${formatDate(r.from || shown.from, lang)} – ${formatDate(r.to || shown.to, lang)}`),
    table(t('reports.heading'), [
      { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
      ...COLS.map((c) => ({ label: t('reports.' + c), num: true, cell: (f) => money(f[c]) })),
    ], r.funds || [], {
      hideCaption: true,
      rowHeader: true,
      foot: h('tr', {}, h('th', { scope: 'row' }, t('reports.total')), COLS.map((c) => h('td', { class: 'num', dataset: { field: c } }, money(tot[c])))),
    }),
    r.tree_size !== undefined ? h('p', { class: 'muted' }, t('reports.anchor', { size: r.tree_size, root: r.root || '—' })) : null,
    h('p', { class: 'actions' },
      h('a', { class: 'btn-secondary', id: 'dl-csv', href: `api/v1/reports?${q}&format=csv`, download: `report-${r.from || shown.from}-${r.to || shown.to}.csv` }, t('reports.csv')),
      h('a', { class: 'btn-secondary', id: 'dl-json', href: `api/v1/reports?${q}`, download: `report-${r.from || shown.from}-${r.to || shown.to}.json` }, t('reports.json'))),
  );
}

async function load() {
  const range = periodRange(state);
  if (!range.from || !range.to) return;
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
load();
