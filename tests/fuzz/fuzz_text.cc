// Properties of ledger/base's text rules, log escape and CSV writer on any
// bytes (libFuzzer):
//  - DecodeUtf8 never reads past the end and FindRefused agrees with it;
//  - EscapeForLog's output is one line with nothing text.h refuses in it, and
//    text with nothing refused and no backslash comes out unchanged;
//  - a CSV record of the input twice reads back (RFC 4180, then one leading
//    apostrophe dropped) as the input twice, and no cell as written begins
//    with a formula character unless it is a plain number.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ledger/base/csv.h"
#include "ledger/base/log_escape.h"
#include "ledger/base/text.h"

namespace {

std::vector<std::string> ReadRecord(const std::string& text, std::vector<std::string>* raw) {
  std::vector<std::string> cells;
  std::string cell;
  bool in_quotes = false, quoted = false;
  size_t i = 0;
  auto end = [&] {
    raw->push_back(cell);
    if (!cell.empty() && cell[0] == '\'') cell.erase(0, 1);
    cells.push_back(cell);
    cell.clear();
    quoted = false;
  };
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        in_quotes = false;
      else
        cell += c;
    } else if (c == '"' && cell.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end();
    } else if (c == '\r' && i + 2 == text.size() && text[i + 1] == '\n') {
      end();
      return cells;
    } else {
      cell += c;
    }
  }
  abort();  // a record always ends with CRLF
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  using ledger::text::CharClass;

  bool all_allowed = true;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = ledger::text::DecodeUtf8(s, i, &cp);
    if (n == 0 || ledger::text::Classify(cp) != CharClass::kAllowed) {
      all_allowed = false;
      break;
    }
    i += n;
  }
  auto refused = ledger::text::FindRefused(s, false);
  if (refused.has_value() == all_allowed) abort();

  const std::string e = ledger::EscapeForLog(s);
  if (ledger::text::FindRefused(e, false).has_value()) abort();
  if (!refused && s.find('\\') == std::string::npos && e != s) abort();

  std::string record;
  ledger::csv::AppendRow(&record, {s, s});
  std::vector<std::string> raw;
  auto cells = ReadRecord(record, &raw);
  if (cells.size() != 2 || cells[0] != s || cells[1] != s) abort();
  for (const std::string& c : raw) {
    size_t k = c.find_first_not_of(' ');
    if (k == std::string::npos) continue;
    const char f = c[k];
    if ((f == '=' || f == '+' || f == '-' || f == '@' || f == '\t' || f == '\r') &&
        !ledger::csv::IsPlainNumber(c)) {
      abort();
    }
  }
  return 0;
}
