// The admin's page: open a fund (the fund.open form), the funds as the
// ledger holds them, and the accounts by name, role and organisation
// (GET api/v1/accounts: never a token or its hash; tokens are issued and
// revoked with `ledgerctl token` on the server).
import { h, t, api, fill, markReady, table, errorBox, loadingBox, fundName, kindLabel, money, $ } from '../app.js';
import { initBackOffice, authApi } from './session.js';
import { renderForm } from './forms.js';

let funds = null;
let accounts = null;
let loadError = null;

function render() {
  const box = $('#bo-main');
  if (loadError) return fill(box, errorBox(loadError, load));
  if (!funds || !accounts) return fill(box, loadingBox());
  const formBox = h('div', { id: 'form-box' });
  fill(box,
    h('h2', { id: 'h-fund-open' }, t('bo.admin.open_fund')),
    formBox,
    h('h2', { id: 'h-funds' }, t('nav.funds')),
    table(t('nav.funds'), [
      { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
      { label: t('bo.f.id'), nowrap: true, cell: (f) => f.id },
      { label: t('bo.f.kind'), nowrap: true, cell: (f) => kindLabel(f.kind) },
      { label: t('dash.income'), num: true, cell: (f) => money(f.income) },
      { label: t('dash.balance'), num: true, cell: (f) => money(f.balance) },
    ], funds, { hideCaption: true, rowHeader: true }),
    h('h2', { id: 'h-accounts' }, t('bo.admin.accounts')),
    h('p', { class: 'help' }, t('bo.admin.accounts.help')),
    table(t('bo.admin.accounts'), [
      { label: t('bo.admin.account'), cell: (a) => a.name },
      { label: t('bo.admin.role'), nowrap: true, cell: (a) => t('bo.role.' + a.role) },
      { label: t('bo.admin.org'), nowrap: true, cell: (a) => a.org || '—' },
    ], accounts, { hideCaption: true, rowHeader: true, class: 'accounts' }));
  renderForm(formBox, 'fund.open', {
    onRecorded: async () => {
      funds = (await api('api/v1/funds').catch(() => ({ funds }))).funds;
    },
  });
}

async function load() {
  try {
    const [f, a] = await Promise.all([api('api/v1/funds'), authApi('api/v1/accounts')]);
    funds = f.funds || [];
    accounts = a.accounts || [];
    loadError = null;
  } catch (e) {
    loadError = e;
  }
  show();
  markReady();
}

const show = initBackOffice('bo-admin', render, ['admin']);
load();
