// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the body of a signed note
//
//   <origin> "\n"
//   <tree size, decimal, no leading zeros> "\n"
//   <base64 root hash> "\n"
//   [<extension line> "\n"]...
//
// Thread-safe; no state.
#ifndef LEDGER_TLOG_CHECKPOINT_H_
#define LEDGER_TLOG_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/crypto/sha256.h"

namespace ledger::tlog {

struct CheckpointBody {
  std::string origin;
  uint64_t size = 0;
  crypto::Hash root{};
  std::vector<std::string> extensions;
};

std::string FormatCheckpointBody(const CheckpointBody& c);
Result<CheckpointBody> ParseCheckpointBody(std::string_view text);

// Parses a decimal uint64 with no sign, no leading zeros and no overflow.
bool ParseDecimal(std::string_view s, uint64_t* out);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_CHECKPOINT_H_
