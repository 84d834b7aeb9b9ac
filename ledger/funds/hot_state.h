// HotState: the small, hot part of the fund state that lives in memory: the
// funds with their live totals and tape ends, the ledger-wide live totals,
// and the business-date range. Everything else (grants, entry records,
// indexes, per-period measures) is read from the store (record_codec.h).
//
// A HotState handed to readers is immutable. The sequencer thread keeps a
// working copy that it changes entry by entry and freezes at each batch
// boundary (state_machine.h); a frozen copy is shared, never changed, so the
// working copy is cloned before its next change (copy on write; funds are
// shared pointers, so a clone costs one pointer per fund).
#ifndef LEDGER_FUNDS_HOT_STATE_H_
#define LEDGER_FUNDS_HOT_STATE_H_

#include <map>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/funds/record_codec.h"
#include "ledger/funds/records.h"

namespace ledger::funds {

struct HotState {
  std::map<std::string, std::shared_ptr<const FundRec>, std::less<>> funds;
  Measures all;     // the sum of every fund's live totals
  Summary summary;  // business-date range
  std::map<std::string, OrgProfile> profiles;  // by effective_from
  std::map<int, int64_t> net_assets;           // year -> fen at its end
  std::map<int, uint64_t> closed_years;        // year -> seq of its books.close

  // The profile in force on `date`, or null before the first.
  const OrgProfile* ProfileOn(const std::string& date) const {
    auto it = profiles.upper_bound(date);
    if (it == profiles.begin()) return nullptr;
    return &std::prev(it)->second;
  }
  bool Closed(int year) const { return closed_years.count(year) > 0; }

  const FundRec* FindFund(std::string_view id) const {
    auto it = funds.find(id);
    return it == funds.end() ? nullptr : it->second.get();
  }
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_HOT_STATE_H_
