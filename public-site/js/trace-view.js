// "Where my money went": a donation's trace (GET api/v1/donations/{seq}/trace,
// docs/api.md) for the donor first. A summary whose parts add up to the gift
// (to grants, to costs, to admin, still unspent, with dates), then the lines
// grouped by programme with recipient and date, and the convention the
// ledger follows (first in, first out) in one sentence. "Used" appears only
// where a recipient reported use; a payment to a household has no use report.
//
// groupFlows() needs no DOM; traceView() builds DOM nodes with text only.
import { h, t, money, getLang, dataText, pickName } from './app.js';
import { formatDate } from './format.js';
import { codeText, inKindText, tn } from './entry-text.js';

const big = (v) => BigInt(v ?? 0);
const day = (d) => formatDate(d, getLang());

/** "1 Jan 2016" or "1 Jan 2016 – 3 Mar 2016" for a first and last date; '' without dates. */
export function dateRange(first, last) {
  if (!first) return '';
  return !last || last === first ? day(first) : `${day(first)} – ${day(last)}`;
}

/**
 * The flows in groups: grants by programme (or title), admin costs in one
 * group, other costs by class. Each group: {key, kind, label, cls, lines,
 * amount, paid, used (bigint fen), recipients (Set of ids), first, last},
 * in the order the money went out; lines sorted by date.
 */
export function groupFlows(flows) {
  const groups = new Map();
  for (const f of flows || []) {
    let key;
    let label;
    if (f.kind === 'grant') {
      label = f.programme || f.title || f.ref;
      key = 'grant:' + label;
    } else if (f.kind === 'admin_cost') {
      key = 'admin';
      label = null;
    } else {
      key = 'cost:' + (f.class || 'other');
      label = null;
    }
    if (!groups.has(key)) groups.set(key, { key, kind: f.kind, cls: f.class || null, label, lines: [], amount: 0n, paid: 0n, used: 0n, recipients: new Set(), first: null, last: null });
    const g = groups.get(key);
    g.lines.push(f);
    g.amount += big(f.amount);
    if (f.kind === 'grant') {
      g.paid += big(f.grant_paid);
      g.used += big(f.grant_used);
      if (f.recipient && f.recipient.id) g.recipients.add(f.recipient.id);
    }
    if (f.date && (!g.first || f.date < g.first)) g.first = f.date;
    if (f.date && (!g.last || f.date > g.last)) g.last = f.date;
  }
  for (const g of groups.values()) {
    g.lines.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.seq - b.seq));
    // A programme's grants that all share one title are named by it (it may carry an English name the programme lacks).
    if (g.kind === 'grant' && g.lines.every((f) => f.title && f.title === g.lines[0].title)) g.label = g.lines[0].title;
  }
  return [...groups.values()];
}

/** The summary's parts, each {part, amount (fen, bigint)}; they add up to the gift. Zero parts are left out. */
export function summaryParts(tr) {
  const s = tr.summary || {};
  const parts = [
    ['grants', s.to_grants],
    ['charitable', s.to_charitable_costs],
    ['admin', s.to_admin],
    ['other', s.to_other_costs],
    ['unspent', s.unspent ?? tr.unspent],
  ].map(([part, v]) => ({ part, amount: big(v) }));
  return parts.filter((p) => p.amount !== 0n);
}

function partText(p, tr) {
  const s = tr.summary || {};
  const amount = money(p.amount.toString());
  switch (p.part) {
    case 'grants': {
      const paid = big(s.paid);
      const line = [tn('trace.part.grants', s.recipients ?? 0, { amount, dates: dateRange(s.first_date, s.last_date) })];
      if (paid < p.amount) line.push(t('list.semicolon'), t('trace.part.grants.paid', { paid: money(paid.toString()) }));
      return line;
    }
    case 'charitable': return t('trace.part.charitable', { amount });
    case 'admin': return t('trace.part.admin', { amount });
    case 'other': return t('trace.part.other', { amount });
    default: return t('trace.part.unspent', { amount });
  }
}

function groupTitle(g) {
  if (g.kind === 'grant') return dataText(g.label);
  if (g.kind === 'admin_cost') return t('trace.group.admin');
  return codeText('cost_class', g.cls);
}

function lineTable(g, showUsed) {
  const rows = g.lines.map((f) => h('tr', { role: 'row' },
    h('td', { role: 'cell', 'data-label': t('col.date'), class: 'nowrap' }, f.date ? day(f.date) : '—'),
    g.kind === 'grant'
      ? h('td', { role: 'cell', 'data-label': t('trace.col.recipient') }, h('a', { href: 'grant.html?id=' + encodeURIComponent(f.ref) }, dataText((f.recipient && f.recipient.name) || f.ref)))
      : h('td', { role: 'cell', 'data-label': t('trace.col.what') }, dataText(f.ref || '')),
    h('td', { role: 'cell', class: 'num', 'data-label': t('trace.col.amount') }, money(f.amount)),
    g.kind === 'grant' ? h('td', { role: 'cell', class: 'num', 'data-label': t('trace.col.paid') }, money(f.grant_paid)) : h('td', { role: 'cell', 'data-label': t('trace.col.paid') }, '—'),
    showUsed ? h('td', { role: 'cell', class: 'num', 'data-label': t('trace.col.used') }, g.kind === 'grant' ? money(f.grant_used) : '—') : null));
  const cols = [t('col.date'), g.kind === 'grant' ? t('trace.col.recipient') : t('trace.col.what'), t('trace.col.amount'), t('trace.col.paid')];
  if (showUsed) cols.push(t('trace.col.used'));
  return h('div', { class: 'table-wrap phone-cards', tabindex: '0', role: 'region', 'aria-label': t('trace.lines', { n: g.lines.length }) },
    h('table', { role: 'table' },
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, cols.map((c, i) => h('th', { scope: 'col', role: 'columnheader', class: i >= 2 ? 'num' : null }, c)))),
      h('tbody', { role: 'rowgroup' }, rows)));
}

