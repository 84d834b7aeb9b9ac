// C2SP tlog-proof (c2sp.org/tlog-proof@v1): an offline-verifiable proof that
// an entry is in a log, as a donor's receipt file.
//
//   "c2sp.org/tlog-proof@v1\n"
//   ["extra " <base64 extra data> "\n"]       this project: the entry bytes
//   "index " <decimal, no leading zeros> "\n"
//   [<base64 32-byte hash> "\n"]...           inclusion proof, leaf side first
//   "\n"
//   <the signed checkpoint note, verbatim>
//
// Thread-safe; no state.
#ifndef LEDGER_TLOG_TLOG_PROOF_H_
#define LEDGER_TLOG_TLOG_PROOF_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {

inline constexpr std::string_view kTlogProofHeader = "c2sp.org/tlog-proof@v1";

struct TlogProof {
  std::optional<std::string> extra;  // decoded bytes
  uint64_t index = 0;
  std::vector<Hash> proof;
  std::string checkpoint;  // the signed note
};

std::string FormatTlogProof(const TlogProof& p);
Result<TlogProof> ParseTlogProof(std::string_view text);

struct VerifiedProof {
  std::string origin;
  uint64_t tree_size = 0;
  Hash root{};
  uint64_t index = 0;
  std::vector<NoteSignature> signatures;  // verified ones
};

// Checks that `entry` (or, when empty, the proof's extra data) is at the
// proof's index in the checkpointed tree, and that the checkpoint is signed
// by `log_key`. Witness cosignatures are checked by the caller if required.
Result<VerifiedProof> VerifyTlogProof(const TlogProof& p, const NoteVerifier& log_key,
                                      std::optional<std::string_view> entry = std::nullopt);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_TLOG_PROOF_H_
