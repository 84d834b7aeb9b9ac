// Shared page code: header and footer, language switch, API access (relative
// URLs only, so the site works under any prefix), small DOM helpers.
import { t, getLang, setLang, pickName } from './i18n.js';
import { formatMoney, fenToYuanString } from './format.js';
import { isChineseOnly } from './text.js';
import { sampleBanner } from './banner.js';

export { t, getLang, pickName };

/**
 * h('a', {href: 'x', class: 'y'}, 'text', child...) — text is always set as text, never HTML.
 * A style is set through the CSSOM (el.style), which the Content-Security-Policy ledgerd sends
 * (style-src 'self') allows; a style attribute would be refused.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'style') el.style.cssText = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces el's children; null, undefined and false leave no trace (replaceChildren would write "null"). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

/** An API error: the HTTP status and the problem+json members (detail, rule, field, and the whole problem). */
export class ApiError extends Error {
  constructor(status, detail, rule, problem = null) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.rule = rule;
    this.field = problem && typeof problem.field === 'string' ? problem.field : undefined;
    this.problem = problem;
  }
}

export async function check(res) {
  if (res.ok) return res;
  let detail = `HTTP ${res.status}`;
  let rule;
  let problem = null;
  try {
    problem = await res.json();
    detail = problem.detail || problem.title || detail;
    rule = problem.rule;
  } catch {
    /* not JSON */
  }
  throw new ApiError(res.status, detail, rule, problem);
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

/** An amount without its unit ("1,234.56"), for wide tables whose column headers name the unit. */
export function amount(v) {
  return fenToYuanString(v);
}

const NAV = [
  ['index.html', 'nav.dashboard', 'dashboard'],
  ['funds.html', 'nav.funds', 'funds'],
  ['entries.html', 'nav.entries', 'entries'],
  ['reports.html', 'nav.reports', 'reports'],
  ['lottery.html', 'nav.lottery', 'lottery'],
  ['compliance.html', 'nav.compliance', 'compliance'],
  ['verify.html', 'nav.verify', 'verify'],
];

let chromeOpts = {};

function renderChrome(page) {
  const lang = getLang();
  document.documentElement.lang = lang;
  const header = $('#site-header');
  if (header) {
    const nav = h('nav', { 'aria-label': lang.startsWith('zh') ? '主导航' : 'Main' },
      h('ul', {}, (chromeOpts.nav || NAV).map(([href, key, id]) => h('li', {}, h('a', { href, 'aria-current': id === page ? 'page' : null }, t(key))))),
      chromeOpts.headerExtra ? chromeOpts.headerExtra() : null);
    const btn = h('button', { type: 'button', id: 'lang-switch', class: 'lang-switch', lang: lang.startsWith('zh') ? 'en' : 'zh-CN', 'aria-label': t('lang.switch.label'), onclick: () => switchLang() }, t('lang.switch'));
    header.replaceChildren(
      h('div', { class: 'brand' }, h('a', { href: 'index.html', class: 'brand-link' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '账'), h('span', { class: 'brand-name' }, t('site.short')))),
      nav,
      btn,
    );
  }
  const footer = $('#site-footer');
  if (footer) {
    footer.replaceChildren(h('p', {}, t('footer.note')),
      h('p', { class: 'footer-links' },
        h('a', { href: 'api.html' }, t('footer.api')), ' · ',
        h('a', { href: 'api/v1/export/360giving.json', download: '360giving.json' }, t('footer.360giving'))));
  }
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  const title = document.body.dataset.titleKey;
  document.title = (title ? t(title) + ' · ' : '') + t('site.title');
  sampleBanner();
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

/**
 * Sets up the chrome and calls render() now and after every language switch.
 * opts.nav replaces the public site's navigation ([href, i18n key, page id]...);
 * opts.headerExtra() adds nodes after it (the back office's sign-out button).
 */
export function initPage(page, render, opts = {}) {
  chromeOpts = opts;
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

/**
 * A table with a caption; columns: [{label, cell:(row)=>node, num:true, nowrap:true}].
 * On a phone (< 640 px) the rows become cards, each cell labelled with its
 * column (data-label; the ARIA roles keep the table's meaning for screen
 * readers once CSS changes the display), unless opts.phone is 'scroll': then
 * the table scrolls inside its own marked box, with a hint while it is wider
 * than the screen. The page itself never scrolls sideways.
 */
export function table(caption, columns, rows, opts = {}) {
  const mode = opts.phone === 'scroll' ? 'scroll' : 'cards';
  const cls = (c) => [c.num ? 'num' : '', c.nowrap ? 'nowrap' : ''].filter(Boolean).join(' ') || null;
  const cell = (r, c, i) => {
    const attrs = { class: cls(c), role: 'cell', 'data-label': c.label };
    if (i === 0 && opts.rowHeader) return h('th', { ...attrs, scope: 'row', role: 'rowheader' }, c.cell(r));
    return h('td', attrs, c.cell(r));
  };
  const wrap = h('div', { class: 'table-wrap phone-' + mode, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: opts.class || '', role: 'table' },
      h('caption', { class: opts.hideCaption ? 'visually-hidden' : '' }, caption),
      h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, columns.map((c) => h('th', { scope: 'col', role: 'columnheader', class: cls(c) }, c.label)))),
      h('tbody', { role: 'rowgroup' }, rows.length === 0
        ? h('tr', { role: 'row' }, h('td', { colspan: columns.length, class: 'empty', role: 'cell' }, opts.empty || t('none')))
        : rows.map((r) => h('tr', { role: 'row', class: opts.rowClass ? opts.rowClass(r) : null }, columns.map((c, i) => cell(r, c, i))))),
      opts.foot ? h('tfoot', { role: 'rowgroup' }, opts.foot) : null));
  if (mode !== 'scroll') return wrap;
  const hint = h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, t('table.scroll'));
  const box = h('div', { class: 'table-scroll' }, hint, wrap);
  const update = () => box.classList.toggle('overflowing', wrap.scrollWidth > wrap.clientWidth + 1);
  if (globalThis.ResizeObserver) new ResizeObserver(update).observe(wrap);
  return box;
}

