// The settings of the 360Giving export (export_360giving.h): what the ledger
// itself does not record. A JSON file, by default DIR/360giving.json in the
// ledger's data directory (ledgerd and `ledgerctl export` read it;
// `ledgerctl demo` writes the demo's); docs/format.md section 11 has the
// format and operations.md how to set it up:
//
//   {"prefix": "360G-...",                 the publisher's registered 360Giving prefix
//    "license": "https://...",             the data's license (a URL)
//    "data_source": "https://...",         optional: each grant's dataSource
//    "publisher": {"website": "https://...", "logo": "https://..."},   optional
//    "individuals": [                      grants to individuals, by fund (and programme)
//      {"fund": "<fund id>", "programme": "<programme>",   programme optional
//       "primary_reason": "GTIR...", "secondary_reason": "GTIR...",   secondary optional
//       "purpose": ["GTIP...", ...]}]}                     optional, 1 to 3 codes
//
// A grant whose fund (and programme, when the rule names one) matches an
// "individuals" rule is a grant to an individual or household: it is
// exported with recipientIndividual and the rule's codes (360Giving's
// codelists, giving_codelists.h); every other grant goes to an organisation.
// This is the mapping of internal categories to the codelists that the
// 360Giving guidance for grants to individuals asks publishers to make.
//
// Every member is checked; an unknown member, a code outside the codelists,
// a prefix that is not "360G-..." or a URL that is not http(s) is refused
// with InvalidArgument naming the member.
//
// Thread-safe: pure functions; a GivingSettings is a value.
#ifndef LEDGER_FUNDS_GIVING_SETTINGS_H_
#define LEDGER_FUNDS_GIVING_SETTINGS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace ledger::funds {

struct IndividualsRule {
  std::string fund;
  std::optional<std::string> programme;  // absent: every grant of the fund
  std::string primary_reason;
  std::optional<std::string> secondary_reason;
  std::vector<std::string> purpose;
};

struct GivingSettings {
  std::string prefix;                                          // "360G-..."
  std::string license;                                         // URL
  std::string data_source, publisher_website, publisher_logo;  // URLs or empty
  std::vector<IndividualsRule> individuals;

  // The rule for a grant of `fund` under `programme` (empty: none): one that
  // names the programme before one for the whole fund; null: an organisation.
  const IndividualsRule* IndividualsRuleFor(std::string_view fund, std::string_view programme) const;
};

// The default settings file of a data directory: DIR/360giving.json.
std::string GivingSettingsPath(const std::string& data_dir);

Result<GivingSettings> ParseGivingSettings(const nlohmann::json& j);
// Reads and parses `path`; NotFound when the file does not exist,
// InvalidArgument (naming the file and the member) when it is not valid.
Result<GivingSettings> ReadGivingSettings(const std::string& path);

// http:// or https:// with a host, and only characters RFC 3986 allows
// (so the schema's "format": "uri" accepts it).
bool IsHttpUrl(std::string_view s);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_GIVING_SETTINGS_H_
