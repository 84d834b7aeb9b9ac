// "Where did my donation go": first-in first-out tracing of a fund's money.
//
// Model: each fund's live (uncorrected) inflows (donations, lottery
// allocations) are laid end to end in entry order on a tape, and so are its
// live outflows (grants, admin costs). An inflow covering tape interval
// [a, b) funded exactly the parts of the outflows whose intervals overlap
// [a, b). Within a grant, its disbursements and then its expenses consume the
// grant's interval from its start, so a flow's grant_paid (grant_used) is the
// part of the flow already paid out (reported used). Because the fund rules
// keep outflows <= inflows, every outflow is fully funded, and for every
// inflow: sum(flow amounts) + unspent == amount, exactly.
//
// Pure functions over a published FundsData; O(entries of the fund).
#ifndef LEDGER_FUNDS_TRACE_H_
#define LEDGER_FUNDS_TRACE_H_

#include <cstdint>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/state.h"

namespace ledger::funds {

// Trace JSON (docs/api.md) for the donation or lottery allocation at `seq`.
// NotFound when `seq` is not such an entry. A corrected inflow has no flows
// and "unspent" equal to its amount.
Result<nlohmann::json> TraceJson(const FundsData& d, uint64_t seq);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_TRACE_H_
