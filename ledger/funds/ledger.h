// funds::Ledger: the charity domain's public face. Records entries through a
// tlog::Log whose state machine is a FundsStateMachine, and answers the views
// of docs/api.md from the durable fund state.
//
// Recording: the actor's role is checked, the request body is validated and
// turned into the canonical entry body (a donation gets a fresh 16-byte donor
// secret and only its commitment is stored, see donor.h), and the draft goes
// to the log with the parsed body as context; fund-state rules are checked in
// the sequencer (state.h) against every earlier entry, including those of the
// same batch. A refused request leaves the ledger exactly as it was.
//
// Idempotency: a non-empty idempotency key is scoped by the actor's name.
// A request whose key was already used returns the first result (with
// `replayed` set) instead of recording again, also when both requests are in
// flight at once. The donor receipt of a keyed donation is kept in memory
// (bounded, never on disk) so a retry can return it; after a restart a retry
// gets the first result without the receipt.
//
// Thread-safety: all methods may be called from many threads.
#ifndef LEDGER_FUNDS_LEDGER_H_
#define LEDGER_FUNDS_LEDGER_H_

#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/entries_view.h"
#include "ledger/funds/entry_types.h"
#include "ledger/funds/report.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

struct RecordRequest {
  Actor actor;
  std::string type;
  nlohmann::json body;
  std::string idempotency_key;  // empty: none
};

struct Recorded {
  uint64_t seq = 0;
  crypto::Hash leaf_hash{};
  std::string entry;  // the canonical entry bytes
  std::optional<std::string> receipt;  // donations: "<seq>-<32 hex secret>"
  bool replayed = false;  // true when an idempotency key returned an earlier result
};

class Ledger {
 public:
  // Neither is owned; `sm` must be the state machine `log` was opened with.
  Ledger(tlog::Log* log, FundsStateMachine* sm) : log_(log), sm_(sm) {}

  Result<Recorded> Record(const Actor& actor, std::string_view type, const nlohmann::json& body,
                          std::string_view idempotency_key = {});
  // Records many requests through one Log::AppendAll (in order, likely one
  // batch); each may fail alone.
  std::vector<Result<Recorded>> RecordAll(std::vector<RecordRequest> requests);

  // Views (docs/api.md). All read durable state only.
  nlohmann::json Funds() const;
  Result<nlohmann::json> Fund(std::string_view id) const;
  Result<nlohmann::json> Grants(std::string_view fund) const;
  Result<nlohmann::json> Grant(std::string_view id) const;
  Result<nlohmann::json> Entries(const EntriesQuery& q) const;
  Result<nlohmann::json> Trace(uint64_t seq) const;
  // Computed at the latest published checkpoint, whose tree_size and root
  // the report names.
  Result<nlohmann::json> Report(const ReportQuery& q) const;
  Result<std::string> ReportCsv(const ReportQuery& q) const;
  Result<ReportData> ReportAtCheckpoint(const ReportQuery& q) const;
  Result<nlohmann::json> Lottery() const;
  Result<nlohmann::json> Compliance(int year) const;
  Result<nlohmann::json> Flows(const std::string& from, const std::string& to) const;

  tlog::Log* log() const { return log_; }
  FundsStateMachine* state_machine() const { return sm_; }

 private:
  struct Prepared {
    tlog::EntryDraft draft;
    std::optional<std::string> secret;
  };
  Result<Prepared> Prepare(const RecordRequest& req) const;
  Result<Recorded> Replay(uint64_t seq, const std::string& idem_key) const;
  std::optional<uint64_t> PublishedIdem(const std::string& idem_key) const;
  // Resolves a request refused for reusing a key that was accepted in a batch
  // that may not be published yet.
  Result<Recorded> AwaitIdem(const std::string& idem_key, const Status& refusal) const;
  void RememberReceipt(const std::string& idem_key, const std::string& receipt);

  tlog::Log* log_;
  FundsStateMachine* sm_;

  std::mutex mu_;  // guards pending_ and receipts_
  std::map<std::string, std::shared_future<Result<Recorded>>> pending_;
  mutable std::mutex receipts_mu_;
  std::map<std::string, std::string> receipts_;
  std::deque<std::string> receipt_order_;
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_LEDGER_H_
