#include "ledger/base/csv.h"

namespace ledger::csv {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool StartsFormula(std::string_view s) {
  size_t i = s.find_first_not_of(' ');
  if (i == std::string_view::npos) return false;
  switch (s[i]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

template <typename It>
void AppendRecord(std::string* out, It begin, It end) {
  for (It it = begin; it != end; ++it) {
    if (it != begin) *out += ',';
    *out += Cell(*it);
  }
  *out += "\r\n";
}

}  // namespace

bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == int_start) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  const size_t frac_start = ++i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i > frac_start && i == s.size();
}

std::string Cell(std::string_view value) {
  std::string v;
  if ((StartsFormula(value) && !IsPlainNumber(value)) || value.starts_with('\'')) v += '\'';
  v += value;
  if (v.find_first_of(",\"\r\n;\t") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendRow(std::string* out, std::initializer_list<std::string_view> values) {
  AppendRecord(out, values.begin(), values.end());
}

void AppendRow(std::string* out, const std::vector<std::string>& values) {
  AppendRecord(out, values.begin(), values.end());
}

}  // namespace ledger::csv
