import { initPage, api, apiText, h, t, money, table, errorBox, loadingBox, markReady, getLang, pickName, typeLabel, $ } from '../app.js';
import { formatDateTime } from '../format.js';
import * as V from '../verify.js';

const TYPES = ['fund.open', 'donation', 'lottery.allocation', 'grant', 'disbursement', 'expense', 'admin_cost', 'correction'];
const params = new URLSearchParams(location.search);
const filters = { type: params.get('type') || '', fund: params.get('fund') || '', from: params.get('from') || '', to: params.get('to') || '' };
const detailSeq = params.get('seq');
const limit = String(Math.min(500, Math.max(1, +(params.get('limit') || 50) || 50)));
let cursors = [params.get('cursor') || '']; // stack of page-start cursors
let page = null;
let error = null;
let funds = [];
let detail = null;
let detailError = null;
let check = null;

function fundLabel(id) {
  const f = funds.find((x) => x.id === id);
  return f ? pickName(f.name) : id || '';
}

function summary(e) {
  const b = e.body || {};
  switch (e.type) {
    case 'fund.open': return pickName(b.name) || b.id;
    case 'donation': return [b.donor && b.donor.public_name ? `${t('entries.donor.public')}: ${b.donor.public_name}` : t('entries.donor.anon'), b.channel, b.campaign].filter(Boolean).join(' · ');
    case 'lottery.allocation': return `${b.period} · ${money(b.sales)} × ${(b.rate_bp / 100).toFixed(2)}%`;
    case 'grant': return `${b.title || b.id} → ${(b.recipient && b.recipient.name) || ''}`;
    case 'disbursement': return `${b.grant} · ${b.payment_ref || ''}`;
    case 'expense': return `${b.grant} · ${b.category || ''} · ${b.description || ''}`;
    case 'admin_cost': return `${b.category || ''} · ${b.period || ''}`;
    case 'correction': return `${t('entries.corrects', { seq: b.target })}: ${b.reason || ''}`;
    default: return '';
  }
}

function renderFilters() {
  const typeSel = $('#f-type');
  typeSel.replaceChildren(h('option', { value: '' }, t('entries.any')), ...TYPES.map((ty) => h('option', { value: ty, selected: ty === filters.type }, typeLabel(ty))));
  const fundSel = $('#f-fund');
  fundSel.replaceChildren(h('option', { value: '' }, t('entries.any')), ...funds.map((f) => h('option', { value: f.id, selected: f.id === filters.fund }, pickName(f.name))));
  if (filters.fund && !funds.some((f) => f.id === filters.fund)) fundSel.append(h('option', { value: filters.fund, selected: true }, filters.fund));
  $('#f-from').value = filters.from;
  $('#f-to').value = filters.to;
}

function renderList() {
  const box = $('#entries');
  if (error) return box.replaceChildren(errorBox(error, loadPage));
  if (!page) return box.replaceChildren(loadingBox());
  const lang = getLang();
  const n = cursors.length;
  box.replaceChildren(
    table(t('entries.heading'), [
      { label: t('col.seq'), cell: (r) => h('a', { href: '?seq=' + r.seq, onclick: (ev) => { ev.preventDefault(); openDetail(r.seq); } }, '#' + r.seq) },
      { label: t('col.time'), cell: (r) => formatDateTime(r.entry.time, lang) },
      { label: t('col.type'), cell: (r) => typeLabel(r.entry.type) },
      { label: t('col.fund'), cell: (r) => fundLabel(r.entry.body && (r.entry.body.fund || (r.entry.type === 'fund.open' ? r.entry.body.id : ''))) },
      { label: t('col.amount'), num: true, cell: (r) => (r.entry.body && r.entry.body.amount !== undefined ? money(r.entry.body.amount) : '') },
      { label: t('col.summary'), cell: (r) => summary(r.entry) },
    ], page.entries || [], { hideCaption: true, rowHeader: true, empty: t('entries.empty') }),
    h('nav', { class: 'pager', 'aria-label': t('entries.page', { n }) },
      h('button', { type: 'button', class: 'btn-secondary', id: 'prev', disabled: n <= 1, onclick: () => { cursors.pop(); loadPage(); } }, t('entries.prev')),
      h('span', { 'aria-live': 'polite' }, t('entries.page', { n })),
      h('button', { type: 'button', class: 'btn-secondary', id: 'next', disabled: !page.next_cursor, onclick: () => { cursors.push(page.next_cursor); loadPage(); } }, t('entries.next'))),
  );
}

