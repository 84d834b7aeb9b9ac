// Period reports by business date, per fund and in total (docs/api.md
// Report), computed over a FundsView (the state as of one tree size, so anyone
// can recompute them from the entries a checkpoint covers: an entry counts
// when its seq < tree_size and no correction below tree_size reversed it).
// Figures come from the stored per-period measures (measures_range.h): the
// cost grows with the number of funds and of years, months and days in the
// range, never with the number of entries.
//
// For a fund and [from, to] (inclusive, YYYY-MM-DD):
//   opening = income - disbursed - admin_cost over business dates < from
//   income, granted, disbursed, used, admin_cost, counts: dates in [from, to]
//   closing = opening + income - disbursed - admin_cost
// "income" is donations plus lottery allocations.
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

struct ReportLine {
  std::string id, name_zh, name_en;
  int64_t opening = 0, income = 0, granted = 0, disbursed = 0, used = 0, admin_cost = 0,
          closing = 0;
  int64_t donations = 0, grants = 0, disbursements = 0, expenses = 0;
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
// One header line, one line per fund, then a line with fund "TOTAL"; every
// line repeats from,to,tree_size,root so the file stands alone. Cells are
// written by ledger/base/csv.h: RFC 4180 quoting, and text that a spreadsheet
// would take for a formula is written as text.
std::string ReportCsv(const ReportData& r);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_REPORT_H_
