// What the compliance view (GET api/v1/compliance?year=, docs/api.md) says
// in words: whether a year has anything to judge, why it is not judged, and
// each disclosure deadline's "what". No DOM here.
import { t, getLang } from './i18n.js';
import { formatDate } from './format.js';
import { codeText } from './entry-text.js';

// The first year the 2016 rules judge (ledger/funds/charity_rules.h
// kSpendingRulesFirstYear): an earlier year is "not judged", and says why.
export const RULES_FIRST_YEAR = 2016;

const day = (d) => (d ? formatDate(d, getLang()) : '—');

/** A year with nothing to judge: no income the year before, no spending, no admin cost. Never shown as met. */
export function complianceEmpty(c) {
  return ['previous_year_income', 'charitable_spending', 'admin_cost', 'total_spending'].every((k) => c[k] === undefined || c[k] === null || String(c[k]) === '0');
}

/** Why a year is not judged: 'before_rules', 'no_profile', 'no_tier', or null when it is judged. */
export function notJudgedReason(c) {
  if (c.judged) return null;
  if (c.year < RULES_FIRST_YEAR) return 'before_rules';
  if (!c.organisation) return 'no_profile';
  return 'no_tier';
}

/** A deadline's "what" in the page's language: the kind, its subject and the period it covers. */
export function deadlineLabel(d) {
  const period = typeof d.period === 'string' && d.period.includes('..')
    ? d.period.split('..').map((x) => day(x)).join(' – ')
    : d.period || '';
  switch (d.what) {
    case 'annual_report': return t('comp.what.annual_report', { period });
    case 'project_progress': return t('comp.what.project_progress', { subject: d.subject || '', period });
    case 'project_results': return t('comp.what.project_results', { subject: d.subject || '', period });
    case 'admin_cost_explanation': return t('comp.what.admin_cost_explanation', { period });
    default: return [codeText('disclosure', d.what), d.subject, period].filter(Boolean).join(' · ');
  }
}

