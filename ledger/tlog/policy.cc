#include "ledger/tlog/policy.h"

#include <algorithm>
#include <map>

#include "ledger/crypto/base64.h"

namespace ledger::tlog {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !IsBlank(line[j])) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// The public key a vkey wraps (after its type byte); empty if it has none.
// (<name>+<hex id>+<base64>: neither the name nor the ID holds a '+'.)
std::string WrappedKey(std::string_view vkey) {
  size_t p = vkey.find('+');
  if (p != std::string_view::npos) p = vkey.find('+', p + 1);
  if (p == std::string_view::npos) return "";
  auto raw = crypto::Base64Decode(vkey.substr(p + 1));
  return raw && raw->size() > 1 ? raw->substr(1) : "";
}

Status LineError(size_t n, const std::string& what) {
  return InvalidArgument("policy line " + std::to_string(n) + ": " + what);
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

}  // namespace

Result<Policy> Policy::Parse(std::string_view text) {
  Policy p;
  p.text_ = std::string(text);
  std::map<std::string, int, std::less<>> names;  // witnesses and groups
  std::vector<bool> used_as_member;
  std::vector<std::string> log_keys, witness_keys;
  bool have_quorum = false;
  size_t n = 0;
  while (!text.empty()) {
    ++n;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    for (char c : line) {
      auto b = static_cast<uint8_t>(c);
      if (b != '\t' && (b < 0x20 || b == 0x7f)) {
        char hex[8];
        snprintf(hex, sizeof(hex), "0x%02x", b);
        return LineError(
            n, std::string("character ") + hex + " is not allowed (only tab, newline and printable bytes)");
      }
    }
    std::vector<std::string_view> f = Fields(line);
    if (f.empty() || f[0].front() == '#') continue;
    const std::string_view kind = f[0];
    if (kind == "log") {
      if (f.size() < 2 || f.size() > 3) return LineError(n, "expected \"log <vkey> [<url>]\"");
      auto v = ParseVerifierKey(f[1]);
      if (!v.ok()) return LineError(n, "log key: " + v.status().message());
      std::string key = WrappedKey(f[1]);
      if (std::find(log_keys.begin(), log_keys.end(), key) != log_keys.end()) {
        return LineError(n, "the same log key is listed twice");
      }
      if (p.logs_.size() == kMaxPolicyItems) return LineError(n, "more logs than this verifier accepts");
      log_keys.push_back(key);
      p.logs_.push_back(PolicyLog{std::string(f[1]), f.size() == 3 ? std::string(f[2]) : "",
                                  std::shared_ptr<const NoteVerifier>(std::move(*v))});
    } else if (kind == "witness") {
      if (f.size() < 3 || f.size() > 4) return LineError(n, "expected \"witness <name> <vkey> [<url>]\"");
      const std::string name(f[1]);
      if (name == "none" || names.count(name))
        return LineError(n, "the name " + name + " is already defined");
      auto v = ParseCosignatureVerifierKey(f[2]);
      if (!v.ok()) return LineError(n, "witness " + name + ": " + v.status().message());
      std::string key = WrappedKey(f[2]);
      if (std::find(witness_keys.begin(), witness_keys.end(), key) != witness_keys.end()) {
        return LineError(n, "witness " + name + " has the key of a witness listed before");
      }
      if (p.witnesses_.size() == kMaxPolicyItems)
        return LineError(n, "more witnesses than this verifier accepts");
      witness_keys.push_back(key);
      names[name] = static_cast<int>(p.nodes_.size());
      p.nodes_.push_back(Node{name, static_cast<int>(p.witnesses_.size()), 0, {}});
      used_as_member.push_back(false);
      p.witnesses_.push_back(PolicyWitness{name, std::string(f[2]), f.size() == 4 ? std::string(f[3]) : "",
                                           std::shared_ptr<const CosignatureVerifier>(std::move(*v))});
    } else if (kind == "group") {
      if (f.size() < 4) return LineError(n, "expected \"group <name> all|any|<k> <member>...\"");
      const std::string name(f[1]);
      if (name == "none" || names.count(name))
        return LineError(n, "the name " + name + " is already defined");
      if (p.nodes_.size() - p.witnesses_.size() == kMaxPolicyItems) {
        return LineError(n, "more groups than this verifier accepts");
      }
      Node g{name, -1, 0, {}};
      for (size_t i = 3; i < f.size(); ++i) {
        auto m = names.find(f[i]);
        if (f[i] == "none") return LineError(n, "none cannot be a group member");
        if (m == names.end()) {
          return LineError(n,
                           "group " + name + " names " + std::string(f[i]) + ", which no line above defines");
        }
        if (used_as_member[m->second]) {
          return LineError(
              n, std::string(f[i]) + " is already a member of a group (a name may be one only once)");
        }
        used_as_member[m->second] = true;
        g.members.push_back(m->second);
      }
      const size_t count = g.members.size();
      uint64_t k = 0;
      if (f[2] == "all") {
        k = count;
      } else if (f[2] == "any") {
        k = 1;
      } else if (!ParseDecimal(f[2], &k) || k < 1 || k > count) {
        return LineError(n, "group " + name + ": the threshold must be all, any or a number from 1 to " +
                                std::to_string(count));
      }
      g.threshold = static_cast<size_t>(k);
      names[name] = static_cast<int>(p.nodes_.size());
      p.nodes_.push_back(std::move(g));
      used_as_member.push_back(false);
    } else if (kind == "quorum") {
      if (f.size() != 2) return LineError(n, "expected \"quorum <name>\"");
      if (have_quorum) return LineError(n, "a policy has exactly one quorum line");
      have_quorum = true;
      if (f[1] != "none") {
        auto m = names.find(f[1]);
        if (m == names.end()) {
          return LineError(n, "the quorum names " + std::string(f[1]) + ", which no line above defines");
        }
        p.quorum_ = m->second;
      }
    } else {
      return LineError(n, "unknown keyword \"" + std::string(kind) + "\" (log, witness, group, quorum or #)");
    }
  }
  if (!have_quorum)
    return InvalidArgument("the policy has no quorum line (\"quorum none\" for no witnesses)");
  return p;
}

