#include "ledger/funds/report.h"

#include "ledger/base/csv.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/measures_range.h"
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

Status FundLine(const FundsView& v, const FundRec& f, const ReportQuery& q, ReportLine* l) {
  l->id = f.id;
  l->name_zh = f.name_zh;
  l->name_en = f.name_en;
  LEDGER_ASSIGN_OR_RETURN(Measures before, SumMeasures(*v.store, FundScope(f.id), "", PreviousDay(q.from)));
  LEDGER_ASSIGN_OR_RETURN(Measures in, SumMeasures(*v.store, FundScope(f.id), q.from, q.to));
  l->opening = before.income() - before.disbursed - before.admin_cost;
  l->income = in.income();
  l->granted = in.granted;
  l->disbursed = in.disbursed;
  l->used = in.used;
  l->admin_cost = in.admin_cost;
  l->donations = in.n_donations;
  l->grants = in.n_grants;
  l->disbursements = in.n_disbursements;
  l->expenses = in.n_expenses;
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

Result<ReportData> ComputeReport(const FundsView& v, std::string root_b64, const ReportQuery& q) {
  if (!IsIsoDate(q.from) || !IsIsoDate(q.to)) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "report.dates");
  }
  if (q.from > q.to) return InvalidArgument("from " + q.from + " is after to " + q.to, "report.dates");
  ReportData r;
  r.from = q.from;
  r.to = q.to;
  r.tree_size = v.size;
  r.root = std::move(root_b64);
  r.totals.id = "TOTAL";
  bool found = q.fund.empty();
  for (const auto& [id, f] : v.hot->funds) {
    if (!q.fund.empty() && id != q.fund) continue;
    found = true;
    ReportLine l;
    LEDGER_RETURN_IF_ERROR(FundLine(v, *f, q, &l));
    LEDGER_RETURN_IF_ERROR(AddLine(&r.totals, l));
    r.funds.push_back(std::move(l));
  }
  if (!found) return NotFound("no fund " + q.fund + " at tree size " + std::to_string(v.size));
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
