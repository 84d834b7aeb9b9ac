// The donor's receipt, to print or save as PDF (the browser's print): the
// receipt code, a QR code of the verify page's URL with the code
// (verify.html#<code>, which checks the gift in any browser), the donation
// as the ledger holds it, the log's key ID and the signed checkpoint that
// covers the entry (the one in its tlog-proof receipt, offered as a file).
// The code comes from this tab's sessionStorage (set by the recorder's
// page), or is typed in.
import { h, t, api, apiText, fill, money, markReady, fundName, codeLabel, errorBox, loadingBox, getLang, $ } from '../app.js';
import { formatDate, formatDateTime } from '../format.js';
import { initBackOffice } from './session.js';
import { lastReceipt, keepReceipt } from './receipt-store.js';
import { qrSvg } from './qr.js';

let state = null; // {code, seq, entry, fund, vkey, checkpoint, proof, qr}
let error = null;

/** "name+keyid" of a signed-note verifier key "name+keyid+base64". */
export function keyId(vkey) {
  const parts = String(vkey || '').split('+');
  return parts.length >= 3 ? parts[0] + '+' + parts[1] : '';
}

export function verifyUrl(code) {
  return new URL('verify.html#' + code, document.baseURI).href;
}

/**
 * The signed checkpoint a tlog-proof carries (docs/format.md section 5:
 * after its empty line, verbatim): {note, origin, size, root}. The receipt
 * shows the very checkpoint its proof is against.
 */
export function proofCheckpoint(proof) {
  const at = String(proof).indexOf('\n\n');
  const note = at < 0 ? '' : proof.slice(at + 2);
  const [origin, size, root] = note.split('\n');
  if (!origin || !/^[0-9]+$/.test(size || '') || !root) throw new Error(t('bo.receipt.no_checkpoint'));
  return { note, origin, size: Number(size), root };
}

/** The receipt (a tlog-proof) of entry `seq`; the server waits up to 5 s for a checkpoint that covers it. */
async function receiptProof(seq) {
  for (let i = 0; ; i++) {
    try {
      return await apiText(`api/v1/receipts/${seq}?wait=1`);
    } catch (e) {
      if (e.status !== 404 || i >= 2) throw e.status === 404 ? new Error(t('bo.receipt.no_checkpoint')) : e;
    }
  }
}

function codeForm() {
  const input = h('input', { id: 'receipt-code-input', type: 'text', class: 'code-input', autocomplete: 'off', spellcheck: 'false', placeholder: '12-0123456789abcdef0123456789abcdef' });
  const form = h('form', { class: 'bo-form no-print', method: 'post', action: 'admin/receipt.html', novalidate: true },
    h('div', { class: 'bo-field' }, h('label', { for: 'receipt-code-input' }, t('bo.receipt.code')), input, h('p', { class: 'help' }, t('bo.receipt.code.help'))),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, t('bo.receipt.show'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = input.value.trim().toLowerCase();
    if (!/^[0-9]+-[0-9a-f]{32}$/.test(code)) {
      error = new Error(t('step.receipt_code.failed'));
      return show();
    }
    keepReceipt({ code, seq: Number(code.split('-')[0]) });
    load();
  });
  return form;
}

