// The entries browser: GET /api/v1/entries?type=&fund=&from=&to=&cursor=&limit=&order=
// A page costs O(limit) store reads, whatever the ledger's size.
//
// Without filters the entries come in recording order (seq) straight from
// the log. With any of type, fund, from or to they come in business-date
// order (date, then seq) from the index keys of record_codec.h (by date, by
// fund, by type, by fund and type), which every accepted entry writes in its
// own batch. order=desc reverses either order.
//
// Cursors are positions, not offsets: "<seq as 16 hex>" or
// "<YYYY-MM-DD>.<seq as 16 hex>", the last entry of the previous page;
// because entries are append-only a cursor keeps meaning the same place
// however the log grows (a business-date page may gain entries recorded
// later with earlier dates, never repeat one).
#ifndef LEDGER_FUNDS_ENTRIES_VIEW_H_
#define LEDGER_FUNDS_ENTRIES_VIEW_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

inline constexpr int kDefaultEntriesLimit = 50;
inline constexpr int kMaxEntriesLimit = 500;

struct EntriesQuery {
  std::string type, fund, from, to, cursor;
  int limit = kDefaultEntriesLimit;  // 1..500
  bool descending = false;
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
Result<EntriesPage> SelectEntries(const FundsView& v, const EntriesQuery& q);

// {"entries":[{"seq","leaf_hash","entry","date","corrected_by"}...],"next_cursor":"..."|null}
// where "date" is the entry's business date and "corrected_by" the seq of
// the correction that reversed it (null when live).
Result<nlohmann::json> EntriesPageJson(const FundsView& v, const EntriesPage& page, const EntryFetcher& fetch);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_ENTRIES_VIEW_H_
