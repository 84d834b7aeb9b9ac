#include "ledger/funds/compliance.h"

#include <cstdio>
#include <optional>
#include <string>

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

Result<json> ComplianceJson(const FundsView& v, int year) {
  if (year < 1901 || year > 9998) return InvalidArgument("year out of range", "compliance.year");
  const std::string y = std::to_string(year), py = std::to_string(year - 1);
  std::string as_of;
  if (v.size > 0) {
    LEDGER_ASSIGN_OR_RETURN(EntryRec last, v.Entry(v.size - 1));
    as_of = std::string(DateOfTime(last.time));
  }

  int64_t prev_income = 0, spending = 0, admin = 0;
  std::optional<std::string> annual_met;
  json deadlines = json::array();
  std::vector<std::pair<std::string, std::optional<std::string>>> unused;
  for (const auto& [id, f] : v.hot->funds) {
    if (f->kind != FundKind::kCharity) continue;
    LEDGER_ASSIGN_OR_RETURN(Measures prev, SumMeasures(*v.store, FundScope(id), py + "-01-01", py + "-12-31"));
    LEDGER_ASSIGN_OR_RETURN(Measures cur, SumMeasures(*v.store, FundScope(id), y + "-01-01", y + "-12-31"));
    LEDGER_RETURN_IF_ERROR(AddFen(&prev_income, prev.donations, "income"));
    LEDGER_RETURN_IF_ERROR(AddFen(&spending, cur.disbursed, "spending"));
    LEDGER_RETURN_IF_ERROR(AddFen(&admin, cur.admin_cost, "admin cost"));
    // The annual report is met on the day the last live money entry dated
    // in the year was recorded.
    Status err;
    LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, FundIndexPrefix(id), FundIndexPrefix(id) + y + "-01-01", false,
                                     [&](std::string_view k, uint64_t seq) {
                                       if (k.substr(FundIndexPrefix(id).size(), 4) != y) return false;
                                       auto r = v.Entry(seq);
                                       if (!r.ok()) {
                                         err = r.status();
                                         return false;
                                       }
                                       if (r->CorrectedBefore(v.size) || !MovesMoney(r->type)) return true;
                                       std::string rec(DateOfTime(r->time));
                                       if (!annual_met || rec > *annual_met) annual_met = rec;
                                       return true;
                                     }));
    LEDGER_RETURN_IF_ERROR(err);
  }
  deadlines.push_back(Deadline("annual report " + y, std::to_string(year + 1) + "-05-31", annual_met, as_of));

  for (const auto& [fid, f] : v.hot->funds) {
    if (f->kind != FundKind::kCharity) continue;
    const std::string gprefix = FundGrantsPrefix(fid);
    std::vector<std::string> ids;
    LEDGER_RETURN_IF_ERROR(v.store->Scan(gprefix, {}, [&](std::string_view k, std::string_view) {
      ids.emplace_back(k.substr(gprefix.size() + 11));
      return true;
    }));
    for (const std::string& gid : ids) {
      LEDGER_ASSIGN_OR_RETURN(GrantRec g, v.Grant(gid));
      if (g.corrected) continue;
      // Live grant entries (disbursements and expenses), and the project end:
      // the last of them. A grant is complete when its use is fully reported,
      // or, for direct relief paid to households (no expense reports at all),
      // when it is fully paid.
      std::vector<EntryRec> updates;
      std::optional<std::string> end;
      std::optional<EntryRec> completing;
      bool has_expenses = false;
      Status err;
      LEDGER_RETURN_IF_ERROR(ScanIndex(*v.store, GrantEntriesPrefix(gid), {}, false, [&](std::string_view, uint64_t s) {
        auto r = v.Entry(s);
        if (!r.ok()) {
          err = r.status();
          return false;
        }
        if (r->CorrectedBefore(v.size) || !MovesMoney(r->type)) return true;
        has_expenses |= r->type == EntryType::kExpense;
        if (!end || r->date >= *end) {
          end = r->date;
          completing = *r;
        }
        updates.push_back(std::move(*r));
        return true;
      }));
      LEDGER_RETURN_IF_ERROR(err);
      const bool done = end.has_value() && (g.used == g.amount || (!has_expenses && g.paid == g.amount));
      const std::string stop = done ? *end : as_of;
      if (done && end->substr(0, 4) == y) {
        deadlines.push_back(
            Deadline("results " + g.id, AddMonths(*end, 3), std::string(DateOfTime(completing->time)), as_of));
      }
      if (stop <= AddMonths(g.award_date, 6)) continue;  // not a project over 6 months
      for (int q = 1; q <= 4; ++q) {
        char qs_buf[16];
        std::snprintf(qs_buf, sizeof(qs_buf), "%04d-%02d-01", year, (q - 1) * 3 + 1);
        const std::string qs = qs_buf, qe = QuarterEnd(qs);
        if (qe < g.award_date || qs > stop) continue;
        const std::string due = AddMonths(qe, 1);
        std::optional<std::string> met;
        for (const EntryRec& r : updates) {
          std::string rec(DateOfTime(r.time));
          if (rec >= qs && rec <= due && (!met || rec < *met)) met = rec;
        }
        deadlines.push_back(Deadline("quarterly update " + g.id + " " + QuarterName(qe), due, met, as_of));
      }
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
           {"tree_size", v.size}};
  return out;
}

}  // namespace ledger::funds
