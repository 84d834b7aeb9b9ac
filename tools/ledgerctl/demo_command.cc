// ledgerctl demo: loads the Huicheng district demo ledger (ledger/funds/demo).
#include <cstdio>

#include "tools/ledgerctl/flags.h"

namespace ledger::tools {

int CmdDemo(const Flags&) {
  fprintf(stderr, "ledgerctl demo: this build has no charity domain (configure with LEDGER_WITH_FUNDS=ON)\n");
  return 1;
}

}  // namespace ledger::tools
