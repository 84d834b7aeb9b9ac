#include "ledger/funds/export_360giving.h"

#include <algorithm>
#include <vector>

#include "ledger/base/csv.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

struct GrantFigures {
  GrantRec g;
  const FundRec* fund = nullptr;
};

Result<std::vector<GrantFigures>> LiveGrants(const FundsView& v, const ExportAnchor& a) {
  if (a.tree_size != v.size) return Internal("export anchored to another tree size than its view");
  std::vector<GrantFigures> out;
  Status err;
  LEDGER_RETURN_IF_ERROR(v.store->Scan(kGrantPrefix, {}, [&](std::string_view, std::string_view val) {
    auto g = DecodeGrant(val);
    if (!g.ok()) {
      err = g.status();
      return false;
    }
    if (g->corrected) return true;
    GrantFigures f;
    f.fund = v.FindFund(g->fund);
    if (f.fund == nullptr) {
      err = Internal("grant " + g->id + " names an unknown fund");
      return false;
    }
    f.g = std::move(*g);
    out.push_back(std::move(f));
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  std::sort(out.begin(), out.end(), [](const GrantFigures& x, const GrantFigures& y) { return x.g.seq < y.g.seq; });
  return out;
}

std::string Prefix(const ExportAnchor& a) {
  if (!a.id_prefix.empty()) return a.id_prefix;
  std::string p = "360G-" + a.origin;
  std::replace(p.begin(), p.end(), '/', '-');
  return p;
}

std::string Description(const GrantFigures& f) {
  std::string s = f.g.title + " (" + f.fund->name_zh + " / " + f.fund->name_en;
  if (!f.g.programme.empty()) s += "; programme " + f.g.programme;
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

Result<json> Export360GivingJson(const FundsView& v, const ExportAnchor& a) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<GrantFigures> grants, LiveGrants(v, a));
  const std::string funder_id = a.funder_id.empty() ? a.origin : a.funder_id;
  const std::string funder_name = a.funder_name.empty() ? a.origin : a.funder_name;
  json out = json::array();
  for (const GrantFigures& f : grants) {
    const GrantRec& g = f.g;
    json j{{"id", Prefix(a) + "-" + g.id},
           {"title", g.title},
           {"description", Description(f)},
           {"currency", "CNY"},
           {"amountAwarded", static_cast<double>(g.amount) / 100.0},
           {"amountDisbursed", static_cast<double>(g.paid) / 100.0},
           {"awardDate", g.award_date},
           {"recipientOrganization", json::array({{{"id", g.recipient_id}, {"name", g.recipient_name}}})},
           {"fundingOrganization",
            json::array({{{"id", funder_id}, {"name", funder_name}, {"department", f.fund->name_zh}}})},
           {"plannedDates", json::array({{{"startDate", g.award_date}}})},
           {"dateModified", g.modified},
           {"ledgerIndex",
            {{"origin", a.origin},
             {"seq", g.seq},
             {"treeSize", a.tree_size},
             {"root", a.root},
             {"amountAwardedFen", g.amount},
             {"amountDisbursedFen", g.paid},
             {"amountUsedFen", g.used}}}};
    if (!g.programme.empty()) j["grantProgramme"] = json::array({{{"code", g.programme}, {"title", g.programme}}});
    if (!a.data_source.empty()) j["dataSource"] = a.data_source;
    out.push_back(std::move(j));
  }
  return json{{"grants", std::move(out)}};
}

Result<std::string> Export360GivingCsv(const FundsView& v, const ExportAnchor& a) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<GrantFigures> grants, LiveGrants(v, a));
  const std::string funder_id = a.funder_id.empty() ? a.origin : a.funder_id;
  const std::string funder_name = a.funder_name.empty() ? a.origin : a.funder_name;
  std::string out =
      "Identifier,Title,Description,Currency,Amount Awarded,Amount Disbursed,Award Date,"
      "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name,"
      "Funding Org:Department,Planned Dates:Start Date,Grant Programme:Code,Grant Programme:Title,"
      "Last modified,Data Source,Ledger Index:Origin,Ledger Index:Seq,Ledger Index:Tree Size,"
      "Ledger Index:Root\r\n";
  for (const GrantFigures& f : grants) {
    const GrantRec& g = f.g;
    std::vector<std::string> cols = {Prefix(a) + "-" + g.id, g.title, Description(f), "CNY",
                                     FenToYuan(g.amount), FenToYuan(g.paid), g.award_date, g.recipient_id,
                                     g.recipient_name, funder_id, funder_name, f.fund->name_zh, g.award_date,
                                     g.programme, g.programme, g.modified, a.data_source, a.origin,
                                     std::to_string(g.seq), std::to_string(a.tree_size), a.root};
    csv::AppendRow(&out, cols);
  }
  return out;
}

}  // namespace ledger::funds
