#include "ledger/funds/lottery_view.h"

#include <array>
#include <map>

#include "ledger/funds/money.h"

namespace ledger::funds {

using nlohmann::json;

Result<json> LotteryJson(const FundsData& d) {
  // period -> {sales, allocated, granted, used}
  std::map<std::string, std::array<int64_t, 4>> periods;
  std::array<int64_t, 4> totals{};
  for (const auto& [id, f] : d.funds) {
    if (f.kind != FundKind::kLottery) continue;
    auto it = d.fund_entries.find(id);
    if (it == d.fund_entries.end()) continue;
    for (size_t pos : it->second) {
      const EntryRec& r = d.entries[pos];
      if (r.corrected_by) continue;
      std::string period = r.date.substr(0, 7);
      auto add = [&](int i, int64_t v) -> Status {
        LEDGER_RETURN_IF_ERROR(AddFen(&periods[period][i], v, "lottery total"));
        return AddFen(&totals[i], v, "lottery total");
      };
      switch (r.type) {
        case EntryType::kLotteryAllocation:
          LEDGER_RETURN_IF_ERROR(add(0, r.sales));
          LEDGER_RETURN_IF_ERROR(add(1, r.amount));
          break;
        case EntryType::kGrant:
          LEDGER_RETURN_IF_ERROR(add(2, r.amount));
          break;
        case EntryType::kExpense:
          LEDGER_RETURN_IF_ERROR(add(3, r.amount));
          break;
        default:
          break;
      }
    }
  }
  auto obj = [](const std::array<int64_t, 4>& a) {
    return json{{"sales", a[0]}, {"allocated", a[1]}, {"granted", a[2]}, {"used", a[3]}};
  };
  json list = json::array();
  for (const auto& [p, a] : periods) {
    json j = obj(a);
    j["period"] = p;
    list.push_back(std::move(j));
  }
  return json{{"periods", std::move(list)}, {"totals", obj(totals)}, {"tree_size", d.size}};
}

}  // namespace ledger::funds
