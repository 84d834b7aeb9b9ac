// ledgerctl monitor: watches a log from outside, through its C2SP static
// paths only (tile_client.h), and keeps what it verified in a state file.
//
//   ledgerctl monitor --url URL (--policy FILE | --vkey KEY [--witness VKEY ...]
//                     [--quorum N]) --state FILE [--no-rules]
//
// Each run: fetch /checkpoint; check the signature of a log the policy lists
// and the policy's witness quorum (policy_flags.h; a checkpoint short of it
// is read again once after kQuorumWait, as cosignatures may be added to a
// checkpoint after it is published, docs/format.md section 9); prove
// the checkpoint consistent with the saved one from the hash tiles (RFC 9162
// proof computed over tiles, verified against both roots); download the new
// entry bundles and check every entry's seq, its `prev` link and its leaf
// hash against the level-0 tiles, fold the leaves onto the saved right edge
// of the tree and require the checkpoint's root; replay the entries through
// funds::FundsStateMachine (the real fund rules) over the saved derived
// state; then replace the state file (write, fsync, rename). With no state
// file the first verified checkpoint is trusted.
//
// Exit codes: 0 verified, 1 could not check (network, files), 2 usage,
// 3 the log misbehaved (fork, rollback, rewrite, bad entry, broken rule,
// missing quorum); the message says what was seen.
//
// State file (JSON): {"v":1,"origin","size","checked","root","checkpoint",
//   "frontier":[b64 per level, "" when empty],"last_leaf" (of entry checked-1),
//   "bundle_leaves":[b64 leaf hashes of entries 256*floor(size/256)..size-1],
//   "rules":bool,"derived":{b64 key: b64 value, the state after `checked` entries}}
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ledger/base/log_escape.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/merkle_verifier.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "tools/ledgerctl/flags.h"
#include "ledger/tlog/memory_state.h"
#include "tools/ledgerctl/policy_flags.h"
#include "tools/ledgerctl/tile_client.h"

