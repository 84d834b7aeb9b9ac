// Formatting helpers (no DOM): money from integer fen with integer math, dates, ratios.

/** Converts a fen value (number, bigint or decimal string) to BigInt, or null. */
export function toFen(v) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  return null;
}

function group3(digits) {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

/** "1,234.56" from 123456 fen; exact for any integer (BigInt arithmetic, no floats). */
export function fenToYuanString(v) {
  const f = toFen(v);
  if (f === null) return '—';
  const neg = f < 0n;
  const a = neg ? -f : f;
  const yuan = (a / 100n).toString();
  const cents = (a % 100n).toString().padStart(2, '0');
  return (neg ? '-' : '') + group3(yuan) + '.' + cents;
}

/** Money for display: "1,234.56 元" (zh) or "¥1,234.56" (en). */
export function formatMoney(v, lang = 'zh-CN') {
  const s = fenToYuanString(v);
  if (s === '—') return s;
  if (lang.startsWith('zh')) return s + ' 元';
  return s.startsWith('-') ? '-¥' + s.slice(1) : '¥' + s;
}

/** Short money for chart labels: 万/亿 in Chinese, K/M in English, two decimals, integer math. */
export function formatMoneyShort(v, lang = 'zh-CN') {
  const f = toFen(v);
  if (f === null) return '—';
  const neg = f < 0n;
  const a = neg ? -f : f;
  const units = lang.startsWith('zh')
    ? [[10000000000n, '亿元'], [1000000n, '万元'], [100n, '元']]
    : [[100000000n, 'M'], [100000n, 'K'], [100n, '']];
  for (const [div, name] of units) {
    if (a >= div || div === 100n) {
      // two decimals of (a / div), rounded half up, integer math
      const scaled = (a * 100n + div / 2n) / div;
      const s = (scaled / 100n).toString() + '.' + (scaled % 100n).toString().padStart(2, '0');
      const sign = neg ? '-' : '';
      return lang.startsWith('zh') ? `${sign}${s} ${name}` : `${sign}¥${s}${name}`;
    }
  }
  return '—';
}

/** Percentage string from a decimal ratio string such as "0.7312" -> "73.12%". */
export function ratioToPercent(r) {
  if (typeof r === 'number' && Number.isFinite(r)) r = r.toFixed(4);
  if (typeof r !== 'string' || !/^-?[0-9]+(\.[0-9]+)?$/.test(r)) return '—';
  const neg = r.startsWith('-');
  const [i, f = ''] = (neg ? r.slice(1) : r).split('.');
  const frac = (f + '0000').slice(0, 4);
  const basis = BigInt(i) * 10000n + BigInt(frac); // ten-thousandths
  const s = (basis / 100n).toString() + '.' + (basis % 100n).toString().padStart(2, '0');
  return (neg ? '-' : '') + s + '%';
}

/** part/whole as a percentage with two decimals (integer math), or "—". */
export function percentOf(part, whole) {
  const p = toFen(part);
  const w = toFen(whole);
  if (p === null || w === null || w === 0n) return '—';
  const basis = (p * 10000n + w / 2n) / w;
  return (basis / 100n).toString() + '.' + (basis % 100n).toString().padStart(2, '0') + '%';
}

const locale = (lang) => (lang.startsWith('zh') ? 'zh-CN' : 'en-GB');

/** A business date "YYYY-MM-DD" shown as written (no time zone shift). */
export function formatDate(d, lang = 'zh-CN') {
  if (typeof d !== 'string') return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return formatDateTime(d, lang);
  const dt = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(locale(lang), { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(dt);
}

/** An RFC 3339 time in the reader's local time zone. */
export function formatDateTime(t, lang = 'zh-CN') {
  if (typeof t !== 'string' && typeof t !== 'number') return '—';
  const dt = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(dt.getTime())) return String(t);
  return new Intl.DateTimeFormat(locale(lang), {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).format(dt);
}

export function formatCount(n, lang = 'zh-CN') {
  if (typeof n !== 'number') return '—';
  return new Intl.NumberFormat(locale(lang)).format(n);
}
