// The recorder's page: one form per entry type (forms.js), chosen by the
// page's fragment (#donation, #grant ...). After a donation, its receipt
// code is kept for this tab and the printable receipt is one click away.
import { h, t, api, fill, markReady, errorBox, loadingBox, typeLabel, $ } from '../app.js';
import { initBackOffice } from './session.js';
import { renderForm, typesFor } from './forms.js';
import { keepReceipt } from './receipt-store.js';

let lists = null; // {funds, grants}
let loadError = null;

function current() {
  const want = decodeURIComponent(location.hash.slice(1));
  const types = typesFor('recorder');
  return types.includes(want) ? want : types[0];
}

function render() {
  const box = $('#bo-main');
  if (loadError) return fill(box, errorBox(loadError, load));
  if (!lists) return fill(box, loadingBox());
  const type = current();
  const picker = h('ul', { class: 'type-picker', 'aria-label': t('bo.record.pick') },
    typesFor('recorder').map((k) => h('li', {}, h('a', { href: 'admin/record.html#' + k, id: 'pick-' + k.replace(/\./g, '_'), 'aria-current': k === type ? 'true' : null }, typeLabel(k)))));
  const formBox = h('div', { id: 'form-box' });
  fill(box, picker, h('h2', { id: 'form-heading' }, typeLabel(type)), h('p', { class: 'help' }, t('bo.record.help.' + type)), formBox);
  renderForm(formBox, type, {
    funds: lists.funds,
    grants: lists.grants,
    onRecorded: async (result, body, status) => {
      if (result.receipt) {
        keepReceipt({ code: result.receipt, seq: result.seq });
        status.append(h('p', { class: 'actions' }, h('a', { class: 'btn', href: 'admin/receipt.html', id: 'open-receipt' }, t('bo.receipt.open'))));
      }
      // The lists a later form picks from (a new grant, a new balance).
      lists = await loadLists().catch(() => lists);
    },
  });
}

async function loadLists() {
  const [funds, grants] = await Promise.all([api('api/v1/funds'), api('api/v1/grants')]);
  return { funds: funds.funds || [], grants: grants.grants || [] };
}

async function load() {
  try {
    lists = await loadLists();
    loadError = null;
  } catch (e) {
    loadError = e;
  }
  show();
  markReady();
}

const show = initBackOffice('bo-record', render, ['recorder']);
window.addEventListener('hashchange', show);
load();
