// Layout of the charity domain's derived state in the log's state namespace,
// and the byte encoding of its records. Written in the same WriteBatch as the
// entry that changes them (see tlog/log.h), so the store never holds a state
// that does not match its tree size.
//
// Keys (ASCII; <seq> is 16 lowercase hex digits, big-endian, so byte order is
// index order):
//   "M"                          -> decimal tree size the state reflects
//   "F/" <fund id>               -> FundRec
//   "G/" <grant id>              -> GrantRec
//   "E/" <seq>                   -> EntryRec of every accepted entry
//   "L/" <fund id> "/" <period>  -> decimal seq of the live lottery allocation
//   "I/" <hex(by)> "/" <hex(key)> -> decimal seq of the entry recorded under
//                                   an idempotency key (operational; not
//                                   derivable from the entries)
//
// No index keys: the entries browser filters the in-memory entry records
// (entries_view.h), which Load restores from the "E/" records.
//
// Values are a version byte (1) followed by the record's fields in
// declaration order: integers as unsigned LEB128 varints (signed amounts
// zig-zag encoded), strings as varint length + bytes, optionals as a varint
// 0 (absent) or value+1, vectors as varint count + items.
#ifndef LEDGER_FUNDS_RECORD_CODEC_H_
#define LEDGER_FUNDS_RECORD_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"
#include "ledger/funds/records.h"

namespace ledger::funds {

inline constexpr std::string_view kMetaKey = "M";
inline constexpr std::string_view kFundPrefix = "F/";
inline constexpr std::string_view kGrantPrefix = "G/";
inline constexpr std::string_view kEntryPrefix = "E/";
inline constexpr std::string_view kLotteryPrefix = "L/";
inline constexpr std::string_view kIdemPrefix = "I/";

std::string SeqKeyPart(uint64_t seq);
// Parses the 16 hex digits at the end of an index or entry key.
bool SeqFromKeyTail(std::string_view key, uint64_t* seq);

std::string FundKey(std::string_view id);
std::string GrantKey(std::string_view id);
std::string EntryKey(uint64_t seq);
std::string LotteryKey(std::string_view fund, std::string_view period);
std::string IdemKey(std::string_view by, std::string_view key);

std::string EncodeFund(const FundRec& r);
std::string EncodeGrant(const GrantRec& r);
std::string EncodeEntry(const EntryRec& r);
// Corruption when the bytes are not a record of this version.
Result<FundRec> DecodeFund(std::string_view v);
Result<GrantRec> DecodeGrant(std::string_view v);
Result<EntryRec> DecodeEntry(std::string_view v);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RECORD_CODEC_H_
