// C2SP tlog-policy (c2sp.org/tlog-policy): which logs and witnesses a
// verifier trusts and which witnesses must have cosigned a checkpoint.
//
//   # comment
//   log <vkey> [<url>]                      Ed25519 (0x01) note key; its name is the origin
//   witness <name> <vkey> [<url>]           cosignature (0x04) key; url = submission prefix
//   group <name> all|any|<k> <name>...      k of the listed witnesses/groups
//   quorum <name>|none                      exactly one
//
// Items are separated by spaces and tabs; leading and trailing whitespace is
// allowed; a line whose first non-blank character is '#' is a comment. Only
// tab, newline, 0x20-0x7E and 0x80-0xFF may appear (names and URLs are opaque
// bytes). A group or the quorum may only name what preceding lines defined;
// `none` is predefined and is never a group member; witnesses and groups share
// one namespace; a name is a group member at most once in the whole file; two
// logs, or two witnesses, wrapping the same public key are refused. At most
// kMaxPolicyItems logs, witnesses and groups each.
//
// A checkpoint satisfies the policy when a listed log whose key name is its
// origin signed it and the witnesses whose cosignatures verify satisfy the
// quorum: a witness is satisfied by its own cosignature, a group by k of its
// members.
//
// Thread-safe: immutable after Parse.
#ifndef LEDGER_TLOG_POLICY_H_
#define LEDGER_TLOG_POLICY_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/note.h"

namespace ledger::tlog {

inline constexpr size_t kMaxPolicyItems = 256;

struct PolicyLog {
  std::string vkey, url;  // url empty when not given
  std::shared_ptr<const NoteVerifier> verifier;
};

struct PolicyWitness {
  std::string name, vkey, url;  // url empty when not given
  std::shared_ptr<const CosignatureVerifier> verifier;
};

// What a policy says of one signed checkpoint.
struct PolicyVerdict {
  CheckpointBody checkpoint;
  std::vector<bool> cosigned;  // per witnesses(): a valid cosignature is present
  bool quorum_met = false;
  std::string why;  // when !quorum_met: the groups (or witness) short of it
};

class Policy {
 public:
  // InvalidArgument "policy line N: ..." naming what is wrong.
  static Result<Policy> Parse(std::string_view text);
  // The shorthand of --witness/--quorum flags: `log_vkey`, the witnesses
  // (vkey and submission URL, URL may be empty), and k of them (0 = none).
  // The witnesses are named after their key names.
  struct FlatWitness {
    std::string vkey, url;
  };
  static Result<Policy> FromFlags(std::string_view log_vkey, const std::vector<FlatWitness>& witnesses,
                                  size_t quorum);

  // The policy as a file: the parsed text, or the one FromFlags wrote.
  const std::string& text() const { return text_; }
  const std::vector<PolicyLog>& logs() const { return logs_; }
  const std::vector<PolicyWitness>& witnesses() const { return witnesses_; }
  bool quorum_none() const { return quorum_ < 0; }
  // Whether the listed log `vkey` wraps the same public key as a `log` line.
  bool ListsLog(std::string_view vkey) const;

  // Whether `cosigned` (indexed as witnesses()) meets the quorum; if not,
  // *why names the group or witness short of it and every group below it
  // that is short, e.g. "group all-of-us has 1 of the 2 it needs (missing:
  // others); group others has 0 of the 1 it needs (missing: w4, w5)".
  bool QuorumMet(const std::vector<bool>& cosigned, std::string* why) const;
  // The fewest cosignatures that can meet the quorum (0 for none).
  size_t MinCosignatures() const;
  // k when the quorum is one witness (k = 1) or one group whose members are
  // all witnesses; nullopt when it needs nested groups.
  std::optional<size_t> FlatThreshold() const;

  // Which witnesses cosigned the signed note `note`; lines of unknown keys
  // (and of other signature types) are ignored, and a listed witness's line
  // that does not verify is FailedPrecondition, as note.h's OpenNote.
  Result<std::vector<bool>> Cosigned(std::string_view note) const;
  // Checks that a listed log whose key name is the checkpoint's origin signed
  // `note` (FailedPrecondition otherwise) and evaluates the quorum.
  Result<PolicyVerdict> Verify(std::string_view note) const;

 private:
  struct Node {
    std::string name;
    int witness = -1;          // index into witnesses_, or -1 for a group
    size_t threshold = 0;      // groups: k
    std::vector<int> members;  // groups: node indices
  };
  bool Met(int node, const std::vector<bool>& cosigned) const;
  void Explain(int node, const std::vector<bool>& cosigned, std::vector<std::string>* out) const;
  size_t MinOf(int node) const;

  std::string text_;
  std::vector<PolicyLog> logs_;
  std::vector<PolicyWitness> witnesses_;
  std::vector<Node> nodes_;
  int quorum_ = -1;  // node index; -1 = none
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_POLICY_H_
