import { initPage, api, h, t, money, table, fundName, kindLabel, errorBox, loadingBox, markReady, $ } from '../app.js';

let data = null;
let error = null;

function render() {
  const box = $('#funds');
  if (error) return box.replaceChildren(errorBox(error, load));
  if (!data) return box.replaceChildren(loadingBox());
  box.replaceChildren(table(t('funds.heading'), [
    { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
    { label: t('funds.kind'), cell: (f) => kindLabel(f.kind) },
    { label: t('dash.income'), num: true, cell: (f) => money(f.income) },
    { label: t('dash.committed'), num: true, cell: (f) => money(f.committed) },
    { label: t('dash.disbursed'), num: true, cell: (f) => money(f.disbursed) },
    { label: t('dash.used'), num: true, cell: (f) => money(f.used) },
    { label: t('dash.admin_cost'), num: true, cell: (f) => money(f.admin_cost) },
    { label: t('dash.balance'), num: true, cell: (f) => money(f.balance) },
  ], data.funds || [], { hideCaption: true, rowHeader: true }));
}

async function load() {
  try {
    data = await api('api/v1/funds');
    error = null;
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('funds', render);
load();
