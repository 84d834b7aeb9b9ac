// The entry envelope: the exact bytes that are hashed into the Merkle tree.
//
//   {"body":<body>,"by":"<account>","prev":"<b64 32 bytes>","seq":<decimal>,
//    "time":"<YYYY-MM-DDTHH:MM:SSZ>","type":"<type>","v":1}
//
// Canonical JSON: UTF-8, object keys sorted by their bytes, no insignificant
// whitespace, integers only. `body` is supplied already canonical by the
// domain layer; the log does not interpret it. `prev` is the leaf hash of entry
// seq-1, or 32 zero bytes for seq 0, so the entries form a hash chain on their
// own. An entry is at most kMaxEntrySize bytes (it must fit an entry bundle's
// uint16 length prefix).
//
// Thread-safe; no state.
#ifndef LEDGER_TLOG_ENTRY_H_
#define LEDGER_TLOG_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/crypto/sha256.h"

namespace ledger::tlog {

inline constexpr size_t kMaxEntrySize = 65535;
inline constexpr size_t kMaxTypeSize = 64;
inline constexpr size_t kMaxAccountSize = 128;

struct EntryFields {
  uint64_t seq = 0;
  crypto::Hash prev{};
  std::string time;
  std::string type;
  std::string by;
  std::string body;
};

// [a-z][a-z._]*, at most kMaxTypeSize bytes.
bool IsValidEntryType(std::string_view type);
// Account names: [A-Za-z0-9][A-Za-z0-9._@:-]*, at most kMaxAccountSize bytes,
// so they need no escaping inside the envelope.
bool IsValidAccount(std::string_view by);
// RFC 3339 UTC with second precision.
std::string FormatTime(int64_t unix_seconds);
// The shape FormatTime writes: YYYY-MM-DDTHH:MM:SSZ.
bool IsValidEntryTime(std::string_view time);

// Builds the envelope bytes; InvalidArgument if over kMaxEntrySize.
Result<std::string> FormatEntry(const EntryFields& e);
// Recovers the envelope fields from entry bytes written by FormatEntry.
// Corruption if the bytes are not such an envelope: whatever it accepts,
// FormatEntry writes back byte for byte (tests/fuzz/fuzz_entry.cc).
Result<EntryFields> ParseEntry(std::string_view entry);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_ENTRY_H_
