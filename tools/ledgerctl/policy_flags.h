// The trust policy of `ledgerctl verify` and `monitor`: `--policy FILE` (a
// C2SP tlog-policy, ledger/tlog/policy.h), or its shorthand `--vkey KEY
// [--witness VKEY ...] [--quorum N]` (N of the witnesses, default all).
#ifndef LEDGER_TOOLS_LEDGERCTL_POLICY_FLAGS_H_
#define LEDGER_TOOLS_LEDGERCTL_POLICY_FLAGS_H_

#include "ledger/base/status.h"
#include "ledger/tlog/policy.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {

// InvalidArgument saying what is wrong: an unreadable or malformed file,
// both forms given, a --vkey the policy does not list, a --quorum above the
// number of witnesses.
Result<tlog::Policy> PolicyFromFlags(const Flags& f);

}  // namespace ledger::tools

#endif  // LEDGER_TOOLS_LEDGERCTL_POLICY_FLAGS_H_
