// JSON text whose amounts are exact decimal yuan.
//
// nlohmann::json keeps numbers as binary doubles; 4713.8 is not a binary
// fraction, and a double's shortest text is not promised to be the decimal
// the ledger holds. DumpWithYuan writes a document as json::dump(indent)
// would, except that every floating-point number, which in the documents
// given to it is always an amount of yuan made as fen / 100.0, is written as
// the exact decimal of its fen with two places: 471380 fen -> 4713.80,
// 7 fen -> 0.07, 100 fen -> 1.00. The text is a JSON number (RFC 8259
// section 6), so schemas that say "type": "number" accept it.
//
// Thread-safe: pure functions.
#ifndef LEDGER_FUNDS_YUAN_JSON_H_
#define LEDGER_FUNDS_YUAN_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/base/status.h"

namespace ledger::funds {

// Amounts up to this many fen are exact as fen / 100.0 (2^53).
inline constexpr int64_t kMaxExactYuanFen = int64_t{1} << 53;

// "12345" fen -> "123.45"; -5 -> "-0.05".
std::string FenToYuan(int64_t fen);

// fen / 100.0, the double DumpWithYuan writes back as FenToYuan(fen);
// OutOfRange beyond kMaxExactYuanFen.
Result<double> YuanNumber(int64_t fen);

// The document as json::dump(indent) writes it (indent < 0: compact), with
// every floating-point number written as FenToYuan of its fen. Internal when
// a floating-point number is not a whole number of fen within
// kMaxExactYuanFen (not an amount made by YuanNumber). Strings are written as
// dump writes them (UTF-8 kept; invalid UTF-8 replaced by U+FFFD).
Result<std::string> DumpWithYuan(const nlohmann::json& j, int indent = -1);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_YUAN_JSON_H_
