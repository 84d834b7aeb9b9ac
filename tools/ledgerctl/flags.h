// A tiny flag parser for ledgerctl subcommands: --name value pairs, repeated
// flags kept in order, and positional arguments.
#ifndef LEDGER_TOOLS_LEDGERCTL_FLAGS_H_
#define LEDGER_TOOLS_LEDGERCTL_FLAGS_H_

#include <map>
#include <string>
#include <vector>

namespace ledger::tools {

struct Flags {
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> positional;
  std::string error;  // set when parsing failed

  // `boolean` names flags that take no value.
  static Flags Parse(int argc, char** argv, const std::vector<std::string>& boolean = {});
  bool Has(const std::string& name) const { return values.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& def = "") const {
    auto it = values.find(name);
    return it == values.end() ? def : it->second.back();
  }
  std::vector<std::string> All(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
  }
};

// Subcommands: each returns the process exit code.
int CmdInit(const Flags& f);
int CmdToken(const Flags& f);
int CmdAudit(const Flags& f);
int CmdVerify(const Flags& f);
int CmdDemo(const Flags& f);
int CmdWitness(const Flags& f);
int CmdWitnessKey(const Flags& f);
int CmdMonitor(const Flags& f);
int CmdReport(const Flags& f);
int CmdExport(const Flags& f);
int CmdImport(const Flags& f);
int CmdBackup(const Flags& f);
int CmdRestore(const Flags& f);
int CmdPublish(const Flags& f);

}  // namespace ledger::tools

#endif  // LEDGER_TOOLS_LEDGERCTL_FLAGS_H_
