// Sums of the stored per-period Measures (record_codec.h "A/" and "P/" keys)
// over any range of business dates, in O(years + months + days) key reads:
// whole years from the year records, whole months from the month records,
// the rest from day records, never from entries.
//
// Thread-safe: pure functions over a reader.
#ifndef LEDGER_FUNDS_MEASURES_RANGE_H_
#define LEDGER_FUNDS_MEASURES_RANGE_H_

#include <functional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/records.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

// The "A/" or "P/" key prefix of one scope at one grain.
using MeasuresPrefix = std::function<std::string(Grain)>;

// Measures over business dates [from, to], both YYYY-MM-DD and inclusive;
// an empty `from` or `to` leaves that end open.
Result<Measures> SumMeasures(const tlog::StateReader& s, const MeasuresPrefix& prefix, std::string_view from,
                             std::string_view to);

// Convenience scopes.
MeasuresPrefix FundScope(std::string fund);
MeasuresPrefix ProgrammeScope(std::string fund, std::string programme);

// The distinct programmes (as recorded, "" for none) of `fund`'s grants.
Result<std::vector<std::string>> FundProgrammes(const tlog::StateReader& s, std::string_view fund);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_MEASURES_RANGE_H_
