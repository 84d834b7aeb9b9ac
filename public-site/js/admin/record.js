// The recorder's page: one form per entry type (forms.js, form-types.js),
// chosen by the page's fragment (#donation, #grant ...), the types grouped as
// income, grants and costs, projects and disclosure, corrections. After a
// donation, its receipt code is kept for this tab and the printable receipt
// is one click away.
import { h, t, api, fill, markReady, errorBox, loadingBox, typeLabel, $ } from '../app.js';
import { initBackOffice } from './session.js';
import { renderForm, typesFor, FORMS, RECORDER_GROUPS } from './forms.js';
import { keepReceipt } from './receipt-store.js';

let lists = null; // {funds, grants, projects}
let loadError = null;

function current() {
  const want = decodeURIComponent(location.hash.slice(1));
  const types = typesFor('recorder');
  return types.includes(want) ? want : types[0];
}

function picker(type) {
  const types = typesFor('recorder');
  return h('nav', { class: 'type-picker', 'aria-label': t('bo.record.pick') },
    RECORDER_GROUPS.map((g) => h('div', { class: 'type-group' },
      h('h2', { class: 'type-group-title', id: 'pick-group-' + g }, t('bo.group.' + g)),
      h('ul', { 'aria-labelledby': 'pick-group-' + g },
        types.filter((k) => FORMS[k].group === g).map((k) => h('li', {},
          h('a', { href: 'admin/record.html#' + k, id: 'pick-' + k.replace(/\./g, '_'), 'aria-current': k === type ? 'page' : null }, typeLabel(k))))))));
}

function render() {
  const box = $('#bo-main');
  if (loadError) return fill(box, errorBox(loadError, load));
  if (!lists) return fill(box, loadingBox());
  const type = current();
  const formBox = h('div', { id: 'form-box' });
  fill(box, picker(type), h('h2', { id: 'form-heading' }, typeLabel(type)), h('p', { class: 'help' }, t('bo.record.help.' + type)), formBox);
  renderForm(formBox, type, {
    ...lists,
    onRecorded: async (result, body, status) => {
      if (result.receipt) {
        keepReceipt({ code: result.receipt, seq: result.seq });
        status.append(h('p', { class: 'actions' }, h('a', { class: 'btn', href: 'admin/receipt.html', id: 'open-receipt' }, t('bo.receipt.open'))));
      }
      // The lists a later form picks from (a new grant, project or fund balance).
      lists = await loadLists().catch(() => lists);
    },
  });
}

async function loadLists() {
  const [funds, grants, projects] = await Promise.all([
    api('api/v1/funds'),
    api('api/v1/grants'),
    api('api/v1/entries?type=project.open&limit=500&order=desc'),
  ]);
  return {
    funds: funds.funds || [],
    grants: grants.grants || [],
    projects: (projects.entries || []).filter((e) => e.corrected_by === null || e.corrected_by === undefined).map((e) => e.entry.body),
  };
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
