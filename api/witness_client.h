// WitnessClient: ledgerd's tlog::Cosigner. For each new checkpoint it calls
// every configured witness's C2SP tlog-witness `POST <url>/add-checkpoint`
// in parallel, with a consistency proof from the size that witness last
// cosigned, and returns the cosignature lines that verify against the
// witness's pinned key (lines by any other key are dropped).
//
// The size each witness last cosigned is remembered in memory; it starts at 0
// and a 409 reply (text/x.tlog.size) teaches the witness's size, after which
// the request is retried once. All requests of one checkpoint share one
// deadline (`timeout`, 2 s by default): a witness that is down or slow costs
// at most that, never more.
//
// Quorum: fewer than `quorum` valid cosignatures does not stop the log (it
// must keep publishing); it is counted in stats() and reported on stderr.
//
// Thread-safety: Cosign is called by the log's checkpointer thread only;
// SetLog and stats() may be called from any thread.
#ifndef LEDGER_API_WITNESS_CLIENT_H_
#define LEDGER_API_WITNESS_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/log.h"

namespace ledger::api {

struct WitnessConfig {
  std::string url;  // submission prefix, e.g. http://127.0.0.1:7380 or http://host/witness
  std::string vkey;  // the witness's cosignature verifier key (type 0x04)
};

// Parses ledgerd's `--witness URL=VKEY` (split at the first '=').
Result<WitnessConfig> ParseWitnessFlag(const std::string& flag);

struct WitnessStats {
  uint64_t checkpoints = 0;     // checkpoints sent to the witnesses
  uint64_t cosignatures = 0;    // valid cosignatures added
  uint64_t failures = 0;        // witness requests that gave no cosignature
  uint64_t below_quorum = 0;    // checkpoints published with fewer than quorum
};

class WitnessClient : public tlog::Cosigner {
 public:
  static Result<std::unique_ptr<WitnessClient>> Create(
      const std::vector<WitnessConfig>& witnesses, size_t quorum,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  ~WitnessClient() override;

  // The log whose consistency proofs are sent. Until it is set (while the log
  // is opening) checkpoints are published without cosignatures.
  void SetLog(const tlog::Log* log) { log_.store(log); }

  std::vector<std::string> Cosign(const std::string& note, uint64_t size) override;

  WitnessStats stats() const;
  size_t quorum() const { return quorum_; }

 private:
  struct Witness;
  WitnessClient(std::vector<std::unique_ptr<Witness>> witnesses, size_t quorum,
                std::chrono::milliseconds timeout);
  // One witness's valid cosignature lines for `note` (empty on any failure).
  std::vector<std::string> Ask(Witness& w, const std::string& note, const std::string& text,
                               uint64_t size, std::chrono::steady_clock::time_point deadline);

  std::vector<std::unique_ptr<Witness>> witnesses_;
  const size_t quorum_;
  const std::chrono::milliseconds timeout_;
  std::atomic<const tlog::Log*> log_{nullptr};
  mutable std::mutex stats_mu_;
  WitnessStats stats_;
};

}  // namespace ledger::api

#endif  // LEDGER_API_WITNESS_CLIENT_H_
