// The entry types the back office records, as data: one FORMS entry per type
// with the role that records it, its body fields in order (a dotted name is a
// nested member, as in the API and in import files: restriction.purpose,
// beneficiaries.households), and which field a rule broken on the server
// belongs to when the problem names no field. The bodies are those of
// ledger/funds/body.h (docs/format.md section 1). Adding a type is adding an
// entry here and its labels in strings.js; forms.js renders and submits any.
//
// Field kinds:
//   text, textarea, id ([a-z0-9][a-z0-9._-]{0,63}), int (whole number),
//   year (YYYY), yuan (typed in yuan, sent as integer fen; zero: true allows
//   0), percent (typed in %, sent as integer basis points), date (YYYY-MM-DD),
//   month (YYYY-MM), select (options, labelled by code.<codes>.<option>),
//   fund (an open fund; funds: 'lottery' for lottery funds only), grant (a
//   live grant; grants: 'own' for the grantee's own), project (a project or
//   campaign; grants: true adds the grants), sha256 (a file hashed in the browser, evidence.js; or a hash
//   typed in).
// A field with `group` belongs to one of the form's groups: a group with
// `toggle` is filled only when its check box is ticked (a restricted gift);
// one with `when` only while when(values) holds (in-kind items while the
// channel is in_kind). A group that is off sends nothing.

/** The clerk's local date: business dates are judged in the ledger's time zone (Asia/Shanghai). */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const lastYear = () => String(new Date().getFullYear() - 1);

export const INCOME_CLASSES = ['government_grant', 'interest', 'investment', 'service', 'membership_dues', 'other'];
export const LOTTERY_LEVELS = ['central', 'province', 'city', 'district'];
export const DISCLOSURE_KINDS = ['annual_report', 'project_progress', 'project_results', 'fundraising_plan', 'donation_notice',
  'relief_notice', 'lottery_announcement', 'admin_cost_explanation', 'correction_notice', 'major_event', 'other'];
export const LEGAL_TYPES = ['social_group', 'foundation', 'social_service'];

