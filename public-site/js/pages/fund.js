import { initPage, api, h, t, money, table, fundName, kindLabel, errorBox, loadingBox, markReady, param, getLang, $ } from '../app.js';
import { formatDate, percentOf } from '../format.js';

const id = param('id');
let data = null;
let error = null;
const FIELDS = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];

function render() {
  const box = $('#fund');
  if (!id) return box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('fund.notfound')));
  if (error) return box.replaceChildren(h('h1', {}, id), errorBox(error.status === 404 ? new Error(t('fund.notfound')) : error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const f = data;
  document.title = fundName(f) + ' · ' + t('site.title');
  const counts = f.counts || {};
  box.replaceChildren(
    h('h1', {}, fundName(f)),
    h('p', { class: 'lead' }, kindLabel(f.kind), f.purpose ? ` · ${t('fund.purpose')}: ${f.purpose}` : ''),
    h('div', { class: 'kpis' }, FIELDS.map((k) => h('div', { class: 'kpi' }, h('span', { class: 'label' }, t('dash.' + k)), h('span', { class: 'value', dataset: { field: k } }, money(f[k]))))),
    h('h2', {}, t('fund.counts')),
    h('p', {}, ['donations', 'grants', 'disbursements', 'expenses'].map((k) => `${t('fund.count.' + k)} ${counts[k] ?? 0}`).join(' · '), ' · ',
      h('a', { href: 'entries.html?fund=' + encodeURIComponent(f.id) }, t('fund.entries'))),
    h('h2', {}, t('fund.grants')),
    table(t('fund.grants'), [
      { label: t('grant.title'), cell: (g) => h('a', { href: 'grant.html?id=' + encodeURIComponent(g.id) }, g.title || g.id) },
      { label: t('grant.recipient'), cell: (g) => (g.recipient && g.recipient.name) || '' },
      { label: t('grant.award_date'), cell: (g) => formatDate(g.award_date, getLang()) },
      { label: t('grant.promised'), num: true, cell: (g) => money(g.amount) },
      { label: t('grant.paid'), num: true, cell: (g) => `${money(g.paid)} (${percentOf(g.paid, g.amount)})` },
      { label: t('grant.used'), num: true, cell: (g) => `${money(g.used)} (${percentOf(g.used, g.amount)})` },
    ], f.grants || [], { hideCaption: true, rowHeader: true }),
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
