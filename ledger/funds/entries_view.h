// The entries browser: GET /api/v1/entries?type=&fund=&from=&to=&cursor=&limit=
// over the durable fund state's entry records (state.h), which hold every
// accepted entry's type, fund and business date in index order; no index
// keys are stored for it.
//
// Order: by seq, or by (business date, seq) when from or to is given.
// Cursors are positions, not offsets: "<seq as 16 hex>" or
// "<YYYY-MM-DD>.<seq as 16 hex>"; because entries are append-only, a cursor
// keeps meaning the same place however the log grows, and no entry is ever
// returned twice across pages.
#ifndef LEDGER_FUNDS_ENTRIES_VIEW_H_
#define LEDGER_FUNDS_ENTRIES_VIEW_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/state.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

inline constexpr int kDefaultEntriesLimit = 50;
inline constexpr int kMaxEntriesLimit = 500;

struct EntriesQuery {
  std::string type, fund, from, to, cursor;
  int limit = kDefaultEntriesLimit;  // 1..500
};

// Returns the canonical entry bytes and leaf hash of `seq`.
using EntryFetcher = std::function<Result<std::pair<std::string, crypto::Hash>>(uint64_t)>;

// The seqs of the page `q` asks for, in page order, and the cursor of the
// next page (empty when this is the last). InvalidArgument for a bad type,
// date, cursor or limit.
struct EntriesPage {
  std::vector<uint64_t> seqs;
  std::string next_cursor;
};
Result<EntriesPage> SelectEntries(const FundsData& data, const EntriesQuery& q);

// {"entries":[{"seq","leaf_hash","entry"}...],"next_cursor":"..."|null}
Result<nlohmann::json> EntriesPageJson(const EntriesPage& page, const EntryFetcher& fetch);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_ENTRIES_VIEW_H_
