#include "ledger/funds/flows.h"

#include <map>
#include <utility>

#include "ledger/funds/dates.h"
#include "ledger/funds/measures_range.h"

namespace ledger::funds {

using nlohmann::json;

Result<json> FlowsJson(const FundsView& v, const std::string& from, const std::string& to) {
  if ((!from.empty() && !IsIsoDate(from)) || (!to.empty() && !IsIsoDate(to))) {
    return InvalidArgument("from and to must be calendar dates YYYY-MM-DD", "flows.dates");
  }
  json nodes = json::array();
  std::map<std::string, bool> have;
  auto node = [&](const std::string& id, const std::string& zh, const std::string& en, const char* kind) {
    if (have.emplace(id, true).second) {
      nodes.push_back({{"id", id}, {"name", {{"zh", zh}, {"en", en}}}, {"kind", kind}});
    }
  };
  json links = json::array();
  auto link = [&](const std::string& s, const std::string& t, int64_t value) {
    if (value > 0) links.push_back({{"source", s}, {"target", t}, {"value", value}});
  };
  std::vector<std::pair<std::string, int64_t>> to_paid;  // programme node -> disbursed
  for (const auto& [id, f] : v.hot->funds) {
    const std::string fid = "fund:" + id;
    node(fid, f->name_zh, f->name_en, "fund");
    LEDGER_ASSIGN_OR_RETURN(Measures m, SumMeasures(*v.store, FundScope(id), from, to));
    if (m.donations > 0) {
      node("source:donations", "社会捐赠", "Donations", "source");
      link("source:donations", fid, m.donations);
    }
    if (m.allocations > 0) {
      node("source:lottery", "福利彩票公益金分配", "Welfare lottery allocations", "source");
      link("source:lottery", fid, m.allocations);
    }
    if (m.other_income > 0) {
      node("source:other_income", "其他收入", "Other income", "source");
      link("source:other_income", fid, m.other_income);
    }
    if (m.brought_forward > 0) {
      node("source:brought_forward", "上年结转", "Balance brought forward", "source");
      link("source:brought_forward", fid, m.brought_forward);
    }
    LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> programmes, FundProgrammes(*v.store, id));
    for (const std::string& p : programmes) {
      LEDGER_ASSIGN_OR_RETURN(Measures pm, SumMeasures(*v.store, ProgrammeScope(id, p), from, to));
      if (pm.granted == 0 && pm.disbursed == 0) continue;
      const std::string pid = "programme:" + id + ":" + (p.empty() ? "grants" : p);
      if (p.empty()) node(pid, "资助项目", "Grants", "programme");
      else node(pid, p, p, "programme");
      link(fid, pid, pm.granted);
      if (pm.disbursed > 0) to_paid.emplace_back(pid, pm.disbursed);
    }
    if (m.admin_cost > 0) {
      node("admin_cost", "管理费用", "Administrative cost", "admin_cost");
      link(fid, "admin_cost", m.admin_cost);
    }
    if (m.fundraising_cost > 0) {
      node("fundraising_cost", "募捐成本", "Fundraising cost", "cost");
      link(fid, "fundraising_cost", m.fundraising_cost);
    }
    if (m.charitable_cost > 0) {
      node("charitable_cost", "慈善活动支出（非资助）", "Charitable spending (not grants)", "cost");
      link(fid, "charitable_cost", m.charitable_cost);
    }
    if (m.other_cost > 0) {
      node("other_cost", "其他支出", "Other spending", "cost");
      link(fid, "other_cost", m.other_cost);
    }
  }
  for (const auto& [pid, value] : to_paid) {
    node("paid", "已拨付受助方", "Paid to recipients", "paid");
    link(pid, "paid", value);
  }
  return json{{"nodes", std::move(nodes)}, {"links", std::move(links)}, {"tree_size", v.size}};
}

}  // namespace ledger::funds