namespace ledger::tools {
namespace {

using nlohmann::json;
using tlog::Hash;

constexpr int kMisbehaved = 3;

// How long after a checkpoint is published its late cosignatures may still
// come: ledgerd's whole witness exchange (2 s) and a margin.
constexpr auto kQuorumWait = std::chrono::seconds(3);
// A run that finds this many new entries skips the last partial entry bundle
// (tlog-tiles: clients tailing a log growing by more than 200 entries per
// checkpoint SHOULD).
constexpr uint64_t kTailSkip = 200;

int Usage() {
  fprintf(stderr,
          "usage: ledgerctl monitor --url URL (--policy FILE | --vkey KEY [--witness VKEY ...] [--quorum N]) --state FILE "
          "[--no-rules]\n");
  return 2;
}
// Messages may quote what the log served: escaped, so a hostile log cannot
// print a line of its own (an "OK:").
int Trouble(const std::string& msg) {
  fprintf(stderr, "ledgerctl monitor: %s\n", EscapeForLog(msg).c_str());
  return 1;
}
int Misbehaved(const std::string& msg) {
  printf("ALERT: %s\n", EscapeForLog(msg).c_str());
  fflush(stdout);
  return kMisbehaved;
}

std::string B64(const Hash& h) { return crypto::Base64Encode(crypto::AsBytes(h)); }
bool FromB64(const json& j, Hash* h) {
  if (!j.is_string()) return false;
  auto raw = crypto::Base64Decode(j.get<std::string>());
  if (!raw || raw->size() != crypto::kHashSize) return false;
  std::copy(raw->begin(), raw->end(), h->begin());
  return true;
}

struct MonitorState {
  std::string origin, checkpoint;
  uint64_t size = 0;
  Hash root = tlog::EmptyRoot();
  std::vector<Hash> frontier;
  std::vector<bool> frontier_set;
  Hash last_leaf{};
  std::vector<Hash> bundle_leaves;
  // Entries 0..checked-1 were read and checked; checked < size only for
  // entries of the last partial bundle skipped by the previous run.
  uint64_t checked = 0;
  bool rules = true;
  tlog::MemoryState derived;
};

Result<std::optional<MonitorState>> LoadState(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::optional<MonitorState>();
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  MonitorState s;
  if (j.is_discarded() || !j.is_object() || j.value("v", 0) != 1) {
    return InvalidArgument(path + " is not a monitor state file");
  }
  try {
    s.origin = j.at("origin").get<std::string>();
    s.checkpoint = j.at("checkpoint").get<std::string>();
    s.size = j.at("size").get<uint64_t>();
    s.checked = j.value("checked", s.size);  // state files written before "checked" existed
    s.rules = j.at("rules").get<bool>();
    bool ok = FromB64(j.at("root"), &s.root) && FromB64(j.at("last_leaf"), &s.last_leaf);
    for (const json& f : j.at("frontier")) {
      Hash h{};
      bool set = f.get<std::string>() != "";
      if (set && !FromB64(f, &h)) ok = false;
      s.frontier.push_back(h);
      s.frontier_set.push_back(set);
    }
    for (const json& b : j.at("bundle_leaves")) {
      Hash h{};
      if (!FromB64(b, &h)) ok = false;
      s.bundle_leaves.push_back(h);
    }
    auto derived = tlog::MemoryState::FromJson(j.at("derived"));
    if (!ok || !derived.ok() || s.bundle_leaves.size() != s.size % tlog::kTileWidth || s.checked > s.size ||
        s.checked / tlog::kTileWidth != s.size / tlog::kTileWidth) {
      return InvalidArgument(path + " is damaged");
    }
    s.derived = std::move(*derived);
  } catch (const json::exception& e) {
    return InvalidArgument(path + " is damaged: " + e.what());
  }
  return std::optional<MonitorState>(std::move(s));
}

Status SaveState(const std::string& path, const MonitorState& s) {
  json j = {{"v", 1}, {"origin", s.origin}, {"size", s.size}, {"checked", s.checked}, {"root", B64(s.root)},
            {"checkpoint", s.checkpoint}, {"last_leaf", B64(s.last_leaf)}, {"rules", s.rules}};
  json frontier = json::array(), leaves = json::array();
  for (size_t l = 0; l < s.frontier.size(); ++l) {
    frontier.push_back(s.frontier_set[l] ? B64(s.frontier[l]) : "");
  }
  for (const Hash& h : s.bundle_leaves) leaves.push_back(B64(h));
  j["frontier"] = frontier;
  j["bundle_leaves"] = leaves;
  j["derived"] = s.derived.ToJson();
  const std::string text = j.dump() + "\n", tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return IOError("cannot write " + tmp);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) return IOError("cannot write " + path);
  return Status::Ok();
}

// The root of a tree whose right edge is `frontier` (node at level l present
// where bit l of size is set), per RFC 9162.
Hash RootFromFrontier(uint64_t size, const std::vector<Hash>& frontier) {
  if (size == 0) return tlog::EmptyRoot();
  std::optional<Hash> h;
  for (size_t l = 0; l < 64; ++l) {
    if (!(size >> l & 1)) continue;
    h = h ? tlog::HashChildren(frontier[l], *h) : frontier[l];
  }
  return *h;
}

void Progress(uint64_t done, uint64_t total, uint64_t start) {
  if (total - start < 2048) return;
  const int width = 30;
  int filled = static_cast<int>(width * (done - start) / (total - start));
  fprintf(stderr, "\rmonitor: [%s%s] %llu / %llu entries", std::string(filled, '#').c_str(),
          std::string(width - filled, ' ').c_str(), (unsigned long long)done, (unsigned long long)total);
  if (done == total) fprintf(stderr, "\n");
}

}  // namespace

