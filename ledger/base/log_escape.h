// The one escaping function for text from outside parties (clients,
// witnesses, log servers) that reaches a log line or a terminal: one call per
// value, and the value can neither end the line, forge another one, move the
// cursor nor reorder what is shown.
//
// Output is the input with these replaced:
//   '\\'                       -> "\\\\"  (so every escape below is unambiguous)
//   LF, CR, TAB                -> "\\n", "\\r", "\\t"
//   any other character that ledger/base/text.h refuses (C0/C1 controls,
//   DEL, U+2028/U+2029, bidi controls, invisible format characters,
//   noncharacters)             -> "\\xNN" for each of its UTF-8 bytes
//   a byte that is not well-formed UTF-8 -> "\\xNN"
// Everything else, printable ASCII and printable UTF-8 (Chinese names)
// included, is kept. Spaces are kept: a value that may hold spaces goes last
// on its line, or the line's grammar must not depend on it.
//
// Thread-safe: a pure function.
#ifndef LEDGER_BASE_LOG_ESCAPE_H_
#define LEDGER_BASE_LOG_ESCAPE_H_

#include <string>
#include <string_view>

namespace ledger {

std::string EscapeForLog(std::string_view s);

}  // namespace ledger

#endif  // LEDGER_BASE_LOG_ESCAPE_H_
