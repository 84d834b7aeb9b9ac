// Text helpers with no DOM. (Ledger text never becomes HTML on this site:
// pages build DOM nodes with text content, app.js h(); there is no escaping
// function because nothing is assembled as an HTML string.)

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/u;
const LATIN_LETTER = /[A-Za-z]/;

/** True for text written in Chinese with no English words in it ("资助项目 2016-03"). */
export function isChineseOnly(s) {
  return typeof s === 'string' && CJK.test(s) && !LATIN_LETTER.test(s);
}
