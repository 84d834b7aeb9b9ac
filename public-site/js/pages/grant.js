import { initPage, api, h, t, money, table, errorBox, loadingBox, markReady, param, getLang, dataText, fundName, $ } from '../app.js';
import { formatDate, percentOf, toFen } from '../format.js';
import { beneficiaryCounts } from '../entry-text.js';

const id = param('id');
let data = null;
let fund = null;
let error = null;

function bar(kind, label, value, whole) {
  const w = toFen(whole);
  const v = toFen(value);
  // width in whole percent, integer math, capped at 100
  const pct = w && w > 0n && v !== null ? Number((v * 100n) / w > 100n ? 100n : (v * 100n) / w) : 0;
  return h('div', { class: 'bar-row' },
    h('span', {}, label),
    h('div', { class: 'bar ' + kind, role: 'img', 'aria-label': `${label}: ${money(value)} (${percentOf(value, whole)})` }, h('span', { style: `width:${pct}%` })),
    h('span', { class: 'bar-value', dataset: { field: kind } }, `${money(value)} · ${percentOf(value, whole)}`));
}

function corrected(x) {
  return x.corrected ? h('span', { class: 'badge bad' }, t('grant.corrected')) : '';
}

function render() {
  const box = $('#grant');
  if (!id) return box.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('grant.notfound')));
  if (error) return box.replaceChildren(h('h1', {}, id), errorBox(error.status === 404 ? new Error(t('grant.notfound')) : error, load));
  if (!data) return box.replaceChildren(loadingBox());
  const g = data;
  const lang = getLang();
  document.title = (g.title || g.id) + ' · ' + t('site.title');
  const struck = (x) => h('span', { class: x.corrected ? 'struck' : '' }, money(x.amount));
  const fundLabel = fund ? fundName(fund) : g.fund;
  box.replaceChildren(
    h('p', { class: 'muted' }, t('grant.heading'), ' · ', h('a', { href: 'fund.html?id=' + encodeURIComponent(g.fund) }, fundLabel)),
    h('h1', {}, dataText(g.title || g.id), g.corrected ? [' ', h('span', { class: 'badge bad' }, t('grant.corrected'))] : null),
    h('dl', { class: 'figure-list grant-facts' },
      h('dt', {}, t('grant.recipient')), h('dd', {}, g.recipient && g.recipient.name ? dataText(g.recipient.name) : '—'),
      h('dt', {}, t('grant.award_date')), h('dd', {}, formatDate(g.award_date, lang)),
      g.programme ? [h('dt', {}, t('grant.programme')), h('dd', {}, dataText(g.programme))] : null,
      beneficiaryCounts(g.beneficiaries) ? [h('dt', {}, t('fund.beneficiaries')), h('dd', { id: 'grant-beneficiaries' }, beneficiaryCounts(g.beneficiaries))] : null,
      h('dt', {}, t('col.seq')), h('dd', {}, g.seq !== undefined ? h('a', { href: 'entries.html?seq=' + g.seq }, '#' + g.seq) : '—')),
    h('h2', {}, t('grant.progress')),
    h('div', { class: 'bars' },
      bar('promised', t('grant.promised'), g.amount, g.amount),
      bar('paid', t('grant.paid'), g.paid, g.amount),
      bar('used', t('grant.used'), g.used, g.amount)),
    h('h2', {}, t('grant.disbursements')),
    table(t('grant.disbursements'), [
      { label: t('col.seq'), cell: (d) => h('a', { href: 'entries.html?seq=' + d.seq }, '#' + d.seq) },
      { label: t('col.date'), cell: (d) => formatDate(d.paid_at, lang) },
      { label: t('grant.payment_ref'), cell: (d) => h('span', { class: 'mono' }, dataText(d.payment_ref || '')) },
      { label: t('fund.beneficiaries'), cell: (d) => h('span', {}, beneficiaryCounts(d.beneficiaries) || '—', d.area ? [' · ', dataText(t('entries.area', { area: d.area }))] : null) },
      { label: t('col.amount'), num: true, cell: (d) => [struck(d), ' ', corrected(d)] },
    ], g.disbursements || [], { hideCaption: true, rowClass: (d) => (d.corrected ? 'corrected' : null) }),
    h('h2', {}, t('grant.expenses')),
    h('p', { class: 'help' }, t('grant.evidence.help')),
    table(t('grant.expenses'), [
      { label: t('col.seq'), cell: (x) => h('a', { href: 'entries.html?seq=' + x.seq }, '#' + x.seq) },
      { label: t('col.date'), cell: (x) => formatDate(x.spent_at, lang) },
      { label: t('grant.category'), cell: (x) => dataText(x.category || '') },
      { label: t('grant.description'), cell: (x) => dataText(x.description || '') },
      { label: t('grant.evidence'), cell: (x) => h('code', { class: 'mono evidence' }, x.evidence_sha256 || '—') },
      { label: t('col.amount'), num: true, cell: (x) => [struck(x), ' ', corrected(x)] },
    ], g.expenses || [], { hideCaption: true, rowClass: (x) => (x.corrected ? 'corrected' : null) }),
  );
}

async function load() {
  try {
    data = await api('api/v1/grants/' + encodeURIComponent(id));
    error = null;
    render();
    fund = await api('api/v1/funds/' + encodeURIComponent(data.fund)).catch(() => null);
  } catch (e) {
    error = e;
  }
  render();
  markReady();
}

initPage('funds', render);
if (id) load(); else markReady();
