// The back office's session: the bearer token, kept in this tab's
// sessionStorage only (gone when the tab closes, never in a URL, a cookie or
// localStorage), the signed-in account, and the authenticated requests.
// Every write sends an Idempotency-Key (docs/api.md): a retry of the same
// submission reuses it, so a write whose answer was lost is never recorded
// twice.
import { h, t, check, ApiError, initPage, $ } from '../app.js';
import './strings.js';

const TOKEN = 'ledger.bo.token';
const ME = 'ledger.bo.me';

function store() {
  try {
    return globalThis.sessionStorage || null;
  } catch {
    return null;
  }
}

export function token() {
  const s = store();
  return (s && s.getItem(TOKEN)) || '';
}

/** The account of the signed-in token ({name, role, org}), or null. */
export function me() {
  const s = store();
  try {
    return JSON.parse((s && s.getItem(ME)) || 'null');
  } catch {
    return null;
  }
}

/** Checks a token with GET api/v1/me and keeps it for this tab. */
export async function signIn(tok) {
  const trimmed = String(tok || '').trim();
  if (!/^[0-9a-f]{64}$/.test(trimmed)) throw new ApiError(0, t('bo.signin.format'), 'bo.token_format');
  const res = await check(await fetch('api/v1/me', { headers: { Accept: 'application/json', Authorization: 'Bearer ' + trimmed }, cache: 'no-store' }));
  const account = await res.json();
  const s = store();
  s.setItem(TOKEN, trimmed);
  s.setItem(ME, JSON.stringify(account));
  return account;
}

export function signOut() {
  const s = store();
  if (s) {
    s.removeItem(TOKEN);
    s.removeItem(ME);
  }
}

function authHeaders(extra = {}) {
  return { Accept: 'application/json', Authorization: 'Bearer ' + token(), ...extra };
}

/** GET an authenticated JSON path ('api/v1/me/grants'). */
export async function authApi(path) {
  const res = await check(await fetch(path, { headers: authHeaders(), cache: 'no-store' }));
  return res.json();
}

/** A fresh Idempotency-Key for one submission. */
export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return 'bo-' + crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return 'bo-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * True when an error leaves the outcome of a write unknown: no answer at all
 * (the network), or 500/502/503/504. Retrying with the same key is safe.
 */
export function outcomeUnknown(err) {
  return !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
}

async function post(path, body, key, contentType) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers: authHeaders({ 'Content-Type': contentType, 'Idempotency-Key': key }), body, cache: 'no-store' });
  } catch (e) {
    throw Object.assign(new Error(t('bo.network', { why: e.message })), { network: true });
  }
  await check(res);
  return { status: res.status, body: await res.json() };
}

/** POST api/v1/entries {type, body} with an Idempotency-Key. */
export function postEntry(type, body, key) {
  return post('api/v1/entries', JSON.stringify({ type, body }), key, 'application/json');
}

/** POST api/v1/batches?type=T[&dry_run=1] with a CSV file's text. */
export function postBatch(type, csvText, key, dryRun) {
  return post('api/v1/batches?type=' + encodeURIComponent(type) + (dryRun ? '&dry_run=1' : ''), csvText, key, 'text/csv; charset=utf-8');
}

export const NAV = [
  ['admin/index.html', 'bo.nav.home', 'bo-home'],
  ['admin/record.html', 'bo.nav.record', 'bo-record'],
  ['admin/import.html', 'bo.nav.import', 'bo-import'],
  ['admin/grantee.html', 'bo.nav.grantee', 'bo-grantee'],
  ['admin/admin.html', 'bo.nav.admin', 'bo-admin'],
  ['index.html', 'bo.nav.public', 'public'],
];

/** Which pages a role uses. */
export const PAGES_FOR_ROLE = {
  admin: ['bo-admin'],
  recorder: ['bo-record', 'bo-import'],
  grantee: ['bo-grantee', 'bo-import'],
};

function headerExtra() {
  const m = me();
  if (!m) return null;
  return h('div', { class: 'bo-who' },
    h('span', { id: 'bo-account' }, t('bo.signed_in_as', { name: m.name, role: t('bo.role.' + m.role) })),
    h('button', { type: 'button', class: 'btn-secondary', id: 'bo-signout', onclick: () => { signOut(); location.href = 'admin/index.html'; } }, t('bo.signout')));
}

/**
 * Sets up a back-office page. With `roles`, a page for those roles only:
 * without a session it says to sign in; for another role it says so.
 * render(account) is called now and after every language switch; the
 * returned function renders again (with the same checks).
 */
export function initBackOffice(page, render, roles = null) {
  const nav = () => NAV.filter(([, , id]) => {
    const m = me();
    if (id === 'bo-home' || id === 'public') return true;
    return m && (PAGES_FOR_ROLE[m.role] || []).includes(id);
  });
  const wrapped = () => {
    const m = me();
    const box = $('#bo-main');
    if (roles && !m) {
      box.replaceChildren(h('div', { class: 'warn-box', role: 'alert', id: 'bo-need-signin' }, t('bo.need_signin'), ' ', h('a', { href: 'admin/index.html' }, t('bo.signin.link'))));
      return;
    }
    if (roles && !roles.includes(m.role)) {
      box.replaceChildren(h('div', { class: 'warn-box', role: 'alert', id: 'bo-wrong-role' }, t('bo.wrong_role', { role: t('bo.role.' + m.role) })));
      return;
    }
    render(m);
  };
  initPage(page, wrapped, { get nav() { return nav(); }, headerExtra });
  return wrapped;
}
