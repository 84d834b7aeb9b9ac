// WitnessClient: ledgerd's tlog::Cosigner. It asks the witnesses of the
// log's tlog-policy (ledger/tlog/policy.h) that have a URL to cosign each new
// checkpoint, with C2SP tlog-witness `POST <url>/add-checkpoint` and a
// consistency proof from the size that witness last cosigned.
//
// Every witness is a third party and may be slow, broken or hostile:
// - each witness has one worker thread and one keep-alive HTTP client; the
//   worker takes only the newest checkpoint waiting for it (an older one is
//   superseded), so a slow witness never holds up the others;
// - a witness's whole exchange (connect, both attempts, every byte of the
//   answer) is bounded by `exchange` (2 s): a watchdog shuts the connection
//   down at the deadline however the bytes trickle in;
// - an answer is read only up to `max_response_bytes` (64 KiB), without
//   content decoding; a larger one is a failure;
// - of an answer's lines, only the first cosignature by that witness's key
//   that verifies is kept; every other line is ignored. So a checkpoint gets
//   at most one cosignature per configured witness key.
// Cosign waits at most `grace` (250 ms) for the answers and returns those
// that came; the log publishes the checkpoint with them at once. Lines that
// come later, until the exchange deadline, go to CosignerHost::AddCosignatures
// (a new stored version of the checkpoint).
//
// The size each witness last cosigned is remembered in memory; it starts at 0
// and a 409 reply (text/x.tlog.size) teaches it, after which the request is
// retried once within the same deadline.
//
// Quorum: a checkpoint whose exchanges end short of the policy's quorum is
// still published (the log must not stall); it is counted in stats() and
// reported on stderr naming the group short of it.
//
// Thread-safety: Cosign is called by the log's checkpointer thread; Stop and
// stats() may be called from any thread.
#ifndef LEDGER_API_WITNESS_CLIENT_H_
#define LEDGER_API_WITNESS_CLIENT_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/policy.h"

namespace ledger::api {

struct WitnessConfig {
  std::string url;   // submission prefix, e.g. http://127.0.0.1:7380 or http://host/witness
  std::string vkey;  // the witness's cosignature verifier key (type 0x04)
};

// Parses ledgerd's `--witness URL=VKEY` (split at the first '=').
Result<WitnessConfig> ParseWitnessFlag(const std::string& flag);

struct WitnessClientOptions {
  std::chrono::milliseconds grace{250};      // Cosign returns after at most this
  std::chrono::milliseconds exchange{2000};  // one witness's whole exchange for one checkpoint
  size_t max_response_bytes = 64 * 1024;
};

struct WitnessStats {
  uint64_t checkpoints = 0;   // checkpoints sent to the witnesses
  uint64_t cosignatures = 0;  // valid cosignatures received
  uint64_t failures = 0;      // exchanges that gave no cosignature
  uint64_t below_quorum = 0;  // checkpoints whose exchanges ended short of the quorum
};

class WitnessClient : public tlog::Cosigner {
 public:
  // Asks every witness of `policy` that has a URL; InvalidArgument for a URL
  // that is not http(s). Witnesses without a URL are reported on stderr:
  // ledgerd cannot ask them, so their cosignatures never come.
  static Result<std::unique_ptr<WitnessClient>> Create(const tlog::Policy& policy,
                                                       WitnessClientOptions options = {});
  ~WitnessClient() override;

  std::vector<std::string> Cosign(const std::string& note, uint64_t size, tlog::CosignerHost& host) override;
  void Stop() override;

  WitnessStats stats() const;

 private:
  struct Job;
  struct Witness;
  struct Answer {
    int status = 0;
    std::string content_type, body, error;  // error non-empty: no usable answer
  };
  WitnessClient(tlog::Policy policy, WitnessClientOptions options);
  void Work(Witness& w);
  void Watch();
  // One witness's exchange for `job`; its valid cosignature line, or "".
  std::string Exchange(Witness& w, const Job& job, std::chrono::steady_clock::time_point deadline);
  Answer Post(Witness& w, const std::string& body, std::chrono::steady_clock::time_point deadline);
  // Records a witness's outcome for `job` (line "" = none; skipped = a newer
  // checkpoint replaced it before it was sent).
  void Finish(const std::shared_ptr<Job>& job, size_t policy_index, std::string line, bool skipped);

  const tlog::Policy policy_;
  const WitnessClientOptions options_;
  std::vector<std::unique_ptr<Witness>> witnesses_;

  mutable std::mutex mu_;  // guards everything below and each Witness's slot
  std::condition_variable work_cv_, watch_cv_;
  bool stopping_ = false, watch_stopping_ = false;
  WitnessStats stats_;
  std::vector<std::thread> workers_;
  std::thread watchdog_;
};

}  // namespace ledger::api

#endif  // LEDGER_API_WITNESS_CLIENT_H_
