// Money is int64 fen (1 CNY = 100 fen). Every sum goes through these checked
// helpers; an overflow is reported, never wrapped.
#ifndef LEDGER_FUNDS_MONEY_H_
#define LEDGER_FUNDS_MONEY_H_

#include <cstdint>
#include <string>

#include "ledger/base/status.h"

namespace ledger::funds {

// The ceiling of one entry's amount: 10^14 fen, one trillion yuan (about the
// whole of China's charitable giving in a decade). With it, and with the
// ledger's live income kept within int64 (rules.h), no sum any view takes can
// overflow.
inline constexpr int64_t kMaxEntryAmountFen = 100'000'000'000'000;

// 128-bit intermediate for products such as sales * rate_bp.
__extension__ typedef __int128 Int128;

// *acc += v; FailedPrecondition (rule "amount.overflow") when it would overflow.
[[nodiscard]] inline Status AddFen(int64_t* acc, int64_t v, const char* what) {
  int64_t out;
  if (__builtin_add_overflow(*acc, v, &out)) {
    return FailedPrecondition(std::string(what) + " would overflow int64 fen (" +
                                  std::to_string(*acc) + " + " + std::to_string(v) + ")",
                              "amount.overflow");
  }
  *acc = out;
  return Status::Ok();
}

// Plain checked add for view code that has already validated its inputs.
inline bool AddOk(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_MONEY_H_
