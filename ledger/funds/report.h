// Period reports by business date, per fund and in total (docs/api.md
// Report), computed over a FundsView (the state as of one tree size, so anyone
// can recompute them from the entries a checkpoint covers: an entry counts
// when its seq < tree_size and no correction below tree_size reversed it).
// Figures come from the stored per-period measures (measures_range.h): the
// cost grows with the number of funds and of years, months and days in the
// range, never with the number of entries.
//
// "income" is donations, lottery allocations and other income; a balance
// brought forward is money, not income.
#ifndef LEDGER_FUNDS_REPORT_H_
#define LEDGER_FUNDS_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

struct ReportQuery {
  std::string from, to;  // YYYY-MM-DD, inclusive
  std::string fund;      // empty = all funds
};

// One fund's line (or the totals). `period` sums the entries whose business
// date is in [from, to]; `adjustments` sums, apart, the prior-period
// adjustments among them (entries recorded after their year's books were
// closed, rules.h), so a closed year's figures never move. The balances hold
// all money:
//   opening = inflow - disbursed - costs, of everything dated before `from`
//   closing = opening + (period + adjustments).(inflow - disbursed - costs)
struct ReportLine {
  std::string id, name_zh, name_en;
  int64_t opening = 0, closing = 0;
  Measures period, adjustments;
};

struct ReportData {
  std::string from, to;
  uint64_t tree_size = 0;
  std::string root;  // base64 root hash at tree_size
  std::vector<ReportLine> funds;
  ReportLine totals;
};

// InvalidArgument for bad dates or from > to; NotFound for an unknown fund.
// `root_b64` is the root of the tree at v.size.
Result<ReportData> ComputeReport(const FundsView& v, std::string root_b64, const ReportQuery& q);
nlohmann::json ReportJson(const ReportData& r);
// The amounts and counts of a Measures (docs/api.md "Measures").
nlohmann::json MeasuresJson(const Measures& m);
// One header line, one line per fund, then a line with fund "TOTAL"; every
// line repeats from,to,tree_size,root so the file stands alone. Cells are
// written by ledger/base/csv.h: RFC 4180 quoting, and text that a spreadsheet
// would take for a formula is written as text.
std::string ReportCsv(const ReportData& r);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_REPORT_H_
