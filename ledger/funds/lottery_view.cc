#include "ledger/funds/lottery_view.h"

#include <map>

#include "ledger/funds/record_codec.h"

namespace ledger::funds {

using nlohmann::json;

Result<json> LotteryJson(const FundsView& v) {
  std::map<std::string, Measures> periods;
  Measures totals;
  for (const auto& [id, f] : v.hot->funds) {
    if (f->kind != FundKind::kLottery) continue;
    const std::string prefix = FundMeasuresPrefix(id, Grain::kMonth);
    Status err;
    LEDGER_RETURN_IF_ERROR(v.store->Scan(prefix, {}, [&](std::string_view k, std::string_view val) {
      auto m = DecodeMeasures(val);
      if (!m.ok()) {
        err = m.status();
        return false;
      }
      periods[std::string(k.substr(prefix.size()))].Add(*m);
      totals.Add(*m);
      return true;
    }));
    LEDGER_RETURN_IF_ERROR(err);
  }
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

}  // namespace ledger::funds
