#include "ledger/tlog/checkpoint.h"

#include "ledger/crypto/base64.h"

namespace ledger::tlog {

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, c - '0', &v)) return false;
  }
  *out = v;
  return true;
}

std::string FormatCheckpointBody(const CheckpointBody& c) {
  std::string out = c.origin + "\n" + std::to_string(c.size) + "\n" +
                    crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n";
  for (const std::string& e : c.extensions) out += e + "\n";
  return out;
}

Result<CheckpointBody> ParseCheckpointBody(std::string_view text) {
  if (!text.ends_with("\n")) return InvalidArgument("checkpoint does not end in a newline");
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) return InvalidArgument("checkpoint has fewer than three lines");
  CheckpointBody c;
  if (lines[0].empty()) return InvalidArgument("checkpoint origin is empty");
  c.origin = std::string(lines[0]);
  if (!ParseDecimal(lines[1], &c.size)) return InvalidArgument("checkpoint size is not a decimal number");
  auto root = crypto::Base64Decode(lines[2]);
  if (!root || root->size() != crypto::kHashSize) {
    return InvalidArgument("checkpoint root is not a base64 SHA-256 hash");
  }
  std::copy(root->begin(), root->end(), c.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return InvalidArgument("checkpoint has an empty extension line");
    c.extensions.emplace_back(lines[i]);
  }
  return c;
}

}  // namespace ledger::tlog
