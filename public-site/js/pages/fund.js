import { initPage, api, h, t, money, table, fundName, kindLabel, errorBox, loadingBox, markReady, fill, param, getLang, dataText, zhOnlyNote, downloads, $ } from '../app.js';
import { formatDate, percentOf } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import { isChineseOnly } from '../text.js';

const id = param('id');
let data = null;
let error = null;
const FIELDS = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];

export function grantsCsv(grants) {
  return toCsv([t('csv.grant_id'), t('grant.title'), t('csv.recipient_id'), t('grant.recipient'), t('grant.award_date'),
    t('grant.promised') + t('unit.yuan'), t('grant.paid') + t('unit.yuan'), t('grant.used') + t('unit.yuan'), t('grant.corrected')],
  grants.map((g) => [g.id, g.title, g.recipient && g.recipient.id, g.recipient && g.recipient.name, g.award_date, yuan(g.amount), yuan(g.paid), yuan(g.used), g.corrected ? t('yes') : '']));
}

function render() {
  const box = $('#fund');
  if (!id) return box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('fund.notfound')));
  if (error) return box.replaceChildren(h('h1', {}, id), errorBox(error.status === 404 ? new Error(t('fund.notfound')) : error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const f = data;
  const lang = getLang();
  document.title = fundName(f) + ' · ' + t('site.title');
  const counts = f.counts || {};
  const grants = f.grants || [];
  const zhCols = [];
  if (grants.some((g) => isChineseOnly(g.title))) zhCols.push(t('grant.title'));
  if (grants.some((g) => g.recipient && isChineseOnly(g.recipient.name))) zhCols.push(t('grant.recipient'));
  fill(box,
    h('h1', {}, fundName(f)),
    h('p', { class: 'lead' }, kindLabel(f.kind), f.purpose ? [` · ${t('fund.purpose')}: `, dataText(f.purpose)] : ''),
    h('div', { class: 'kpis' }, FIELDS.map((k) => h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.' + k)), h('span', { class: 'value', dataset: { field: k } }, money(f[k]))))),
    h('h2', {}, t('fund.counts')),
    h('p', {}, ['donations', 'grants', 'disbursements', 'expenses'].map((k) => `${t('fund.count.' + k)} ${counts[k] ?? 0}`).join(' · '), ' · ',
      h('a', { href: 'entries.html?fund=' + encodeURIComponent(f.id) }, t('fund.entries'))),
    h('h2', {}, t('fund.grants')),
    zhCols.length ? zhOnlyNote(zhCols) : null,
    table(t('fund.grants'), [
      { label: t('grant.title'), cell: (g) => [h('a', { href: 'grant.html?id=' + encodeURIComponent(g.id) }, dataText(g.title || g.id, { quiet: true })), g.corrected ? [' ', h('span', { class: 'badge bad' }, t('grant.corrected'))] : null] },
      { label: t('grant.recipient'), cell: (g) => dataText((g.recipient && g.recipient.name) || '', { quiet: true }) },
      { label: t('grant.award_date'), cell: (g) => formatDate(g.award_date, lang) },
      { label: t('grant.promised'), num: true, cell: (g) => money(g.amount) },
      { label: t('grant.paid'), num: true, cell: (g) => `${money(g.paid)} (${percentOf(g.paid, g.amount)})` },
      { label: t('grant.used'), num: true, cell: (g) => `${money(g.used)} (${percentOf(g.used, g.amount)})` },
    ], grants, { hideCaption: true, rowHeader: true, rowClass: (g) => (g.corrected ? 'corrected' : null) }),
    h('h3', {}, t('dl.heading')),
    downloads([
      { id: 'dl-grants-csv', label: t('dl.grants.csv'), filename: `grants-${f.id}.csv`, type: 'text/csv;charset=utf-8', build: async () => grantsCsv(grants) },
      { id: 'dl-grants-json', label: t('dl.grants.json'), filename: `grants-${f.id}.json`, type: 'application/json', build: async () => JSON.stringify({ fund: f.id, grants }, null, 1) },
    ]),
    h('p', { class: 'help' }, t('dl.json.help')),
  );
}

async function load() {
  try {
    data = await api('api/v1/funds/' + encodeURIComponent(id));
    error = null;
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('funds', render);
if (id) load(); else markReady();
