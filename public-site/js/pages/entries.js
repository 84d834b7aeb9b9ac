import { initPage, api, apiText, h, t, money, table, errorBox, loadingBox, markReady, getLang, pickName, typeLabel, codeLabel, dataText, downloads, $ } from '../app.js';
import { formatDate, formatDateTime } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import * as V from '../verify.js';

const TYPES = ['fund.open', 'donation', 'lottery.allocation', 'grant', 'disbursement', 'expense', 'admin_cost', 'correction'];
const params = new URLSearchParams(location.search);
const filters = { type: params.get('type') || '', fund: params.get('fund') || '', from: params.get('from') || '', to: params.get('to') || '' };
const detailSeq = params.get('seq');
const limit = String(Math.min(500, Math.max(1, +(params.get('limit') || 50) || 50)));
// Downloads follow next_cursor up to this many entries.
const MAX_DOWNLOAD = 20000;
let cursors = [params.get('cursor') || '']; // stack of page-start cursors
let page = null;
let error = null;
let funds = [];
let detail = null;
let detailError = null;
let check = null;
// seq of a corrected entry -> seq of the correction that reversed it, from
// the ledger's correction entries (the API names no corrections on the
// corrected entry itself).
let correctedBy = new Map();

function fundLabel(id) {
  const f = funds.find((x) => x.id === id);
  return f ? pickName(f.name) : id || '';
}

/** The business date an entry carries (the day the money moved), as written, or ''. */
export function businessDate(e) {
  const b = e.body || {};
  switch (e.type) {
    case 'donation': return b.received_at || '';
    case 'grant': return b.award_date || '';
    case 'disbursement': return b.paid_at || '';
    case 'expense': return b.spent_at || '';
    case 'admin_cost':
    case 'lottery.allocation': return b.period || '';
    default: return '';
  }
}

function showDate(d, lang) {
  if (!d) return '—';
  return /^\d{4}-\d{2}$/.test(d) ? d : formatDate(d, lang);
}

/** The entry in a few words, for the list, the detail and the CSV. */
function summaryText(e) {
  const b = e.body || {};
  switch (e.type) {
    case 'fund.open': return pickName(b.name) || b.id;
    case 'donation': return [b.donor && b.donor.public_name ? `${t('entries.donor.public')}: ${b.donor.public_name}` : t('entries.donor.anon'), codeLabel('channel', b.channel), b.campaign].filter(Boolean).join(' · ');
    case 'lottery.allocation': return `${b.period} · ${t('entries.sales')} ${money(b.sales)} × ${(b.rate_bp / 100).toFixed(2)}%`;
    case 'grant': return `${b.title || b.id} → ${(b.recipient && b.recipient.name) || ''}`;
    case 'disbursement': return `${t('entries.grant')} ${b.grant} · ${t('grant.payment_ref')} ${b.payment_ref || ''}`;
    case 'expense': return `${t('entries.grant')} ${b.grant} · ${b.category || ''} · ${b.description || ''}`;
    case 'admin_cost': return `${b.category || ''} · ${b.period || ''}`;
    case 'correction': return `${t('entries.corrects', { seq: b.target })}: ${b.reason || ''}`;
    default: return '';
  }
}

function fundCell(e) {
  const b = e.body || {};
  if (b.fund) return fundLabel(b.fund);
  if (e.type === 'fund.open') return fundLabel(b.id);
  if (b.grant) return h('a', { href: 'grant.html?id=' + encodeURIComponent(b.grant) }, t('entries.via_grant', { id: b.grant }));
  return '';
}

function correctedBadge(seq) {
  const by = correctedBy.get(seq);
  if (by === undefined) return null;
  return h('a', { class: 'badge bad', href: '?seq=' + by, title: t('entries.corrected.title', { seq: by }), dataset: { correctedBy: by } }, t('entries.corrected', { seq: by }));
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
      { label: t('col.business_date'), nowrap: true, cell: (r) => showDate(businessDate(r.entry), lang) },
      { label: t('col.type'), nowrap: true, cell: (r) => (correctedBy.has(r.seq) ? [typeLabel(r.entry.type), ' ', correctedBadge(r.seq)] : typeLabel(r.entry.type)) },
      { label: t('col.fund'), cell: (r) => fundCell(r.entry) },
      { label: t('col.amount'), num: true, cell: (r) => (r.entry.body && r.entry.body.amount !== undefined ? h('span', { class: correctedBy.has(r.seq) ? 'struck' : '' }, money(r.entry.body.amount)) : '') },
      { label: t('col.summary'), cell: (r) => dataText(summaryText(r.entry)) },
      { label: t('col.time'), nowrap: true, cell: (r) => h('span', { class: 'muted' }, formatDateTime(r.entry.time, lang)) },
    ], page.entries || [], { hideCaption: true, rowHeader: true, empty: t('entries.empty'), rowClass: (r) => (correctedBy.has(r.seq) ? 'corrected' : null) }),
    h('nav', { class: 'pager', 'aria-label': t('entries.page', { n }) },
      h('button', { type: 'button', class: 'btn-secondary', id: 'prev', disabled: n <= 1, onclick: () => { cursors.pop(); loadPage(); } }, t('entries.prev')),
      h('span', { 'aria-live': 'polite' }, t('entries.page', { n })),
      h('button', { type: 'button', class: 'btn-secondary', id: 'next', disabled: !page.next_cursor, onclick: () => { cursors.push(page.next_cursor); loadPage(); } }, t('entries.next'))),
    h('h2', {}, t('dl.heading')),
    h('p', { class: 'help' }, t('dl.entries.help', { max: MAX_DOWNLOAD })),
    downloads([
      { id: 'dl-entries-csv', label: t('dl.csv'), filename: 'entries.csv', type: 'text/csv;charset=utf-8', build: async () => entriesCsv(await allMatching()) },
      { id: 'dl-entries-json', label: t('dl.json'), filename: 'entries.json', type: 'application/json', build: async () => JSON.stringify({ filters: clean(filters), entries: await allMatching() }, null, 1) },
    ]),
  );
}

