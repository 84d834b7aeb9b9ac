// Strict JSON for request bodies: what the canonical entry form can hold.
// Refuses invalid UTF-8, duplicate object keys, nesting deeper than
// kMaxJsonDepth, floating-point numbers and integers outside int64, with a
// message that says which.
#ifndef LEDGER_API_JSON_BODY_H_
#define LEDGER_API_JSON_BODY_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::api {

inline constexpr int kMaxJsonDepth = 16;

Result<nlohmann::json> ParseStrictJson(std::string_view text);

}  // namespace ledger::api

#endif  // LEDGER_API_JSON_BODY_H_
