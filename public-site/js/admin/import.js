// Batch import: a CSV file (the columns of `ledgerctl import`, docs/format.md
// "Import files") is checked by the server as a dry run, shown as a table,
// then recorded all or nothing (POST api/v1/batches). The Idempotency-Key is
// "import/<SHA-256 of the file>", as `ledgerctl import` sends it: sending the
// same file again with this account never records it twice. The receipt
// codes of imported donations come back once, as a file download.
import { h, t, fill, markReady, table, typeLabel, money, $ } from '../app.js';
import { toCsv, BOM } from '../csv.js';
import { initBackOffice, postBatch, outcomeUnknown } from './session.js';
import { importTypesFor, errorText, FORMS } from './forms.js';
import { sha256Hex } from './evidence.js';
import { readCsv } from './csv-read.js';

/** Columns a file of `type` may have: the form's fields (import files spell amounts in fen, percentages in basis points). */
function columns(type) {
  const fields = FORMS[type].fields;
  // A field of a group (in_kind.*, restriction.*) is needed only when the row uses the group.
  const needed = (f) => !f.optional && !f.group;
  return { required: fields.filter(needed).map((f) => f.name), optional: fields.filter((f) => !needed(f)).map((f) => f.name) };
}

const PREVIEW_ROWS = 20;
const PREVIEW_COLS = 6;

let file = null; // {name, text, key}
let type = null;
let result = null; // {kind: 'dry'|'bad'|'done'|'unknown'|'error', ...}
let busy = false;

function download(name, text, mime) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function receiptsCsv(entries) {
  return toCsv(['row', 'seq', 'receipt'], entries.filter((e) => e.receipt).map((e) => [e.row, e.seq, e.receipt]));
}

async function run(dryRun) {
  if (!file || !type || busy) return;
  busy = true;
  result = { kind: 'busy' };
  show();
  try {
    const res = await postBatch(type, file.text, file.key, dryRun);
    result = { kind: dryRun ? 'dry' : 'done', body: res.body };
    if (!dryRun) {
      const n = res.body.entries.filter((e) => e.receipt).length;
      if (n > 0) download(`receipts-${res.body.first_seq}-${res.body.last_seq}.csv`, receiptsCsv(res.body.entries), 'text/csv;charset=utf-8');
    }
  } catch (err) {
    if (err.problem && err.problem.rule === 'batch.rows') result = { kind: 'bad', problem: err.problem };
    else if (outcomeUnknown(err)) result = { kind: 'unknown', err };
    else result = { kind: 'error', err };
  }
  busy = false;
  show();
}

function rowsTable(problem) {
  return table(t('bo.import.bad_rows'), [
    { label: t('bo.import.row'), num: true, nowrap: true, cell: (e) => String(e.row) },
    { label: t('bo.import.line'), num: true, nowrap: true, cell: (e) => String(e.line) },
    { label: t('bo.import.reason'), cell: (e) => { const x = errorText({ rule: e.rule, message: e.detail }); return [h('span', {}, x.main), x.tech ? h('span', { class: 'tech', lang: 'en' }, ' ', x.tech) : null]; } },
    { label: t('bo.import.field'), nowrap: true, cell: (e) => (e.field || '').replace(/^body\./, '') },
  ], problem.errors || [], { class: 'import-bad', rowHeader: true });
}