export const FORMS = {
  'fund.open': {
    role: 'admin',
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'name.zh', kind: 'text' },
      { name: 'name.en', kind: 'text' },
      { name: 'purpose', kind: 'textarea' },
      { name: 'kind', kind: 'select', options: ['charity', 'lottery'], codes: 'fund_kind' },
      { name: 'opened_on', kind: 'date', optional: true },
    ],
    rules: { 'fund.id_unique': 'id', 'date.not_after_recording': 'opened_on' },
  },
  'org.profile': {
    role: 'admin',
    fields: [
      { name: 'name.zh', kind: 'text' },
      { name: 'name.en', kind: 'text' },
      { name: 'legal_type', kind: 'select', options: LEGAL_TYPES, codes: 'legal_type' },
      { name: 'effective_from', kind: 'date', help: 'bo.help.effective_from' },
      { name: 'public_fundraising_from', kind: 'date', optional: true, help: 'bo.help.public_fundraising_from' },
      { name: 'uscc', kind: 'text', optional: true, help: 'bo.help.uscc' },
    ],
    date: 'effective_from',
    rules: { 'org.profile_unique': 'effective_from', 'org.legal_type': 'legal_type', 'org.uscc': 'uscc' },
  },
  'books.close': {
    role: 'admin',
    fields: [{ name: 'year', kind: 'year', default: lastYear, help: 'bo.help.books_close' }],
    rules: { 'books.closed_once': 'year', 'books.year_over': 'year' },
  },
  donation: {
    role: 'recorder',
    group: 'income',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'channel', kind: 'select', options: ['bank', 'online', 'cash', 'in_kind'], codes: 'channel' },
      { name: 'amount', kind: 'yuan', help: 'bo.help.donation_amount' },
      { name: 'received_at', kind: 'date', default: today },
      { name: 'receipt_no', kind: 'text', optional: true, help: 'bo.help.receipt_no' },
      { name: 'donor.public_name', kind: 'text', optional: true, help: 'bo.help.public_name' },
      { name: 'campaign', kind: 'text', optional: true },
      { name: 'external_ref', kind: 'text', optional: true },
      { name: 'in_kind.item', kind: 'text', group: 'in_kind' },
      { name: 'in_kind.quantity', kind: 'int', group: 'in_kind' },
      { name: 'in_kind.unit', kind: 'text', group: 'in_kind' },
      { name: 'in_kind.valuation_basis', kind: 'textarea', group: 'in_kind', help: 'bo.help.valuation_basis' },
      { name: 'restriction.purpose', kind: 'text', group: 'restriction' },
      { name: 'restriction.admin_fee_cap_bp', kind: 'percent', optional: true, group: 'restriction', help: 'bo.help.admin_fee_cap' },
      { name: 'restriction.available_from', kind: 'date', optional: true, group: 'restriction', help: 'bo.help.available_from' },
    ],
    groups: {
      in_kind: { when: (v) => v.channel === 'in_kind' },
      restriction: { toggle: true },
    },
    ref: 'fund',
    date: 'received_at',
    rules: { 'donor.no_identity': 'donor.public_name', 'donation.in_kind': 'channel', 'donation.channel': 'channel', 'donation.restriction_dates': 'restriction.available_from' },
    receipt: true,
  },
  income: {
    role: 'recorder',
    group: 'income',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'class', kind: 'select', options: INCOME_CLASSES, codes: 'income_class' },
      { name: 'amount', kind: 'yuan' },
      { name: 'received_at', kind: 'date', default: today },
      { name: 'receipt_no', kind: 'text', optional: true },
      { name: 'description', kind: 'textarea', optional: true },
    ],
    ref: 'fund',
    date: 'received_at',
    rules: { 'income.class': 'class' },
  },
  'lottery.allocation': {
    role: 'recorder',
    group: 'income',
    fields: [
      { name: 'fund', kind: 'fund', funds: 'lottery' },
      { name: 'fiscal_year', kind: 'year', default: () => String(new Date().getFullYear()) },
      { name: 'level', kind: 'select', options: LOTTERY_LEVELS, codes: 'lottery_level' },
      { name: 'document_no', kind: 'text', help: 'bo.help.document_no' },
      { name: 'amount', kind: 'yuan' },
      { name: 'purpose', kind: 'textarea' },
      { name: 'received_at', kind: 'date', default: today },
      { name: 'category', kind: 'text', optional: true },
    ],
    ref: 'fund',
    date: 'received_at',
    rules: { 'lottery.fund_kind': 'fund', 'lottery.document_unique': 'document_no', 'lottery.fiscal_year': 'fiscal_year', 'lottery.level': 'level' },
  },
  'balance.forward': {
    role: 'recorder',
    group: 'income',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'amount', kind: 'yuan' },
      { name: 'as_of', kind: 'date', help: 'bo.help.as_of' },
      { name: 'description', kind: 'textarea' },
    ],
    ref: 'fund',
    date: 'as_of',
    rules: { 'balance_forward.first': 'as_of' },
  },
  grant: {
    role: 'recorder',
    group: 'spending',
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'fund', kind: 'fund' },
      { name: 'recipient.id', kind: 'id', help: 'bo.help.recipient_id' },
      { name: 'recipient.name', kind: 'text' },
      { name: 'title', kind: 'text' },
      { name: 'amount', kind: 'yuan' },
      { name: 'award_date', kind: 'date', default: today },
      { name: 'programme', kind: 'text', optional: true },
      { name: 'project', kind: 'project', optional: true },
    ],
    ref: 'fund',
    date: 'award_date',
    rules: { 'grant.id_unique': 'id', 'grant.within_uncommitted': 'amount', 'grant.project_fund': 'project' },
  },
  disbursement: {
    role: 'recorder',
    group: 'spending',
    fields: [
      { name: 'grant', kind: 'grant' },
      { name: 'amount', kind: 'yuan' },
      { name: 'paid_at', kind: 'date', default: today },
      { name: 'payment_ref', kind: 'text' },
      { name: 'beneficiaries.households', kind: 'int', optional: true, help: 'bo.help.beneficiaries' },
      { name: 'beneficiaries.persons', kind: 'int', optional: true },
      { name: 'area', kind: 'text', optional: true },
    ],
    ref: 'grant',
    date: 'paid_at',
    rules: {
      'disbursement.within_grant': 'amount', 'fund.balance_nonnegative': 'amount', 'disbursement.after_award': 'paid_at',
      'disbursement.grant_live': 'grant',
    },
  },
  admin_cost: {
    role: 'recorder',
    group: 'spending',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'amount', kind: 'yuan' },
      { name: 'category', kind: 'text' },
      { name: 'period', kind: 'month' },
      { name: 'charged_to', kind: 'int', optional: true, help: 'bo.help.charged_to' },
    ],
    ref: 'fund',
    date: 'period',
    rules: {
      'admin_cost.within_uncommitted': 'amount', 'admin_cost.within_donation_cap': 'amount',
      'admin_cost.charged_to_restricted': 'charged_to', 'admin_cost.donation_fund': 'charged_to',
    },
  },
  cost: {
    role: 'recorder',
    group: 'spending',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'class', kind: 'select', options: ['fundraising', 'charitable', 'other'], codes: 'cost_class', help: 'bo.help.cost_class' },
      { name: 'amount', kind: 'yuan' },
      { name: 'period', kind: 'month' },
      { name: 'description', kind: 'textarea', optional: true },
    ],
    ref: 'fund',
    date: 'period',
    rules: { 'cost.within_uncommitted': 'amount', 'cost.class': 'class' },
  },
  'project.open': {
    role: 'recorder',
    group: 'disclosure',
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'name.zh', kind: 'text' },
      { name: 'name.en', kind: 'text' },
      { name: 'kind', kind: 'select', options: ['project', 'campaign'], codes: 'project_kind' },
      { name: 'start', kind: 'date' },
      { name: 'end', kind: 'date' },
      { name: 'fund', kind: 'fund', optional: true },
      { name: 'filing_no', kind: 'text', optional: true, help: 'bo.help.filing_no' },
    ],
    date: 'start',
    rules: { 'project.id_unique': 'id', 'project.dates': 'end', 'project.kind': 'kind' },
  },
  disclosure: {
    role: 'recorder',
    group: 'disclosure',
    fields: [
      { name: 'what', kind: 'select', options: DISCLOSURE_KINDS, codes: 'disclosure_kind' },
      { name: 'period_from', kind: 'date' },
      { name: 'period_to', kind: 'date' },
      { name: 'published_at', kind: 'date', default: today },
      { name: 'subject', kind: 'project', grants: true, optional: true, help: 'bo.help.subject' },
      { name: 'title', kind: 'text', optional: true },
      { name: 'url', kind: 'text', optional: true, help: 'bo.help.url' },
      { name: 'document_sha256', kind: 'sha256', optional: true, help: 'bo.help.document_sha256' },
      { name: 'platform', kind: 'text', optional: true, help: 'bo.help.platform' },
    ],
    date: 'published_at',
    rules: {
      'disclosure.dates': 'published_at', 'disclosure.period': 'period_to', 'disclosure.where': 'url', 'disclosure.url': 'url',
      'disclosure.sha256': 'document_sha256', 'disclosure.what': 'what',
    },
  },
  net_assets: {
    role: 'recorder',
    group: 'disclosure',
    fields: [
      { name: 'year', kind: 'year', default: lastYear },
      { name: 'amount', kind: 'yuan', zero: true, max: 1000000000000000n, help: 'bo.help.net_assets' },
    ],
    rules: { 'net_assets.unique': 'year' },
  },
  'lottery.sales': {
    role: 'recorder',
    group: 'disclosure',
    fields: [
      { name: 'period', kind: 'text', help: 'bo.help.sales_period' },
      { name: 'sales', kind: 'yuan' },
      { name: 'game', kind: 'text', optional: true },
      { name: 'note', kind: 'text', optional: true },
    ],
    date: 'period',
    rules: {},
  },
  correction: {
    role: 'recorder',
    group: 'correction',
    fields: [
      { name: 'target', kind: 'int', help: 'bo.help.target' },
      { name: 'reason', kind: 'textarea', help: 'bo.help.reason' },
    ],
    ref: 'target',
    rules: {
      'correction.target_moves_money': 'target', 'correction.not_twice': 'target', 'correction.balance_nonnegative': 'target',
      'correction.grant_unpaid': 'target', 'correction.paid_covers_used': 'target',
    },
  },
  expense: {
    role: 'grantee',
    fields: [
      { name: 'grant', kind: 'grant', grants: 'own' },
      { name: 'amount', kind: 'yuan' },
      { name: 'category', kind: 'text' },
      { name: 'description', kind: 'textarea' },
      { name: 'evidence_sha256', kind: 'sha256' },
      { name: 'spent_at', kind: 'date', default: today },
    ],
    ref: 'grant',
    date: 'spent_at',
    rules: {
      'expense.within_disbursed': 'amount', 'expense.after_payment': 'spent_at', 'expense.own_grant': 'grant',
      'expense.grant_live': 'grant', 'expense.evidence_hex': 'evidence_sha256',
    },
  },
};

/** The recorder's types in the order of their groups (the picker's headings). */
export const RECORDER_GROUPS = ['income', 'spending', 'disclosure', 'correction'];

/** The entry types a role records one by one, in table order. */
export function typesFor(role) {
  return Object.keys(FORMS).filter((k) => FORMS[k].role === role);
}

/**
 * Types a role may import as CSV files: all it records but fund.open,
 * org.profile, books.close and correction, done one at a time
 * (ledger/funds/csv_rows.h, IsImportable).
 */
export function importTypesFor(role) {
  return typesFor(role).filter((k) => !['fund.open', 'org.profile', 'books.close', 'correction'].includes(k));
}
