// The grantee's page: its organisation's grants only (GET api/v1/me/grants),
// and the expense report on one of them, with the evidence file hashed in
// the browser (evidence.js): only the hash is recorded, the file stays on
// this computer. A grant of another organisation is neither listed nor
// reported on (the server refuses it too: expense.own_grant).
import { h, t, fill, money, markReady, errorBox, loadingBox, table, dataText, getLang, $ } from '../app.js';
import { formatDate } from '../format.js';
import { initBackOffice, authApi } from './session.js';
import { renderForm } from './forms.js';

let mine = null; // {org, grants}
let loadError = null;

function wanted() {
  const m = /^#grant=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function render() {
  const box = $('#bo-main');
  if (loadError) return fill(box, errorBox(loadError, load));
  if (!mine) return fill(box, loadingBox());
  const lang = getLang();
  const grants = mine.grants || [];
  const id = wanted();
  const chosen = id ? grants.find((g) => g.id === id) : null;
  const formBox = h('div', { id: 'form-box' });
  fill(box,
    h('p', { class: 'lead' }, t('bo.grantee.intro', { org: mine.org })),
    table(t('bo.grantee.grants'), [
      { label: t('grant.title'), cell: (g) => h('a', { href: 'admin/grantee.html#grant=' + encodeURIComponent(g.id), class: 'grant-link', dataset: { grant: g.id } }, dataText(g.title || g.id, { quiet: true })) },
      { label: t('bo.f.grant'), nowrap: true, cell: (g) => g.id },
      { label: t('grant.award_date'), nowrap: true, cell: (g) => formatDate(g.award_date, lang) },
      { label: t('grant.promised'), num: true, cell: (g) => money(g.amount) },
      { label: t('grant.paid'), num: true, cell: (g) => money(g.paid) },
      { label: t('grant.used'), num: true, cell: (g) => money(g.used) },
    ], grants, { empty: t('bo.grantee.none'), rowHeader: true }),
    h('h2', { id: 'expense-heading' }, t('bo.grantee.report')),
    h('p', { class: 'privacy-note', id: 'privacy-note' }, t('bo.evidence.privacy')),
    id && !chosen ? h('div', { class: 'error', role: 'alert', id: 'not-own-grant' }, t('bo.grantee.not_own', { id, org: mine.org })) : formBox);
  if (id && !chosen) return;
  renderForm(formBox, 'expense', {
    ownGrants: grants,
    values: chosen ? { grant: chosen.id } : {},
    onRecorded: async () => {
      mine = await authApi('api/v1/me/grants').catch(() => mine);
    },
  });
}

async function load() {
  try {
    mine = await authApi('api/v1/me/grants');
    loadError = null;
  } catch (e) {
    loadError = e;
  }
  show();
  markReady();
}

const show = initBackOffice('bo-grantee', render, ['grantee']);
window.addEventListener('hashchange', show);
load();
