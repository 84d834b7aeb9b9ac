#include "ledger/funds/compliance.h"

#include <cstdio>
#include <optional>
#include <string>

#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"

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

json Deadline(std::string what, const std::string& due, const std::optional<std::string>& met_on,
              const std::string& as_of) {
  bool missed = met_on ? *met_on > due : due < as_of;
  return json{{"what", std::move(what)},
              {"due", due},
              {"met_on", met_on ? json(*met_on) : json(nullptr)},
              {"missed", missed}};
}

std::string QuarterName(const std::string& quarter_end) {
  int m = std::stoi(quarter_end.substr(5, 2));
  return quarter_end.substr(0, 4) + "-Q" + std::to_string((m - 1) / 3 + 1);
}

}  // namespace

Result<json> ComplianceJson(const FundsData& d, int year) {
  if (year < 1901 || year > 9998) return InvalidArgument("year out of range", "compliance.year");
  const std::string y = std::to_string(year), py = std::to_string(year - 1);
  std::string as_of = d.entries.empty() ? "" : std::string(DateOfTime(d.entries.back().time));
  for (const auto& e : d.entries) as_of = std::max(as_of, std::string(DateOfTime(e.time)));

  int64_t prev_income = 0, spending = 0, admin = 0;
  std::optional<std::string> annual_met;
  for (const auto& [id, f] : d.funds) {
    if (f.kind != FundKind::kCharity) continue;
    auto it = d.fund_entries.find(id);
    if (it == d.fund_entries.end()) continue;
    for (size_t pos : it->second) {
      const EntryRec& r = d.entries[pos];
      if (r.corrected_by || !MovesMoney(r.type)) continue;
      const std::string ry = r.date.substr(0, 4);
      if (ry == y) {
        std::string rec(DateOfTime(r.time));
        if (!annual_met || rec > *annual_met) annual_met = rec;
      }
      if (r.type == EntryType::kDonation && ry == py) {
        LEDGER_RETURN_IF_ERROR(AddFen(&prev_income, r.amount, "income"));
      } else if (r.type == EntryType::kDisbursement && ry == y) {
        LEDGER_RETURN_IF_ERROR(AddFen(&spending, r.amount, "spending"));
      } else if (r.type == EntryType::kAdminCost && ry == y) {
        LEDGER_RETURN_IF_ERROR(AddFen(&admin, r.amount, "admin cost"));
      }
    }
  }

  json deadlines = json::array();
  deadlines.push_back(Deadline("annual report " + y, std::to_string(year + 1) + "-05-31",
                               annual_met, as_of));

  for (const auto& [gid, g] : d.grants) {
    auto fit = d.funds.find(g.fund);
    if (g.corrected || fit == d.funds.end() || fit->second.kind != FundKind::kCharity) continue;
    // Live grant entries (disbursements and expenses), and the project end:
    // the last of them. A grant is complete when its use is fully reported,
    // or, for direct relief paid to households (no expense reports at all),
    // when it is fully paid.
    std::vector<const EntryRec*> updates;
    std::optional<std::string> end;
    const EntryRec* completing = nullptr;
    bool has_expenses = false;
    auto consider = [&](uint64_t s, bool expense) {
      const EntryRec* r = d.FindEntry(s);
      if (r == nullptr || r->corrected_by) return;
      updates.push_back(r);
      has_expenses |= expense;
      if (!end || r->date >= *end) {
        end = r->date;
        completing = r;
      }
    };
    for (uint64_t s : g.disbursements) consider(s, false);
    for (uint64_t s : g.expenses) consider(s, true);
    const bool done = end.has_value() && (g.used == g.amount || (!has_expenses && g.paid == g.amount));
    const std::string stop = done ? *end : as_of;
    if (done && end->substr(0, 4) == y) {
      deadlines.push_back(Deadline("results " + g.id, AddMonths(*end, 3),
                                   std::string(DateOfTime(completing->time)), as_of));
    }
    if (stop <= AddMonths(g.award_date, 6)) continue;  // not a project over 6 months
    for (int q = 1; q <= 4; ++q) {
      char qs_buf[16];
      std::snprintf(qs_buf, sizeof(qs_buf), "%04d-%02d-01", year, (q - 1) * 3 + 1);
      const std::string qs = qs_buf, qe = QuarterEnd(qs);
      if (qe < g.award_date || qs > stop) continue;
      const std::string due = AddMonths(qe, 1);
      std::optional<std::string> met;
      for (const EntryRec* r : updates) {
        std::string rec(DateOfTime(r->time));
        if (rec >= qs && rec <= due && (!met || rec < *met)) met = rec;
      }
      deadlines.push_back(Deadline("quarterly update " + g.id + " " + QuarterName(qe), due, met,
                                   as_of));
    }
  }

  json out{{"year", year},
           {"scope", "charity funds"},
           {"as_of", as_of},
           {"previous_year_income", prev_income},
           {"charitable_spending", spending},
           {"admin_cost", admin},
           {"spending_ratio", prev_income > 0 ? json(RatioString(spending, prev_income)) : json(nullptr)},
           {"admin_ratio", spending > 0 ? json(RatioString(admin, spending)) : json(nullptr)},
           {"spending_ok", prev_income == 0 ||
                               static_cast<Int128>(spending) * 100 >= static_cast<Int128>(prev_income) * 70},
           {"admin_ok", static_cast<Int128>(admin) * 100 <= static_cast<Int128>(spending) * 10},
           {"deadlines", std::move(deadlines)},
           {"tree_size", d.size}};
  return out;
}

}  // namespace ledger::funds
