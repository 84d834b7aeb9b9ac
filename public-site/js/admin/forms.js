// Entry forms from one table. Each entry type the back office records is one
// FORMS entry: who records it, its body fields in order (a dotted name is a
// nested member, as in the API and in import files), and which field a rule
// broken on the server belongs to. Adding a type is adding an entry here and
// its labels in strings.js; render and submit are generic.
//
// Field kinds: text, id ([a-z0-9][a-z0-9._-]*), textarea, yuan (typed in
// yuan, sent as integer fen), int, date (YYYY-MM-DD), month (YYYY-MM),
// select (options: codes), fund (an open fund; funds: 'lottery' for lottery
// funds only), grant (a grant; 'own' = the grantee's own grants), sha256 (a
// file hashed in the browser, see evidence.js).
import { h, t, fill, codeLabel, fundName, pickName } from '../app.js';
import { parseYuan } from './money.js';
import { postEntry, newKey, outcomeUnknown } from './session.js';
import { hashFile } from './evidence.js';

const today = () => {
  // The clerk's local date: business dates are judged in the ledger's time zone (Asia/Shanghai).
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

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
  donation: {
    role: 'recorder',
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'amount', kind: 'yuan' },
      { name: 'channel', kind: 'select', options: ['bank', 'online', 'cash', 'in_kind'], codes: 'channel' },
      { name: 'received_at', kind: 'date', default: today },
      { name: 'donor.public_name', kind: 'text', optional: true, help: 'bo.help.public_name' },
      { name: 'campaign', kind: 'text', optional: true },
      { name: 'external_ref', kind: 'text', optional: true },
    ],
    ref: 'fund',
    date: 'received_at',
    rules: { 'donor.no_identity': 'donor.public_name' },
    receipt: true,
  },
  'lottery.allocation': {
    role: 'recorder',
    fields: [
      { name: 'fund', kind: 'fund', funds: 'lottery' },
      { name: 'period', kind: 'month' },
      { name: 'sales', kind: 'yuan' },
      { name: 'rate_bp', kind: 'int', help: 'bo.help.rate_bp' },
      { name: 'amount', kind: 'yuan' },
    ],
    ref: 'fund',
    date: 'period',
    rules: { 'lottery.fund_kind': 'fund', 'lottery.period_unique': 'period', 'lottery.amount_formula': 'amount' },
  },
  grant: {
    role: 'recorder',
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'fund', kind: 'fund' },
      { name: 'recipient.id', kind: 'id' },
      { name: 'recipient.name', kind: 'text' },
      { name: 'title', kind: 'text' },
      { name: 'amount', kind: 'yuan' },
      { name: 'award_date', kind: 'date', default: today },
      { name: 'programme', kind: 'text', optional: true },
    ],
    ref: 'fund',
    date: 'award_date',
    rules: { 'grant.id_unique': 'id', 'grant.within_uncommitted': 'amount' },
  },
  disbursement: {
    role: 'recorder',
    fields: [
      { name: 'grant', kind: 'grant' },
      { name: 'amount', kind: 'yuan' },
      { name: 'paid_at', kind: 'date', default: today },
      { name: 'payment_ref', kind: 'text' },
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
    fields: [
      { name: 'fund', kind: 'fund' },
      { name: 'amount', kind: 'yuan' },
      { name: 'category', kind: 'text' },
      { name: 'period', kind: 'month' },
    ],
    ref: 'fund',
    date: 'period',
    rules: { 'admin_cost.within_uncommitted': 'amount' },
  },
  correction: {
    role: 'recorder',
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

/** The entry types a role records one by one, in table order. */
export function typesFor(role) {
  return Object.keys(FORMS).filter((k) => FORMS[k].role === role);
}

/** Types a role may import as CSV files (those that move money). */
export function importTypesFor(role) {
  return typesFor(role).filter((k) => k !== 'fund.open' && k !== 'correction');
}

const fieldId = (type, name) => `f-${type.replace(/\./g, '_')}-${name.replace(/\./g, '_')}`;

/** The label of a field: a type-specific one if strings.js has it, else the common one. */
export function fieldLabel(type, name) {
  const own = `bo.f.${type}.${name}`;
  const s = t(own);
  return s === own ? t('bo.f.' + name) : s;
}

/** A server error in the reader's language: by rule when strings.js knows it, else the server's own words. */
export function errorText(err) {
  const known = err && err.rule ? t('rule.' + err.rule) : null;
  if (known && known !== 'rule.' + err.rule) return { main: known, tech: err.message };
  return { main: err ? err.message : '', tech: null };
}

/** Which field of `form` an API error belongs to, or null (shown above the button). */
export function fieldForError(form, err) {
  if (!err) return null;
  const names = new Set(form.fields.map((f) => f.name));
  if (err.field && err.field.startsWith('body.')) {
    const n = err.field.slice(5);
    if (names.has(n)) return n;
    const parent = [...names].find((x) => n.startsWith(x + '.') || x.startsWith(n + '.'));
    if (parent) return parent;
  }
  if (err.rule && form.rules && form.rules[err.rule]) return form.rules[err.rule];
  if (err.rule && err.rule.startsWith('date.') && form.date) return form.date;
  if (err.rule && err.rule.startsWith('amount.') && names.has('amount')) return 'amount';
  // A reference to a fund, grant or entry that does not exist: 422 without a rule.
  if (err.status === 422 && !err.rule && form.ref) return form.ref;
  return null;
}

function optionList(field, ctx) {
  if (field.kind === 'select') return field.options.map((o) => [o, field.codes ? codeLabel(field.codes, o) : o]);
  if (field.kind === 'fund') {
    return (ctx.funds || []).filter((f) => field.funds !== 'lottery' || f.kind === 'lottery').map((f) => [f.id, `${fundName(f)} (${f.id})`]);
  }
  if (field.kind === 'grant') {
    const grants = field.grants === 'own' ? ctx.ownGrants || [] : ctx.grants || [];
    return grants.filter((g) => !g.corrected).map((g) => [g.id, `${g.title || g.id} (${g.id}) · ${pickName(g.recipient && g.recipient.name)}`]);
  }
  return [];
}

function input(type, field, ctx, values) {
  const id = fieldId(type, field.name);
  const common = { id, name: field.name, 'aria-describedby': `${id}-err${field.help ? ' ' + id + '-help' : ''}`, required: !field.optional };
  const v = values[field.name] ?? (field.default ? field.default() : '');
  switch (field.kind) {
    case 'textarea':
      return h('textarea', { ...common }, v);
    case 'yuan':
      return h('span', { class: 'amount-input' }, h('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: v, placeholder: '0.00' }), h('span', {}, t('bo.yuan')));
    case 'int':
      return h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', value: v });
    case 'date':
      return h('input', { ...common, type: 'date', value: v });
    case 'month':
      return h('input', { ...common, type: 'month', value: v, placeholder: 'YYYY-MM' });
    case 'select': case 'fund': case 'grant': {
      const opts = optionList(field, ctx);
      return h('select', { ...common },
        field.optional || field.kind !== 'select' ? h('option', { value: '' }, t('bo.choose')) : null,
        opts.map(([val, label]) => h('option', { value: val, selected: String(v) === String(val) ? true : null }, label)));
    }
    case 'sha256':
      return h('div', {},
        h('input', { type: 'file', id: id + '-file', 'aria-describedby': `${id}-help` }),
        h('input', { ...common, type: 'text', class: 'hash-out', readonly: true, value: v, placeholder: t('bo.evidence.none'), 'aria-label': fieldLabel(type, field.name) }));
    default:
      return h('input', { ...common, type: 'text', autocomplete: 'off', value: v, spellcheck: field.kind === 'id' ? 'false' : null });
  }
}

function setNested(obj, dotted, value) {
  const parts = dotted.split('.');
  let at = obj;
  for (let i = 0; i < parts.length - 1; i++) at = at[parts[i]] = at[parts[i]] || {};
  at[parts[parts.length - 1]] = value;
}

/** Reads a form into a request body; {body} or {errors: {field: i18n key}}. Nothing leaves the page here. */
export function readForm(type, formEl) {
  const form = FORMS[type];
  const body = {};
  const errors = {};
  for (const f of form.fields) {
    const el = formEl.querySelector(`#${fieldId(type, f.name)}`);
    const raw = el ? String(el.value).trim() : '';
    if (raw === '') {
      if (!f.optional) errors[f.name] = 'bo.err.required';
      continue;
    }
    if (f.kind === 'yuan') {
      const p = parseYuan(raw);
      if (p.error) errors[f.name] = 'bo.err.yuan.' + p.error;
      else setNested(body, f.name, p.fen);
    } else if (f.kind === 'int') {
      if (!/^[0-9]{1,15}$/.test(raw)) errors[f.name] = 'bo.err.int';
      else setNested(body, f.name, Number(raw));
    } else if (f.kind === 'id') {
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(raw)) errors[f.name] = 'bo.err.id';
      else setNested(body, f.name, raw);
    } else if (f.kind === 'sha256') {
      if (!/^[0-9a-f]{64}$/.test(raw)) errors[f.name] = 'bo.err.sha256';
      else setNested(body, f.name, raw);
    } else {
      setNested(body, f.name, f.kind === 'textarea' ? String(el.value).replace(/\r\n?/g, '\n').trim() : raw);
    }
  }
  return Object.keys(errors).length ? { errors } : { body };
}

function showFieldError(formEl, type, name, node) {
  const el = formEl.querySelector(`#${fieldId(type, name)}`);
  const err = formEl.querySelector(`#${fieldId(type, name)}-err`);
  if (el) el.setAttribute('aria-invalid', node ? 'true' : 'false');
  if (err) fill(err, node);
}

function clearErrors(formEl) {
  for (const e of formEl.querySelectorAll('.field-error')) e.replaceChildren();
  for (const e of formEl.querySelectorAll('[aria-invalid]')) e.setAttribute('aria-invalid', 'false');
}

function errorNodes(err) {
  const { main, tech } = errorText(err);
  return [h('span', { class: 'msg' }, main), tech ? h('span', { class: 'tech', lang: 'en' }, t('bo.server_said'), ' ', tech) : null];
}

/**
 * Renders the form of `type` into `box`. ctx: {funds, grants, ownGrants,
 * values (initial values by field), onRecorded(result, body)}. Returns the
 * form element. Submitting checks the fields in the page, then POSTs with an
 * Idempotency-Key; a submission whose outcome is unknown keeps its key, and
 * sending the same body again (the retry button, or submit unchanged) reuses
 * it, so the server records it at most once.
 */
export function renderForm(box, type, ctx = {}) {
  const form = FORMS[type];
  const values = ctx.values || {};
  let pending = null; // {key, bodyJson} of a submission whose outcome is unknown
  const status = h('div', { class: 'form-status', id: `status-${type.replace(/\./g, '_')}`, role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: `submit-${type.replace(/\./g, '_')}` }, t('bo.submit.' + type) === 'bo.submit.' + type ? t('bo.submit') : t('bo.submit.' + type));
  const formEl = h('form', { class: 'bo-form', novalidate: true, method: 'post', action: 'admin/index.html', dataset: { type } },
    form.fields.map((f) => {
      const id = fieldId(type, f.name);
      return h('div', { class: 'bo-field', dataset: { field: f.name } },
        h('label', { for: f.kind === 'sha256' ? id + '-file' : id }, fieldLabel(type, f.name), f.optional ? h('span', { class: 'optional' }, ' ', t('bo.optional')) : null),
        input(type, f, ctx, values),
        f.help || f.kind === 'sha256' ? h('p', { class: 'help', id: `${id}-help` }, t(f.help || 'bo.help.evidence')) : null,
        h('p', { class: 'field-error', id: `${id}-err`, role: 'alert' }));
    }),
    status,
    h('p', { class: 'actions' }, submit));

  for (const f of form.fields.filter((x) => x.kind === 'sha256')) {
    const file = formEl.querySelector(`#${fieldId(type, f.name)}-file`);
    const out = formEl.querySelector(`#${fieldId(type, f.name)}`);
    file.addEventListener('change', async () => {
      out.value = '';
      showFieldError(formEl, type, f.name, null);
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      out.value = await hashFile(chosen);
      out.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }

  async function send(body, key) {
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    fill(status, h('p', { class: 'loading' }, t('bo.sending')));
    try {
      const res = await postEntry(type, body, key);
      pending = null;
      fill(status, h('div', { class: 'ok-box', id: 'recorded' }, t(res.body.replayed ? 'bo.replayed' : 'bo.recorded', { seq: res.body.seq }), ' ',
        h('a', { href: 'entries.html?seq=' + res.body.seq }, t('bo.view_entry'))));
      status.dataset.seq = String(res.body.seq);
      if (ctx.onRecorded) ctx.onRecorded(res.body, body, status);
    } catch (err) {
      if (outcomeUnknown(err)) {
        pending = { key, bodyJson: JSON.stringify(body) };
        const retry = h('button', { type: 'button', class: 'btn-secondary', id: 'retry-same-key', onclick: () => send(body, key) }, t('bo.retry_same'));
        fill(status, h('div', { class: 'warn-box', role: 'alert', id: 'outcome-unknown' }, h('p', {}, t('bo.unknown')), errorNodes(err), h('p', {}, retry)));
      } else {
        pending = null;
        const name = fieldForError(form, err);
        if (name) {
          showFieldError(formEl, type, name, errorNodes(err));
          fill(status, h('p', { class: 'error', role: 'alert' }, t('bo.refused_field', { field: fieldLabel(type, name) })));
          const el = formEl.querySelector(`#${fieldId(type, name)}`);
          if (el) el.focus();
        } else {
          fill(status, h('div', { class: 'error', role: 'alert', id: 'form-error' }, errorNodes(err)));
        }
      }
    } finally {
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  }

  formEl.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(formEl);
    const r = readForm(type, formEl);
    if (r.errors) {
      for (const [name, key] of Object.entries(r.errors)) showFieldError(formEl, type, name, h('span', { class: 'msg' }, t(key)));
      fill(status, h('p', { class: 'error', role: 'alert' }, t('bo.fix_fields')));
      const first = formEl.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
      return;
    }
    const json = JSON.stringify(r.body);
    const key = pending && pending.bodyJson === json ? pending.key : newKey();
    send(r.body, key);
  });
  fill(box, formEl);
  return formEl;
}
