#include "ledger/funds/flows.h"

#include <map>
#include <utility>

#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"

namespace ledger::funds {

using nlohmann::json;

Result<json> FlowsJson(const FundsData& d, const std::string& from, const std::string& to) {
  if ((!from.empty() && !IsIsoDate(from)) || (!to.empty() && !IsIsoDate(to))) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "flows.dates");
  }
  json nodes = json::array();
  std::map<std::string, bool> have;
  auto node = [&](const std::string& id, const std::string& zh, const std::string& en,
                  const char* kind) {
    if (have.emplace(id, true).second) {
      nodes.push_back({{"id", id}, {"name", {{"zh", zh}, {"en", en}}}, {"kind", kind}});
    }
  };
  std::map<std::pair<std::string, std::string>, int64_t> links;
  auto link = [&](const std::string& s, const std::string& t, int64_t v) {
    return AddFen(&links[{s, t}], v, "flow");
  };
  for (const auto& [id, f] : d.funds) {
    const std::string fid = "fund:" + id;
    node(fid, f.name_zh, f.name_en, "fund");
    auto it = d.fund_entries.find(id);
    if (it == d.fund_entries.end()) continue;
    for (size_t pos : it->second) {
      const EntryRec& r = d.entries[pos];
      if (r.corrected_by || !MovesMoney(r.type)) continue;
      if ((!from.empty() && r.date < from) || (!to.empty() && r.date > to)) continue;
      auto programme = [&]() -> std::string {
        auto g = d.grants.find(r.grant);
        std::string p = g != d.grants.end() ? g->second.programme : "";
        std::string pid = "programme:" + id + ":" + (p.empty() ? "grants" : p);
        if (p.empty()) node(pid, "资助项目", "Grants", "programme");
        else node(pid, p, p, "programme");
        return pid;
      };
      switch (r.type) {
        case EntryType::kDonation:
          node("source:donations", "社会捐赠", "Donations", "source");
          LEDGER_RETURN_IF_ERROR(link("source:donations", fid, r.amount));
          break;
        case EntryType::kLotteryAllocation:
          node("source:lottery", "福利彩票公益金分配", "Welfare lottery allocations", "source");
          LEDGER_RETURN_IF_ERROR(link("source:lottery", fid, r.amount));
          break;
        case EntryType::kGrant:
          LEDGER_RETURN_IF_ERROR(link(fid, programme(), r.amount));
          break;
        case EntryType::kDisbursement:
          node("paid", "已拨付受助方", "Paid to recipients", "paid");
          LEDGER_RETURN_IF_ERROR(link(programme(), "paid", r.amount));
          break;
        case EntryType::kAdminCost:
          node("admin_cost", "管理费用", "Administrative cost", "admin_cost");
          LEDGER_RETURN_IF_ERROR(link(fid, "admin_cost", r.amount));
          break;
        default:
          break;
      }
    }
  }
  json out_links = json::array();
  for (const auto& [st, v] : links) {
    if (v > 0) out_links.push_back({{"source", st.first}, {"target", st.second}, {"value", v}});
  }
  return json{{"nodes", std::move(nodes)}, {"links", std::move(out_links)}, {"tree_size", d.size}};
}

}  // namespace ledger::funds