function renderDetail() {
  const box = $('#entry-detail');
  if (!detail && !detailError) return box.replaceChildren();
  if (detailError) return box.replaceChildren(errorBox(detailError));
  const d = detail;
  let checkLine = null;
  if (check) {
    checkLine = h('p', { id: 'entry-check', role: 'status', class: 'badge ' + (check.ok ? 'ok' : 'bad'), dataset: { status: check.ok ? 'verified' : 'failed' } },
      check.ok ? t('entries.check.ok', { seq: d.seq, size: check.size }) : t('entries.check.fail', { why: check.error }));
  }
  box.replaceChildren(h('section', { 'aria-labelledby': 'h-detail', class: 'card', style: 'margin-top:16px' },
    h('h2', { id: 'h-detail', tabindex: '-1' }, `#${d.seq} · ${typeLabel(d.entry.type)}`),
    h('p', {}, summary(d.entry)),
    h('p', {}, t('entries.leaf'), ': ', h('code', {}, d.leaf_hash)),
    h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => checkInclusion(d) }, t('entries.check'))),
    checkLine,
    h('details', {}, h('summary', {}, t('entries.raw')), h('pre', { class: 'raw' }, JSON.stringify(d.entry, null, 2)))));
}

function render() {
  renderFilters();
  renderList();
  renderDetail();
}

async function checkInclusion(d) {
  try {
    const [log, note] = await Promise.all([api('api/v1/log'), apiText('checkpoint')]);
    const cp = await V.verifyCheckpoint(note, log.vkey, log.origin);
    if (!cp.ok) throw new Error(cp.error);
    const size = cp.checkpoint.size;
    if (d.seq >= size) throw new Error('not yet in a checkpoint');
    const proof = await api(`api/v1/proof/inclusion?seq=${d.seq}&size=${size}`);
    const leaf = await V.leafHash(V.b64decode(d.raw));
    if (V.b64encode(leaf) !== d.leaf_hash) throw new Error('leaf hash mismatch');
    const r = await V.verifyInclusion({ index: d.seq, size, leafHash: leaf, proof: proof.hashes.map(V.b64decode), root: cp.checkpoint.root });
    check = r.ok ? { ok: true, size } : { ok: false, error: r.error };
  } catch (e) {
    check = { ok: false, error: e.message };
  }
  renderDetail();
}

async function openDetail(seq) {
  history.replaceState(null, '', '?' + new URLSearchParams({ ...clean(filters), seq }).toString());
  detail = null;
  detailError = null;
  check = null;
  try {
    detail = await api('api/v1/entries/' + encodeURIComponent(seq));
  } catch (e) {
    detailError = e;
  }
  renderDetail();
  const hd = $('#h-detail');
  if (hd) hd.focus();
}

function clean(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v));
}

async function loadPage() {
  page = null;
  error = null;
  renderList();
  const q = new URLSearchParams({ ...clean(filters), limit });
  const c = cursors[cursors.length - 1];
  if (c) q.set('cursor', c);
  try {
    page = await api('api/v1/entries?' + q.toString());
  } catch (e) {
    error = e;
  }
  renderList();
  markReady();
}

initPage('entries', render);
$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const fd = new FormData(e.target);
  for (const k of Object.keys(filters)) filters[k] = fd.get(k) || '';
  cursors = [''];
  history.replaceState(null, '', '?' + new URLSearchParams(clean(filters)).toString());
  loadPage();
});
$('#filters').addEventListener('reset', () => {
  setTimeout(() => {
    for (const k of Object.keys(filters)) filters[k] = '';
    cursors = [''];
    history.replaceState(null, '', location.pathname);
    renderFilters();
    loadPage();
  });
});
api('api/v1/funds').then((r) => { funds = r.funds || []; render(); }).catch(() => {});
loadPage();
if (detailSeq !== null && /^\d+$/.test(detailSeq)) openDetail(+detailSeq);
