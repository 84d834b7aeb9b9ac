#include "ledger/funds/recipient_grants.h"

#include "ledger/funds/fund_views.h"

namespace ledger::funds {

Result<nlohmann::json> GrantsOfRecipient(const Ledger& ledger, std::string_view org) {
  LEDGER_ASSIGN_OR_RETURN(FundsView v, ledger.View());
  LEDGER_ASSIGN_OR_RETURN(nlohmann::json all, GrantsJson(v, ""));
  nlohmann::json mine = nlohmann::json::array();
  for (auto& g : all["grants"]) {
    const auto r = g.find("recipient");
    if (!org.empty() && r != g.end() && r->is_object() && r->value("id", "") == org) mine.push_back(std::move(g));
  }
  return nlohmann::json{{"org", std::string(org)}, {"grants", std::move(mine)}};
}

}  // namespace ledger::funds
