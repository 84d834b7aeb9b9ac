import { initPage, api, h, t, money, table, errorBox, loadingBox, markReady, fill, getLang, $ } from '../app.js';
import { formatDate, ratioToPercent } from '../format.js';
import { ledgerYears, yearList } from '../years.js';

const thisYear = new Date().getFullYear();
const params = new URLSearchParams(location.search);
const askedYear = /^\d{4}$/.test(params.get('year') || '') ? +params.get('year') : null;
let year = askedYear || thisYear;
let years = null; // {first, last} of the ledger's data, or null when unknown
let data = null;
let error = null;

// ledgerd names deadlines in English ("annual report 2026", "results g-1",
// "quarterly update g-1 2026Q1"); say them in Chinese when reading Chinese.
export function deadlineLabel(what) {
  if (!getLang().startsWith('zh') || typeof what !== 'string') return what;
  let m;
  if ((m = /^annual report (\d{4})$/.exec(what))) return `${m[1]} 年度工作报告`;
  if ((m = /^results (\S+)$/.exec(what))) return `资助项目 ${m[1]} 结项报告`;
  if ((m = /^quarterly update (\S+) (\d{4})Q([1-4])$/.exec(what))) return `资助项目 ${m[1]} ${m[2]} 年第 ${m[3]} 季度进展报告`;
  return what;
}

function badge(ok, empty) {
  if (empty) return h('span', { class: 'badge neutral' }, t('nodata'));
  return h('span', { class: 'badge ' + (ok ? 'ok' : 'bad') }, ok ? t('comp.ok') : t('comp.notok'));
}

/** A year with nothing to judge: no income the year before, no spending, no admin cost. Never shown as met. */
export function complianceEmpty(c) {
  return ['previous_year_income', 'charitable_spending', 'admin_cost'].every((k) => c[k] === undefined || String(c[k]) === '0');
}

function yearOptions() {
  const list = years ? yearList(years) : Array.from({ length: 8 }, (_, i) => thisYear - 7 + i);
  if (!list.includes(year)) list.push(year);
  return list.sort((a, b) => b - a);
}

function render() {
  const sel = $('#c-year');
  sel.replaceChildren(...yearOptions().map((y) => h('option', { value: y, selected: y === year }, String(y))));
  const box = $('#compliance');
  if (error) return box.replaceChildren(errorBox(error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const c = data;
  const lang = getLang();
  const empty = complianceEmpty(c);
  const status = (d) => (d.missed ? h('span', { class: 'badge bad' }, t('comp.missed')) : d.met_on ? h('span', { class: 'badge ok' }, t('comp.met')) : h('span', { class: 'badge neutral' }, t('comp.pending')));
  fill(box,
    empty ? h('p', { class: 'nodata', id: 'comp-nodata', role: 'status' }, t('comp.nodata', { year: c.year ?? year })) : null,
    h('div', { class: 'cards' },
      h('article', { class: 'card', id: 'spending' },
        h('h3', {}, t('comp.spending_ratio'), ' ', badge(c.spending_ok, empty)),
        h('p', { class: 'kpi' }, h('span', { class: 'value' }, empty ? '—' : ratioToPercent(c.spending_ratio)), h('span', { class: 'label' }, t('comp.rule.spending'))),
        h('dl', { class: 'figure-list' },
          h('dt', {}, t('comp.spending')), h('dd', {}, money(c.charitable_spending)),
          h('dt', {}, t('comp.prev_income')), h('dd', {}, money(c.previous_year_income)))),
      h('article', { class: 'card', id: 'admin' },
        h('h3', {}, t('comp.admin_ratio'), ' ', badge(c.admin_ok, empty)),
        h('p', { class: 'kpi' }, h('span', { class: 'value' }, empty ? '—' : ratioToPercent(c.admin_ratio)), h('span', { class: 'label' }, t('comp.rule.admin'))),
        h('dl', { class: 'figure-list' },
          h('dt', {}, t('comp.admin_cost')), h('dd', {}, money(c.admin_cost)),
          h('dt', {}, t('comp.spending')), h('dd', {}, money(c.charitable_spending))))),
    h('h2', {}, t('comp.deadlines')),
    table(t('comp.deadlines'), [
      { label: t('comp.what'), cell: (d) => deadlineLabel(d.what) },
      { label: t('comp.due'), cell: (d) => formatDate(d.due, lang) },
      { label: t('comp.met_on'), cell: (d) => (d.met_on ? formatDate(d.met_on, lang) : '—') },
      { label: t('comp.status'), cell: status },
    ], c.deadlines || [], { hideCaption: true, rowHeader: true }),
  );
}

async function load() {
  data = null;
  render();
  try {
    data = await api('api/v1/compliance?year=' + year);
    error = null;
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('compliance', render);
async function start() {
  years = await ledgerYears();
  if (!askedYear && years) year = years.last;
  await load();
}
$('#c-year').addEventListener('change', (e) => {
  year = +e.target.value;
  history.replaceState(null, '', '?year=' + year);
  load();
});
start();
