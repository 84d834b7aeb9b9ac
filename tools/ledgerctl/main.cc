// ledgerctl: the command-line tool of the charity ledger.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "tools/ledgerctl/flags.h"

namespace ledger::tools {

Flags Flags::Parse(int argc, char** argv, const std::vector<std::string>& boolean) {
  Flags f;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) {
      f.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      f.values[name.substr(0, eq)].push_back(name.substr(eq + 1));
    } else if (std::find(boolean.begin(), boolean.end(), name) != boolean.end()) {
      f.values[name].push_back("true");
    } else if (i + 1 < argc) {
      f.values[name].push_back(argv[++i]);
    } else {
      f.error = "flag --" + name + " needs a value";
    }
  }
  return f;
}

}  // namespace ledger::tools

namespace {

int Usage() {
  fprintf(stderr,
          "usage: ledgerctl <command> [flags]\n\n"
          "  init   --data DIR --origin ORIGIN      create a ledger and its signing key; prints the verifier key\n"
          "  token  --data DIR --role admin|recorder|grantee --name NAME [--org ID]\n"
          "                                         print a new bearer token (only its hash is stored)\n"
          "  token  --data DIR --revoke NAME        revoke the account's token\n"
          "  audit  --data DIR                      recompute every hash; exit 0 when intact\n"
          "  verify RECEIPT (--policy FILE | --vkey KEY [--witness VKEY ...] [--quorum N]) [--secret HEX]\n"
          "                                         check a .tlog-proof receipt file offline against a\n"
          "                                         C2SP tlog-policy; exit 3 naming what fails\n"
          "  demo   --data DIR                      load the Huicheng demo ledger (and write its\n"
          "                                         360Giving settings, DIR/360giving.json, if absent)\n"
          "  witness-key --data WDIR --name NAME    create the witness key if absent; prints its verifier key\n"
          "  witness --data WDIR --listen HOST:PORT --log-vkey KEY [--log-vkey KEY ...]\n"
          "          [--read-timeout S] [--threads N] [--max-threads N]\n"
          "                                         serve C2SP tlog-witness POST /add-checkpoint and\n"
          "                                         GET /<hex SHA-256 of origin>/checkpoint\n"
          "  monitor --url URL (--policy FILE | --vkey KEY [--witness VKEY ...] [--quorum N]) --state FILE\n"
          "                                         check a log from its C2SP static paths; exit 3 on a fork,\n"
          "                                         a rewrite, a bad entry or a group short of the quorum\n"
          "  report --url URL --vkey KEY --from DATE --to DATE [--fund ID]\n"
          "                                         recompute a published report from verified entries;\n"
          "                                         exit 3 naming every figure that differs\n"
          "  export --data DIR --format 360giving|csv [--out FILE] [--360giving SETTINGS]\n"
          "                                         grants as a 360Giving data package or CSV (read-only);\n"
          "                                         SETTINGS default DIR/360giving.json\n"
          "  import (--data DIR --as ACCOUNT | --url URL --token-file F) --file F.csv --type TYPE [--receipts OUT] [--dry-run]\n"
          "                                         record CSV rows as an account, all or nothing (--url: through a running\n"
          "                                         ledgerd, POST /api/v1/batches); receipts mode 0600\n"
          "  backup --data DIR --out B              copy a ledger (also while ledgerd runs)\n"
          "  restore --from B --data DIR            restore a backup into a new directory\n"
          "  publish --data DIR --out OUT [--site DIR] [--policy FILE]\n"
          "                                         write the public surface as static files (a mirror),\n"
          "                                         with the tlog-policy pinned into the site's config.json\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ledger::tools;
  if (argc < 2) return Usage();
  std::string cmd = argv[1];
  Flags f = Flags::Parse(argc - 2, argv + 2, {"quiet", "no-rules", "dry-run"});
  if (!f.error.empty()) {
    fprintf(stderr, "ledgerctl %s: %s\n", cmd.c_str(), f.error.c_str());
    return 2;
  }
  if (cmd == "init") return CmdInit(f);
  if (cmd == "token") return CmdToken(f);
  if (cmd == "audit") return CmdAudit(f);
  if (cmd == "verify") return CmdVerify(f);
  if (cmd == "demo") return CmdDemo(f);
  if (cmd == "witness") return CmdWitness(f);
  if (cmd == "witness-key") return CmdWitnessKey(f);
  if (cmd == "monitor") return CmdMonitor(f);
  if (cmd == "report") return CmdReport(f);
  if (cmd == "export") return CmdExport(f);
  if (cmd == "import") return CmdImport(f);
  if (cmd == "backup") return CmdBackup(f);
  if (cmd == "publish") return CmdPublish(f);
  if (cmd == "restore") return CmdRestore(f);
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    Usage();
    return 0;
  }
  fprintf(stderr, "ledgerctl: unknown command %s\n", cmd.c_str());
  return Usage();
}
