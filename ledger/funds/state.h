// FundsState: the accounting rules of docs/DESIGN.md applied to fund state,
// with a published part (what readers see) and a staged overlay (the batch
// being written).
//
// Apply() validates one entry against published + staged state and, only if
// every rule holds, stages its effect and its derived-state writes. A refused
// entry changes nothing. Commit(n) publishes, in order, the effects of the
// staged entries below n and keeps later ones staged (the log may apply the
// next batch while the previous one is being synced); Drop() forgets every
// staged entry.
//
// Invariants after every Apply, for every fund: all totals >= 0 and
// uncommitted() >= 0 (so balance() >= 0); for every grant:
// 0 <= used <= paid <= amount, and paid == 0 once corrected.
//
// Thread-compatibility: Apply, Commit, Drop and Load are called from one
// thread (the log's sequencer). published() may be read from other threads
// only while Commit/Load cannot run (FundsStateMachine guards this with a
// shared_mutex).
#ifndef LEDGER_FUNDS_STATE_H_
#define LEDGER_FUNDS_STATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/funds/body.h"
#include "ledger/funds/entry_types.h"
#include "ledger/funds/records.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

// The published fund state as of tree size `size`.
struct FundsData {
  uint64_t size = 0;
  std::map<std::string, FundRec> funds;
  std::map<std::string, GrantRec> grants;
  std::vector<EntryRec> entries;  // every accepted entry, ascending seq
  // fund id -> positions in `entries` of the entries that concern it.
  std::map<std::string, std::vector<size_t>> fund_entries;
  std::map<std::string, uint64_t> lottery_periods;  // LotteryKey -> seq
  std::map<std::string, uint64_t> idempotency;      // IdemKey -> seq

  const EntryRec* FindEntry(uint64_t seq) const;
};

// What the caller knows about an entry beyond its bytes.
struct ApplyOptions {
  const Actor* actor = nullptr;       // null when replaying: role checks skipped
  std::string_view idempotency_key;   // empty: none
};

class FundsState {
 public:
  const FundsData& published() const { return pub_; }

  // Validates and stages one entry whose body has already been parsed.
  Status Apply(const tlog::SequencedEntry& e, EntryType type, const Body& body,
               const ApplyOptions& opts, tlog::StateWriter* w);
  // Publishes the staged entries below `tree_size`; the published size
  // becomes `tree_size`.
  void Commit(uint64_t tree_size);
  void Drop();
  // Replaces published() with what `store` holds (see record_codec.h).
  // Corruption when the stored state does not reflect `tree_size`.
  Status Load(const tlog::StateReader& store, uint64_t tree_size);

  // Lookups through the overlay; nullptr / nullopt when absent.
  const FundRec* FindFund(std::string_view id) const;
  const GrantRec* FindGrant(std::string_view id) const;
  const EntryRec* FindEntry(uint64_t seq) const;
  std::optional<uint64_t> CorrectedBy(uint64_t seq) const;
  std::optional<uint64_t> IdempotentSeq(std::string_view by, std::string_view key) const;

 private:
  // The latest staged value of each key, with the seq of the entry that
  // wrote it, so Commit can tell when a key has no staged writer left.
  template <typename V>
  using Staged = std::map<std::string, std::pair<V, uint64_t>, std::less<>>;
  struct Overlay {
    Staged<FundRec> funds;
    Staged<GrantRec> grants;
    std::vector<EntryRec> entries;             // ascending seq
    std::map<uint64_t, uint64_t> corrections;  // target -> correction seq
    Staged<std::optional<uint64_t>> lottery_periods;  // nullopt = erased
    std::map<std::string, uint64_t> idempotency;
  };
  // The whole effect of one entry, built before anything is staged and kept
  // until Commit publishes it. `fund` and `grant` are the records as they are
  // after this entry.
  struct Change {
    std::optional<FundRec> fund;
    std::optional<GrantRec> grant;
    EntryRec rec;
    std::optional<std::string> lottery_set, lottery_erase;
    std::string idem_key;  // IdemKey, or empty
  };

  Status Validate(const tlog::SequencedEntry& e, const Body& body, const ApplyOptions& opts,
                  Change* c) const;
  Status Correct(const tlog::SequencedEntry& e, const CorrectionBody& b, Change* c) const;
  std::optional<uint64_t> LotterySeq(const std::string& key) const;

  FundsData pub_;
  Overlay st_;
  std::vector<Change> pending_;  // staged entries, ascending seq
  size_t pending_head_ = 0;      // pending_[0..head) already published
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_STATE_H_
