import { initPage, api, h, t, getLang, money, table, fundName, kindLabel, errorBox, loadingBox, markReady, pickName, dataText, zhOnlyNote, $ } from '../app.js';
import { formatDateTime, formatCount, formatMoneyShort } from '../format.js';
import { isChineseOnly } from '../text.js';
import { ECHARTS } from '../vendor.js';

// The dashboard is the only page that draws a chart, so the only one that
// loads ECharts (the vendored Sankey subset), in parallel with the API calls.
let echartsPromise = null;
function loadECharts() {
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      if (globalThis.echarts) return resolve(globalThis.echarts);
      const s = document.createElement('script');
      s.src = ECHARTS;
      s.async = true;
      s.onload = () => resolve(globalThis.echarts);
      s.onerror = () => reject(new Error(ECHARTS));
      document.head.append(s);
    });
  }
  return echartsPromise;
}
loadECharts().catch(() => {});

const data = { funds: null, flows: null, lottery: null, checkpoint: null };
const errors = {};
let chart = null;

const FIELDS = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];

function sum(funds, k) {
  // integer fen; BigInt keeps sums exact beyond 2^53
  return funds.reduce((a, f) => a + BigInt(f[k] ?? 0), 0n);
}

function figureList(f) {
  return h('dl', { class: 'figure-list' }, FIELDS.map((k) => [h('dt', {}, t('dash.' + k)), h('dd', { dataset: { field: k } }, money(f[k]))]));
}

function renderTotals() {
  const box = $('#totals');
  if (errors.funds) return box.replaceChildren(errorBox(errors.funds, load));
  if (!data.funds) return box.replaceChildren(loadingBox());
  const funds = data.funds.funds || [];
  const all = Object.fromEntries(FIELDS.map((k) => [k, sum(funds, k)]));
  box.replaceChildren(
    h('div', { class: 'cards' },
      h('article', { class: 'card totals-card', id: 'totals-all', dataset: { fund: '*' } },
        h('h3', {}, t('dash.all_funds')),
        figureList(all)),
      funds.map((f) => h('article', { class: 'card', dataset: { fund: f.id } },
        h('h3', {}, h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f))),
        h('span', { class: 'kind' }, kindLabel(f.kind)),
        figureList(f)))));
}

