import { initPage, api, h, t, money, getLang, pickName, markReady, ApiError, $ } from '../app.js';
import { formatDate } from '../format.js';
import * as V from '../verify.js';

let config = null;
let last = null; // {result, proofText, code, keySource, log, trace, funds, fetchError, ms}
let running = false;

async function getConfig() {
  if (config) return config;
  try {
    config = await api('config.json');
  } catch {
    config = {};
  }
  return config;
}

function stepText(s) {
  const vars = { seq: s.seq ?? '', size: s.size ?? '', n: s.present ?? 0, names: (s.verified || []).map((v) => v.name || v).join(', ') };
  if (s.step === V.STEPS.COSIGNATURES && s.status === 'skipped' && !s.present) return t('step.cosignatures.none');
  return t(`step.${s.step}.${s.status}`, vars);
}

function renderResult() {
  const box = $('#verify-result');
  if (running) {
    box.dataset.status = 'running';
    box.textContent = t('verify.running');
    return;
  }
  if (!last) {
    delete box.dataset.status;
    box.textContent = '';
    return;
  }
  if (last.fetchError) {
    box.dataset.status = 'failed';
    box.dataset.failedStep = last.failedStep || V.STEPS.PROOF_FORMAT;
    box.textContent = last.failedStep === V.STEPS.RECEIPT_CODE
      ? t('verify.result.failed', { step: t('step.receipt_code.failed') })
      : t('verify.result.fetch', { why: last.fetchError });
    return;
  }
  const r = last.result;
  box.dataset.status = r.status;
  if (r.status === 'verified') {
    delete box.dataset.failedStep;
    box.textContent = t('verify.result.verified');
  } else {
    box.dataset.failedStep = r.failedStep;
    const failed = r.steps.find((s) => s.step === r.failedStep) || { step: r.failedStep, status: 'failed' };
    box.textContent = t('verify.result.failed', { step: stepText(failed) });
  }
}

function renderSteps() {
  const sec = $('#verify-steps-section');
  if (!last || !last.result) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const icon = { ok: '✓', failed: '✗', skipped: '–' };
  const srText = { ok: getLang().startsWith('zh') ? '通过' : 'passed', failed: getLang().startsWith('zh') ? '未通过' : 'failed', skipped: getLang().startsWith('zh') ? '未检查' : 'not checked' };
  $('#verify-steps').replaceChildren(...last.result.steps.map((s) => h('li', { dataset: { step: s.step, status: s.status } },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, icon[s.status]),
    h('span', {}, h('span', { class: 'visually-hidden' }, srText[s.status] + ': '), stepText(s), s.error ? h('span', { class: 'tech' }, s.error) : null))));
  $('#key-source').textContent = last.keySource ? t(last.keySource === 'pinned' ? 'verify.keysource.pinned' : 'verify.keysource.server') : '';
}

function renderDonation() {
  const sec = $('#verify-donation');
  const e = last && last.result && last.result.entry;
  if (!e || !last.result.ok) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const lang = getLang();
  const b = e.body;
  const f = last.funds && last.funds.find((x) => x.id === b.fund);
  sec.replaceChildren(
    h('h2', {}, t('verify.donation')),
    h('dl', { class: 'figure-list', style: 'max-width:36em' },
      h('dt', {}, t('col.seq')), h('dd', {}, '#' + e.seq),
      h('dt', {}, t('col.amount')), h('dd', { id: 'donation-amount' }, money(b.amount)),
      h('dt', {}, t('col.fund')), h('dd', {}, h('a', { href: 'fund.html?id=' + encodeURIComponent(b.fund) }, f ? pickName(f.name) : b.fund)),
      h('dt', {}, t('verify.received_at')), h('dd', {}, formatDate(b.received_at, lang)),
      b.channel ? [h('dt', {}, t('verify.channel')), h('dd', {}, b.channel)] : null));
}

function renderTrace() {
  const sec = $('#verify-trace');
  const tr = last && last.trace;
  if (!tr || !last.result || !last.result.ok) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const items = [];
  if (tr.corrected) items.push(h('li', { class: 'unspent' }, t('verify.trace.corrected')));
  for (const fl of tr.flows || []) {
    if (fl.kind === 'grant') {
      items.push(h('li', {},
        h('strong', {}, money(fl.amount)), ' → ',
        h('a', { href: 'grant.html?id=' + encodeURIComponent(fl.ref) }, t('verify.trace.grant', { ref: fl.title || fl.ref })),
        fl.grant_paid !== undefined && fl.grant_paid !== null ? h('span', { class: 'muted' }, ' · ', t('verify.trace.paid_used', { paid: money(fl.grant_paid), used: money(fl.grant_used) })) : null));
    } else {
      items.push(h('li', { class: 'admin' }, h('strong', {}, money(fl.amount)), ' → ', t('verify.trace.admin', { ref: fl.ref })));
    }
  }
  if (tr.unspent) items.push(h('li', { class: 'unspent' }, h('strong', {}, money(tr.unspent)), ' · ', t('verify.trace.unspent')));
  if (!(tr.flows || []).length && !tr.corrected) items.push(h('li', { class: 'unspent' }, t('verify.trace.none')));
  sec.replaceChildren(h('h2', {}, t('verify.trace')), h('ul', { class: 'trace', id: 'trace-list' }, items));
}

