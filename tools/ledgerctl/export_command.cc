// ledgerctl export: grants in the 360Giving standard's fields
// (ledger/funds/export_360giving.h), as JSON or CSV, as of the ledger's
// newest signed checkpoint.
//
//   ledgerctl export --data DIR --format 360giving|csv [--out FILE]
//                    [--funder-id ID] [--funder-name NAME] [--data-source URL]
//
// Opens the store read-only (RocksDB allows that next to a running ledgerd),
// so it never changes the ledger.
#include <cstdio>
#include <fstream>

#include "ledger/crypto/base64.h"
#include "ledger/funds/export_360giving.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

int Fail(const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl export: %s\n", msg.c_str());
  return code;
}

}  // namespace

int CmdExport(const Flags& f) {
  const std::string format = f.Get("format");
  if (!f.Has("data") || (format != "360giving" && format != "csv") || !f.positional.empty()) {
    return Fail("usage: ledgerctl export --data DIR --format 360giving|csv [--out FILE] [--funder-id ID] "
                "[--funder-name NAME] [--data-source URL]",
                2);
  }
  funds::FundsStateMachine sm;
  tlog::Options opts;
  opts.path = tlog::DataDir{f.Get("data")}.db();
  opts.read_only = true;
  opts.state_machine = &sm;
  auto log = tlog::Log::Open(opts);
  if (!log.ok()) return Fail(log.status().ToString());
  funds::ExportAnchor a;
  a.origin = (*log)->origin();
  auto cp = (*log)->LatestCheckpoint();
  if (cp.ok()) {
    a.tree_size = cp->size;
    a.root = crypto::Base64Encode(crypto::AsBytes(cp->root));
  } else if (cp.status().code() == Code::kNotFound) {
    a.root = crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of("")));
  } else {
    return Fail(cp.status().ToString());
  }
  a.funder_id = f.Get("funder-id");
  a.funder_name = f.Get("funder-name");
  a.data_source = f.Get("data-source");
  std::string text;
  {
    auto snap = sm.Read();
    if (format == "csv") {
      auto csv = funds::Export360GivingCsv(snap.data(), a);
      if (!csv.ok()) return Fail(csv.status().ToString());
      text = std::move(*csv);
    } else {
      auto j = funds::Export360GivingJson(snap.data(), a);
      if (!j.ok()) return Fail(j.status().ToString());
      text = j->dump(1) + "\n";
    }
  }
  (*log)->Close();
  if (!f.Has("out")) {
    fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream out(f.Get("out"), std::ios::binary | std::ios::trunc);
  if (!out || !out.write(text.data(), text.size()) || !out.flush()) return Fail("cannot write " + f.Get("out"));
  fprintf(stderr, "exported the grants at tree size %llu to %s\n", (unsigned long long)a.tree_size,
          f.Get("out").c_str());
  return 0;
}

}  // namespace ledger::tools
