import { initPage, api, h, t, amount, table, fundName, kindLabel, errorBox, loadingBox, markReady, downloads, $ } from '../app.js';
import { toCsv, yuan } from '../csv.js';

let data = null;
let error = null;
const FIELDS = ['income', 'committed', 'disbursed', 'used', 'admin_cost', 'balance', 'uncommitted'];

export function fundsCsv(funds) {
  return toCsv([t('csv.fund_id'), t('funds.name'), t('funds.kind'), ...FIELDS.map((k) => t('dash.' + k) + t('unit.yuan'))],
    funds.map((f) => [f.id, fundName(f), kindLabel(f.kind), ...FIELDS.map((k) => yuan(f[k]))]));
}

function render() {
  const box = $('#funds');
  if (error) return box.replaceChildren(errorBox(error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const funds = data.funds || [];
  box.replaceChildren(
    table(t('funds.heading'), [
      { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
      { label: t('funds.kind'), nowrap: true, cell: (f) => kindLabel(f.kind) },
      ...FIELDS.filter((k) => k !== 'uncommitted').map((k) => ({ label: t('dash.' + k) + t('unit.yuan'), num: true, cell: (f) => amount(f[k]) })),
    ], funds, { hideCaption: true, rowHeader: true, class: 'funds-table' }),
    h('h2', {}, t('dl.heading')),
    downloads([
      { id: 'dl-funds-csv', label: t('dl.csv'), filename: 'funds.csv', type: 'text/csv;charset=utf-8', build: async () => fundsCsv(funds) },
      { id: 'dl-funds-json', label: t('dl.json'), filename: 'funds.json', type: 'application/json', build: async () => JSON.stringify(data, null, 1) },
    ]),
    h('p', { class: 'help' }, t('dl.json.help')));
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
