#include "ledger/tlog/entry.h"

#include <ctime>

#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"

namespace ledger::tlog {
bool IsValidEntryType(std::string_view t) {
  if (t.empty() || t.size() > kMaxTypeSize || t[0] < 'a' || t[0] > 'z') return false;
  for (char c : t) {
    if (!((c >= 'a' && c <= 'z') || c == '.' || c == '_')) return false;
  }
  return true;
}

bool IsValidAccount(std::string_view by) {
  if (by.empty() || by.size() > kMaxAccountSize) return false;
  for (size_t i = 0; i < by.size(); ++i) {
    char c = by[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' && c != ':' && c != '-'))) {
      return false;
    }
  }
  return true;
}

bool IsValidEntryTime(std::string_view t) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (t.size() != kShape.size()) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (kShape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != kShape[i]) return false;
  }
  return true;
}

std::string FormatTime(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Field order is the sorted key order: body, by, prev, seq, time, type, v.
Result<std::string> FormatEntry(const EntryFields& e) {
  if (!IsValidEntryType(e.type)) return InvalidArgument("entry type must match [a-z][a-z._]*");
  if (!IsValidAccount(e.by)) {
    return InvalidArgument("account name must match [A-Za-z0-9][A-Za-z0-9._@:-]*");
  }
  std::string out;
  out.reserve(e.body.size() + e.by.size() + 140);
  out += "{\"body\":";
  out += e.body;
  out += ",\"by\":\"";
  out += e.by;
  out += "\",\"prev\":\"";
  out += crypto::Base64Encode(crypto::AsBytes(e.prev));
  out += "\",\"seq\":";
  out += std::to_string(e.seq);
  out += ",\"time\":\"";
  out += e.time;
  out += "\",\"type\":\"";
  out += e.type;
  out += "\",\"v\":1}";
  if (out.size() > kMaxEntrySize) {
    return Status(Code::kResourceExhausted,
                  "entry of " + std::to_string(out.size()) + " bytes exceeds the limit of " +
                      std::to_string(kMaxEntrySize),
                  "entry.size");
  }
  return out;
}

// Parses from the end: after the body nothing but envelope fields follows,
// and inside a JSON string every '"' is escaped, so the last occurrence of
// each field marker is the envelope's own.
Result<EntryFields> ParseEntry(std::string_view s) {
  auto bad = [](const char* why) { return Corruption(std::string("entry envelope: ") + why); };
  constexpr std::string_view kHead = "{\"body\":", kTail = "\",\"v\":1}";
  if (!s.starts_with(kHead) || !s.ends_with(kTail)) return bad("wrong start or end");
  EntryFields e;
  size_t type_at = s.rfind(",\"type\":\"");
  size_t time_at = s.rfind(",\"time\":\"", type_at);
  size_t seq_at = s.rfind(",\"seq\":", time_at);
  size_t prev_at = s.rfind(",\"prev\":\"", seq_at);
  size_t by_at = s.rfind(",\"by\":\"", prev_at);
  if (type_at == std::string_view::npos || time_at == std::string_view::npos ||
      seq_at == std::string_view::npos || prev_at == std::string_view::npos ||
      by_at == std::string_view::npos || by_at < kHead.size()) {
    return bad("missing field");
  }
  // Each string field must end in the quote its closing marker expects.
  if (s[prev_at - 1] != '"' || s[seq_at - 1] != '"' || s[type_at - 1] != '"') {
    return bad("unterminated string field");
  }
  e.type = std::string(s.substr(type_at + 9, s.size() - kTail.size() - (type_at + 9)));
  e.time = std::string(s.substr(time_at + 9, type_at - 1 - (time_at + 9)));
  if (!IsValidEntryTime(e.time)) return bad("time is not YYYY-MM-DDTHH:MM:SSZ");
  if (!ParseDecimal(s.substr(seq_at + 7, time_at - (seq_at + 7)), &e.seq)) return bad("seq");
  auto prev = crypto::Base64Decode(s.substr(prev_at + 9, seq_at - 1 - (prev_at + 9)));
  if (!prev || prev->size() != crypto::kHashSize) return bad("prev");
  std::copy(prev->begin(), prev->end(), e.prev.begin());
  e.by = std::string(s.substr(by_at + 7, prev_at - 1 - (by_at + 7)));
  if (!IsValidAccount(e.by)) return bad("by");
  e.body = std::string(s.substr(kHead.size(), by_at - kHead.size()));
  if (!IsValidEntryType(e.type)) return bad("type");
  return e;
}

}  // namespace ledger::tlog
