// Entry forms, rendered and submitted from the table in form-types.js.
// Submitting checks the fields in the page (amounts parsed as text into
// integer fen, never a float), POSTs {type, body} with an Idempotency-Key,
// and shows a refusal next to the field the problem names (its `field`
// member, or the field its `rule` concerns), in the reader's language with
// the server's own words beside it.
import { h, t, fill, codeLabel, fundName, pickName } from '../app.js';
import { parseYuan, parsePercent } from './money.js';
import { postEntry, newKey, outcomeUnknown } from './session.js';
import { hashFile } from './evidence.js';
import { FORMS } from './form-types.js';

export { FORMS, typesFor, importTypesFor, RECORDER_GROUPS } from './form-types.js';

const fieldId = (type, name) => `f-${type.replace(/\./g, '_')}-${name.replace(/\./g, '_')}`;
const groupId = (type, group) => `g-${type.replace(/\./g, '_')}-${group}`;

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
    // body.donor (a field the form shows as donor.public_name), or body.in_kind.x.y.
    const near = [...names].find((x) => n.startsWith(x + '.') || x.startsWith(n + '.'));
    if (near) return near;
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
  if (field.kind === 'project') {
    const projects = (ctx.projects || []).map((p) => [p.id, `${pickName(p.name) || p.id} (${p.id})`]);
    const grants = field.grants ? (ctx.grants || []).map((g) => [g.id, `${g.title || g.id} (${g.id})`]) : [];
    return [...projects, ...grants];
  }
  return [];
}

