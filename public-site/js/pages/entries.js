import { initPage, api, apiText, h, t, money, table, errorBox, loadingBox, markReady, getLang, pickName, typeLabel, dataText, downloads, $ } from '../app.js';
import { formatDate, formatDateTime } from '../format.js';
import { toCsv, yuan } from '../csv.js';
import { TYPES, businessDate, movedAmount, summaryText } from '../entry-text.js';
import * as V from '../verify.js';

export { businessDate };
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

function showDate(d, lang) {
  if (!d) return '—';
  // A month or a year (a cost's period, sales) is shown as written.
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? formatDate(d, lang) : String(d);
}

/** The fund an entry concerns: the API's `fund` (a grant's fund for payments and expenses), else what the body names. */
function fundCell(e, fund) {
  const b = e.body || {};
  if (fund) return b.grant ? [fundLabel(fund), ' · ', h('a', { href: 'grant.html?id=' + encodeURIComponent(b.grant) }, t('entries.via_grant', { id: b.grant }))] : fundLabel(fund);
  if (b.fund) return fundLabel(b.fund);
  if (e.type === 'fund.open') return fundLabel(b.id);
  if (b.grant) return h('a', { href: 'grant.html?id=' + encodeURIComponent(b.grant) }, t('entries.via_grant', { id: b.grant }));
  return '';
}

/** The seq of the correction that reversed entry `seq`, or undefined: the API's corrected_by, else the corrections read once. */
function correctedOf(r) {
  if (r && r.corrected_by !== undefined && r.corrected_by !== null) return Number(r.corrected_by);
  return correctedBy.get(r.seq);
}

function correctedBadge(r) {
  const by = correctedOf(r);
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
      { label: t('col.business_date'), nowrap: true, cell: (r) => showDate(r.date || businessDate(r.entry), lang) },
      { label: t('col.type'), nowrap: true, cell: (r) => (correctedOf(r) !== undefined ? [typeLabel(r.entry.type), ' ', correctedBadge(r)] : typeLabel(r.entry.type)) },
      { label: t('col.fund'), cell: (r) => fundCell(r.entry, r.fund) },
      { label: t('col.amount'), num: true, cell: (r) => { const a = movedAmount(r.entry); return a === null ? '' : h('span', { class: correctedOf(r) !== undefined ? 'struck' : '' }, money(a)); } },
      { label: t('col.summary'), cell: (r) => dataText(summaryText(r.entry)) },
      { label: t('col.time'), nowrap: true, cell: (r) => h('span', { class: 'muted' }, formatDateTime(r.entry.time, lang)) },
    ], page.entries || [], { hideCaption: true, rowHeader: true, empty: t('entries.empty'), rowClass: (r) => (correctedOf(r) !== undefined ? 'corrected' : null) }),
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
    h('h2', { id: 'h-detail', tabindex: '-1' }, `#${d.seq} · ${typeLabel(d.entry.type)}`, ' ', correctedBadge(d)),
    h('p', {}, dataText(summaryText(d.entry))),
    ['donation', 'income', 'lottery.allocation'].includes(d.entry.type) ? h('p', {}, h('a', { href: 'trace.html?seq=' + d.seq, id: 'entry-trace-link' }, t('trace.link'))) : null,
    d.entry.type === 'disclosure' && d.entry.body && d.entry.body.url ? h('p', {}, t('entries.disclosure.url'), ' ', h('a', { href: d.entry.body.url, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'mono' }, d.entry.body.url)) : null,
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
    const a = movedAmount(e);
    const by = correctedOf(r);
    return [r.seq, r.date || businessDate(e), e.type, typeLabel(e.type), r.fund || b.fund || (e.type === 'fund.open' ? b.id : ''), b.grant || (e.type === 'grant' ? b.id : ''),
      a !== null ? yuan(a) : '', summaryText(e), by !== undefined ? by : '', e.time, e.by, r.leaf_hash];
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
