// FundsView: the fund state exactly as of one durable tree size, for every
// reader: the hot part (hot_state.h) and the store read at a snapshot taken
// when that size was written (tlog::StateMachine::Durable). A view is
// immutable and cheap to copy; taking one never waits for a writer and
// holding one never holds a writer up, however long a report runs over it.
//
// Thread-safe: any number of threads may read one view.
#ifndef LEDGER_FUNDS_VIEW_H_
#define LEDGER_FUNDS_VIEW_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/funds/hot_state.h"
#include "ledger/funds/records.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

struct FundsView {
  uint64_t size = 0;
  std::shared_ptr<const HotState> hot;
  std::shared_ptr<const tlog::StateReader> store;

  const FundRec* FindFund(std::string_view id) const { return hot->FindFund(id); }
  // NotFound when absent.
  Result<GrantRec> Grant(std::string_view id) const;
  Result<EntryRec> Entry(uint64_t seq) const;
};

// Record lookups over any reader (a view's store, or the sequencer's staged
// state); nullopt when absent, an error only when the store fails.
Result<std::optional<GrantRec>> ReadGrant(const tlog::StateReader& s, std::string_view id);
Result<std::optional<EntryRec>> ReadEntry(const tlog::StateReader& s, uint64_t seq);

// Calls fn(seq) for the seqs of an index range ("<prefix><...>/<seq>" keys)
// from `start` (inclusive; empty = from the prefix), ascending or descending;
// stops when fn returns false.
Status ScanIndex(const tlog::StateReader& s, std::string_view prefix, std::string_view start, bool descending,
                 const std::function<bool(std::string_view key, uint64_t seq)>& fn);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_VIEW_H_
