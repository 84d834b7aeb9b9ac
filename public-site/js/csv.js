// CSV files for spreadsheets, built in the browser from the JSON API:
// UTF-8 with a byte order mark (so Excel on Chinese Windows reads it as
// UTF-8), CRLF line ends, RFC 4180 quoting, amounts in yuan with two
// decimals (the unit named in the column header), and any text cell a
// spreadsheet would run as a formula (starting with = + - @, a tab or a
// carriage return, and not a number) written as text behind a leading '
// (the OWASP rule for CSV injection). No DOM here.
import { toFen } from './format.js';

export const BOM = '\ufeff';
const NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?$/;

/** One cell: quoted when it holds a comma, quote, CR or LF; formula-looking text defused. */
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** "1234.56" from 123456 fen (no thousands separators; exact integer math); '' when not an amount. */
export function yuan(fen) {
  const f = toFen(fen);
  if (f === null) return '';
  const neg = f < 0n;
  const a = neg ? -f : f;
  return (neg ? '-' : '') + (a / 100n).toString() + '.' + (a % 100n).toString().padStart(2, '0');
}

/** The whole file: BOM, header row, data rows, CRLF after every row. */
export function toCsv(header, rows) {
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
