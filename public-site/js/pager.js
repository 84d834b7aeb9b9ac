// Paging for long lists. pageOf() needs no DOM; pagerNav() builds the
// previous/next bar the pages share (buttons, "page n of m", live region).
import { h, t } from './app.js';

/** Page `page` (1-based, clamped) of `items` with `size` a page: {items, page, pages, from, to, total}. */
export function pageOf(items, page, size) {
  const total = items.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const from = (p - 1) * size;
  return { items: items.slice(from, from + size), page: p, pages, from: total ? from + 1 : 0, to: Math.min(total, from + size), total };
}

/**
 * The bar under a paged list. `id` prefixes the buttons' ids (`${id}-prev`,
 * `${id}-next`); `text` is what the bar says ("第 2 / 18 页，共 880 项").
 */
export function pagerNav({ id, label, text, hasPrev, hasNext, onPrev, onNext }) {
  return h('nav', { class: 'pager', 'aria-label': label, id: id + '-pager' },
    h('button', { type: 'button', class: 'btn-secondary', id: id + '-prev', disabled: !hasPrev, onclick: onPrev }, t('entries.prev')),
    h('span', { 'aria-live': 'polite', class: 'pager-text' }, text),
    h('button', { type: 'button', class: 'btn-secondary', id: id + '-next', disabled: !hasNext, onclick: onNext }, t('entries.next')));
}
