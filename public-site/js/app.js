// Shared page code: header and footer, language switch, API access (relative
// URLs only, so the site works under any prefix), small DOM helpers.
import { t, getLang, setLang, pickName } from './i18n.js';
import { formatMoney } from './format.js';

export { t, getLang, pickName };

/** h('a', {href: 'x', class: 'y'}, 'text', child...) — text is always set as text, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

export class ApiError extends Error {
  constructor(status, detail, rule) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.rule = rule;
  }
}

async function check(res) {
  if (res.ok) return res;
  let detail = `HTTP ${res.status}`;
  let rule;
  try {
    const j = await res.json();
    detail = j.detail || j.title || detail;
    rule = j.rule;
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.status, detail, rule);
}

/** GET a JSON API path such as 'api/v1/funds' (relative to the page). */
export async function api(path, opts = {}) {
  const res = await check(await fetch(path, { headers: { Accept: 'application/json' }, ...opts }));
  return res.json();
}

export async function apiText(path, opts = {}) {
  const res = await check(await fetch(path, opts));
  return res.text();
}

export function money(v) {
  return formatMoney(v, getLang());
}

const NAV = [
  ['index.html', 'nav.dashboard', 'dashboard'],
  ['funds.html', 'nav.funds', 'funds'],
  ['entries.html', 'nav.entries', 'entries'],
  ['reports.html', 'nav.reports', 'reports'],
  ['compliance.html', 'nav.compliance', 'compliance'],
  ['verify.html', 'nav.verify', 'verify'],
];

function renderChrome(page) {
  const lang = getLang();
  document.documentElement.lang = lang;
  const header = $('#site-header');
  if (header) {
    const nav = h('nav', { 'aria-label': lang.startsWith('zh') ? '主导航' : 'Main' },
      h('ul', {}, NAV.map(([href, key, id]) => h('li', {}, h('a', { href, 'aria-current': id === page ? 'page' : null }, t(key))))));
    const btn = h('button', { type: 'button', id: 'lang-switch', class: 'lang-switch', lang: lang.startsWith('zh') ? 'en' : 'zh-CN', 'aria-label': t('lang.switch.label'), onclick: () => switchLang() }, t('lang.switch'));
    header.replaceChildren(
      h('div', { class: 'brand' }, h('a', { href: 'index.html', class: 'brand-link' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '账'), h('span', { class: 'brand-name' }, t('site.short')))),
      nav,
      btn,
    );
  }
  const footer = $('#site-footer');
  if (footer) footer.replaceChildren(h('p', {}, t('footer.note')));
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  const title = document.body.dataset.titleKey;
  document.title = (title ? t(title) + ' · ' : '') + t('site.title');
}

let currentRender = null;
let currentPage = null;

export function switchLang(to) {
  const next = to || (getLang().startsWith('zh') ? 'en' : 'zh-CN');
  setLang(next);
  renderChrome(currentPage);
  if (currentRender) currentRender();
  const b = $('#lang-switch');
  if (b) b.focus();
}

/** Sets up the chrome and calls render() now and after every language switch. */
export function initPage(page, render) {
  currentPage = page;
  currentRender = render;
  renderChrome(page);
  if (render) render();
}

export function loadingBox() {
  return h('p', { class: 'loading', role: 'status' }, t('loading'));
}

export function errorBox(err, retry) {
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, t('error.load')), ' ', h('span', {}, err && err.message ? err.message : String(err)),
    retry ? h('button', { type: 'button', class: 'btn-secondary', onclick: retry }, t('error.retry')) : null);
}

/** A table with a caption; columns: [{key|label, cell:(row)=>node, num:true}] */
export function table(caption, columns, rows, opts = {}) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: opts.class || '' },
      h('caption', { class: opts.hideCaption ? 'visually-hidden' : '' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '' }, c.label)))),
      h('tbody', {}, rows.length === 0
        ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, opts.empty || t('none')))
        : rows.map((r) => h('tr', {}, columns.map((c, i) => (i === 0 && opts.rowHeader ? h('th', { scope: 'row', class: c.num ? 'num' : '' }, c.cell(r)) : h('td', { class: c.num ? 'num' : '' }, c.cell(r))))))),
      opts.foot ? h('tfoot', {}, opts.foot) : null));
}

export function fundName(fund) {
  return pickName(fund && fund.name) || (fund && fund.id) || '';
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Marks the page as fully rendered (used by the browser tests to time it). */
export function markReady(name = 'ready') {
  document.body.dataset[name] = '1';
  if (globalThis.performance && performance.mark) performance.mark('ledger-' + name);
}

export function kindLabel(kind) {
  return t('fund.kind.' + kind);
}

export function typeLabel(type) {
  return t('type.' + type);
}