/**
 * The trace as DOM: a section's children, under `heading`; `fundName` names
 * the fund the money went into (the trace carries the amount and date).
 */
export function traceView(tr, { fundName = '', heading = t('verify.trace') } = {}) {
  const out = [h('h2', {}, heading)];
  if (tr.corrected) {
    out.push(h('p', { class: 'trace-summary', id: 'trace-summary', dataset: { corrected: '1' } }, t('verify.trace.corrected')));
    return out;
  }
  const parts = summaryParts(tr);
  out.push(h('p', { class: 'trace-summary', id: 'trace-summary' },
    t(tr.type && tr.type !== 'donation' ? 'trace.lead.income' : 'trace.lead', { amount: money(tr.amount), date: tr.date ? day(tr.date) : '—', fund: fundName || tr.fund })));
  out.push(h('ul', { class: 'trace-parts', id: 'trace-parts' }, parts.map((p) => h('li', { class: 'part-' + p.part, dataset: { part: p.part, amount: p.amount.toString() } }, partText(p, tr)))));
  const groups = groupFlows(tr.flows);
  const showUsed = groups.some((g) => g.used > 0n);
  const notes = [t('trace.fifo')];
  if (showUsed) notes.push(t('trace.used.explained'));
  out.push(h('p', { class: 'help', id: 'trace-fifo' }, notes.join(' ')));
  if (!groups.length) return out;
  out.push(h('h3', {}, t('trace.details')));
  out.push(h('ul', { class: 'trace', id: 'trace-list' }, groups.map((g) => {
    const facts = [];
    if (g.kind === 'grant') {
      facts.push(g.recipients.size === 1 ? dataText((g.lines[0].recipient && g.lines[0].recipient.name) || '') : tn('trace.recipients', g.recipients.size));
      facts.push(t('trace.paid', { paid: money(g.paid.toString()) }));
      if (showUsed && g.used > 0n) facts.push(t('trace.used', { used: money(g.used.toString()) }));
    }
    const when = dateRange(g.first, g.last);
    return h('li', { class: g.kind === 'grant' ? 'grant' : 'admin', dataset: { group: g.key, lines: g.lines.length, amount: g.amount.toString() } },
      h('p', { class: 'group-head' }, h('strong', {}, money(g.amount.toString())), ' → ', groupTitle(g)),
      h('p', { class: 'group-facts muted' }, [when, ...facts].filter((x) => x !== '').flatMap((x, i) => (i ? [' · ', x] : [x]))),
      h('details', {}, h('summary', {}, t('trace.lines', { n: g.lines.length })), lineTable(g, showUsed)));
  })));
  return out;
}

/** The inflow's own facts (a donation, other income or an allocation) as a definition list: number, amount, fund, date, channel, receipt number, in-kind item, restriction. */
export function donationFacts(e, fund) {
  const b = e.body || {};
  const lang = getLang();
  const row = (k, v, id) => (v === '' || v === null || v === undefined ? null : [h('dt', {}, k), h('dd', id ? { id } : {}, v)]);
  return h('dl', { class: 'figure-list donation-facts' },
    row(t('col.seq'), h('a', { href: 'entries.html?seq=' + e.seq }, '#' + e.seq)),
    row(t('col.amount'), money(b.amount), 'donation-amount'),
    row(t('col.fund'), b.fund ? h('a', { href: 'fund.html?id=' + encodeURIComponent(b.fund) }, fund ? pickName(fund.name) : b.fund) : null),
    row(t('verify.received_at'), b.received_at ? formatDate(b.received_at, lang) : null),
    row(t('verify.channel'), codeText('channel', b.channel)),
    row(t('verify.receipt_no'), b.receipt_no ? h('span', { class: 'mono' }, b.receipt_no) : null, 'donation-receipt-no'),
    row(t('verify.in_kind'), b.in_kind ? dataText(inKindText(b.in_kind)) : null, 'donation-in-kind'),
    row(t('verify.restriction'), b.restriction ? dataText(t('entries.restricted', { purpose: b.restriction.purpose || '' })) : (e.type === 'donation' ? t('entries.unrestricted') : null), 'donation-restriction'),
    row(t('entries.level'), b.level ? codeText('level', b.level) : null),
    row(t('entries.document_no.label'), b.document_no ? dataText(b.document_no) : null),
    row(t('entries.income_class'), e.type === 'income' ? codeText('income_class', b.class) : null));
}
