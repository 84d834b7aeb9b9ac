// Reads a CSV file's records for the import page's preview, as the server
// reads them (ledger/funds/csv_rows.h): RFC 4180, a leading BOM skipped,
// blank lines skipped. Only for showing the rows: the server checks and
// numbers them. No DOM here.

/** [{cells: [..], line}] for every record; null when the text is not CSV (the server names why). */
export function readCsv(text) {
  let s = String(text);
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const out = [];
  let rec = { cells: [], line: 1 };
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let any = false;
  let line = 1;
  const endField = () => {
    rec.cells.push(field);
    field = '';
    afterQuote = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '' || afterQuote) return null;
      quoted = any = true;
    } else if (c === ',') {
      endField();
      any = true;
    } else if (c === '\r' && s[i + 1] === '\n') {
      continue;
    } else if (c === '\n') {
      if (any || field !== '') {
        endField();
        out.push(rec);
      }
      line++;
      rec = { cells: [], line };
      any = false;
    } else {
      if (afterQuote) return null;
      field += c;
      any = true;
    }
  }
  if (quoted) return null;
  if (any || field !== '') {
    endField();
    out.push(rec);
  }
  return out;
}