function render() {
  const box = $('#bo-main');
  const r = lastReceipt();
  if (!r) return fill(box, h('p', { class: 'lead' }, t('bo.receipt.none')), error ? errorBox(error) : null, codeForm());
  if (error) return fill(box, errorBox(error, load), codeForm());
  if (!state) return fill(box, loadingBox());
  const lang = getLang();
  const e = state.entry.entry;
  const b = e.body || {};
  const url = verifyUrl(state.code);
  fill(box,
    h('p', { class: 'actions no-print' },
      h('button', { type: 'button', id: 'print-receipt', onclick: () => window.print() }, t('bo.receipt.print')), ' ',
      h('a', { class: 'btn-secondary', href: 'admin/record.html#donation' }, t('bo.receipt.back'))),
    h('article', { class: 'receipt', id: 'receipt', 'aria-labelledby': 'receipt-title' },
      h('h2', { id: 'receipt-title' }, t('bo.receipt.heading')),
      h('div', { class: 'receipt-grid' },
        h('div', {},
          h('p', {}, t('bo.receipt.thanks')),
          h('dl', { class: 'figure-list' },
            h('dt', {}, t('bo.receipt.code')), h('dd', { class: 'receipt-code', id: 'receipt-code' }, state.code),
            h('dt', {}, t('bo.f.amount')), h('dd', { id: 'receipt-amount' }, money(b.amount)),
            h('dt', {}, t('bo.f.fund')), h('dd', {}, state.fund ? fundName(state.fund) : b.fund),
            h('dt', {}, t('bo.f.received_at')), h('dd', {}, formatDate(b.received_at, lang)),
            h('dt', {}, t('bo.f.channel')), h('dd', {}, codeLabel('channel', b.channel)),
            b.in_kind ? [h('dt', {}, t('bo.group.donation.in_kind')), h('dd', { id: 'receipt-in-kind' }, `${b.in_kind.item} × ${b.in_kind.quantity} ${b.in_kind.unit}`)] : null,
            b.restriction ? [h('dt', {}, t('bo.f.restriction.purpose')), h('dd', {}, b.restriction.purpose)] : null,
            b.receipt_no ? [h('dt', {}, t('bo.f.receipt_no')), h('dd', { id: 'receipt-no' }, b.receipt_no)] : null,
            b.donor && b.donor.public_name ? [h('dt', {}, t('bo.f.donor.public_name')), h('dd', {}, b.donor.public_name)] : null,
            h('dt', {}, t('bo.receipt.seq')), h('dd', {}, '#' + state.seq),
            h('dt', {}, t('bo.receipt.recorded')), h('dd', {}, formatDateTime(e.time, lang)))),
        h('figure', { class: 'receipt-qr', id: 'receipt-qr' }, state.qr,
          h('figcaption', { class: 'help' }, t('bo.receipt.scan')))),
      h('p', {}, t('bo.receipt.verify_at'), ' ', h('a', { href: url, id: 'receipt-verify-url', class: 'mono' }, url)),
      h('h3', {}, t('bo.receipt.log')),
      h('dl', { class: 'figure-list' },
        h('dt', {}, t('bo.receipt.key_id')), h('dd', { class: 'mono', id: 'receipt-key-id' }, keyId(state.vkey)),
        h('dt', {}, t('bo.receipt.origin')), h('dd', { class: 'mono' }, state.checkpoint.origin),
        h('dt', {}, t('bo.receipt.checkpoint_size')), h('dd', { id: 'receipt-checkpoint-size' }, String(state.checkpoint.size)),
        h('dt', {}, t('dash.checkpoint.root')), h('dd', { class: 'mono' }, state.checkpoint.root)),
      h('p', { class: 'help' }, t('bo.receipt.checkpoint_help')),
      h('pre', { class: 'note', id: 'receipt-checkpoint' }, state.checkpoint.note),
      h('p', { class: 'help' }, t('bo.receipt.keep'))),
    h('p', { class: 'actions no-print' },
      h('button', {
        type: 'button', class: 'btn-secondary', id: 'download-proof',
        onclick: () => {
          const a = h('a', { href: URL.createObjectURL(new Blob([state.proof], { type: 'text/plain' })), download: `receipt-${state.seq}.tlog-proof`, hidden: true });
          document.body.append(a);
          a.click();
          a.remove();
        },
      }, t('bo.receipt.download'))));
}

async function load() {
  const r = lastReceipt();
  state = null;
  error = null;
  if (!r) {
    show();
    return markReady();
  }
  show();
  try {
    const [entry, log, proof] = await Promise.all([api('api/v1/entries/' + r.seq), api('api/v1/log'), receiptProof(r.seq)]);
    const cp = proofCheckpoint(proof);
    const fund = await api('api/v1/funds/' + encodeURIComponent(entry.entry.body.fund)).catch(() => null);
    if (entry.entry.type !== 'donation') throw new Error(t('bo.receipt.not_donation', { seq: r.seq }));
    const qr = await qrSvg(verifyUrl(r.code), t('bo.receipt.qr_label'));
    state = { code: r.code, seq: r.seq, entry, fund, vkey: log.vkey, checkpoint: cp, proof, qr };
  } catch (e) {
    error = e;
  }
  show();
  markReady();
}

const show = initBackOffice('bo-receipt', render, ['recorder']);
load();
