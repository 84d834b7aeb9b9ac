// Amounts typed in yuan, sent as integer fen: parsed as text with integer
// arithmetic (never a float), at most two decimals, within the ledger's
// per-entry ceiling of 10^14 fen (ledger/funds/money.h). No DOM here.

/** The most one entry may carry: 10^14 fen (one trillion yuan). */
export const MAX_FEN = 100000000000000n;

/**
 * Parses what a clerk typed ("1234", "1,234.5", "1234.56", full-width digits
 * and a full-width point too) as yuan. Returns {fen} (a safe Number) or
 * {error} naming why: 'empty', 'format' (not digits with at most two
 * decimals), 'zero' (not above zero), 'ceiling' (above MAX_FEN).
 */
export function parseYuan(input) {
  let s = String(input ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/\uFF0E|\u3002/g, '.')
    .replace(/[\s\u3000]/g, '')
    .replace(/元$/, '');
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
  if (fen <= 0n) return { error: 'zero' };
  if (fen > MAX_FEN) return { error: 'ceiling' };
  return { fen: Number(fen) };
}

/** "1234.56" from 123456 fen, for putting an amount back into an input. */
export function fenToInput(fen) {
  const f = BigInt(fen);
  return (f / 100n).toString() + '.' + (f % 100n).toString().padStart(2, '0');
}
