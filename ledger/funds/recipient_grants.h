// The grants one organisation received: what a grantee's back office lists
// and may report expenses on (the same test as Ledger::Prepare's
// "expense.own_grant": the grant's recipient id is the grantee's org).
//
// Thread-safe: reads one published view.
#ifndef LEDGER_FUNDS_RECIPIENT_GRANTS_H_
#define LEDGER_FUNDS_RECIPIENT_GRANTS_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/ledger.h"

namespace ledger::funds {

// {"org","grants":[GrantSummary...]} (docs/api.md), by grant id: every grant
// whose recipient.id is `org`, corrected ones included (marked). An empty
// org has none. O(grants in the ledger).
Result<nlohmann::json> GrantsOfRecipient(const Ledger& ledger, std::string_view org);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RECIPIENT_GRANTS_H_
