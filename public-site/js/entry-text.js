// What an entry says, in the page's language, for lists, details and CSV
// files: its type, business date and a one-line summary of its body, for
// every entry type of docs/format.md section 1 and DESIGN.md's table. Codes
// (channels, levels, classes, legal types) are translated; ledger text
// (names, titles, reasons) is returned as it is, for the caller to show as
// text. No DOM here.
import { t, getLang, pickName } from './i18n.js';
import { formatMoney, formatDate, formatCount } from './format.js';

/** Every entry type, in the order the entries filter offers them. */
export const TYPES = ['fund.open', 'org.profile', 'net_assets', 'balance.forward', 'donation', 'income', 'lottery.allocation', 'lottery.sales',
  'project.open', 'grant', 'disbursement', 'expense', 'admin_cost', 'cost', 'disclosure', 'books.close', 'correction'];

/** A code the API returns ("bank", "province", "government_grant"...) in the page's language; the code itself when unknown. */
export function codeText(group, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `code.${group}.${code}`;
  const s = t(key);
  return s === key ? String(code) : s;
}

export function typeText(type) {
  return codeText('type', type);
}

const money = (v) => formatMoney(v, getLang());
const date = (d) => (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? formatDate(d, getLang()) : d || '');

/**
 * The business date an entry carries (the day the money moved, or the day
 * its fact holds), as written, or ''. The entries API names it as `date`;
 * this reads it from the body for a single entry (GET api/v1/entries/{seq}).
 */
export function businessDate(e) {
  const b = (e && e.body) || {};
  switch (e && e.type) {
    case 'donation':
    case 'income':
    case 'lottery.allocation': return b.received_at || '';
    case 'grant': return b.award_date || '';
    case 'disbursement': return b.paid_at || '';
    case 'expense': return b.spent_at || '';
    case 'admin_cost':
    case 'cost':
    case 'lottery.sales': return b.period !== undefined ? String(b.period) : '';
    case 'balance.forward': return b.as_of || '';
    case 'project.open': return b.start || '';
    case 'disclosure': return b.published_at || '';
    case 'org.profile': return b.effective_from || '';
    case 'net_assets': return b.year !== undefined ? `${b.year}-12-31` : '';
    case 'fund.open': return b.opened_on || '';
    default: return '';
  }
}

/** The amount an entry moves (fen), or null: context figures (sales, net assets) are not money moving and are named in the summary. */
export function movedAmount(e) {
  const b = (e && e.body) || {};
  if (['lottery.sales', 'net_assets'].includes(e && e.type)) return null;
  return b.amount !== undefined ? b.amount : null;
}

/** t() with a count: the key's ".one" form when n is 1 and the language has one ("1 household"). */
export function tn(key, n, vars = {}) {
  const one = key + '.one';
  const k = Number(n) === 1 && t(one) !== one ? one : key;
  return t(k, { n, ...vars });
}

/** "880 户、3,120 人" from a {households, persons} object, for a column or row already labelled; '' when it holds no count. */
export function beneficiaryCounts(ben) {
  if (!ben) return '';
  const parts = [];
  if (ben.households) parts.push(tn('ben.households', formatCount(ben.households, getLang())));
  if (ben.persons) parts.push(tn('ben.persons', formatCount(ben.persons, getLang())));
  return parts.join(t('list.sep'));
}

/** "受益 880 户、3,120 人" for running text; '' when it holds no count. */
export function beneficiariesText(ben) {
  const counts = beneficiaryCounts(ben);
  return counts ? t('ben.label', { counts }) : '';
}

/** An in-kind gift: item × quantity unit, and how it was valued. */
export function inKindText(k) {
  if (!k) return '';
  return t('inkind.text', { item: k.item || '', quantity: k.quantity ?? '', unit: k.unit || '', basis: k.valuation_basis || '' });
}

function donorText(b) {
  return b.donor && b.donor.public_name ? `${t('entries.donor.public')}: ${b.donor.public_name}` : t('entries.donor.anon');
}

