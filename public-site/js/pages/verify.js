import { initPage, api, apiText, h, t, getLang, pickName, markReady, ApiError, $ } from '../app.js';
import { formatDateTime } from '../format.js';
import { observeCheckpoint } from '../logwatch.js';
import * as V from '../verify.js';
import { traceView, donationFacts } from '../trace-view.js';

let config = null;
let last = null; // {result, proofText, code, keySource, log, trace, funds, fetchError, ms}
let running = false;
let keyInfo = null; // {keySource, vkey, parsed, serverVkey, witnesses, quorum, error}
let watch = null; // the latest observeCheckpoint() result worth showing
let cosigs = null; // witness cosignatures on the latest checkpoint, against the pinned quorum

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
    // Only the receipt code's secret shows that the record is the reader's own gift.
    const mine = r.steps.some((s) => s.step === V.STEPS.COMMITMENT && s.status === 'ok');
    box.dataset.claim = mine ? 'donation' : 'record';
    box.textContent = mine ? t('verify.result.verified') : t('verify.result.record', { seq: r.seq });
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

/** The log key this page checks with, where it came from, and the witnesses it counts. */
function renderKey() {
  const box = $('#key-info');
  if (!keyInfo) return box.replaceChildren(h('p', { class: 'loading' }, t('loading')));
  const k = keyInfo;
  const items = [];
  if (k.parsed) {
    items.push(h('p', { class: 'key-id' }, t('key.id'), ' ', h('code', { id: 'log-key-id' }, `${k.parsed.name}+${k.parsed.keyIdHex}`)));
  } else {
    items.push(h('p', { class: 'warn', role: 'alert' }, t('key.none', { why: k.error || '' })));
  }
  items.push(h('p', { id: 'key-pinning', dataset: { source: k.keySource } }, t(k.keySource === 'pinned' ? 'key.pinned' : 'key.server')));
  if (k.keySource === 'pinned' && k.serverVkey && k.serverVkey !== k.vkey) items.push(h('p', { class: 'warn', role: 'alert', id: 'key-mismatch' }, t('key.mismatch')));
  if (!k.witnesses.length) items.push(h('p', { class: 'muted', id: 'witness-policy' }, t('key.witnesses.none')));
  else {
    const line = [t('key.witnesses', { n: k.witnesses.length, q: k.quorum })];
    if (cosigs) {
      const names = cosigs.verified.map((v) => v.name).join(', ');
      line.push(' ', h('span', { class: 'badge ' + (cosigs.ok ? 'ok' : 'bad'), id: 'witness-count', dataset: { ok: cosigs.ok ? '1' : '0', count: cosigs.verified.length } },
        t('key.witnesses.count', { k: cosigs.verified.length, q: k.quorum })), names ? ` (${names})` : '');
    }
    items.push(h('p', { id: 'witness-policy' }, line));
  }
  box.replaceChildren(...items);
}

function renderWatch() {
  const box = $('#log-consistency');
  if (!watch) {
    box.dataset.status = 'running';
    return box.replaceChildren(h('p', { class: 'loading' }, t('watch.running')));
  }
  const w = watch;
  const lang = getLang();
  const vars = {
    size: w.checkpoint ? w.checkpoint.size : '',
    old: w.remembered ? w.remembered.size : '',
    date: w.remembered ? formatDateTime(new Date(w.remembered.at).toISOString(), lang) : '',
    why: w.error || '',
  };
  box.dataset.status = w.status;
  const loud = w.status === 'fork' || w.status === 'bad_signature';
  const parts = [h('p', { class: loud ? 'fork-warning' : w.status === 'older' || w.status === 'unchecked' ? 'warn' : 'ok-line', role: loud ? 'alert' : null }, t('watch.' + w.status, vars))];
  if (w.keyChanged) parts.push(h('p', { class: 'warn', role: 'alert', id: 'key-changed' }, t('watch.key_changed')));
  if (w.evidence) {
    const url = URL.createObjectURL(new Blob([JSON.stringify(w.evidence, null, 2)], { type: 'application/json' }));
    parts.push(h('p', {}, h('a', { class: 'btn-secondary', href: url, download: 'ledger-fork-evidence.json', id: 'fork-evidence' }, t('watch.evidence'))));
  }
  parts.push(h('p', { class: 'help' }, t('watch.help')));
  box.replaceChildren(...parts);
}