function input(type, field, ctx, values) {
  const id = fieldId(type, field.name);
  const described = `${id}-err${field.help || field.kind === 'sha256' ? ' ' + id + '-help' : ''}`;
  const common = { id, name: field.name, 'aria-describedby': described, required: !field.optional };
  const v = values[field.name] ?? (field.default ? field.default() : '');
  switch (field.kind) {
    case 'textarea':
      return h('textarea', { ...common }, v);
    case 'yuan':
      return h('span', { class: 'amount-input' },
        h('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: v, placeholder: '0.00' }),
        h('span', { 'aria-hidden': 'true' }, t('bo.yuan')));
    case 'percent':
      return h('span', { class: 'amount-input' },
        h('input', { ...common, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: v, placeholder: '0' }),
        h('span', { 'aria-hidden': 'true' }, '%'));
    case 'int':
      return h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', value: v });
    case 'year':
      return h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', value: v, placeholder: 'YYYY', maxlength: '4' });
    case 'date':
      return h('input', { ...common, type: 'date', value: v });
    case 'month':
      return h('input', { ...common, type: 'month', value: v, placeholder: 'YYYY-MM' });
    case 'select': case 'fund': case 'grant': case 'project': {
      const opts = optionList(field, ctx);
      return h('select', { ...common },
        field.optional || field.kind !== 'select' ? h('option', { value: '' }, t(field.optional ? 'bo.none' : 'bo.choose')) : null,
        opts.map(([val, label]) => h('option', { value: val, selected: String(v) === String(val) ? true : null }, label)));
    }
    case 'sha256':
      return h('div', { class: 'hash-field' },
        h('input', { type: 'file', id: id + '-file', 'aria-describedby': `${id}-help` }),
        h('input', { ...common, type: 'text', class: 'hash-out', autocomplete: 'off', spellcheck: 'false', value: v, placeholder: t('bo.evidence.none'), 'aria-label': fieldLabel(type, field.name) + ' (SHA-256)' }));
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

/** The raw (trimmed) value of every field, by name. */
function rawValues(type, formEl) {
  const out = {};
  for (const f of FORMS[type].fields) {
    const el = formEl.querySelector(`#${fieldId(type, f.name)}`);
    out[f.name] = el ? String(el.value).trim() : '';
  }
  return out;
}

/** Whether a field's group (if any) is on: its box ticked, or its condition met. */
function groupOn(type, group, formEl, raw) {
  if (!group) return true;
  const g = FORMS[type].groups[group];
  if (g.toggle) {
    const box = formEl.querySelector(`#${groupId(type, group)}-on`);
    return !!(box && box.checked);
  }
  return g.when(raw);
}

/** Reads a form into a request body; {body} or {errors: {field: i18n key}}. Nothing leaves the page here. */
export function readForm(type, formEl) {
  const form = FORMS[type];
  const raw = rawValues(type, formEl);
  const body = {};
  const errors = {};
  for (const f of form.fields) {
    if (!groupOn(type, f.group, formEl, raw)) continue;
    const v = raw[f.name];
    if (v === '') {
      if (!f.optional) errors[f.name] = 'bo.err.required';
      continue;
    }
    if (f.kind === 'yuan') {
      const p = parseYuan(v, { allowZero: !!f.zero, max: f.max });
      if (p.error) errors[f.name] = 'bo.err.yuan.' + p.error;
      else setNested(body, f.name, p.fen);
    } else if (f.kind === 'percent') {
      const p = parsePercent(v);
      if (p.error) errors[f.name] = 'bo.err.percent.' + p.error;
      else setNested(body, f.name, p.bp);
    } else if (f.kind === 'int') {
      if (!/^[0-9]{1,15}$/.test(v)) errors[f.name] = 'bo.err.int';
      else setNested(body, f.name, Number(v));
    } else if (f.kind === 'year') {
      if (!/^[0-9]{4}$/.test(v)) errors[f.name] = 'bo.err.year';
      else setNested(body, f.name, Number(v));
    } else if (f.kind === 'id') {
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(v)) errors[f.name] = 'bo.err.id';
      else setNested(body, f.name, v);
    } else if (f.kind === 'sha256') {
      if (!/^[0-9a-f]{64}$/.test(v)) errors[f.name] = 'bo.err.sha256';
      else setNested(body, f.name, v);
    } else if (f.kind === 'textarea') {
      const el = formEl.querySelector(`#${fieldId(type, f.name)}`);
      setNested(body, f.name, String(el.value).replace(/\r\n?/g, '\n').trim());
    } else {
      setNested(body, f.name, v);
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

function fieldBlock(type, f, ctx, values) {
  const id = fieldId(type, f.name);
  return h('div', { class: 'bo-field', dataset: { field: f.name } },
    h('label', { for: f.kind === 'sha256' ? id + '-file' : id }, fieldLabel(type, f.name), f.optional ? h('span', { class: 'optional' }, ' ', t('bo.optional')) : null),
    input(type, f, ctx, values),
    f.help || f.kind === 'sha256' ? h('p', { class: 'help', id: `${id}-help` }, t(f.help || 'bo.help.evidence')) : null,
    h('p', { class: 'field-error', id: `${id}-err`, role: 'alert' }));
}

/** The fields in order, those of a group inside its fieldset (a toggled one after its check box). */
function fieldBlocks(type, ctx, values) {
  const form = FORMS[type];
  const out = [];
  const done = new Set();
  for (const f of form.fields) {
    if (!f.group) {
      out.push(fieldBlock(type, f, ctx, values));
      continue;
    }
    if (done.has(f.group)) continue;
    done.add(f.group);
    const g = form.groups[f.group];
    const members = form.fields.filter((x) => x.group === f.group);
    const startsOn = members.some((x) => values[x.name] !== undefined && values[x.name] !== '');
    const set = h('fieldset', { class: 'bo-group', id: groupId(type, f.group), hidden: g.toggle && !startsOn ? true : null },
      h('legend', {}, t(`bo.group.${type}.${f.group}`)),
      g.help ? h('p', { class: 'help' }, t(g.help)) : null,
      members.map((x) => fieldBlock(type, x, ctx, values)));
    if (g.toggle) {
      const boxId = groupId(type, f.group) + '-on';
      out.push(h('div', { class: 'bo-field bo-check' },
        h('input', { type: 'checkbox', id: boxId, checked: startsOn ? true : null, 'aria-controls': groupId(type, f.group) }),
        h('label', { for: boxId }, t(`bo.group.${type}.${f.group}.on`))));
    }
    out.push(set);
  }
  return out;
}

/** Shows the groups that are on and hides the others. */
function syncGroups(type, formEl) {
  const form = FORMS[type];
  if (!form.groups) return;
  const raw = rawValues(type, formEl);
  for (const name of Object.keys(form.groups)) {
    const set = formEl.querySelector(`#${groupId(type, name)}`);
    if (set) set.hidden = !groupOn(type, name, formEl, raw);
  }
}

/**
 * Renders the form of `type` into `box`. ctx: {funds, grants, ownGrants,
 * projects, values (initial values by field), onRecorded(result, body,
 * statusEl)}. Returns the form element. A submission whose outcome is
 * unknown keeps its key, and sending the same body again (the retry button,
 * or submit unchanged) reuses it, so the server records it at most once.
 */
export function renderForm(box, type, ctx = {}) {
  const form = FORMS[type];
  const values = ctx.values || {};
  const slug = type.replace(/\./g, '_');
  let pending = null; // {key, bodyJson} of a submission whose outcome is unknown
  const status = h('div', { class: 'form-status', id: `status-${slug}`, role: 'status', 'aria-live': 'polite' });
  const own = t('bo.submit.' + type);
  const submit = h('button', { type: 'submit', id: `submit-${slug}` }, own === 'bo.submit.' + type ? t('bo.submit') : own);
  const formEl = h('form', { class: 'bo-form', id: `form-${slug}`, novalidate: true, method: 'post', action: 'admin/index.html', dataset: { type } },
    fieldBlocks(type, ctx, values),
    status,
    h('p', { class: 'actions' }, submit));

  formEl.addEventListener('change', () => syncGroups(type, formEl));
  syncGroups(type, formEl);

  for (const f of form.fields.filter((x) => x.kind === 'sha256')) {
    const file = formEl.querySelector(`#${fieldId(type, f.name)}-file`);
    const out = formEl.querySelector(`#${fieldId(type, f.name)}`);
    file.addEventListener('change', async () => {
      out.value = '';
      showFieldError(formEl, type, f.name, null);
      const chosen = file.files && file.files[0];
      if (!chosen) return;
      // Hashed here; the file is never put in a request (evidence.js).
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
      fill(status, h('div', { class: 'ok-box', id: `recorded-${slug}` }, t(res.body.replayed ? 'bo.replayed' : 'bo.recorded', { seq: res.body.seq }), ' ',
        h('a', { href: 'entries.html?seq=' + res.body.seq }, t('bo.view_entry'))));
      status.dataset.seq = String(res.body.seq);
      if (ctx.onRecorded) ctx.onRecorded(res.body, body, status);
    } catch (err) {
      if (outcomeUnknown(err)) {
        pending = { key, bodyJson: JSON.stringify(body) };
        const retry = h('button', { type: 'button', class: 'btn-secondary', id: `retry-${slug}`, onclick: () => send(body, key) }, t('bo.retry_same'));
        fill(status, h('div', { class: 'warn-box', role: 'alert', id: `outcome-unknown-${slug}` }, h('p', {}, t('bo.unknown')), errorNodes(err), h('p', {}, retry)));
      } else {
        pending = null;
        const name = fieldForError(form, err);
        if (name) {
          showFieldError(formEl, type, name, errorNodes(err));
          fill(status, h('p', { class: 'error', role: 'alert', id: `form-error-${slug}` }, t('bo.refused_field', { field: fieldLabel(type, name) })));
          const el = formEl.querySelector(`#${fieldId(type, name)}`);
          if (el) el.focus();
        } else {
          fill(status, h('div', { class: 'error', role: 'alert', id: `form-error-${slug}` }, errorNodes(err)));
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
