// funds::Ledger: the charity domain's public face. Records entries through a
// tlog::Log whose state machine is a FundsStateMachine, and answers the views
// of docs/api.md from published FundsViews.
//
// Recording has one path, Prepare(), used by ledgerd and by `ledgerctl
// import` alike: the actor's role is checked (and a grantee's right to the
// grant it reports on), the request body is validated and turned into the
// canonical entry body (a donation gets a fresh 16-byte donor secret and only
// its commitment is stored, see donor.h), and the draft goes to the log. The
// fund rules are checked in the sequencer (rules.h) against every earlier
// entry, including those of the same batch. A refused request leaves the
// ledger exactly as it was.
//
// Idempotency: a non-empty key is scoped by the token that sent it
// (Actor::token_id) and kept by the log (tlog::IdempotencyKey) with the hash
// of the request (type and body) and, for a donation, the donor secret. A
// retry with the same key and the same request returns the first result
// with `replayed` set and the same receipt code, at any time later, also
// while the first is still being written; the same key with another request
// is refused (422, "idempotency.key_conflict"). The role is checked before
// the key is looked at, so a key never answers for an account that may not
// record that type. The donor secret is kept only there, in the log's store
// (docs/format.md section 6): never in an entry.
//
// Thread-safety: all methods may be called from many threads.
#ifndef LEDGER_FUNDS_LEDGER_H_
#define LEDGER_FUNDS_LEDGER_H_

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

// A request turned into what the log appends.
struct PreparedDraft {
  tlog::EntryDraft draft;
  std::optional<std::string> secret;  // a donation's donor secret (16 bytes)
};

class Ledger {
 public:
  // Neither is owned; `sm` must be the state machine `log` was opened with.
  Ledger(tlog::Log* log, FundsStateMachine* sm) : log_(log), sm_(sm) {}

  // The one request -> draft path (see above). PermissionDenied for a role
  // that may not record the type or a grantee reporting on another
  // organisation's grant; InvalidArgument for a malformed body.
  Result<PreparedDraft> Prepare(const RecordRequest& req) const;

  Result<Recorded> Record(const Actor& actor, std::string_view type, const nlohmann::json& body,
                          std::string_view idempotency_key = {});
  // Records many requests through Log::AppendAllAsync (in order, in chunks
  // that pipeline); each may fail alone.
  std::vector<Result<Recorded>> RecordAll(std::vector<RecordRequest> requests);
  // Records `requests` all or nothing (tlog::Log::AppendAtomic): one batch,
  // one sync. Every request is prepared and validated in order, and every
  // one that fails is named (`rows[i]` holds its refusal; the others what they
  // recorded or, when !ok or dry_run, would have recorded). With a
  // `group_key`, row i carries the idempotency key "<group_key>/<i>" bound to
  // the whole group's content: a retried group answers with its first
  // result (rows replayed), and the same key with any other content is
  // refused.
  struct GroupOutcome {
    bool ok = false;
    std::vector<Result<Recorded>> rows;
  };
  GroupOutcome RecordAtomic(const std::vector<RecordRequest>& requests, bool dry_run,
                            std::string_view group_key = {});
  // Turns an appended draft into the answer (receipt code for a donation).
  static Recorded ToRecorded(tlog::Appended a, const std::optional<std::string>& secret);

  // Views (docs/api.md), each over one published view.
  nlohmann::json Funds() const;
  Result<nlohmann::json> Organisation() const;
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
  Result<nlohmann::json> LotteryAnnouncement(int year) const;
  Result<nlohmann::json> Compliance(int year) const;
  Result<nlohmann::json> Flows(const std::string& from, const std::string& to) const;

  // The view at the newest signed checkpoint and that checkpoint's root
  // (base64). When the checkpoint's view is no longer retained, the newest
  // view and the root of the tree at its size, once a checkpoint covers it.
  struct Anchored {
    FundsView view;
    std::string root;
  };
  Result<Anchored> ViewAtCheckpoint() const;
  // The newest view; Unavailable before the state is loaded.
  Result<FundsView> View() const;

  tlog::Log* log() const { return log_; }
  FundsStateMachine* state_machine() const { return sm_; }

 private:
  Result<std::string> EntryBytes(uint64_t seq) const { return log_->Entry(seq); }

  tlog::Log* log_;
  FundsStateMachine* sm_;
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_LEDGER_H_