// A fork stays on screen once seen; otherwise the newest result is shown.
function showWatch(r) {
  if (!r || (watch && watch.status === 'fork' && r.status !== 'fork')) return;
  watch = r;
  renderWatch();
}

function fetchTileBytes(p) {
  return fetch(p).then(async (res) => {
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  });
}

function storage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null;
  }
}

async function observe(note, kk) {
  return observeCheckpoint({ note, logKey: kk.vkey, origin: kk.origin, storage: storage(), fetchJson: (p) => api(p), fetchBytes: fetchTileBytes });
}

/** On load: the latest checkpoint, checked against what this browser saw before, and its cosignatures. */
async function checkLog() {
  const kk = await keys();
  keyInfo = kk;
  renderKey();
  if (!kk.vkey) {
    showWatch({ status: 'unchecked', error: t('key.none', { why: '' }) });
    return;
  }
  let note;
  try {
    note = await apiText('checkpoint');
  } catch (e) {
    showWatch({ status: 'unchecked', error: e.message });
    return;
  }
  showWatch(await observe(note, kk));
  if (kk.witnesses.length) {
    cosigs = await V.verifyCosignatures(note, kk.witnesses, kk.quorum, Math.floor(Date.now() / 1000));
    renderKey();
  }
}

function renderDonation() {
  const sec = $('#verify-donation');
  const e = last && last.result && last.result.entry;
  if (!e || !last.result.ok) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const f = last.funds && last.funds.find((x) => x.id === e.body.fund);
  sec.replaceChildren(h('h2', {}, t('verify.donation')), donationFacts(e, f));
}

function renderTrace() {
  const sec = $('#verify-trace');
  const tr = last && last.trace;
  if (!tr || !last.result || !last.result.ok) {
    sec.hidden = true;
    return;
  }
  sec.hidden = false;
  const f = last.funds && last.funds.find((x) => x.id === tr.fund);
  sec.replaceChildren(...traceView(tr, { fundName: f ? pickName(f.name) : tr.fund }));
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
  renderKey();
  renderWatch();
  renderResult();
  renderSteps();
  renderDonation();
  renderTrace();
  renderDetails();
}

// config.json (written by `ledgerctl publish`; docs/format.md): log_vkey,
// origin, witnesses (cosignature verifier keys), witness_quorum.
let keysPromise = null;
function keys() {
  if (!keysPromise) keysPromise = loadKeys();
  return keysPromise;
}

async function loadKeys() {
  const [cfg, log] = await Promise.all([getConfig(), api('api/v1/log').catch(() => null)]);
  const pinned = typeof cfg.log_vkey === 'string' && cfg.log_vkey.length > 0;
  const vkey = pinned ? cfg.log_vkey.trim() : log && log.vkey;
  const witnesses = Array.isArray(cfg.witnesses) ? cfg.witnesses.filter((w) => typeof w === 'string') : [];
  // As configured: a quorum above the number of keys can never be met, and the page says so.
  const quorum = Number.isInteger(cfg.witness_quorum) && cfg.witness_quorum >= 0 ? cfg.witness_quorum : Math.min(1, witnesses.length);
  let parsed = null;
  let error = null;
  try {
    parsed = vkey ? await V.parseVerifierKey(vkey) : null;
  } catch (e) {
    error = e.message;
  }
  return {
    log,
    vkey,
    parsed,
    error,
    serverVkey: log && log.vkey,
    origin: cfg.origin || (pinned ? null : log && log.origin) || undefined,
    keySource: pinned ? 'pinned' : 'server',
    witnesses,
    quorum,
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
      // The receipt's checkpoint, too, must fit the history this browser saw.
      const sig = out.result.steps.find((s) => s.step === V.STEPS.CHECKPOINT_SIGNATURE);
      if (sig && sig.status === 'ok') {
        try {
          const w = await observe(V.parseTlogProof(proofText).checkpointNote, kk);
          // A receipt's checkpoint is naturally older than the latest one.
          if (w.status !== 'older') showWatch(w);
        } catch {
          /* the proof was parsed once already */
        }
      }
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

checkLog().catch((e) => showWatch({ status: 'unchecked', error: e.message })).finally(() => markReady('watched'));

const initial = codeFromHash();
if (initial) {
  input.value = initial;
  run({ code: initial });
} else {
  markReady();
  markReady('verified');
}
markReady();
