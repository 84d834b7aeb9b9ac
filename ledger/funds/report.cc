#include "ledger/funds/report.h"

#include "ledger/base/csv.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

Status Add(int64_t* acc, int64_t v) { return AddFen(acc, v, "report total"); }

Status AddLine(ReportLine* t, const ReportLine& l) {
  for (auto [dst, src] : {std::pair{&t->opening, l.opening}, {&t->income, l.income},
                          {&t->granted, l.granted}, {&t->disbursed, l.disbursed},
                          {&t->used, l.used}, {&t->admin_cost, l.admin_cost},
                          {&t->closing, l.closing}, {&t->donations, l.donations},
                          {&t->grants, l.grants}, {&t->disbursements, l.disbursements},
                          {&t->expenses, l.expenses}}) {
    LEDGER_RETURN_IF_ERROR(Add(dst, src));
  }
  return Status::Ok();
}

Status FundLine(const FundsData& d, const FundRec& f, uint64_t size, const ReportQuery& q,
                ReportLine* l) {
  l->id = f.id;
  l->name_zh = f.name_zh;
  l->name_en = f.name_en;
  int64_t in_before = 0, out_before = 0;
  auto it = d.fund_entries.find(f.id);
  if (it == d.fund_entries.end()) return Status::Ok();
  for (size_t pos : it->second) {
    const EntryRec& r = d.entries[pos];
    if (r.seq >= size) break;
    if (r.CorrectedBefore(size) || !MovesMoney(r.type)) continue;
    if (r.date < q.from) {
      switch (r.type) {
        case EntryType::kDonation:
        case EntryType::kLotteryAllocation:
          LEDGER_RETURN_IF_ERROR(Add(&in_before, r.amount));
          break;
        case EntryType::kDisbursement:
        case EntryType::kAdminCost:
          LEDGER_RETURN_IF_ERROR(Add(&out_before, r.amount));
          break;
        default:
          break;
      }
      continue;
    }
    if (r.date > q.to) continue;
    switch (r.type) {
      case EntryType::kDonation:
        LEDGER_RETURN_IF_ERROR(Add(&l->income, r.amount));
        ++l->donations;
        break;
      case EntryType::kLotteryAllocation:
        LEDGER_RETURN_IF_ERROR(Add(&l->income, r.amount));
        break;
      case EntryType::kGrant:
        LEDGER_RETURN_IF_ERROR(Add(&l->granted, r.amount));
        ++l->grants;
        break;
      case EntryType::kDisbursement:
        LEDGER_RETURN_IF_ERROR(Add(&l->disbursed, r.amount));
        ++l->disbursements;
        break;
      case EntryType::kExpense:
        LEDGER_RETURN_IF_ERROR(Add(&l->used, r.amount));
        ++l->expenses;
        break;
      case EntryType::kAdminCost:
        LEDGER_RETURN_IF_ERROR(Add(&l->admin_cost, r.amount));
        break;
      default:
        break;
    }
  }
  l->opening = in_before - out_before;
  l->closing = l->opening + l->income - l->disbursed - l->admin_cost;
  return Status::Ok();
}

json LineJson(const ReportLine& l, bool with_name) {
  json j{{"opening", l.opening},     {"income", l.income},
         {"granted", l.granted},     {"disbursed", l.disbursed},
         {"used", l.used},           {"admin_cost", l.admin_cost},
         {"closing", l.closing},
         {"counts",
          {{"donations", l.donations},
           {"grants", l.grants},
           {"disbursements", l.disbursements},
           {"expenses", l.expenses}}}};
  if (with_name) {
    j["id"] = l.id;
    j["name"] = {{"zh", l.name_zh}, {"en", l.name_en}};
  }
  return j;
}

}  // namespace

Result<ReportData> ComputeReport(const FundsData& d, uint64_t tree_size, std::string root_b64,
                                 const ReportQuery& q) {
  if (!IsIsoDate(q.from) || !IsIsoDate(q.to)) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "report.dates");
  }
  if (q.from > q.to) return InvalidArgument("from " + q.from + " is after to " + q.to, "report.dates");
  if (tree_size > d.size) return Internal("report asked beyond the published state");
  ReportData r;
  r.from = q.from;
  r.to = q.to;
  r.tree_size = tree_size;
  r.root = std::move(root_b64);
  r.totals.id = "TOTAL";
  bool found = q.fund.empty();
  for (const auto& [id, f] : d.funds) {
    if (f.seq >= tree_size) continue;
    if (!q.fund.empty() && id != q.fund) continue;
    found = true;
    ReportLine l;
    LEDGER_RETURN_IF_ERROR(FundLine(d, f, tree_size, q, &l));
    LEDGER_RETURN_IF_ERROR(AddLine(&r.totals, l));
    r.funds.push_back(std::move(l));
  }
  if (!found) return NotFound("no fund " + q.fund + " at tree size " + std::to_string(tree_size));
  return r;
}

json ReportJson(const ReportData& r) {
  json funds = json::array();
  for (const auto& l : r.funds) funds.push_back(LineJson(l, true));
  return json{{"from", r.from},           {"to", r.to},
              {"tree_size", r.tree_size}, {"root", r.root},
              {"funds", std::move(funds)}, {"totals", LineJson(r.totals, false)}};
}

std::string ReportCsv(const ReportData& r) {
  std::string out =
      "from,to,tree_size,root,fund,name_zh,name_en,opening,income,granted,disbursed,used,"
      "admin_cost,closing,donations,grants,disbursements,expenses\r\n";
  auto line = [&](const ReportLine& l) {
    std::vector<std::string> cells = {r.from,    r.to,     std::to_string(r.tree_size), r.root, l.id,
                                      l.name_zh, l.name_en};
    for (int64_t v : {l.opening, l.income, l.granted, l.disbursed, l.used, l.admin_cost, l.closing,
                      l.donations, l.grants, l.disbursements, l.expenses}) {
      cells.push_back(std::to_string(v));
    }
    csv::AppendRow(&out, cells);
  };
  for (const auto& l : r.funds) line(l);
  line(r.totals);
  return out;
}

}  // namespace ledger::funds