Result<Policy> Policy::FromFlags(std::string_view log_vkey, const std::vector<FlatWitness>& witnesses,
                                 size_t quorum) {
  if (quorum > witnesses.size()) {
    return InvalidArgument("the quorum " + std::to_string(quorum) + " is more than the " +
                           std::to_string(witnesses.size()) + " witnesses given");
  }
  std::string text = "# written from the command line's --witness and quorum flags\n";
  if (!log_vkey.empty()) text += "log " + std::string(log_vkey) + "\n";
  std::vector<std::string> names;
  for (size_t i = 0; i < witnesses.size(); ++i) {
    auto v = ParseCosignatureVerifierKey(witnesses[i].vkey);
    if (!v.ok()) return v.status();
    std::string name = (*v)->name();
    if (name == "none" || std::find(names.begin(), names.end(), name) != names.end()) {
      name = "w" + std::to_string(i + 1);
    }
    names.push_back(name);
    text += "witness " + name + " " + (*v)->vkey() +
            (witnesses[i].url.empty() ? "" : " " + witnesses[i].url) + "\n";
  }
  if (quorum == 0) {
    text += "quorum none\n";
  } else if (witnesses.size() == 1) {
    text += "quorum " + names[0] + "\n";
  } else {
    std::string group = "witnesses";
    while (std::find(names.begin(), names.end(), group) != names.end()) group += "_";
    text +=
        "group " + group + " " + std::to_string(quorum) + " " + Join(names, " ") + "\nquorum " + group + "\n";
  }
  return Parse(text);
}

bool Policy::ListsLog(std::string_view vkey) const {
  const std::string key = WrappedKey(vkey);
  for (const PolicyLog& l : logs_) {
    if (!key.empty() && WrappedKey(l.vkey) == key && l.verifier->name() == vkey.substr(0, vkey.find('+'))) {
      return true;
    }
  }
  return false;
}

