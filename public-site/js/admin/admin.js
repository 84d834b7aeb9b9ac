// The admin's page: the organisation profile (GET api/v1/organisation) and
// the form that records a new one, the year-end net assets (recorded by a
// recorder; shown here), closing a year's books, opening a fund, the funds
// as the ledger holds them, and the accounts by name, role and organisation
// (GET api/v1/accounts: never a token or its hash; tokens are issued and
// revoked with `ledgerctl token` on the server).
import { h, t, api, fill, markReady, table, errorBox, loadingBox, fundName, kindLabel, money, codeLabel, pickName, getLang, $ } from '../app.js';
import { formatDate } from '../format.js';
import { initBackOffice, authApi } from './session.js';
import { renderForm } from './forms.js';

let funds = null;
let accounts = null;
let org = null;
let loadError = null;

function profileBox() {
  const p = org && org.current;
  if (!p) return h('p', { class: 'warn-box', id: 'profile-none' }, t('bo.admin.profile.none'));
  const lang = getLang();
  return h('dl', { class: 'figure-list', id: 'profile-current' },
    h('dt', {}, t('bo.f.org.profile.name.zh')), h('dd', {}, pickName(p.name)),
    h('dt', {}, t('bo.f.legal_type')), h('dd', {}, codeLabel('legal_type', p.legal_type)),
    h('dt', {}, t('bo.f.public_fundraising_from')), h('dd', {}, p.public_fundraising_from ? formatDate(p.public_fundraising_from, lang) : '—'),
    h('dt', {}, t('bo.f.effective_from')), h('dd', {}, formatDate(p.effective_from, lang)),
    p.uscc ? [h('dt', {}, t('bo.f.uscc')), h('dd', { class: 'mono' }, p.uscc)] : null);
}

function yearRows(obj) {
  return Object.entries(obj || {}).map(([year, v]) => ({ year, v })).sort((a, b) => b.year.localeCompare(a.year));
}

/** The parts that show the ledger's state, refilled after each recording (the forms keep their messages). */
function renderReads() {
  fill($('#profile-read'), profileBox());
  fill($('#net-assets-read'), table(t('bo.admin.net_assets'), [
    { label: t('bo.admin.year'), nowrap: true, cell: (r) => r.year },
    { label: t('bo.admin.amount'), num: true, cell: (r) => money(r.v) },
  ], yearRows(org.net_assets), { hideCaption: true, rowHeader: true, empty: t('bo.admin.net_assets.none'), class: 'net-assets' }));
  fill($('#closed-read'), table(t('bo.admin.books.closed'), [
    { label: t('bo.admin.year'), nowrap: true, cell: (r) => r.year },
    { label: t('bo.admin.closed_by'), nowrap: true, cell: (r) => h('a', { href: 'entries.html?seq=' + r.v }, '#' + r.v) },
  ], yearRows(org.closed_years), { rowHeader: true, empty: t('bo.admin.books.none'), class: 'closed-years' }));
  fill($('#funds-read'), table(t('nav.funds'), [
    { label: t('funds.name'), cell: (f) => h('a', { href: 'fund.html?id=' + encodeURIComponent(f.id) }, fundName(f)) },
    { label: t('bo.f.id'), nowrap: true, cell: (f) => f.id },
    { label: t('bo.f.kind'), nowrap: true, cell: (f) => kindLabel(f.kind) },
    { label: t('dash.income'), num: true, cell: (f) => money(f.income) },
    { label: t('dash.balance'), num: true, cell: (f) => money(f.balance) },
  ], funds, { hideCaption: true, rowHeader: true }));
}

async function reload() {
  const [f, o] = await Promise.all([api('api/v1/funds').catch(() => ({ funds })), api('api/v1/organisation').catch(() => org)]);
  funds = f.funds;
  org = o;
  renderReads();
}

function render() {
  const box = $('#bo-main');
  if (loadError) return fill(box, errorBox(loadError, load));
  if (!funds || !accounts || !org) return fill(box, loadingBox());
  const p = org.current;
  const forms = { profile: h('div', { id: 'profile-form' }), books: h('div', { id: 'books-form' }), fund: h('div', { id: 'fund-form' }) };
  fill(box,
    h('h2', { id: 'h-profile' }, t('bo.admin.profile')),
    h('div', { id: 'profile-read' }),
    h('details', { class: 'bo-details', open: p ? null : true }, h('summary', {}, t('bo.admin.profile.new')), forms.profile),

    h('h2', { id: 'h-net-assets' }, t('bo.admin.net_assets')),
    h('p', { class: 'help' }, t('bo.admin.net_assets.help')),
    h('div', { id: 'net-assets-read' }),

    h('h2', { id: 'h-books' }, t('bo.admin.books')),
    h('div', { id: 'closed-read' }),
    forms.books,

    h('h2', { id: 'h-fund-open' }, t('bo.admin.open_fund')),
    forms.fund,
    h('h2', { id: 'h-funds' }, t('nav.funds')),
    h('div', { id: 'funds-read' }),

    h('h2', { id: 'h-accounts' }, t('bo.admin.accounts')),
    h('p', { class: 'help' }, t('bo.admin.accounts.help')),
    table(t('bo.admin.accounts'), [
      { label: t('bo.admin.account'), cell: (a) => a.name },
      { label: t('bo.admin.role'), nowrap: true, cell: (a) => t('bo.role.' + a.role) },
      { label: t('bo.admin.org'), nowrap: true, cell: (a) => a.org || '—' },
    ], accounts, { hideCaption: true, rowHeader: true, class: 'accounts' }));
  renderReads();
  const values = p ? { 'name.zh': p.name.zh, 'name.en': p.name.en, legal_type: p.legal_type, public_fundraising_from: p.public_fundraising_from || '', uscc: p.uscc || '' } : {};
  renderForm(forms.profile, 'org.profile', { values, onRecorded: reload });
  renderForm(forms.books, 'books.close', { onRecorded: reload });
  renderForm(forms.fund, 'fund.open', { onRecorded: reload });
}

async function load() {
  try {
    const [f, a, o] = await Promise.all([api('api/v1/funds'), authApi('api/v1/accounts'), api('api/v1/organisation')]);
    funds = f.funds || [];
    accounts = a.accounts || [];
    org = o;
    loadError = null;
  } catch (e) {
    loadError = e;
  }
  show();
  markReady();
}

const show = initBackOffice('bo-admin', render, ['admin']);
load();
