#include "ledger/funds/export_360giving.h"

#include <algorithm>
#include <vector>

#include "ledger/base/csv.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

struct GrantFigures {
  const GrantRec* g = nullptr;
  const FundRec* fund = nullptr;
  int64_t paid = 0, used = 0;
  std::string modified;  // newest recording time of the grant's live entries and corrections
};

// Folds `seq` (an entry of the grant) into the figures as of `size`.
void Visit(const FundsData& d, uint64_t seq, uint64_t size, int64_t* sum, std::string* modified) {
  const EntryRec* e = d.FindEntry(seq);
  if (e == nullptr || seq >= size) return;
  *modified = std::max(*modified, e->time);
  if (e->CorrectedBefore(size)) {
    if (const EntryRec* c = d.FindEntry(*e->corrected_by)) *modified = std::max(*modified, c->time);
    return;
  }
  if (sum != nullptr) *sum += e->amount;
}

Result<std::vector<GrantFigures>> LiveGrants(const FundsData& d, const ExportAnchor& a) {
  if (a.tree_size > d.size) return Internal("export asked beyond the published state");
  std::vector<GrantFigures> out;
  for (const auto& [id, g] : d.grants) {
    if (g.seq >= a.tree_size) continue;
    const EntryRec* e = d.FindEntry(g.seq);
    if (e == nullptr || e->CorrectedBefore(a.tree_size)) continue;
    GrantFigures f;
    f.g = &g;
    auto fit = d.funds.find(g.fund);
    if (fit == d.funds.end()) return Internal("grant " + id + " names an unknown fund");
    f.fund = &fit->second;
    f.modified = e->time;
    for (uint64_t s : g.disbursements) Visit(d, s, a.tree_size, &f.paid, &f.modified);
    for (uint64_t s : g.expenses) Visit(d, s, a.tree_size, &f.used, &f.modified);
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const GrantFigures& x, const GrantFigures& y) { return x.g->seq < y.g->seq; });
  return out;
}

std::string Prefix(const ExportAnchor& a) {
  if (!a.id_prefix.empty()) return a.id_prefix;
  std::string p = "360G-" + a.origin;
  std::replace(p.begin(), p.end(), '/', '-');
  return p;
}

std::string Description(const GrantFigures& f) {
  std::string s = f.g->title + " (" + f.fund->name_zh + " / " + f.fund->name_en;
  if (!f.g->programme.empty()) s += "; programme " + f.g->programme;
  return s + ")";
}

}  // namespace

std::string FenToYuan(int64_t fen) {
  const bool neg = fen < 0;
  const uint64_t v = neg ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
  std::string cents = std::to_string(v % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return (neg ? "-" : "") + std::to_string(v / 100) + "." + cents;
}

Result<json> Export360GivingJson(const FundsData& d, const ExportAnchor& a) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<GrantFigures> grants, LiveGrants(d, a));
  const std::string funder_id = a.funder_id.empty() ? a.origin : a.funder_id;
  const std::string funder_name = a.funder_name.empty() ? a.origin : a.funder_name;
  json out = json::array();
  for (const GrantFigures& f : grants) {
    const GrantRec& g = *f.g;
    json j{{"id", Prefix(a) + "-" + g.id},
           {"title", g.title},
           {"description", Description(f)},
           {"currency", "CNY"},
           {"amountAwarded", static_cast<double>(g.amount) / 100.0},
           {"amountDisbursed", static_cast<double>(f.paid) / 100.0},
           {"awardDate", g.award_date},
           {"recipientOrganization", json::array({{{"id", g.recipient_id}, {"name", g.recipient_name}}})},
           {"fundingOrganization",
            json::array({{{"id", funder_id}, {"name", funder_name}, {"department", f.fund->name_zh}}})},
           {"plannedDates", json::array({{{"startDate", g.award_date}}})},
           {"dateModified", f.modified},
           {"ledgerIndex",
            {{"origin", a.origin},
             {"seq", g.seq},
             {"treeSize", a.tree_size},
             {"root", a.root},
             {"amountAwardedFen", g.amount},
             {"amountDisbursedFen", f.paid},
             {"amountUsedFen", f.used}}}};
    if (!g.programme.empty()) j["grantProgramme"] = json::array({{{"code", g.programme}, {"title", g.programme}}});
    if (!a.data_source.empty()) j["dataSource"] = a.data_source;
    out.push_back(std::move(j));
  }
  return json{{"grants", std::move(out)}};
}

Result<std::string> Export360GivingCsv(const FundsData& d, const ExportAnchor& a) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<GrantFigures> grants, LiveGrants(d, a));
  const std::string funder_id = a.funder_id.empty() ? a.origin : a.funder_id;
  const std::string funder_name = a.funder_name.empty() ? a.origin : a.funder_name;
  std::string out =
      "Identifier,Title,Description,Currency,Amount Awarded,Amount Disbursed,Award Date,"
      "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,"
      "Funding Org:Department,Planned Dates:Start Date,Grant Programme:Code,Grant Programme:Title,"
      "Last modified,Data Source,Ledger Index:Origin,Ledger Index:Seq,Ledger Index:Tree Size,"
      "Ledger Index:Root\r\n";
  for (const GrantFigures& f : grants) {
    const GrantRec& g = *f.g;
    std::vector<std::string> cols = {Prefix(a) + "-" + g.id, g.title, Description(f), "CNY",
                                     FenToYuan(g.amount), FenToYuan(f.paid), g.award_date, g.recipient_id,
                                     g.recipient_name, funder_id, funder_name, f.fund->name_zh, g.award_date,
                                     g.programme, g.programme, f.modified, a.data_source, a.origin,
                                     std::to_string(g.seq), std::to_string(a.tree_size), a.root};
    csv::AppendRow(&out, cols);
  }
  return out;
}

}  // namespace ledger::funds
