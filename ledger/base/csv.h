// Writing CSV (RFC 4180) that a spreadsheet opens as data, never as formulas.
// Every CSV this project writes (report CSV, 360Giving CSV export) builds its
// cells and records here.
//
// A cell is written in two steps:
//  1. Formula rule (OWASP "CSV Injection"): a value whose first character
//     other than a space is '=', '+', '-', '@', TAB or CR, and which is not a
//     plain decimal number (-?[0-9]+(\.[0-9]+)?), gets a leading apostrophe,
//     so Excel, LibreOffice and Google Sheets show it as text
//     ("'=HYPERLINK(...)"). Negative amounts such as -1234 and -12.50 stay
//     numbers. A value that itself begins with an apostrophe gets one more,
//     so a reader recovers every value exactly: a cell that begins with '
//     had that one character added; drop it.
//  2. Quoting (RFC 4180 section 2): a value holding ',', '"', CR or LF, or
//     ';' or TAB (the separators other locales split on), is enclosed in
//     double quotes with each '"' doubled, so it stays one cell.
// A record is its cells joined by ',' and ended by CRLF.
//
// Thread-safe: pure functions.
#ifndef LEDGER_BASE_CSV_H_
#define LEDGER_BASE_CSV_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::csv {

// -?[0-9]+(\.[0-9]+)?
bool IsPlainNumber(std::string_view s);

// One cell as written (steps 1 and 2 above).
std::string Cell(std::string_view value);

// Appends one record: Cell() of each value, ',' between, CRLF at the end.
void AppendRow(std::string* out, std::initializer_list<std::string_view> values);
void AppendRow(std::string* out, const std::vector<std::string>& values);

}  // namespace ledger::csv

#endif  // LEDGER_BASE_CSV_H_
