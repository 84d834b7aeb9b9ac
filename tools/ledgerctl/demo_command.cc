// ledgerctl demo: loads the Huicheng district demo ledger (ledger/funds/demo.h)
// into a ledger made by `ledgerctl init`. ledgerd must not be running on it.
#include <cstdio>

#include "ledger/funds/demo.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {

int CmdDemo(const Flags& f) {
  if (!f.Has("data")) {
    fprintf(stderr, "ledgerctl demo: needs --data DIR\n");
    return 2;
  }
  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(tlog::DataDir{f.Get("data")}, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    fprintf(stderr, "ledgerctl demo: %s\n", log.status().message().c_str());
    return 1;
  }
  funds::Ledger ledger(log->get(), &sm);
  Status s = funds::LoadDemo(&ledger);
  const uint64_t size = (*log)->Size();
  (*log)->Close();
  if (!s.ok()) {
    fprintf(stderr, "ledgerctl demo: %s\n", s.ToString().c_str());
    return 1;
  }
  printf("loaded the Huicheng demo: %llu entries\n", static_cast<unsigned long long>(size));
  return 0;
}

}  // namespace ledger::tools