/** The entry in a few words, for the list, the detail and the CSV. */
export function summaryText(e) {
  const b = (e && e.body) || {};
  const join = (parts) => parts.filter((x) => x !== '' && x !== null && x !== undefined && x !== false).join(' · ');
  switch (e && e.type) {
    case 'fund.open': return join([pickName(b.name) || b.id, codeText('fund_kind', b.kind)]);
    case 'donation': return join([
      donorText(b),
      codeText('channel', b.channel),
      b.in_kind ? inKindText(b.in_kind) : '',
      b.restriction ? t('entries.restricted', { purpose: b.restriction.purpose || '' }) + (b.restriction.admin_fee_cap_bp !== undefined ? t('entries.admin_cap', { pct: (b.restriction.admin_fee_cap_bp / 100).toFixed(2) }) : '') : t('entries.unrestricted'),
      b.restriction && b.restriction.available_from ? t('entries.available_from', { date: date(b.restriction.available_from) }) : '',
      b.receipt_no ? t('entries.receipt_no', { no: b.receipt_no }) : '',
      b.campaign,
    ]);
    case 'income': return join([codeText('income_class', b.class), b.description, b.receipt_no ? t('entries.receipt_no', { no: b.receipt_no }) : '']);
    case 'lottery.allocation': return join([
      t('entries.allocation', { level: codeText('level', b.level), year: b.fiscal_year ?? '' }),
      b.document_no ? t('entries.document_no', { no: b.document_no }) : '',
      b.category, b.purpose,
    ]);
    case 'lottery.sales': return join([t('entries.sales_context', { period: b.period ?? '', sales: money(b.sales) }), b.game, b.note]);
    case 'grant': return join([`${b.title || b.id} → ${(b.recipient && b.recipient.name) || ''}`, b.programme, b.project ? t('entries.project', { id: b.project }) : '']);
    case 'disbursement': return join([`${t('entries.grant')} ${b.grant}`, b.payment_ref ? `${t('grant.payment_ref')} ${b.payment_ref}` : '', beneficiariesText(b.beneficiaries), b.area ? t('entries.area', { area: b.area }) : '']);
    case 'expense': return join([`${t('entries.grant')} ${b.grant}`, b.category, b.description]);
    case 'admin_cost': return join([b.category, b.period, b.charged_to !== undefined ? t('entries.charged_to', { seq: b.charged_to }) : '']);
    case 'cost': return join([codeText('cost_class', b.class), b.period, b.description]);
    case 'balance.forward': return join([t('entries.balance_as_of', { date: date(b.as_of) }), b.description]);
    case 'org.profile': return join([
      pickName(b.name), codeText('legal_type', b.legal_type),
      b.public_fundraising_from ? t('entries.public_fundraising_from', { date: date(b.public_fundraising_from) }) : t('entries.no_public_fundraising'),
      b.uscc ? t('entries.uscc', { no: b.uscc }) : '',
      t('entries.effective_from', { date: date(b.effective_from) }),
      b.data === 'sample' ? t('sample.short') : '',
    ]);
    case 'net_assets': return t('entries.net_assets', { year: b.year ?? '', amount: money(b.amount) });
    case 'project.open': return join([
      `${codeText('project_kind', b.kind)} ${pickName(b.name) || b.id}`,
      `${date(b.start)} – ${date(b.end)}`,
      b.filing_no ? t('entries.filing_no', { no: b.filing_no }) : '',
    ]);
    case 'disclosure': return join([
      codeText('disclosure', b.what) + (b.subject ? ` ${b.subject}` : ''),
      `${date(b.period_from)} – ${date(b.period_to)}`,
      t('entries.published_at', { date: date(b.published_at) }),
      b.title, b.platform, b.url,
    ]);
    case 'books.close': return t('entries.books_close', { year: b.year ?? '' });
    case 'correction': return `${t('entries.corrects', { seq: b.target })}: ${b.reason || ''}`;
    default: return '';
  }
}