bool Policy::Met(int node, const std::vector<bool>& cosigned) const {
  const Node& x = nodes_[node];
  if (x.witness >= 0) return static_cast<size_t>(x.witness) < cosigned.size() && cosigned[x.witness];
  size_t have = 0;
  for (int m : x.members) have += Met(m, cosigned);
  return have >= x.threshold;
}

void Policy::Explain(int node, const std::vector<bool>& cosigned, std::vector<std::string>* out) const {
  const Node& x = nodes_[node];
  if (x.witness >= 0) {
    out->push_back("witness " + x.name + " did not cosign");
    return;
  }
  size_t have = 0;
  std::vector<std::string> missing;
  std::vector<int> short_groups;
  for (int m : x.members) {
    if (Met(m, cosigned)) {
      ++have;
    } else {
      missing.push_back(nodes_[m].name);
      if (nodes_[m].witness < 0) short_groups.push_back(m);
    }
  }
  out->push_back("group " + x.name + " has " + std::to_string(have) + " of the " +
                 std::to_string(x.threshold) + " it needs (missing: " + Join(missing, ", ") + ")");
  for (int g : short_groups) Explain(g, cosigned, out);
}

bool Policy::QuorumMet(const std::vector<bool>& cosigned, std::string* why) const {
  if (quorum_ < 0 || Met(quorum_, cosigned)) return true;
  if (why != nullptr) {
    std::vector<std::string> parts;
    Explain(quorum_, cosigned, &parts);
    *why = "quorum not met: " + Join(parts, "; ");
  }
  return false;
}

size_t Policy::MinOf(int node) const {
  const Node& x = nodes_[node];
  if (x.witness >= 0) return 1;
  std::vector<size_t> costs;
  for (int m : x.members) costs.push_back(MinOf(m));
  std::sort(costs.begin(), costs.end());
  size_t sum = 0;
  for (size_t i = 0; i < x.threshold; ++i) sum += costs[i];
  return sum;
}

size_t Policy::MinCosignatures() const { return quorum_ < 0 ? 0 : MinOf(quorum_); }

std::optional<size_t> Policy::FlatThreshold() const {
  if (quorum_ < 0) return 0;
  const Node& q = nodes_[quorum_];
  if (q.witness >= 0) return 1;
  for (int m : q.members) {
    if (nodes_[m].witness < 0) return std::nullopt;
  }
  return q.threshold;
}

Result<std::vector<bool>> Policy::Cosigned(std::string_view note) const {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  std::vector<bool> cosigned(witnesses_.size(), false);
  for (const NoteSignature& s : parsed.signatures) {
    for (size_t i = 0; i < witnesses_.size(); ++i) {
      const CosignatureVerifier& v = *witnesses_[i].verifier;
      if (v.name() != s.name || v.key_id() != s.key_id) continue;
      if (!VerifiesAs(v, parsed.text, s)) {
        return Status(
            Code::kFailedPrecondition,
            "the cosignature by witness " + witnesses_[i].name + " (" + s.name + ") does not verify",
            "note.cosignature");
      }
      cosigned[i] = true;
    }
  }
  return cosigned;
}

Result<PolicyVerdict> Policy::Verify(std::string_view note) const {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  PolicyVerdict v;
  LEDGER_ASSIGN_OR_RETURN(v.checkpoint, ParseCheckpointBody(parsed.text));
  std::vector<const NoteVerifier*> known;
  for (const PolicyLog& l : logs_) {
    if (l.verifier->name() == v.checkpoint.origin) known.push_back(l.verifier.get());
  }
  if (known.empty()) {
    return Status(Code::kFailedPrecondition, "the policy lists no log with origin " + v.checkpoint.origin,
                  "policy.log");
  }
  LEDGER_RETURN_IF_ERROR(OpenNote(note, known).status());
  LEDGER_ASSIGN_OR_RETURN(v.cosigned, Cosigned(note));
  v.quorum_met = QuorumMet(v.cosigned, &v.why);
  return v;
}

}  // namespace ledger::tlog
