// Text helpers with no DOM: HTML escaping for the few places a library wants
// an HTML string, and the test for names the ledger holds in Chinese only.

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place in HTML element content or a quoted attribute. */
export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const LATIN_LETTER = /[A-Za-z]/;

/** True for text written in Chinese with no English words in it ("资助项目 2016-03"). */
export function isChineseOnly(s) {
  return typeof s === 'string' && CJK.test(s) && !LATIN_LETTER.test(s);
}