function renderDetails() {
  const sec = $('#verify-details');
  if (!last || !last.result) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const r = last.result;
  const rows = [];
  if (last.log) rows.push(['origin', last.log.origin], ['vkey', last.vkey]);
  if (r.checkpoint) rows.push(['checkpoint size', String(r.checkpoint.size)], ['checkpoint root', V.b64encode(r.checkpoint.root)]);
  if (r.leafHash) rows.push(['leaf hash', r.leafHash]);
  if (last.ms !== undefined) rows.push(['time', `${last.ms.toFixed(1)} ms`]);
  let link = null;
  if (last.proofText) {
    if (last.blobUrl) URL.revokeObjectURL(last.blobUrl);
    last.blobUrl = URL.createObjectURL(new Blob([last.proofText], { type: 'text/plain' }));
    link = h('a', { href: last.blobUrl, download: `donation-${r.seq ?? 'receipt'}.tlog-proof`, class: 'btn-secondary' }, t('verify.download'));
  }
  sec.replaceChildren(h('details', {}, h('summary', {}, t('verify.details')),
    h('dl', { class: 'figure-list' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'mono', style: 'text-align:left' }, v)])),
    r.entry ? h('pre', { class: 'raw' }, JSON.stringify(r.entry, null, 2)) : null,
    link ? h('p', {}, link) : null));
}

function render() {
  renderResult();
  renderSteps();
  renderDonation();
  renderTrace();
  renderDetails();
}

async function keys() {
  const [cfg, log] = await Promise.all([getConfig(), api('api/v1/log').catch(() => null)]);
  const pinned = typeof cfg.log_vkey === 'string' && cfg.log_vkey.length > 0;
  return {
    log,
    vkey: pinned ? cfg.log_vkey : log && log.vkey,
    origin: cfg.origin || (pinned ? null : log && log.origin) || undefined,
    keySource: pinned ? 'pinned' : 'server',
    witnesses: Array.isArray(cfg.witnesses) ? cfg.witnesses : [],
    quorum: cfg.witness_quorum ?? 1,
  };
}

/** Verifies a receipt code (fetching its proof) or a dropped proof file. */
export async function run({ code, proofText }) {
  const t0 = performance.now();
  running = true;
  last = null;
  render();
  const out = {};
  try {
    const k = keys();
    if (proofText === undefined) {
      const parsed = V.parseReceiptCode(code);
      if (!parsed) {
        const result = await V.verifyReceipt({ code, proofText: '' });
        Object.assign(out, { result: { ...result, steps: result.steps.filter((s) => s.step === V.STEPS.RECEIPT_CODE) } });
        out.fetchError = null;
      } else {
        try {
          const res = await fetch(`api/v1/receipts/${parsed.seq}?wait=1`, { headers: { Accept: 'text/plain' } });
          if (res.status === 404) throw new ApiError(404, t('verify.notfound'));
          if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status}`);
          proofText = await res.text();
        } catch (e) {
          out.fetchError = e.message;
          out.failedStep = V.STEPS.PROOF_FORMAT;
        }
      }
    }
    const kk = await k;
    Object.assign(out, { log: kk.log, vkey: kk.vkey, keySource: kk.keySource });
    if (proofText !== undefined && !out.fetchError) {
      out.proofText = proofText;
      out.result = await V.verifyReceipt({
        code: code || undefined, proofText, logKey: kk.vkey || '', origin: kk.origin, witnesses: kk.witnesses, quorum: kk.quorum,
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    }
  } catch (e) {
    out.fetchError = e.message;
  }
  out.ms = performance.now() - t0;
  running = false;
  last = out;
  document.body.dataset.verifyMs = out.ms.toFixed(1);
  render();
  const box = $('#verify-result');
  const rect = box.getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > innerHeight) box.scrollIntoView({ block: 'center' });
  // The trace is public information, fetched after the verdict is shown.
  if (out.result && out.result.ok) {
    const seq = out.result.seq;
    const [trace, funds] = await Promise.all([
      api(`api/v1/donations/${seq}/trace`).catch(() => null),
      api('api/v1/funds').then((r) => r.funds).catch(() => null),
    ]);
    if (last === out) {
      out.trace = trace;
      out.funds = funds;
      renderDonation();
      renderTrace();
    }
  }
  markReady('verified');
  return out;
}

function codeFromHash() {
  const raw = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  return raw || null;
}

initPage('verify', render);

const form = $('#verify-form');
const input = $('#receipt-code');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const code = input.value.trim();
  if (!code) {
    input.focus();
    return;
  }
  history.replaceState(null, '', '#' + encodeURIComponent(code));
  run({ code });
});
addEventListener('hashchange', () => {
  const c = codeFromHash();
  if (c && c !== input.value.trim()) {
    input.value = c;
    run({ code: c });
  }
});

async function runFile(file) {
  if (!file) return;
  if (file.size > 1 << 20) {
    last = { fetchError: 'file too large' };
    render();
    return;
  }
  const text = await file.text();
  // Use the typed code for the commitment check only when it is for this proof's record.
  let code;
  const typed = V.parseReceiptCode(input.value);
  try {
    const p = V.parseTlogProof(text);
    if (typed && typed.seq === p.index) code = input.value.trim();
  } catch {
    /* reported by the proof_format step */
  }
  run({ code, proofText: text });
}

const zone = $('#drop-zone');
zone.addEventListener('dragover', (e) => {
  e.preventDefault();
  zone.classList.add('dragover');
});
zone.addEventListener('dragleave', () => zone.classList.remove('dragover'));
zone.addEventListener('drop', (e) => {
  e.preventDefault();
  zone.classList.remove('dragover');
  runFile(e.dataTransfer.files && e.dataTransfer.files[0]);
});
$('#proof-file').addEventListener('change', (e) => runFile(e.target.files[0]));

const initial = codeFromHash();
if (initial) {
  input.value = initial;
  run({ code: initial });
} else {
  markReady();
  markReady('verified');
}
markReady();
