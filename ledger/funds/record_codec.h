// The one codec of the charity domain's derived state: its keys in the
// log's state namespace (the 'D' range, docs/format.md section 6) and the
// bytes of its records. Written in the same WriteBatch as the entry that
// changes them (tlog/log.h), so the store never holds a state that does not
// match its tree size.
//
// Keys (ASCII; <seq> is 16 lowercase hex digits and <tape> 32, big-endian, so
// byte order is numeric order; ids and types never hold '/'):
//   "M"                                  decimal tree size the state reflects
//   "S"                                  Summary: the business-date range
//   "F/" <fund>                          FundRec: names, purpose, kind, opening
//   "FT/" <fund>                         FundRec: live totals and tape ends
//   "G/" <grant>                         GrantRec
//   "R/" <seq>                           EntryRec of every accepted entry
//   "L/" <fund> "/" <period>             decimal seq of the live allocation
//   "A/" <fund> "/" <g> "/" <period>     Measures of the fund over one period:
//                                        g "y" YYYY, "m" YYYY-MM, "d" YYYY-MM-DD
//   "P/" <fund> "/" <hex programme> "/" <g> "/" <period>
//                                        Measures of one programme of a fund
//   "J/" <fund> "/" <g> "/" <period>     Measures of prior-period adjustments
//   "O/" <effective_from>                OrgProfile
//   "NA/" <year>                         decimal fen of net assets at the year's end
//   "BC/" <year>                         decimal seq of the books.close of the year
//   "PJ/" <project id>                   ProjectRec
// Index keys (empty values unless said; every accepted entry's, in its batch):
//   "X/d/" <date> "/" <seq>               every entry by business date
//   "X/f/" <fund> "/" <date> "/" <seq>    entries of a fund
//   "X/t/" <type> "/" <date> "/" <seq>    entries of a type
//   "X/ft/" <fund> "/" <type> "/" <date> "/" <seq>
//   "X/g/" <grant> "/" <seq>             the grant's disbursements, expenses
//                                        and corrections
//   "X/gf/" <fund> "/" <award date> "/" <grant>   grants of a fund
//   "X/gp/" <project> "/" <award date> "/" <grant> grants of a project
//   "X/dw/" <what> "/" <period_to> "/" <seq>       disclosures by kind
//   "X/ds/" <subject> "/" <what> "/" <published_at> "/" <seq>  disclosures of a subject
//   "X/ti/" <fund> "/" <tape>  -> <seq>  inflows on the fund's tape
//   "X/to/" <fund> "/" <tape>  -> <seq>  outflows on the fund's tape
//   "X/hi/" <fund> "/" <tape>  -> <seq>  corrected inflows (holes in the tape)
//   "X/ho/" <fund> "/" <tape>  -> <seq>  corrected outflows
//
// Values are a version byte (1) followed by the record's fields in the order
// of its field list below: integers as unsigned LEB128 varints (signed ones
// zig-zag encoded), strings as varint length + bytes, optionals as a varint 0
// (absent) or value+1, tapes as two varints (high, low 64 bits). Fields are
// only ever appended; a record with bytes left over is refused.
#ifndef LEDGER_FUNDS_RECORD_CODEC_H_
#define LEDGER_FUNDS_RECORD_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/funds/records.h"

namespace ledger::funds {

inline constexpr std::string_view kMetaKey = "M";
inline constexpr std::string_view kSummaryKey = "S";
inline constexpr std::string_view kFundPrefix = "F/";
inline constexpr std::string_view kFundTotalsPrefix = "FT/";
inline constexpr std::string_view kGrantPrefix = "G/";
inline constexpr std::string_view kEntryPrefix = "R/";
inline constexpr std::string_view kLotteryPrefix = "L/";
inline constexpr std::string_view kProfilePrefix = "O/";     // O/<effective_from> -> OrgProfile
inline constexpr std::string_view kNetAssetsPrefix = "NA/";  // NA/<year> -> decimal fen
inline constexpr std::string_view kClosedPrefix = "BC/";     // BC/<year> -> decimal seq of books.close
inline constexpr std::string_view kProjectPrefix = "PJ/";    // PJ/<id> -> ProjectRec

// Aggregation granularity of Measures keys.
enum class Grain : char { kYear = 'y', kMonth = 'm', kDay = 'd' };

// The business-date range of the live and corrected entries recorded so far.
struct Summary {
  std::string first_date, last_date;  // empty before the first dated entry
  bool operator==(const Summary&) const = default;
};

std::string SeqKeyPart(uint64_t seq);
std::string TapeKeyPart(Tape t);
// Parses the 16 hex digits at the end of an index or entry key.
bool SeqFromKeyTail(std::string_view key, uint64_t* seq);
bool TapeFromKeyTail(std::string_view key, Tape* t);

std::string FundKey(std::string_view id);
std::string FundTotalsKey(std::string_view id);
std::string GrantKey(std::string_view id);
std::string EntryKey(uint64_t seq);
std::string LotteryKey(std::string_view fund, std::string_view period);
// The period of `date` at `grain`: "2020", "2020-06" or "2020-06-01".
std::string_view PeriodOf(std::string_view date, Grain grain);
std::string FundMeasuresPrefix(std::string_view fund, Grain grain);
// The same for prior-period adjustments (entries recorded after their year's
// books were closed): "J/" <fund> "/" <g> "/" <period>.
std::string AdjustmentMeasuresPrefix(std::string_view fund, Grain grain);
std::string ProgrammeMeasuresPrefix(std::string_view fund, std::string_view programme, Grain grain);

// Index key prefixes; a full key is prefix + <date> "/" <seq> (or as above).
std::string DateIndexPrefix();
std::string FundIndexPrefix(std::string_view fund);
std::string TypeIndexPrefix(std::string_view type);
std::string FundTypeIndexPrefix(std::string_view fund, std::string_view type);
std::string GrantEntriesPrefix(std::string_view grant);
std::string FundGrantsPrefix(std::string_view fund);
std::string ProjectGrantsPrefix(std::string_view project);   // "X/gp/<project>/<award date>/<grant>"
std::string DisclosurePrefix(std::string_view what);          // "X/dw/<what>/<period_to>/<seq>"
std::string SubjectDisclosurePrefix(std::string_view subject, std::string_view what);  // "X/ds/<subject>/<what>/<published_at>/<seq>"
enum class TapeSide : char { kIn = 'i', kOut = 'o' };
std::string TapePrefix(std::string_view fund, TapeSide side);
std::string HolePrefix(std::string_view fund, TapeSide side);

std::string EncodeFundInfo(const FundRec& r);
std::string EncodeFundTotals(const FundRec& r);
std::string EncodeGrant(const GrantRec& r);
std::string EncodeEntry(const EntryRec& r);
std::string EncodeMeasures(const Measures& m);
std::string EncodeSummary(const Summary& s);
std::string EncodeProfile(const OrgProfile& p);
std::string EncodeProject(const ProjectRec& p);
// Corruption when the bytes are not a record of this version.
Status DecodeFundInfo(std::string_view v, FundRec* r);
Status DecodeFundTotals(std::string_view v, FundRec* r);
Result<GrantRec> DecodeGrant(std::string_view v);
Result<EntryRec> DecodeEntry(std::string_view v);
Result<Measures> DecodeMeasures(std::string_view v);
Result<Summary> DecodeSummary(std::string_view v);
Result<OrgProfile> DecodeProfile(std::string_view v);
Result<ProjectRec> DecodeProject(std::string_view v);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RECORD_CODEC_H_
