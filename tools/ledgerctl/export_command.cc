// ledgerctl export: grants in the 360Giving standard's fields
// (ledger/funds/export_360giving.h), as JSON or CSV, as of the ledger's
// newest signed checkpoint (or, while ledgerd is writing, the store's newest
// tree size, whose root the export names).
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
#include "ledger/funds/ledger.h"
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
  auto anchored = funds::Ledger(log->get(), &sm).ViewAtCheckpoint();
  if (!anchored.ok()) return Fail(anchored.status().ToString());
  funds::ExportAnchor a;
  a.origin = (*log)->origin();
  a.tree_size = anchored->view.size;
  a.root = anchored->root;
  a.funder_id = f.Get("funder-id");
  a.funder_name = f.Get("funder-name");
  a.data_source = f.Get("data-source");
  std::string text;
  if (format == "csv") {
    auto csv = funds::Export360GivingCsv(anchored->view, a);
    if (!csv.ok()) return Fail(csv.status().ToString());
    text = std::move(*csv);
  } else {
    auto j = funds::Export360GivingJson(anchored->view, a);
    if (!j.ok()) return Fail(j.status().ToString());
    text = j->dump(1) + "\n";
  }
  anchored = Status(Code::kUnavailable, "released");
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
