#include "ledger/funds/report.h"

#include "ledger/base/csv.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/measures_range.h"
#include "ledger/funds/money.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

// Money the fund holds more (or less) because of `m`.
int64_t Net(const Measures& m) { return m.inflow() - m.disbursed - m.costs(); }

MeasuresPrefix AdjustmentScope(std::string fund) {
  return [fund = std::move(fund)](Grain g) { return AdjustmentMeasuresPrefix(fund, g); };
}

Status FundLine(const FundsView& v, const FundRec& f, const ReportQuery& q, ReportLine* l) {
  l->id = f.id;
  l->name_zh = f.name_zh;
  l->name_en = f.name_en;
  const std::string before_from = PreviousDay(q.from);
  LEDGER_ASSIGN_OR_RETURN(Measures before, SumMeasures(*v.store, FundScope(f.id), "", before_from));
  LEDGER_ASSIGN_OR_RETURN(Measures before_adj, SumMeasures(*v.store, AdjustmentScope(f.id), "", before_from));
  LEDGER_ASSIGN_OR_RETURN(l->period, SumMeasures(*v.store, FundScope(f.id), q.from, q.to));
  LEDGER_ASSIGN_OR_RETURN(l->adjustments, SumMeasures(*v.store, AdjustmentScope(f.id), q.from, q.to));
  l->opening = Net(before) + Net(before_adj);
  l->closing = l->opening + Net(l->period) + Net(l->adjustments);
  return Status::Ok();
}

json LineJson(const ReportLine& l, bool with_name) {
  const Measures& m = l.period;
  json j{{"opening", l.opening},     {"income", m.income()},
         {"granted", m.granted},     {"disbursed", m.disbursed},
         {"used", m.used},           {"admin_cost", m.admin_cost},
         {"closing", l.closing},
         {"counts",
          {{"donations", m.n_donations},
           {"grants", m.n_grants},
           {"disbursements", m.n_disbursements},
           {"expenses", m.n_expenses}}},
         {"detail", MeasuresJson(m)},
         {"adjustments", l.adjustments == Measures() ? json(nullptr) : MeasuresJson(l.adjustments)}};
  if (with_name) {
    j["id"] = l.id;
    j["name"] = {{"zh", l.name_zh}, {"en", l.name_en}};
  }
  return j;
}

}  // namespace

json MeasuresJson(const Measures& m) {
  return json{{"donations", m.donations},
              {"allocations", m.allocations},
              {"other_income", m.other_income},
              {"income", m.income()},
              {"brought_forward", m.brought_forward},
              {"restricted", m.restricted},
              {"in_kind", m.in_kind},
              {"deferred", m.deferred},
              {"released", m.released},
              {"granted", m.granted},
              {"disbursed", m.disbursed},
              {"used", m.used},
              {"admin_cost", m.admin_cost},
              {"fundraising_cost", m.fundraising_cost},
              {"charitable_cost", m.charitable_cost},
              {"other_cost", m.other_cost},
              {"beneficiaries", {{"households", m.households}, {"persons", m.persons}}},
              {"counts",
               {{"donations", m.n_donations},
                {"allocations", m.n_allocations},
                {"incomes", m.n_incomes},
                {"grants", m.n_grants},
                {"disbursements", m.n_disbursements},
                {"expenses", m.n_expenses},
                {"admin_costs", m.n_admin_costs},
                {"costs", m.n_costs}}}};
}

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
    // Every sum is within the ledger's live income (rules.h): no overflow.
    r.totals.opening += l.opening;
    r.totals.closing += l.closing;
    r.totals.period.Add(l.period);
    r.totals.adjustments.Add(l.adjustments);
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
  // Columns: the JSON line's own figures, then every measure of the period
  // and of the adjustments (the JSON's "detail" and "adjustments").
  std::string out =
      "from,to,tree_size,root,fund,name_zh,name_en,opening,income,granted,disbursed,used,admin_cost,closing,"
      "donations,grants,disbursements,expenses";
  static const std::vector<std::pair<const char*, int64_t Measures::*>> kColumns = {
      {"donations", &Measures::donations},        {"allocations", &Measures::allocations},
      {"other_income", &Measures::other_income},  {"brought_forward", &Measures::brought_forward},
      {"restricted", &Measures::restricted},      {"in_kind", &Measures::in_kind},
      {"deferred", &Measures::deferred},          {"released", &Measures::released},
      {"granted", &Measures::granted},            {"disbursed", &Measures::disbursed},
      {"used", &Measures::used},                  {"admin_cost", &Measures::admin_cost},
      {"fundraising_cost", &Measures::fundraising_cost}, {"charitable_cost", &Measures::charitable_cost},
      {"other_cost", &Measures::other_cost},      {"households", &Measures::households},
      {"persons", &Measures::persons},            {"n_donations", &Measures::n_donations},
      {"n_grants", &Measures::n_grants},          {"n_disbursements", &Measures::n_disbursements},
      {"n_expenses", &Measures::n_expenses}};
  for (const char* part : {"period_", "adjustment_"}) {
    for (const auto& [name, field] : kColumns) out += std::string(",") + part + name;
  }
  out += "\r\n";
  auto line = [&](const ReportLine& l) {
    const Measures& m = l.period;
    std::vector<std::string> cells = {r.from, r.to, std::to_string(r.tree_size), r.root, l.id, l.name_zh, l.name_en};
    for (int64_t v : {l.opening, m.income(), m.granted, m.disbursed, m.used, m.admin_cost, l.closing, m.n_donations,
                      m.n_grants, m.n_disbursements, m.n_expenses}) {
      cells.push_back(std::to_string(v));
    }
    for (const Measures* m : {&l.period, &l.adjustments}) {
      for (const auto& [name, field] : kColumns) cells.push_back(std::to_string(m->*field));
    }
    csv::AppendRow(&out, cells);
  };
  for (const auto& l : r.funds) line(l);
  line(r.totals);
  return out;
}

}  // namespace ledger::funds
