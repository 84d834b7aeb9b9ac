// Change: the whole effect of one accepted entry, decided by the rules
// (rules.h) before anything is written. Stage() turns it into both of its
// representations at once, so they cannot drift apart:
//   - the store writes of the entry's batch (record_codec.h: records, index
//     keys, per-period measures), through the log's StateWriter;
//   - the edits of the hot state (hot_state.h) that the next view publishes.
//
// Stage reads only the per-period measures it adds to (through the writer,
// which sees earlier staged entries); if a read fails it returns the error
// before writing anything or touching `hot`.
#ifndef LEDGER_FUNDS_CHANGE_H_
#define LEDGER_FUNDS_CHANGE_H_

#include <optional>
#include <string>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/funds/hot_state.h"
#include "ledger/funds/records.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

struct Change {
  EntryRec rec;                      // the new entry's record
  std::optional<FundRec> fund;       // its fund as it is after the entry
  bool fund_opened = false;          // fund.open: the fund's names are written too
  std::optional<GrantRec> grant;     // its grant as it is after the entry
  std::optional<EntryRec> corrected; // a correction's target, now with corrected_by
  std::optional<std::string> lottery_set, lottery_erase;  // "L/" keys
  std::optional<OrgProfile> profile;                      // org.profile
  std::optional<std::pair<int, int64_t>> net_assets;      // net_assets: year, fen
  std::optional<int> closed_year;                         // books.close
  std::optional<ProjectRec> project;                      // project.open
  // admin_cost charged to a restricted donation (or its correction): the
  // donation and the admin cost now charged to it in total.
  std::optional<std::pair<uint64_t, int64_t>> donation_admin;

  // Adds everything above to `w` and to `hot`.
  Status Stage(tlog::StateWriter* w, HotState* hot) const;
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_CHANGE_H_
