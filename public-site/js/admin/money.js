// Amounts typed in yuan, sent as integer fen: parsed as text with integer
// arithmetic (never a float), at most two decimals, within the ledger's
// per-entry ceiling of 10^14 fen (ledger/funds/money.h). No DOM here.

/** The most one entry may carry: 10^14 fen (one trillion yuan). */
export const MAX_FEN = 100000000000000n;

/** Full-width digits and points as ASCII, spaces out. */
function normalise(input) {
  return String(input ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/\uFF0E|\u3002/g, '.')
    .replace(/[\s\u3000]/g, '');
}

/**
 * Parses what a clerk typed ("1234", "1,234.5", "1234.56", full-width digits
 * and a full-width point too) as yuan. Returns {fen} (a safe Number) or
 * {error} naming why: 'empty', 'format' (not digits with at most two
 * decimals), 'zero' (not above zero; with opts.allowZero, 0 is taken),
 * 'ceiling' (above opts.max, default MAX_FEN).
 */
export function parseYuan(input, opts = {}) {
  let s = normalise(input).replace(/元$/, '');
  if (s === '') return { error: 'empty' };
  // Thousands separators only between groups of three digits.
  if (s.includes(',') || s.includes('\uFF0C')) {
    s = s.replace(/\uFF0C/g, ',');
    if (!/^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$/.test(s)) return { error: 'format' };
    s = s.replace(/,/g, '');
  }
  const m = /^([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(s);
  if (!m) return { error: 'format' };
  const fen = BigInt(m[1]) * 100n + BigInt((m[2] || '').padEnd(2, '0') || '0');
  if (fen < 0n || (fen === 0n && !opts.allowZero)) return { error: 'zero' };
  if (fen > (opts.max ?? MAX_FEN)) return { error: 'ceiling' };
  return { fen: Number(fen) };
}

/**
 * A percentage typed as "5", "5.5" or "12.25" (a trailing % allowed) as
 * integer basis points (1% = 100 bp), parsed as text: {bp} from 0 to 10000,
 * or {error}: 'empty', 'format' (not digits with at most two decimals),
 * 'range' (above 100%).
 */
export function parsePercent(input) {
  const s = normalise(input).replace(/[%\uFF05]$/, '');
  if (s === '') return { error: 'empty' };
  const m = /^([0-9]{1,3})(?:\.([0-9]{1,2}))?$/.exec(s);
  if (!m) return { error: 'format' };
  const bp = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  if (bp > 10000) return { error: 'range' };
  return { bp };
}

/** "5.5" from 550 bp. */
export function bpToPercent(bp) {
  const n = Number(bp);
  const frac = n % 100;
  return String(Math.floor(n / 100)) + (frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : '');
}

/** "1234.56" from 123456 fen, for putting an amount back into an input. */
export function fenToInput(fen) {
  const f = BigInt(fen);
  return (f / 100n).toString() + '.' + (f % 100n).toString().padStart(2, '0');
}
