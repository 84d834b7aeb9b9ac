#include "tools/ledgerctl/policy_flags.h"

#include <fstream>
#include <sstream>

namespace ledger::tools {

Result<tlog::Policy> PolicyFromFlags(const Flags& f) {
  if (f.Has("policy")) {
    if (f.Has("witness") || f.Has("quorum")) {
      return InvalidArgument("give --policy or --witness/--quorum, not both");
    }
    std::ifstream in(f.Get("policy"), std::ios::binary);
    if (!in) return InvalidArgument("cannot read --policy " + f.Get("policy"));
    std::stringstream ss;
    ss << in.rdbuf();
    auto policy = tlog::Policy::Parse(ss.str());
    if (!policy.ok())
      return InvalidArgument("--policy " + f.Get("policy") + ": " + policy.status().message());
    if (policy->logs().empty()) return InvalidArgument("--policy " + f.Get("policy") + " lists no log");
    if (f.Has("vkey") && !policy->ListsLog(f.Get("vkey"))) {
      return InvalidArgument("--policy " + f.Get("policy") + " does not list the log key --vkey " +
                             f.Get("vkey"));
    }
    return policy;
  }
  if (!f.Has("vkey")) return InvalidArgument("needs --vkey KEY or --policy FILE");
  auto log_key = tlog::ParseVerifierKey(f.Get("vkey"));
  if (!log_key.ok()) return InvalidArgument("--vkey: " + log_key.status().message());
  std::vector<tlog::Policy::FlatWitness> witnesses;
  for (const std::string& w : f.All("witness")) {
    auto v = tlog::ParseCosignatureVerifierKey(w);
    if (!v.ok()) return InvalidArgument("--witness: " + v.status().message());
    witnesses.push_back({w, ""});
  }
  uint64_t quorum = witnesses.size();
  if (f.Has("quorum") && (!tlog::ParseDecimal(f.Get("quorum"), &quorum) || quorum > witnesses.size())) {
    return InvalidArgument("--quorum must be a number no larger than the number of --witness keys");
  }
  return tlog::Policy::FromFlags(f.Get("vkey"), witnesses, quorum);
}

}  // namespace ledger::tools
