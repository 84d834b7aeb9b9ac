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
// Stored form (record_codec.h): every inflow and outflow keeps its position
// on a "gross" tape that counts corrected entries too and so never moves;
// corrected entries are listed as holes. A live position is the gross one
// less the holes before it, so a trace reads the fund's holes (rare), seeks
// the first overlapping outflow, and reads only the flows it reports:
// O(holes + flows), never the fund's other entries.
#ifndef LEDGER_FUNDS_TRACE_H_
#define LEDGER_FUNDS_TRACE_H_

#include <cstdint>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/fund_views.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// Trace JSON (docs/api.md) for the donation or lottery allocation at `seq`.
// NotFound when `seq` is not such an entry. A corrected inflow has no flows
// and "unspent" equal to its amount.
Result<nlohmann::json> TraceJson(const FundsView& v, uint64_t seq, const EntryBytes& entry);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_TRACE_H_
