#include "ledger/funds/lottery_view.h"

#include <map>

#include "ledger/funds/dates.h"
#include "ledger/funds/measures_range.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

// Adds every month record of `prefix` to `periods` (and `totals`).
Status AddMonths(const tlog::StateReader& s, const std::string& prefix, std::map<std::string, Measures>* periods,
                 Measures* totals) {
  Status err;
  LEDGER_RETURN_IF_ERROR(s.Scan(prefix, {}, [&](std::string_view k, std::string_view val) {
    auto m = DecodeMeasures(val);
    if (!m.ok()) {
      err = m.status();
      return false;
    }
    (*periods)[std::string(k.substr(prefix.size()))].Add(*m);
    totals->Add(*m);
    return true;
  }));
  return err;
}

int64_t Net(const Measures& m) { return m.inflow() - m.disbursed - m.costs(); }

}  // namespace

Result<json> LotteryJson(const FundsView& v) {
  std::map<std::string, Measures> periods;
  Measures totals;
  for (const auto& [id, f] : v.hot->funds) {
    if (f->kind != FundKind::kLottery) continue;
    LEDGER_RETURN_IF_ERROR(AddMonths(*v.store, FundMeasuresPrefix(id, Grain::kMonth), &periods, &totals));
    LEDGER_RETURN_IF_ERROR(AddMonths(*v.store, AdjustmentMeasuresPrefix(id, Grain::kMonth), &periods, &totals));
  }
  LEDGER_RETURN_IF_ERROR(AddMonths(*v.store, FundMeasuresPrefix(kLotterySalesScope, Grain::kMonth), &periods, &totals));
  auto obj = [](const Measures& m) {
    return json{{"sales", m.lottery_sales}, {"allocated", m.allocations}, {"granted", m.granted}, {"used", m.used}};
  };
  json list = json::array();
  for (const auto& [p, m] : periods) {
    if (m.lottery_sales == 0 && m.allocations == 0 && m.granted == 0 && m.used == 0) continue;
    json j = obj(m);
    j["period"] = p;
    list.push_back(std::move(j));
  }
  return json{{"periods", std::move(list)}, {"totals", obj(totals)}, {"tree_size", v.size}};
}

Result<json> LotteryAnnouncementJson(const FundsView& v, int year) {
  if (year < 1901 || year > 9998) return InvalidArgument("year out of range", "lottery.year");
  const std::string y = std::to_string(year), from = y + "-01-01", to = y + "-12-31";
  Measures in_year, before;
  json allocations = json::array(), projects = json::array();
  std::map<std::string, int64_t> by_level;
  Status err;
  for (const auto& [id, f] : v.hot->funds) {
    if (f->kind != FundKind::kLottery) continue;
    for (auto scope : {FundScope(id), MeasuresPrefix([id](Grain g) { return AdjustmentMeasuresPrefix(id, g); })}) {
      LEDGER_ASSIGN_OR_RETURN(Measures m, SumMeasures(*v.store, scope, from, to));
      in_year.Add(m);
      LEDGER_ASSIGN_OR_RETURN(Measures b, SumMeasures(*v.store, scope, "", PreviousDay(from)));
      before.Add(b);
    }
    // Each allocation received in the year, with its document.
    const std::string aprefix = FundTypeIndexPrefix(id, "lottery.allocation");
    LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, aprefix, aprefix + from, false, [&](std::string_view k, uint64_t seq) {
      if (k.substr(aprefix.size(), 10) > to) return false;
      auto r = v.Entry(seq);
      if (!r.ok()) {
        err = r.status();
        return false;
      }
      if (r->CorrectedBefore(v.size)) return true;
      by_level[r->klass] += r->amount;
      allocations.push_back({{"seq", seq},
                             {"fund", id},
                             {"level", r->klass},
                             {"document_no", r->subject},
                             {"fiscal_year", r->period},
                             {"received_at", r->date},
                             {"amount", r->amount}});
      return true;
    }));
    LEDGER_RETURN_IF_ERROR(err);
    // Projects: the fund's grants, with what was paid and used by now.
    const std::string gprefix = FundGrantsPrefix(id);
    LEDGER_RETURN_IF_ERROR(v.store->Scan(gprefix, gprefix + from, [&](std::string_view k, std::string_view) {
      if (k.substr(gprefix.size(), 10) > to) return false;
      auto g = v.Grant(k.substr(gprefix.size() + 11));
      if (!g.ok()) {
        err = g.status();
        return false;
      }
      if (g->corrected) return true;
      projects.push_back({{"grant", g->id},
                          {"title", g->title},
                          {"recipient", {{"id", g->recipient_id}, {"name", g->recipient_name}}},
                          {"programme", g->programme.empty() ? json(nullptr) : json(g->programme)},
                          {"award_date", g->award_date},
                          {"amount", g->amount},
                          {"paid", g->paid},
                          {"used", g->used}});
      return true;
    }));
    LEDGER_RETURN_IF_ERROR(err);
  }
  LEDGER_ASSIGN_OR_RETURN(Measures sales, SumMeasures(*v.store, FundScope(kLotterySalesScope), from, to));
  json levels = json::object();
  for (const auto& [level, amount] : by_level) levels[level] = amount;
  // The announcement, when one covering the year is on record.
  json published = nullptr;
  const std::string dprefix = DisclosurePrefix("lottery_announcement");
  LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, dprefix, dprefix + y, false, [&](std::string_view k, uint64_t seq) {
    if (k.substr(dprefix.size(), 4) != y) return false;
    auto r = v.Entry(seq);
    if (!r.ok()) {
      err = r.status();
      return false;
    }
    if (published.is_null() || r->date < published["published_at"].get<std::string>()) {
      published = {{"seq", seq}, {"published_at", r->date}};
    }
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  const int64_t opening = Net(before), closing = opening + Net(in_year);
  return json{{"year", year},
              {"brought_forward", opening},
              {"received", in_year.allocations},
              {"received_by_level", std::move(levels)},
              {"allocations", std::move(allocations)},
              {"granted", in_year.granted},
              {"paid", in_year.disbursed},
              {"used", in_year.used},
              {"costs", in_year.costs()},
              {"carried_over", closing},
              {"projects", std::move(projects)},
              {"sales", sales.lottery_sales == 0 ? json(nullptr) : json(sales.lottery_sales)},
              {"announcement", published},
              {"due", std::to_string(year + 1) + "-06-30"},
              {"tree_size", v.size}};
}

}  // namespace ledger::funds
