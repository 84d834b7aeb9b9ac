#include "ledger/funds/compliance.h"

#include <cstdio>
#include <optional>
#include <string>

#include "ledger/funds/charity_rules.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/measures_range.h"
#include "ledger/funds/money.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

std::string RatioString(int64_t num, int64_t den) {
  Int128 scaled = static_cast<Int128>(num) * 10000 / den;
  int64_t whole = static_cast<int64_t>(scaled / 10000);
  int frac = static_cast<int>(scaled % 10000);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%lld.%04d", static_cast<long long>(whole), frac);
  return buf;
}

namespace {

json Ratio(int64_t num, int64_t den) { return den > 0 ? json(RatioString(num, den)) : json(nullptr); }
bool AtLeast(int64_t num, int64_t den, int64_t bp) {
  return static_cast<Int128>(num) * 10000 >= static_cast<Int128>(den) * bp;
}

// Measures of every charity fund over [from, to].
Result<Measures> CharitySum(const FundsView& v, const std::string& from, const std::string& to) {
  Measures sum;
  for (const auto& [id, f] : v.hot->funds) {
    if (f->kind != FundKind::kCharity) continue;
    LEDGER_ASSIGN_OR_RETURN(Measures m, SumMeasures(*v.store, FundScope(id), from, to));
    sum.Add(m);
    LEDGER_ASSIGN_OR_RETURN(
        Measures adj, SumMeasures(*v.store, [&](Grain g) { return AdjustmentMeasuresPrefix(id, g); }, from, to));
    sum.Add(adj);
  }
  return sum;
}

int64_t AdjustedIncome(const Measures& m) { return m.donations + m.other_income - m.deferred + m.released; }

// Publication dates of disclosures found by `prefix` whose index key part
// after it starts with `start` (empty: all), ascending, live ones only.
Result<std::vector<std::pair<std::string, uint64_t>>> Published(const FundsView& v, const std::string& prefix,
                                                                const std::string& start) {
  std::vector<std::pair<std::string, uint64_t>> out;
  Status err;
  LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, prefix, prefix + start, false, [&](std::string_view k, uint64_t seq) {
    if (!start.empty() && k.substr(prefix.size(), start.size()) != start) return false;
    auto r = v.Entry(seq);
    if (!r.ok()) {
      err = r.status();
      return false;
    }
    out.emplace_back(r->date, seq);
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  std::sort(out.begin(), out.end());
  return out;
}

struct Clock {
  std::string as_of, started;  // recording dates of the newest and the first entry
};

json DeadlineJson(const std::string& what, const std::optional<std::string>& subject, const std::string& period,
                  const std::optional<std::string>& due, const std::optional<std::pair<std::string, uint64_t>>& met,
                  const char* source, const Clock& clock) {
  std::string status;
  if (met) status = !due || met->first <= *due ? "met" : "late";
  else if (!due || *due >= clock.as_of) status = due ? "open" : "no_date";
  else if (*due < clock.started) status = "not_on_record";
  else status = "missed";
  return json{{"what", what},
              {"subject", subject ? json(*subject) : json(nullptr)},
              {"period", period},
              {"due", due ? json(*due) : json(nullptr)},
              {"met_on", met ? json(met->first) : json(nullptr)},
              {"disclosure", met ? json(met->second) : json(nullptr)},
              {"status", status},
              {"missed", status == "missed" || status == "late"},
              {"source", source}};
}

}  // namespace

Result<json> ComplianceJson(const FundsView& v, int year) {
  if (year < 1901 || year > 9998) return InvalidArgument("year out of range", "compliance.year");
  const std::string y = std::to_string(year);
  const std::string year_end = y + "-12-31";
  Clock clock;
  if (v.size > 0) {
    LEDGER_ASSIGN_OR_RETURN(EntryRec last, v.Entry(v.size - 1));
    LEDGER_ASSIGN_OR_RETURN(EntryRec first, v.Entry(0));
    clock.as_of = std::string(DateOfTime(last.time));
    clock.started = std::string(DateOfTime(first.time));
  }

  // The organisation at the year's end, and its tier.
  const OrgProfile* profile = v.hot->ProfileOn(year_end);
  const bool public_fundraising = profile != nullptr && profile->PublicFundraisingOn(year_end);
  std::optional<int64_t> net_assets, net_assets_3y;
  if (auto it = v.hot->net_assets.find(year - 1); it != v.hot->net_assets.end()) net_assets = it->second;
  {
    int64_t sum = 0;
    int n = 0;
    for (int k = 1; k <= 3; ++k) {
      if (auto it = v.hot->net_assets.find(year - k); it != v.hot->net_assets.end()) sum += it->second, ++n;
    }
    if (n == 3) net_assets_3y = sum / 3;
  }
  const SpendingTier* tier = profile ? FindTier(profile->legal_type, public_fundraising, net_assets) : nullptr;

  // Income of the three years before, spending of this one.
  std::vector<int64_t> adjusted;
  Measures prev;
  for (int k = 1; k <= 3; ++k) {
    const std::string py = std::to_string(year - k);
    LEDGER_ASSIGN_OR_RETURN(Measures m, CharitySum(v, py + "-01-01", py + "-12-31"));
    if (k == 1) prev = m;
    adjusted.push_back(AdjustedIncome(m));
  }
  const int64_t prev_income = adjusted[0];
  const int64_t avg_income = (adjusted[0] + adjusted[1] + adjusted[2]) / 3;
  LEDGER_ASSIGN_OR_RETURN(Measures cur, CharitySum(v, y + "-01-01", year_end));
  const int64_t charitable = cur.disbursed + cur.charitable_cost;
  const int64_t total = charitable + cur.admin_cost + cur.fundraising_cost + cur.other_cost;
  const bool judged = year >= kSpendingRulesFirstYear && tier != nullptr;

  json spending_ok = nullptr, admin_ok = nullptr;
  json basis = nullptr;
  if (judged) {
    if (tier->basis == SpendingTier::Basis::kIncome) {
      spending_ok = prev_income <= 0 || AtLeast(charitable, prev_income, tier->spending_min_bp) ||
                    (avg_income > 0 && AtLeast(charitable, avg_income, tier->spending_min_bp));
      basis = {{"kind", "previous_year_income"}, {"amount", prev_income}, {"three_year_average", avg_income}};
    } else if (net_assets) {
      bool ok = AtLeast(charitable, *net_assets, tier->spending_min_bp) ||
                (net_assets_3y && AtLeast(charitable, *net_assets_3y, tier->spending_min_bp));
      if (tier->income_floor_bp > 0) {
        ok = ok && (prev_income <= 0 || AtLeast(charitable, prev_income, tier->income_floor_bp) ||
                    (avg_income > 0 && AtLeast(charitable, avg_income, tier->income_floor_bp)));
      }
      spending_ok = ok;
      basis = {{"kind", "net_assets"},
               {"amount", *net_assets},
               {"three_year_average", net_assets_3y ? json(*net_assets_3y) : json(nullptr)}};
    }
    const bool exempt = cur.admin_cost < kAdminRatioExemptBelowFen;
    admin_ok = exempt || static_cast<Int128>(cur.admin_cost) * 10000 <= static_cast<Int128>(total) * tier->admin_max_bp;
  }

  json deadlines = json::array();
  // The annual report of the year.
  {
    Deadline d = AnnualReportDeadline(year);
    LEDGER_ASSIGN_OR_RETURN(auto pubs, Published(v, DisclosurePrefix("annual_report"), y));
    std::optional<std::pair<std::string, uint64_t>> met;
    if (!pubs.empty()) met = pubs.front();
    deadlines.push_back(DeadlineJson("annual_report", std::nullopt, y, d.due, met, d.source, clock));
  }
  // Projects over six months: progress every three months, results after.
  Status err;
  std::vector<ProjectRec> projects;
  LEDGER_RETURN_IF_ERROR(v.store->Scan(kProjectPrefix, {}, [&](std::string_view, std::string_view val) {
    auto p = DecodeProject(val);
    if (!p.ok()) {
      err = p.status();
      return false;
    }
    projects.push_back(std::move(*p));
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  for (const ProjectRec& p : projects) {
    if (p.seq >= v.size || p.start < kProjectRulesFrom || p.end <= AddMonths(p.start, 6)) continue;
    const OrgProfile* at_start = v.hot->ProfileOn(p.start);
    if (at_start == nullptr || !at_start->PublicFundraisingOn(p.start)) continue;
    LEDGER_ASSIGN_OR_RETURN(auto progress, Published(v, SubjectDisclosurePrefix(p.id, "project_progress"), ""));
    std::string from = p.start;
    for (int k = 1;; ++k) {
      const std::string due = AddMonths(p.start, 3 * k);
      if (due >= p.end) break;
      if (due.substr(0, 4) == y) {
        std::optional<std::pair<std::string, uint64_t>> met;
        for (const auto& pub : progress) {
          if (pub.first > from) {
            met = pub;
            break;
          }
        }
        deadlines.push_back(
            DeadlineJson("project_progress", p.id, from + ".." + due, due, met, kProjectRulesSource, clock));
      }
      from = due;
    }
    const std::string results_due = AddMonths(p.end, 3);
    if (results_due.substr(0, 4) == y) {
      LEDGER_ASSIGN_OR_RETURN(auto results, Published(v, SubjectDisclosurePrefix(p.id, "project_results"), ""));
      std::optional<std::pair<std::string, uint64_t>> met;
      if (!results.empty()) met = results.front();
      deadlines.push_back(DeadlineJson("project_results", p.id, p.start + ".." + p.end, results_due, met,
                                       kProjectRulesSource, clock));
    }
  }
  json explained = nullptr;
  if (admin_ok.is_boolean() && !admin_ok.get<bool>()) {
    LEDGER_ASSIGN_OR_RETURN(auto pubs, Published(v, DisclosurePrefix("admin_cost_explanation"), y));
    std::optional<std::pair<std::string, uint64_t>> met;
    if (!pubs.empty()) met = pubs.front();
    deadlines.push_back(DeadlineJson("admin_cost_explanation", std::nullopt, y, std::nullopt, met,
                                     "年度支出和管理费用的规定 第十二条", clock));
    explained = met ? json(met->second) : json(nullptr);
  }

  json org = nullptr;
  if (profile != nullptr) {
    org = {{"name", {{"zh", profile->name_zh}, {"en", profile->name_en}}},
           {"legal_type", profile->legal_type},
           {"public_fundraising", public_fundraising},
           {"uscc", profile->uscc.empty() ? json(nullptr) : json(profile->uscc)},
           {"profile_seq", profile->seq}};
  }
  json tier_json = nullptr;
  if (tier != nullptr) {
    tier_json = {{"id", tier->id},
                 {"basis", tier->basis == SpendingTier::Basis::kIncome ? "previous_year_income" : "net_assets"},
                 {"spending_min_bp", tier->spending_min_bp},
                 {"income_floor_bp", tier->income_floor_bp},
                 {"admin_max_bp", tier->admin_max_bp},
                 {"source", tier->source}};
  }
  const json spending_basis_amount = basis.is_object() ? basis["amount"] : json(nullptr);
  json out{{"year", year},
           {"scope", "charity funds"},
           {"as_of", clock.as_of},
           {"recording_started", clock.started},
           {"organisation", org},
           {"tier", tier_json},
           {"judged", judged},
           {"previous_year_income", prev_income},
           {"income",
            {{"previous_year", {{"donations", prev.donations},
                                {"other_income", prev.other_income},
                                {"deferred", prev.deferred},
                                {"released", prev.released},
                                {"adjusted", prev_income}}},
             {"three_year_average", avg_income}}},
           {"spending_basis", basis},
           {"charitable_spending", charitable},
           {"admin_cost", cur.admin_cost},
           {"fundraising_cost", cur.fundraising_cost},
           {"other_cost", cur.other_cost},
           {"total_spending", total},
           {"spending_ratio", spending_basis_amount.is_number() ? Ratio(charitable, spending_basis_amount.get<int64_t>())
                                                               : json(nullptr)},
           {"admin_ratio", Ratio(cur.admin_cost, total)},
           {"admin_exempt", cur.admin_cost < kAdminRatioExemptBelowFen},
           {"spending_ok", spending_ok},
           {"admin_ok", admin_ok},
           {"admin_explained", explained},
           {"deadlines", std::move(deadlines)},
           {"tree_size", v.size}};
  return out;
}

}  // namespace ledger::funds
