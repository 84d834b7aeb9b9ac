// Audit: recompute everything a log stores from its entries.
//
// Reads the store read-only (safe while ledgerd runs) and checks, in index
// order: every entry's envelope (seq and prev chain), every leaf hash, every
// stored interior node hash, the stored tree size, and that every stored
// checkpoint is signed by the log key and names the root the entries give at
// its size. Stops at the first mismatch and names the first index it affects.
#ifndef LEDGER_TLOG_AUDIT_H_
#define LEDGER_TLOG_AUDIT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ledger/base/status.h"

namespace ledger::tlog {

struct AuditReport {
  uint64_t tree_size = 0;
  uint64_t checkpoints = 0;
  bool ok = true;
  std::optional<uint64_t> first_bad_index;  // set when !ok and an index is to blame
  std::string problem;                      // what did not match
};

// `progress(done, total)` is called now and then. A Status error means the
// audit could not run (no store, I/O error); a finished audit that found
// damage returns a report with ok == false.
Result<AuditReport> AuditLog(const std::string& path,
                             const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_AUDIT_H_