function resultBox() {
  if (!result) return null;
  switch (result.kind) {
    case 'busy':
      return h('p', { class: 'loading', role: 'status' }, t('bo.sending'));
    case 'bad':
      return h('div', { id: 'import-result', dataset: { result: 'bad' } },
        h('p', { class: 'error', role: 'alert' }, t('bo.import.bad', { bad: result.problem.errors.length, rows: result.problem.rows })),
        rowsTable(result.problem));
    case 'dry': {
      const b = result.body;
      const recs = readCsv(file.text) || [];
      const header = recs.length ? recs[0].cells.slice(0, PREVIEW_COLS) : [];
      const cellsOf = (row) => (recs[row] ? recs[row].cells : []);
      const cell = (name, v) => (/^(amount|sales)$/.test(name) && /^[0-9]+$/.test(v) ? h('span', { title: v + ' fen' }, money(Number(v))) : v);
      return h('div', { id: 'import-result', dataset: { result: 'dry' } },
        h('p', { class: 'ok-box', role: 'status' }, t('bo.import.dry_ok', { rows: b.rows, type: typeLabel(b.entry_type) })),
        table(t('bo.import.preview'), [
          { label: t('bo.import.row'), num: true, nowrap: true, cell: (e) => String(e.row) },
          { label: t('bo.import.seq'), num: true, nowrap: true, cell: (e) => '#' + e.seq },
          ...header.map((name, i) => ({ label: name, num: /^(amount|sales)$/.test(name), cell: (e) => cell(name, cellsOf(e.row)[i] || '') })),
        ], b.entries.slice(0, PREVIEW_ROWS), { class: 'import-preview', rowHeader: true }),
        b.entries.length > PREVIEW_ROWS ? h('p', { class: 'help' }, t('bo.import.more', { n: b.entries.length - PREVIEW_ROWS })) : null,
        h('p', { class: 'actions' }, h('button', { type: 'button', id: 'import-record', onclick: () => run(false) }, t('bo.import.record', { rows: b.rows }))));
    }
    case 'done': {
      const b = result.body;
      const n = b.entries.filter((e) => e.receipt).length;
      return h('div', { id: 'import-result', dataset: { result: 'done' } },
        h('p', { class: 'ok-box', role: 'status' }, t(b.replayed ? 'bo.import.replayed' : 'bo.import.done', { rows: b.rows, first: b.first_seq, last: b.last_seq })),
        n > 0 ? [h('p', {}, t('bo.import.receipts', { n })),
          h('p', { class: 'actions' }, h('button', { type: 'button', class: 'btn-secondary', id: 'import-receipts', onclick: () => download(`receipts-${b.first_seq}-${b.last_seq}.csv`, receiptsCsv(b.entries), 'text/csv;charset=utf-8') }, t('bo.import.receipts.again')))] : null);
    }
    case 'unknown':
      return h('div', { class: 'warn-box', role: 'alert', id: 'import-result', dataset: { result: 'unknown' } },
        h('p', {}, t('bo.import.unknown')), h('p', { class: 'tech' }, result.err.message),
        h('p', {}, h('button', { type: 'button', id: 'import-retry', onclick: () => run(false) }, t('bo.retry_same'))));
    default: {
      const x = errorText(result.err);
      return h('div', { class: 'error', role: 'alert', id: 'import-result', dataset: { result: 'error' } }, h('span', {}, x.main), x.tech ? h('span', { class: 'tech', lang: 'en' }, x.tech) : null);
    }
  }
}

function render(account) {
  const types = importTypesFor(account.role);
  if (!type || !types.includes(type)) type = types[0];
  const select = h('select', { id: 'import-type', onchange: (ev) => { type = ev.currentTarget.value; result = null; show(); } },
    types.map((k) => h('option', { value: k, selected: k === type ? true : null }, typeLabel(k) + ' (' + k + ')')));
  const input = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv', 'aria-describedby': 'import-file-help' });
  input.addEventListener('change', async () => {
    const f = input.files && input.files[0];
    result = null;
    if (!f) {
      file = null;
      return show();
    }
    const bytes = await f.arrayBuffer();
    file = { name: f.name, text: new TextDecoder('utf-8').decode(bytes), key: 'import/' + (await sha256Hex(bytes)) };
    run(true);
  });
  fill($('#bo-main'),
    h('p', { class: 'lead' }, t('bo.import.intro')),
    h('div', { class: 'bo-form' },
      h('div', { class: 'bo-field' }, h('label', { for: 'import-type' }, t('bo.import.type')), select),
      h('div', { class: 'bo-field' }, h('label', { for: 'import-file' }, t('bo.import.file')), input,
        h('p', { class: 'help', id: 'import-file-help' }, t('bo.import.file.help')),
        h('p', { class: 'help', id: 'import-columns' }, t('bo.import.columns', { required: columns(type).required.join(','), optional: columns(type).optional.join(',') || '—' }), ' ',
          h('button', { type: 'button', class: 'btn-secondary', id: 'import-template', onclick: () => download(`${type}.csv`, BOM + [...columns(type).required, ...columns(type).optional].join(',') + '\r\n', 'text/csv;charset=utf-8') }, t('bo.import.template'))),
        h('p', { class: 'help' }, t('bo.import.limits')))),
    file ? h('p', { class: 'help', id: 'import-chosen' }, t('bo.import.chosen', { name: file.name }), ' ',
      h('button', { type: 'button', class: 'btn-secondary', id: 'import-check', onclick: () => run(true) }, t('bo.import.check'))) : null,
    resultBox());
}

const show = initBackOffice('bo-import', render, ['recorder', 'grantee']);
markReady();
