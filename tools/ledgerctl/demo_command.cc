// ledgerctl demo: loads the Huicheng district demo ledger (ledger/funds/demo.h)
// into a ledger made by `ledgerctl init`, and writes the demo's 360Giving
// export settings (ledger/funds/giving_settings.h) to DIR/360giving.json
// unless that file exists. ledgerd must not be running on it.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ledger/funds/demo.h"
#include "ledger/funds/giving_settings.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

using nlohmann::json;

// The demo's settings: a fictional prefix (the demo is sample data; a real
// publisher registers its own with 360Giving), CC BY 4.0 (a license the
// 360Giving guidance recommends), and the four charity funds' relief
// payments to households and students as grants to individuals, each mapped
// to the codelists by what the fund pays for:
//   serious-illness  illness in a low-income household: Health/Condition,
//                    Financial Hardship; health and care costs
//   poor-students    students from poor families: Financial Hardship,
//                    Development opportunity; education
//   police-relief    officers' families after injury, death or hardship:
//                    Emergency/crisis event, Financial Hardship; general support
//   birth-care       family-planning households in hardship: Financial
//                    Hardship; general support
// The welfare-lottery fund's grants go to institutions (organisations).
json DemoGivingSettings() {
  auto rule = [](const char* fund, const char* primary, const char* secondary, const char* purpose) {
    json r{{"fund", fund}, {"primary_reason", primary}, {"purpose", json::array({purpose})}};
    if (secondary != nullptr) r["secondary_reason"] = secondary;
    return r;
  };
  return json{{"prefix", "360G-sample-district-charity"},
              {"license", "https://creativecommons.org/licenses/by/4.0/"},
              {"individuals", json::array({rule("serious-illness", "GTIR030", "GTIR010", "GTIP120"),
                                           rule("poor-students", "GTIR010", "GTIR110", "GTIP130"),
                                           rule("police-relief", "GTIR100", "GTIR010", "GTIP010"),
                                           rule("birth-care", "GTIR010", nullptr, "GTIP010")})}};
}

Status WriteDemoGivingSettings(const std::string& data) {
  const std::string path = funds::GivingSettingsPath(data);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Ok();
  const json j = DemoGivingSettings();
  auto parsed = funds::ParseGivingSettings(j);  // the demo's own settings pass the same checks
  if (!parsed.ok()) return parsed.status();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string text = j.dump(2) + "\n";
  if (!out || !out.write(text.data(), text.size()) || !out.flush()) return IOError("cannot write " + path);
  return Status::Ok();
}

}  // namespace

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
  if (Status w = WriteDemoGivingSettings(f.Get("data")); !w.ok()) {
    fprintf(stderr, "ledgerctl demo: the 360Giving settings: %s\n", w.ToString().c_str());
    return 1;
  }
  printf("loaded the Huicheng demo: %llu entries\n", static_cast<unsigned long long>(size));
  return 0;
}

}  // namespace ledger::tools