function renderDetail() {
  const box = $('#entry-detail');
  if (!detail && !detailError) return box.replaceChildren();
  if (detailError) return box.replaceChildren(errorBox(detailError));
  const d = detail;
  const lang = getLang();
  let checkLine = null;
  if (check) {
    checkLine = h('p', { id: 'entry-check', role: 'status', class: 'badge ' + (check.ok ? 'ok' : 'bad'), dataset: { status: check.ok ? 'verified' : 'failed' } },
      check.ok ? t('entries.check.ok', { seq: d.seq, size: check.size }) : t('entries.check.fail', { why: check.error }));
  }
  const date = businessDate(d.entry);
  box.replaceChildren(h('section', { 'aria-labelledby': 'h-detail', class: 'card', style: 'margin-top:16px' },
    h('h2', { id: 'h-detail', tabindex: '-1' }, `#${d.seq} · ${typeLabel(d.entry.type)}`, ' ', correctedBadge(d.seq)),
    h('p', {}, dataText(summaryText(d.entry))),
    date ? h('p', {}, t('col.business_date'), ': ', showDate(date, lang)) : null,
    h('p', {}, t('col.time'), ': ', formatDateTime(d.entry.time, lang)),
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

export function entriesCsv(list) {
  const header = [t('col.seq'), t('csv.business_date'), t('csv.type_code'), t('col.type'), t('csv.fund_id'), t('csv.grant_id'),
    t('csv.amount_yuan'), t('col.summary'), t('csv.corrected_by'), t('csv.recorded_at'), t('csv.by'), t('entries.leaf')];
  return toCsv(header, list.map((r) => {
    const e = r.entry;
    const b = e.body || {};
    return [r.seq, businessDate(e), e.type, typeLabel(e.type), b.fund || (e.type === 'fund.open' ? b.id : ''), b.grant || (e.type === 'grant' ? b.id : ''),
      b.amount !== undefined ? yuan(b.amount) : '', summaryText(e), correctedBy.has(r.seq) ? correctedBy.get(r.seq) : '', e.time, e.by, r.leaf_hash];
  }));
}

/** Every entry matching the filters, page after page (at most MAX_DOWNLOAD). */
async function allMatching() {
  const out = [];
  const seen = new Set();
  let cursor = '';
  do {
    const q = new URLSearchParams({ ...clean(filters), limit: '500' });
    if (cursor) q.set('cursor', cursor);
    const p = await api('api/v1/entries?' + q.toString());
    for (const r of p.entries || []) {
      if (!seen.has(r.seq)) out.push(r);
      seen.add(r.seq);
    }
    // A static mirror ignores the query and answers the same page again.
    cursor = p.next_cursor && p.next_cursor !== cursor ? p.next_cursor : '';
  } while (cursor && out.length < MAX_DOWNLOAD);
  return out.slice(0, MAX_DOWNLOAD);
}

/** Reads every correction entry once: corrections are few, and they name what they reversed. */
async function loadCorrections() {
  const map = new Map();
  let cursor = '';
  for (let i = 0; i < 40; i++) {
    const q = new URLSearchParams({ type: 'correction', limit: '500' });
    if (cursor) q.set('cursor', cursor);
    const p = await api('api/v1/entries?' + q.toString());
    for (const r of p.entries || []) {
      if (r.entry.type === 'correction' && r.entry.body) map.set(Number(r.entry.body.target), r.seq);
    }
    if (!p.next_cursor || p.next_cursor === cursor) break;
    cursor = p.next_cursor;
  }
  return map;
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
    [page] = await Promise.all([api('api/v1/entries?' + q.toString()), corrections]);
  } catch (e) {
    error = e;
  }
  renderList();
  renderDetail();
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
// Without the corrections the list still shows, unmarked.
const corrections = loadCorrections().then((m) => { correctedBy = m; }).catch(() => {});
api('api/v1/funds').then((r) => { funds = r.funds || []; render(); }).catch(() => {});
loadPage();
if (detailSeq !== null && /^\d+$/.test(detailSeq)) openDetail(+detailSeq);
