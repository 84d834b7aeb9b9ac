// The 360Giving codelists the export draws codes from, as published with the
// standard (ThreeSixtyGiving/standard, codelists/grantToIndividualsReason.csv
// and grantToIndividualsPurpose.csv, schema 1.4.3; closed lists:
// "openCodelist": false in 360-giving-schema.json).
//
// tests/funds/export_360giving_test.cc compares these tables with the CSV
// files kept in ../shared/standards/360giving, so a change of the published
// lists fails a test instead of passing unnoticed.
//
// Thread-safe: constant data.
#ifndef LEDGER_FUNDS_GIVING_CODELISTS_H_
#define LEDGER_FUNDS_GIVING_CODELISTS_H_

#include <string_view>
#include <vector>

namespace ledger::funds {

struct GivingCode {
  std::string_view code, title;
};

// To Individuals Details: Primary/Secondary Grant Reason (GTIR...).
const std::vector<GivingCode>& GrantToIndividualsReasons();
// To Individuals Details: Grant Purpose (GTIP...).
const std::vector<GivingCode>& GrantToIndividualsPurposes();

bool IsGrantToIndividualsReason(std::string_view code);
bool IsGrantToIndividualsPurpose(std::string_view code);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_GIVING_CODELISTS_H_
