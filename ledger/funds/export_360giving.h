// Grants in the 360Giving Data Standard (standard.threesixtygiving.org,
// schema/360-giving-schema.json), as JSON (a package {"grants":[...]}) and as
// a flat CSV with the standard's column titles.
//
// The export is taken over a view (the state as of one tree size, a
// checkpoint's): a grant counts unless a correction reversed it;
// amountDisbursed is its live paid total.
//
// Per grant (JSON):
//   id                     "<id_prefix>-<grant id>"
//   title                  the grant's title
//   description            "<title> (<fund name zh> / <fund name en>; programme <p>)"
//   currency               "CNY"
//   amountAwarded          yuan as a JSON number (fen / 100; exact for any
//   amountDisbursed        amount below 2^53 fen)
//   awardDate              award_date (YYYY-MM-DD)
//   recipientOrganization  [{"id": recipient id, "name": recipient name}]
//   fundingOrganization    [{"id": funder_id, "name": funder_name,
//                            "department": fund name zh}]
//   plannedDates           [{"startDate": award_date}] (the ledger records no
//                          planned period; the award date is the start)
//   grantProgramme         [{"code": programme, "title": programme}] when set
//   dateModified           recording time of the newest live entry of the grant
//   dataSource             data_source, when given
//   ledgerIndex            custom: {"origin", "seq", "treeSize", "root",
//                          "amountAwardedFen", "amountDisbursedFen",
//                          "amountUsedFen"} so a reader can fetch the entry's
//                          inclusion proof (/api/v1/proof/inclusion?seq=&size=)
//
// CSV: one header line of 360Giving titles, then one line per grant; amounts
// as decimal yuan with two places ("1234.50"); cells written by
// ledger/base/csv.h (RFC 4180 quoting; formula-looking text as text).
//
// Thread-safe: pure functions over a FundsView.
#ifndef LEDGER_FUNDS_EXPORT_360GIVING_H_
#define LEDGER_FUNDS_EXPORT_360GIVING_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

struct ExportAnchor {
  std::string origin;       // the log's origin
  uint64_t tree_size = 0;   // the view's size
  std::string root;         // base64 root at tree_size
  std::string id_prefix;    // 360Giving identifier prefix; empty: "360G-" + origin with '/' -> '-'
  std::string funder_id;    // empty: the origin
  std::string funder_name;  // empty: the origin
  std::string data_source;  // a URL, or empty to leave dataSource out
};

// {"grants":[...]} in award order (grant entry seq); Internal when
// anchor.tree_size is not the view's size.
Result<nlohmann::json> Export360GivingJson(const FundsView& v, const ExportAnchor& anchor);
Result<std::string> Export360GivingCsv(const FundsView& v, const ExportAnchor& anchor);

// "12345" fen -> "123.45".
std::string FenToYuan(int64_t fen);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_EXPORT_360GIVING_H_
