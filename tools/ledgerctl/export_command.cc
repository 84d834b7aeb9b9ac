// ledgerctl export: grants as a 360Giving data package or CSV
// (ledger/funds/export_360giving.h), as of the ledger's newest signed
// checkpoint (or, while ledgerd is writing, the store's newest tree size,
// whose root the export names), with the export settings
// (ledger/funds/giving_settings.h).
//
//   ledgerctl export --data DIR --format 360giving|csv [--out FILE] [--360giving SETTINGS]
//
// SETTINGS defaults to DIR/360giving.json. Opens the store read-only
// (RocksDB allows that next to a running ledgerd), so it never changes the
// ledger.
#include <cstdio>
#include <fstream>

#include "ledger/funds/export_360giving.h"
#include "ledger/funds/giving_settings.h"
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
    return Fail(
        "usage: ledgerctl export --data DIR --format 360giving|csv [--out FILE] [--360giving SETTINGS]", 2);
  }
  const std::string settings_path = f.Get("360giving", funds::GivingSettingsPath(f.Get("data")));
  auto settings = funds::ReadGivingSettings(settings_path);
  if (!settings.ok()) {
    if (settings.status().code() == Code::kNotFound) {
      return Fail(settings.status().message() +
                  ": the export needs the publisher's registered 360G- prefix and the data's license "
                  "(docs/operations.md, 360Giving export)");
    }
    return Fail(settings.status().message());
  }
  funds::FundsStateMachine sm;
  tlog::Options opts;
  opts.path = tlog::DataDir{f.Get("data")}.db();
  opts.read_only = true;
  opts.state_machine = &sm;
  auto log = tlog::Log::Open(opts);
  if (!log.ok()) return Fail(log.status().ToString());
  funds::ExportAnchor anchor;
  auto text = funds::Export360GivingAtCheckpoint(
      funds::Ledger(log->get(), &sm), *settings,
      format == "csv" ? funds::ExportFormat::kCsv : funds::ExportFormat::kJson, 1, &anchor);
  (*log)->Close();
  if (!text.ok()) return Fail(text.status().ToString());
  if (format != "csv") text->push_back('\n');
  if (!f.Has("out")) {
    fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }
  std::ofstream out(f.Get("out"), std::ios::binary | std::ios::trunc);
  if (!out || !out.write(text->data(), text->size()) || !out.flush())
    return Fail("cannot write " + f.Get("out"));
  fprintf(stderr, "exported the grants at tree size %llu to %s\n", (unsigned long long)anchor.tree_size,
          f.Get("out").c_str());
  return 0;
}

}  // namespace ledger::tools