function renderCheckpoint() {
  const box = $('#checkpoint');
  if (errors.checkpoint) return box.replaceChildren(errorBox(errors.checkpoint, load));
  if (!data.checkpoint) return box.replaceChildren(loadingBox());
  const c = data.checkpoint;
  const w = c.witnesses || [];
  box.replaceChildren(h('div', { class: 'kpis' },
    h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.checkpoint.size')), h('span', { class: 'value', id: 'cp-size' }, formatCount(c.size, getLang()))),
    h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.checkpoint.time')), h('span', { class: 'value', id: 'cp-time' }, formatDateTime(c.time, getLang()))),
    h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.checkpoint.witnesses')), h('span', { class: 'value', id: 'cp-witnesses' }, w.length ? w.map((x) => x.name).join(', ') : t('dash.checkpoint.nowitness'))),
    h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.checkpoint.root')), h('span', { class: 'value mono hash' }, c.root || '—'))));
}

function nodeLabel(n) {
  return pickName(n.name) || n.id;
}

function renderFlowTable() {
  const box = $('#flow-table');
  if (!data.flows) return box.replaceChildren();
  const byId = new Map((data.flows.nodes || []).map((n) => [n.id, n]));
  const name = (id) => dataText(byId.has(id) ? nodeLabel(byId.get(id)) : id, { quiet: true });
  const zhOnly = (data.flows.nodes || []).some((n) => isChineseOnly(nodeLabel(n)));
  box.replaceChildren(h('details', {}, h('summary', {}, t('dash.flow.table')),
    zhOnly ? zhOnlyNote([t('dash.flow.programmes')]) : null,
    table(t('dash.flow'), [
      { label: t('dash.flow.from'), cell: (l) => name(l.source) },
      { label: t('dash.flow.to'), cell: (l) => name(l.target) },
      { label: t('dash.flow.value'), num: true, cell: (l) => money(l.value) },
    ], data.flows.links || [], { hideCaption: true })));
}

// Which column of the Sankey each node kind sits in (left to right), so the
// chart can be tall enough for its busiest column.
const COLUMN = { source: 0, fund: 1, programme: 2, grant: 2, admin_cost: 2, paid: 3, disbursed: 3, used: 4 };

/** The chart in words for screen readers: every link with its amount, never a number ECharts could not read. */
export function flowDescription(nodes, links, lang) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const name = (id) => (byId.has(id) ? nodeLabel(byId.get(id)) : id);
  const parts = links.map((l) => t('dash.flow.aria.link', { from: name(l.source), to: name(l.target), value: formatMoneyShort(l.value, lang) }));
  return t('dash.flow.aria', { n: links.length }) + ' ' + parts.join(lang.startsWith('zh') ? '；' : '; ') + (lang.startsWith('zh') ? '。' : '.');
}

/** Tooltip content built as DOM (text nodes only): a ledger name can never become markup. */
function tooltipContent(p, byId) {
  const label = (id) => {
    const n = byId.get(id) || { id };
    return dataText(nodeLabel(n));
  };
  if (p.dataType === 'edge') {
    return h('div', { class: 'chart-tip' }, label(p.data.source), ' → ', label(p.data.target), h('br'), money(p.data.value));
  }
  return h('div', { class: 'chart-tip' }, label(p.data.name), p.value !== undefined ? [h('br'), money(p.value)] : null);
}

async function renderChart() {
  const el = $('#flow-chart');
  if (errors.flows) {
    el.replaceChildren(errorBox(errors.flows, load));
    return;
  }
  if (!data.flows) return;
  let echarts;
  try {
    echarts = await loadECharts();
  } catch (e) {
    el.replaceChildren(errorBox(e));
    return;
  }
  const lang = getLang();
  if (chart) {
    chart.dispose();
    chart = null;
  }
  const nodes = data.flows.nodes || [];
  const links = (data.flows.links || []).filter((l) => l.value > 0);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const color = { source: '#b3261e', fund: '#0b57a4', programme: '#2d7d46', grant: '#2d7d46', paid: '#1f7a8c', disbursed: '#1f7a8c', used: '#9c5a00', admin_cost: '#6b4fa0' };
  // Tall enough that the busiest column gives each node room for a label.
  const perColumn = new Map();
  for (const n of nodes) perColumn.set(COLUMN[n.kind] ?? 2, (perColumn.get(COLUMN[n.kind] ?? 2) || 0) + 1);
  const busiest = Math.max(1, ...perColumn.values());
  const narrow = el.clientWidth < 600;
  // Two label lines (name, amount) fit between two nodes, however small their
  // amounts: the gap is the label's height, and the chart grows to keep the
  // big flows readable.
  const fontSize = narrow ? 10 : 13;
  const nodeGap = Math.ceil(fontSize * 1.25 * 2) + 6;
  el.style.height = Math.max(narrow ? 420 : 480, busiest * nodeGap + 260) + 'px';
  // Each label fits between its node and the next column (shortened with
  // "…" on a phone); the tooltip and the table below give every full name.
  const left = 8;
  const right = narrow ? 72 : 160;
  const nodeWidth = narrow ? 10 : 20;
  const used = [...new Set(nodes.map((n) => COLUMN[n.kind] ?? 2))];
  const lastColumn = Math.max(...used);
  const spacing = (el.clientWidth - left - right - nodeWidth) / Math.max(1, used.length - 1);
  const labelWidth = (n) => Math.max(40, Math.floor((COLUMN[n.kind] ?? 2) === lastColumn ? right - 12 : spacing - nodeWidth - 10));
  chart = echarts.init(el, null, { locale: lang.startsWith('zh') ? 'ZH' : 'EN', renderer: 'canvas' });
  chart.setOption({
    aria: { enabled: true, label: { description: flowDescription(nodes, links, lang) } },
    animation: false,
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => tooltipContent(p, byId),
    },
    series: [{
      type: 'sankey',
      left, right, top: 16, bottom: 30,
      nodeGap,
      nodeWidth,
      // Should two labels still meet, one is left out rather than drawn over
      // the other (the tests check that none is).
      labelLayout: { hideOverlap: true },
      nodeAlign: 'left',
      layoutIterations: 32,
      emphasis: { focus: 'adjacency' },
      data: nodes.map((n) => ({ name: n.id, itemStyle: { color: color[n.kind] || '#5b6470' }, label: { width: labelWidth(n) } })),
      links: links.map((l) => ({ source: l.source, target: l.target, value: l.value })),
      lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
      label: {
        color: '#1b1f24',
        fontSize,
        lineHeight: Math.ceil(fontSize * 1.25),
        overflow: 'truncate',
        formatter: (p) => {
          const n = byId.get(p.name);
          return `${n ? nodeLabel(n) : p.name}\n${formatMoneyShort(p.value, lang)}`;
        },
      },
    }],
  });
}

function renderLottery() {
  const box = $('#lottery');
  if (errors.lottery) return box.replaceChildren(errorBox(errors.lottery, load));
  if (!data.lottery) return box.replaceChildren(loadingBox());
  const L = data.lottery;
  const cols = [
    { label: t('dash.lottery.period'), cell: (p) => h('span', { style: 'white-space:nowrap' }, p.period) },
    { label: t('dash.lottery.sales'), num: true, cell: (p) => money(p.sales) },
    { label: t('dash.lottery.allocated'), num: true, cell: (p) => money(p.allocated) },
    { label: t('dash.lottery.granted'), num: true, cell: (p) => money(p.granted) },
    { label: t('dash.lottery.used'), num: true, cell: (p) => money(p.used) },
  ];
  const tot = L.totals || {};
  box.replaceChildren(h('p', {}, h('a', { href: 'lottery.html', id: 'lottery-link' }, t('dash.lottery.link'))), table(t('dash.lottery'), cols, L.periods || [], {
    hideCaption: true,
    rowHeader: true,
    phone: 'scroll',
    foot: h('tr', {}, h('th', { scope: 'row' }, t('dash.lottery.total')), ['sales', 'allocated', 'granted', 'used'].map((k) => h('td', { class: 'num' }, money(tot[k])))),
  }));
}

function render() {
  renderTotals();
  renderCheckpoint();
  renderFlowTable();
  renderLottery();
  return renderChart();
}

async function get(key, path) {
  try {
    data[key] = await api(path);
    delete errors[key];
  } catch (e) {
    errors[key] = e;
  }
}

async function load() {
  const totalsReady = get('funds', 'api/v1/funds').then(() => {
    renderTotals();
    markReady('totals');
  });
  await Promise.all([
    totalsReady,
    get('checkpoint', 'api/v1/checkpoints/latest').then(renderCheckpoint),
    get('lottery', 'api/v1/lottery').then(renderLottery),
    get('flows', 'api/v1/flows').then(() => { renderFlowTable(); return renderChart(); }),
  ]);
  markReady();
}

initPage('dashboard', render);
load();
addEventListener('resize', () => chart && chart.resize());
