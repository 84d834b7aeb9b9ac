#include "ledger/funds/fund_views.h"

namespace ledger::funds {

using nlohmann::json;

json FundJson(const FundRec& f) {
  const FundTotals& t = f.totals;
  return json{{"id", f.id},
              {"name", {{"zh", f.name_zh}, {"en", f.name_en}}},
              {"purpose", f.purpose},
              {"kind", FundKindName(f.kind)},
              {"seq", f.seq},
              {"income", t.income},
              {"committed", t.committed},
              {"disbursed", t.disbursed},
              {"used", t.used},
              {"admin_cost", t.admin_cost},
              {"balance", t.balance()},
              {"uncommitted", t.uncommitted()},
              {"counts",
               {{"donations", t.donations},
                {"allocations", t.allocations},
                {"grants", t.grants},
                {"disbursements", t.disbursements},
                {"expenses", t.expenses}}}};
}

json FundsListJson(const FundsData& d) {
  json funds = json::array();
  for (const auto& [id, f] : d.funds) funds.push_back(FundJson(f));
  return json{{"tree_size", d.size}, {"funds", std::move(funds)}};
}

json GrantSummaryJson(const GrantRec& g) {
  return json{{"id", g.id},
              {"fund", g.fund},
              {"title", g.title},
              {"recipient", {{"id", g.recipient_id}, {"name", g.recipient_name}}},
              {"amount", g.amount},
              {"paid", g.paid},
              {"used", g.used},
              {"award_date", g.award_date},
              {"corrected", g.corrected}};
}

Result<json> GrantsJson(const FundsData& d, std::string_view fund) {
  if (!fund.empty() && !d.funds.count(std::string(fund))) {
    return NotFound("no fund " + std::string(fund));
  }
  json grants = json::array();
  if (fund.empty()) {
    for (const auto& [id, g] : d.grants) grants.push_back(GrantSummaryJson(g));
  } else {
    // Walk the fund's own entries so this is O(fund), not O(all grants).
    auto it = d.fund_entries.find(std::string(fund));
    if (it != d.fund_entries.end()) {
      for (size_t pos : it->second) {
        const EntryRec& r = d.entries[pos];
        if (r.type != EntryType::kGrant) continue;
        auto g = d.grants.find(r.grant);
        if (g != d.grants.end()) grants.push_back(GrantSummaryJson(g->second));
      }
    }
  }
  return json{{"grants", std::move(grants)}};
}

Result<json> FundDetailJson(const FundsData& d, std::string_view id) {
  auto it = d.funds.find(std::string(id));
  if (it == d.funds.end()) return NotFound("no fund " + std::string(id));
  json out = FundJson(it->second);
  LEDGER_ASSIGN_OR_RETURN(json grants, GrantsJson(d, id));
  out["grants"] = std::move(grants["grants"]);
  out["tree_size"] = d.size;
  return out;
}

Result<json> GrantJson(const FundsData& d, std::string_view id) {
  auto it = d.grants.find(std::string(id));
  if (it == d.grants.end()) return NotFound("no grant " + std::string(id));
  const GrantRec& g = it->second;
  json out = GrantSummaryJson(g);
  out["programme"] = g.programme.empty() ? json(nullptr) : json(g.programme);
  out["seq"] = g.seq;
  json disb = json::array(), exp = json::array();
  for (uint64_t s : g.disbursements) {
    const EntryRec* r = d.FindEntry(s);
    if (r == nullptr) return Internal("grant " + g.id + " lists a missing entry");
    disb.push_back({{"seq", r->seq},
                    {"amount", r->amount},
                    {"paid_at", r->date},
                    {"payment_ref", r->text1},
                    {"corrected", r->corrected_by.has_value()}});
  }
  for (uint64_t s : g.expenses) {
    const EntryRec* r = d.FindEntry(s);
    if (r == nullptr) return Internal("grant " + g.id + " lists a missing entry");
    exp.push_back({{"seq", r->seq},
                   {"amount", r->amount},
                   {"category", r->text1},
                   {"description", r->text2},
                   {"evidence_sha256", r->text3},
                   {"spent_at", r->date},
                   {"corrected", r->corrected_by.has_value()}});
  }
  out["disbursements"] = std::move(disb);
  out["expenses"] = std::move(exp);
  out["tree_size"] = d.size;
  return out;
}

}  // namespace ledger::funds