/**
 * Free text from the ledger (a grant title, a recipient's name). On English
 * pages, text written in Chinese only is marked lang="zh-CN" and, unless
 * opts.quiet (a table that says so once above it), followed by "(Chinese only)".
 */
export function dataText(value, opts = {}) {
  const s = value === null || value === undefined ? '' : String(value);
  if (getLang().startsWith('zh') || !isChineseOnly(s)) return h('span', {}, s);
  return h('span', { lang: 'zh-CN' }, s, opts.quiet ? null : h('span', { class: 'zh-only', lang: 'en' }, ' ', t('zh_only')));
}

/** The note above a table whose named columns hold Chinese-only text (English pages only). */
export function zhOnlyNote(columns) {
  if (getLang().startsWith('zh')) return null;
  return h('p', { class: 'help zh-only-note' }, t('zh_only.columns', { cols: columns.join(', ') }));
}

/** A code the API returns (channel "bank", fund kind "lottery"...) in the page's language. */
export function codeLabel(group, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `code.${group}.${code}`;
  const s = t(key);
  return s === key ? String(code) : s;
}

/**
 * Download buttons: each item {id, label, filename, type, build: async () => text}.
 * The file is built when clicked (from the JSON API), then saved through a blob URL.
 */
export function downloads(items) {
  return h('p', { class: 'actions downloads' }, items.map((it) => h('button', {
    type: 'button', class: 'btn-secondary', id: it.id,
    onclick: async (ev) => {
      const btn = ev.currentTarget;
      btn.disabled = true;
      btn.setAttribute('aria-busy', 'true');
      try {
        const text = await it.build();
        const url = URL.createObjectURL(new Blob([text], { type: it.type }));
        const a = h('a', { href: url, download: it.filename, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } catch (e) {
        btn.after(errorBox(e));
      } finally {
        btn.disabled = false;
        btn.removeAttribute('aria-busy');
      }
    },
  }, it.label)));
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
  return codeLabel('fund_kind', kind);
}

export function typeLabel(type) {
  return codeLabel('type', type);
}
