// Grants in the 360Giving Data Standard (standard.threesixtygiving.org,
// schema 1.4: 360-giving-package-schema.json and 360-giving-schema.json), as
// a JSON data package and as a flat CSV with the standard's column titles.
// What the ledger does not record (the publisher's registered prefix, the
// license, which grants go to individuals and why) comes from the export
// settings (giving_settings.h).
//
// The export is taken over a view (the state as of one tree size, a
// checkpoint's): a grant counts unless a correction reversed it; its
// amounts and disbursements are the live ones.
//
// Package (JSON):
//   version      "1.4"
//   license      settings.license
//   title        "<org zh> 资助数据 / <org en> grants"
//   description  what the package holds, the log origin, tree size and root;
//                "示例数据 / sample data" when the profile says so
//   identifier   "<prefix>-tree-<tree size>"
//   publisher    {name: org name zh, identifier: funder id, website?, logo?}
//   grants       at least one (the schema's minItems; none: NotFound)
//
// Identifiers (360Giving identifier guidance; docs/format.md section 11):
//   grant                 "<prefix>-<grant id>"
//   funder                "CN-USCI-<uscc>" (org-id.guide list CN-USCI) when the
//                         organisation profile records its 统一社会信用代码,
//                         otherwise "<prefix>" (the publisher's own registered
//                         prefix: never an invented register id)
//   recipient organisation "<prefix>-ORG-<recipient id>" (the ledger records
//                         no register id for recipients)
//   recipient individual  "<prefix>-IND-<recipient id>"
//   disbursement          "<grant identifier>-<seq of the disbursement entry>"
//
// Per grant (JSON):
//   id, title, description "<title> (<fund zh> / <fund en>; programme <p>)",
//   currency "CNY", amountAwarded, amountDisbursed (yuan: DumpWithYuan writes
//   them with exactly two decimals), awardDate,
//   recipientIndividual    {id, name: "Individual Recipient"} for a grant that
//                          an "individuals" rule of the settings matches; the
//                          recorded recipient name is never exported for them
//   toIndividualsDetails   {primaryGrantReason, secondaryGrantReason?,
//                           grantPurpose?} from that rule (codelist codes)
//   recipientOrganization  [{id, name}] for every other grant
//   beneficiaryLocation    [{name: area, countryCode: "CN"}], one per distinct
//                          area its live disbursements name, in payment order
//   fundingOrganization    [{id: funder id, name: org name zh,
//                            alternateName: org name en, department: fund name zh}]
//                          from the newest org.profile (none: FailedPrecondition)
//   grantProgramme         [{code, title}] when the grant has a programme
//   disbursementTransaction [{id, transactionDate: paid_at, currency, value,
//                            provider: funder id, recipient: recipient id,
//                            dateModified: recording time}], live disbursements
//                          in seq order; their values add up to amountDisbursed
//   dateModified           recording time of the newest live entry of the grant
//   dataSource             settings.data_source, when given
//   ledgerIndex            custom (the schema allows other members):
//                          {"origin", "seq", "treeSize", "root",
//                           "amountAwardedFen", "amountDisbursedFen",
//                           "amountUsedFen"} so a reader can fetch the entry's
//                          inclusion proof (/api/v1/proof/inclusion?seq=&size=)
//
// CSV: one header line of 360Giving titles, then one line per grant; amounts
// as decimal yuan with two places ("1234.50"); grant purposes joined by ';'
// (the guidance's spreadsheet form); Beneficiary Location:Name only when the
// grant's payments name exactly one area (the JSON lists every area and every
// disbursement); cells written by ledger/base/csv.h (RFC 4180 quoting;
// formula-looking text as text).
//
// Thread-safe: pure functions over a FundsView.
#ifndef LEDGER_FUNDS_EXPORT_360GIVING_H_
#define LEDGER_FUNDS_EXPORT_360GIVING_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/base/status.h"
#include "ledger/funds/giving_settings.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/view.h"
#include "ledger/funds/yuan_json.h"

namespace ledger::funds {

struct ExportAnchor {
  std::string origin;      // the log's origin
  uint64_t tree_size = 0;  // the view's size
  std::string root;        // base64 root at tree_size
};

inline constexpr char k360GivingVersion[] = "1.4";
inline constexpr char kIndividualRecipientName[] = "Individual Recipient";

// The identifiers above.
std::string GrantIdentifier(const GivingSettings& s, const std::string& grant_id);
std::string OrganisationIdentifier(const GivingSettings& s, const std::string& recipient_id);
std::string IndividualIdentifier(const GivingSettings& s, const std::string& recipient_id);
std::string FunderIdentifier(const GivingSettings& s, const OrgProfile& profile);

// The package, in award order (grant entry seq). Internal when
// anchor.tree_size is not the view's size; FailedPrecondition without an
// org.profile or when an "individuals" rule names a fund the ledger does not
// have; NotFound when there is no live grant.
Result<nlohmann::json> Export360GivingJson(const FundsView& v, const ExportAnchor& anchor,
                                           const GivingSettings& settings);
// The package as text (DumpWithYuan, indent < 0: compact).
Result<std::string> Export360GivingText(const FundsView& v, const ExportAnchor& anchor,
                                        const GivingSettings& settings, int indent = -1);
Result<std::string> Export360GivingCsv(const FundsView& v, const ExportAnchor& anchor,
                                       const GivingSettings& settings);

// The package (text with `indent`, or CSV) as of `ledger`'s newest signed
// checkpoint and anchored to it: what GET /api/v1/export/360giving.json,
// `ledgerctl export` and `ledgerctl publish` give. Errors as above, and as
// Ledger::ViewAtCheckpoint. `anchor`, when given, is set to the anchor used.
enum class ExportFormat { kJson, kCsv };
Result<std::string> Export360GivingAtCheckpoint(const Ledger& ledger, const GivingSettings& settings,
                                                ExportFormat format, int indent = -1,
                                                ExportAnchor* anchor = nullptr);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_EXPORT_360GIVING_H_