int CmdMonitor(const Flags& f) {
  if (!f.Has("url") || (!f.Has("vkey") && !f.Has("policy")) || !f.Has("state") || !f.positional.empty()) {
    return Usage();
  }
  auto policy = PolicyFromFlags(f);
  if (!policy.ok()) return Trouble(policy.status().message());
  const std::string state_path = f.Get("state");
  auto client = TileClient::Create(f.Get("url"));
  if (!client.ok()) return Trouble(client.status().message());
  TileClient& c = **client;

  // 1. The checkpoint, the log's signature and the witness quorum.
  auto note = c.Checkpoint();
  if (!note.ok()) return Trouble(note.status().message());
  auto verdict = policy->Verify(*note);
  if (verdict.ok() && !verdict->quorum_met) {
    // Cosignatures may be added to a checkpoint after it was published.
    std::this_thread::sleep_for(kQuorumWait);
    note = c.Checkpoint();
    if (!note.ok()) return Trouble(note.status().message());
    verdict = policy->Verify(*note);
  }
  if (!verdict.ok()) {
    return Misbehaved("the checkpoint at " + c.url() + "/checkpoint does not satisfy the policy: " +
                      verdict.status().message());
  }
  const tlog::CheckpointBody* cp = &verdict->checkpoint;
  if (!verdict->quorum_met) {
    return Misbehaved("checkpoint " + std::to_string(cp->size) + ": " + verdict->why);
  }

  // 2. The saved state.
  auto loaded = LoadState(state_path);
  if (!loaded.ok()) return Trouble(loaded.status().message());
  MonitorState s;
  const bool first_run = !loaded->has_value();
  if (!first_run) {
    s = std::move(**loaded);
  } else {
    s.origin = cp->origin;
    s.rules = !f.Has("no-rules");
  }
  if (s.origin != cp->origin) {
    return Trouble(state_path + " is the state of " + s.origin + ", not of " + cp->origin);
  }
  if (cp->size < s.size) {
    return Misbehaved("ROLLBACK: the log now shows size " + std::to_string(cp->size) + " after size " +
                      std::to_string(s.size) + " was verified\n--- verified:\n" + s.checkpoint +
                      "--- served now:\n" + *note);
  }
  if (cp->size == s.size && !first_run) {
    if (cp->root != s.root) {
      return Misbehaved("FORK: two checkpoints of size " + std::to_string(cp->size) + " signed by " +
                        cp->origin + " with different roots (" + B64(s.root) + " verified, " +
                        B64(cp->root) + " served now)\n--- verified:\n" + s.checkpoint +
                        "--- served now:\n" + *note);
    }
    if (s.checked == s.size) {
      s.checkpoint = *note;
      Status st = SaveState(state_path, s);
      if (!st.ok()) return Trouble(st.message());
      printf("OK: %s unchanged at size %llu, root %s\n", cp->origin.c_str(), (unsigned long long)cp->size,
             B64(cp->root).c_str());
      return 0;
    }
    // Entries the last run skipped are read now even though nothing is new.
  }

  // 3. Consistency computed from the hash tiles, and the tiles' root.
  TileNodeReader tiles(&c, cp->size);
  if (cp->size > 0) {
    auto tile_root = tlog::TreeRoot(cp->size, tiles);
    if (!tile_root.ok()) return Trouble("reading tiles: " + tile_root.status().message());
    if (*tile_root != cp->root) {
      return Misbehaved("the hash tiles give root " + B64(*tile_root) + " for size " + std::to_string(cp->size) +
                        ", not the checkpoint's " + B64(cp->root));
    }
  }
  if (s.size > 0 && s.size < cp->size) {
    auto proof = tlog::ConsistencyProof(s.size, cp->size, tiles);
    if (!proof.ok()) return Trouble("reading tiles: " + proof.status().message());
    Status st = tlog::VerifyConsistency(s.size, cp->size, s.root, cp->root, *proof);
    if (!st.ok()) {
      return Misbehaved("REWRITE: checkpoint " + std::to_string(cp->size) + " is not consistent with the verified " +
                        std::to_string(s.size) + " (" + st.message() + "); the log's history was changed\n--- verified:\n" +
                        s.checkpoint + "--- served now:\n" + *note);
    }
  }

  // 4. Every new entry, bundle by bundle. A log growing fast (kTailSkip
  // entries or more since the last run) has its last partial entry bundle
  // skipped, as tlog-tiles advises tailing clients: those entries are
  // checked by their level-0 tile hashes now, which the root check covers,
  // and read in full by the next run (never two runs in a row).
  funds::FundsStateMachine rules;
  if (s.rules) {
    Status st = rules.Load(s.derived.Reader(), s.checked);
    if (!st.ok()) return Trouble("loading the saved fund state: " + st.message());
  }
  const uint64_t start = s.checked;
  const bool may_defer = s.checked == s.size && cp->size - s.size >= kTailSkip;
  for (uint64_t b = s.size / tlog::kTileWidth; b * tlog::kTileWidth < cp->size; ++b) {
    const uint64_t base = b * tlog::kTileWidth;
    const int width = static_cast<int>(std::min<uint64_t>(tlog::kTileWidth, cp->size - base));
    const bool defer = may_defer && width < tlog::kTileWidth;
    Result<std::vector<std::string>> entries = std::vector<std::string>{};
    if (!defer) entries = c.EntryBundle(b, width);
    if (!entries.ok()) {
      if (entries.status().code() == Code::kCorruption) return Misbehaved(entries.status().message());
      return Trouble(entries.status().message());
    }
    auto tile = c.HashTile(0, b, cp->size);
    if (!tile.ok()) {
      if (tile.status().code() == Code::kCorruption) return Misbehaved(tile.status().message());
      return Trouble(tile.status().message());
    }
    for (int j = 0; j < width; ++j) {
      const uint64_t seq = base + j;
      Hash leaf;
      std::copy_n(tile->data() + j * crypto::kHashSize, crypto::kHashSize, leaf.begin());
      if (!defer && tlog::HashLeaf((*entries)[j]) != leaf) {
        return Misbehaved("entry " + std::to_string(seq) + " does not hash to its leaf in tile 0/" +
                          std::to_string(b));
      }
      // Served again (from a partial bundle or tile): must be unchanged.
      if (seq < s.size && leaf != s.bundle_leaves[j]) {
        return Misbehaved("REWRITE: entry " + std::to_string(seq) + " differs from the one verified earlier");
      }
      if (seq < s.checked) continue;
      if (!defer) {
        const std::string& e = (*entries)[j];
        auto fields = tlog::ParseEntry(e);
        if (!fields.ok()) return Misbehaved("entry " + std::to_string(seq) + " is malformed: " + fields.status().message());
        if (fields->seq != seq) {
          return Misbehaved("entry " + std::to_string(seq) + " says it is entry " + std::to_string(fields->seq));
        }
        if (fields->prev != s.last_leaf) {
          return Misbehaved("entry " + std::to_string(seq) + " breaks the prev chain: prev " + B64(fields->prev) +
                            ", leaf " + std::to_string(seq) + "-1 is " + B64(s.last_leaf));
        }
        if (s.rules) {
          tlog::SequencedEntry se{seq, fields->time, fields->type, fields->by, fields->body};
          Status st = rules.Apply(se, &s.derived);
          if (!st.ok()) {
            return Misbehaved("entry " + std::to_string(seq) + " (" + fields->type + ") breaks a fund rule" +
                              (st.rule().empty() ? "" : " [" + st.rule() + "]") + ": " + st.message());
          }
        }
        s.last_leaf = leaf;
        s.checked = seq + 1;
      }
      if (seq < s.size) continue;  // folded when its tile hash was read
      // Fold the leaf onto the right edge.
      if (s.frontier_set.size() < 65) s.frontier_set.resize(65, false), s.frontier.resize(65);
      tlog::AppendLeaf(seq, leaf, &s.frontier, [](const tlog::NodeId&, const Hash&) {});
      for (size_t l = 0; l < 64; ++l) s.frontier_set[l] = ((seq + 1) >> l) & 1;
      s.bundle_leaves.push_back(leaf);
      if (s.bundle_leaves.size() == static_cast<size_t>(tlog::kTileWidth)) s.bundle_leaves.clear();
      s.size = seq + 1;
    }
    Progress(s.size, cp->size, start);
  }
  const Hash root = RootFromFrontier(cp->size, s.frontier);
  if (root != cp->root) {
    return Misbehaved("the entries served hash to root " + B64(root) + ", not the checkpoint's " + B64(cp->root));
  }
  s.root = cp->root;
  s.checkpoint = *note;
  Status st = SaveState(state_path, s);
  if (!st.ok()) return Trouble(st.message());
  std::string deferred;
  if (s.checked < s.size) {
    deferred = "; entries " + std::to_string(s.checked) + ".." + std::to_string(s.size - 1) +
               " of the partial entry bundle are checked by their tile hashes only, and read in full next run";
  }
  printf("OK: %s size %llu, root %s; %llu new entries verified%s%s%s\n", cp->origin.c_str(),
         (unsigned long long)cp->size, B64(cp->root).c_str(), (unsigned long long)(s.checked - start),
         s.rules ? " against the fund rules" : "", deferred.c_str(),
         first_run ? " (first run: this checkpoint is now trusted)" : "");
  return 0;
}

}  // namespace ledger::tools
