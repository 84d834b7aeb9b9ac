// The entries browser: GET /api/v1/entries?type=&fund=&from=&to=&cursor=&limit=
// over the durable derived-state indexes (record_codec.h), so it needs no
// in-memory state and sees exactly what the store holds.
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

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
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

// {"entries":[{"seq","leaf_hash","entry"}...],"next_cursor":"..."|null}
// Only entries below `tree_size` are listed: the store may already hold the
// index keys of a batch that is still being synced.
// InvalidArgument for a bad type, date, cursor or limit.
Result<nlohmann::json> BrowseEntries(const tlog::StateReader& store, uint64_t tree_size,
                                     const EntriesQuery& q, const EntryFetcher& fetch);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_ENTRIES_VIEW_H_
