// ledgerctl report: recomputes a published period report from entries it
// downloaded and verified itself, and says line by line whether the server's
// figures match.
//
//   ledgerctl report --url URL --vkey KEY --from DATE --to DATE [--fund ID]
//
// Steps: GET /api/v1/reports?from=&to=[&fund=] (the server names tree_size T
// and root R); GET /checkpoint (size S >= T) and check its signature; check
// that the hash tiles give the checkpoint's root and prove R to be the root at
// T of that same tree (RFC 9162 consistency proof T -> S computed from the
// tiles); download entry bundles 0..T-1 over the C2SP static paths, check each
// entry's seq and prev and that the leaves hash to R; replay them through
// funds::FundsStateMachine over an in-memory state (the real fund rules, which
// also build the per-period measures); compute the report with
// funds::ComputeReport over that state at T and compare every figure.
//
// Output: one line per fund and field, "match" or "MISMATCH" with both
// figures. Exit codes: 0 every figure matches, 1 could not check (network,
// usage of the server), 2 usage, 3 a figure differs or the log misbehaved.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "ledger/base/log_escape.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/report.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/merkle_verifier.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "tools/ledgerctl/flags.h"
#include "ledger/tlog/memory_state.h"
#include "tools/ledgerctl/tile_client.h"

namespace ledger::tools {
namespace {

using nlohmann::json;
using tlog::Hash;

constexpr int kMismatch = 3;

int Usage() {
  fprintf(stderr, "usage: ledgerctl report --url URL --vkey KEY --from YYYY-MM-DD --to YYYY-MM-DD [--fund ID]\n");
  return 2;
}
// Messages may quote what the server sent: escaped, so a hostile server cannot
// print a line of its own (an "OK:").
int Trouble(const std::string& msg) {
  fprintf(stderr, "ledgerctl report: %s\n", EscapeForLog(msg).c_str());
  return 1;
}
int Bad(const std::string& msg) {
  printf("MISMATCH: %s\n", EscapeForLog(msg).c_str());
  return kMismatch;
}

// The report's numeric fields as "name" -> JSON pointer inside a line.
const std::vector<std::pair<std::string, std::string>>& Fields() {
  static const std::vector<std::pair<std::string, std::string>> f = {
      {"opening", "/opening"},     {"income", "/income"},
      {"granted", "/granted"},     {"disbursed", "/disbursed"},
      {"used", "/used"},           {"admin_cost", "/admin_cost"},
      {"closing", "/closing"},     {"donations", "/counts/donations"},
      {"grants", "/counts/grants"}, {"disbursements", "/counts/disbursements"},
      {"expenses", "/counts/expenses"},
      // What the compliance view is computed from (docs/rules.md).
      {"donations_fen", "/detail/donations"},       {"other_income", "/detail/other_income"},
      {"brought_forward", "/detail/brought_forward"}, {"restricted", "/detail/restricted"},
      {"in_kind", "/detail/in_kind"},               {"deferred", "/detail/deferred"},
      {"released", "/detail/released"},             {"charitable_cost", "/detail/charitable_cost"},
      {"fundraising_cost", "/detail/fundraising_cost"}, {"other_cost", "/detail/other_cost"},
      {"households", "/detail/beneficiaries/households"}, {"persons", "/detail/beneficiaries/persons"},
      {"adjustments", "/adjustments"}};
  return f;
}

// Compares one line (a fund or the totals); returns the number of mismatches.
int CompareLine(const std::string& label, const json& server, const json& mine) {
  int bad = 0;
  auto show = [](const json* v) { return v == nullptr ? std::string("(absent)") : v->dump(); };
  for (const auto& [name, ptr] : Fields()) {
    json::json_pointer p(ptr);
    const json* s = server.contains(p) ? &server.at(p) : nullptr;
    const json* m = mine.contains(p) ? &mine.at(p) : nullptr;
    if (s != nullptr && m != nullptr && *s == *m) {
      printf("match     %-28s %-14s %s\n", label.c_str(), name.c_str(), m->dump().c_str());
    } else {
      ++bad;
      printf("MISMATCH  %-28s %-14s server %s, recomputed %s\n", label.c_str(), name.c_str(), show(s).c_str(),
             show(m).c_str());
    }
  }
  for (const char* name : {"zh", "en"}) {
    json::json_pointer p(std::string("/name/") + name);
    if (!mine.contains(p)) continue;
    const json* s = server.contains(p) ? &server.at(p) : nullptr;
    if (s == nullptr || *s != mine.at(p)) {
      ++bad;
      printf("MISMATCH  %-28s name.%-9s server %s, recomputed %s\n", label.c_str(), name, show(s).c_str(),
             mine.at(p).dump().c_str());
    }
  }
  return bad;
}

}  // namespace

int CmdReport(const Flags& f) {
  if (!f.Has("url") || !f.Has("vkey") || !f.Has("from") || !f.Has("to") || !f.positional.empty()) return Usage();
  funds::ReportQuery q{f.Get("from"), f.Get("to"), f.Get("fund")};
  if (!funds::IsIsoDate(q.from) || !funds::IsIsoDate(q.to)) return Trouble("--from and --to must be dates YYYY-MM-DD");
  if (!q.fund.empty() && q.fund.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    return Trouble("--fund must be a fund id ([a-z0-9._-])");
  }
  auto log_key = tlog::ParseVerifierKey(f.Get("vkey"));
  if (!log_key.ok()) return Trouble("--vkey: " + log_key.status().message());
  auto client = TileClient::Create(f.Get("url"));
  if (!client.ok()) return Trouble(client.status().message());
  TileClient& c = **client;

  // 1. The server's report.
  std::string path = "api/v1/reports?from=" + q.from + "&to=" + q.to + (q.fund.empty() ? "" : "&fund=" + q.fund);
  auto body = c.Get(path);
  if (!body.ok()) return Trouble(body.status().message());
  json served = json::parse(*body, nullptr, false);
  if (served.is_discarded() || !served.is_object() || !served.contains("tree_size") ||
      !served["tree_size"].is_number_unsigned() || !served.contains("root") || !served["root"].is_string() ||
      !served.contains("funds") || !served["funds"].is_array() || !served.contains("totals")) {
    return Trouble("GET " + path + " did not answer a report (tree_size, root, funds, totals)");
  }
  const uint64_t size = served["tree_size"].get<uint64_t>();
  Hash report_root{};
  {
    auto raw = crypto::Base64Decode(served["root"].get<std::string>());
    if (!raw || raw->size() != crypto::kHashSize) return Bad("the report's root is not a base64 SHA-256 hash");
    std::copy(raw->begin(), raw->end(), report_root.begin());
  }

  // 2. The signed checkpoint, which must cover the report's tree size.
  auto note = c.Checkpoint();
  if (!note.ok()) return Trouble(note.status().message());
  auto opened = tlog::OpenNote(*note, {log_key->get()});
  if (!opened.ok()) return Bad("the checkpoint is not signed by " + f.Get("vkey") + ": " + opened.status().message());
  auto cp = tlog::ParseCheckpointBody(opened->text);
  if (!cp.ok()) return Bad("the signed checkpoint is malformed: " + cp.status().message());
  if (cp->origin != (*log_key)->name()) return Bad("the checkpoint's origin is " + cp->origin);
  if (cp->size < size) {
    return Bad("the report names tree size " + std::to_string(size) + " but the signed checkpoint is only " +
               std::to_string(cp->size));
  }

  // 3. The report's root is the root at `size` of the signed tree.
  TileNodeReader tiles(&c, cp->size);
  if (cp->size > 0) {
    auto tile_root = tlog::TreeRoot(cp->size, tiles);
    if (!tile_root.ok()) return Trouble("reading tiles: " + tile_root.status().message());
    if (*tile_root != cp->root) return Bad("the hash tiles do not give the checkpoint's root");
  }
  if (size == 0) {
    if (report_root != tlog::EmptyRoot()) return Bad("the report of an empty tree names a non-empty root");
  } else {
    auto proof = tlog::ConsistencyProof(size, cp->size, tiles);
    if (!proof.ok()) return Trouble("reading tiles: " + proof.status().message());
    Status st = tlog::VerifyConsistency(size, cp->size, report_root, cp->root, *proof);
    if (!st.ok()) {
      return Bad("the report's root " + served["root"].get<std::string>() + " is not the root at size " +
                 std::to_string(size) + " of the signed tree (" + st.message() + ")");
    }
  }

  // 4. Download, check and replay entries 0..size-1.
  funds::FundsStateMachine rules;
  tlog::MemoryState state;
  if (Status st = rules.Load(state.Reader(), 0); !st.ok()) return Trouble(st.message());
  std::vector<Hash> frontier;
  Hash last{};
  for (uint64_t b = 0; b * tlog::kTileWidth < size; ++b) {
    const uint64_t base = b * tlog::kTileWidth;
    const int width = static_cast<int>(std::min<uint64_t>(tlog::kTileWidth, cp->size - base));
    auto entries = c.EntryBundle(b, width);
    if (!entries.ok()) {
      return entries.status().code() == Code::kCorruption ? Bad(entries.status().message())
                                                          : Trouble(entries.status().message());
    }
    for (int j = 0; j < width && base + j < size; ++j) {
      const uint64_t seq = base + j;
      const std::string& e = (*entries)[j];
      auto fields = tlog::ParseEntry(e);
      if (!fields.ok()) return Bad("entry " + std::to_string(seq) + " is malformed: " + fields.status().message());
      if (fields->seq != seq || fields->prev != last) {
        return Bad("entry " + std::to_string(seq) + " does not chain (seq or prev wrong)");
      }
      const Hash leaf = tlog::HashLeaf(e);
      tlog::AppendLeaf(seq, leaf, &frontier, [](const tlog::NodeId&, const Hash&) {});
      last = leaf;
      tlog::SequencedEntry se{seq, fields->time, fields->type, fields->by, fields->body};
      Status st = rules.Apply(se, &state);
      if (!st.ok()) {
        return Bad("entry " + std::to_string(seq) + " (" + fields->type + ") breaks a fund rule: " + st.message());
      }
    }
    rules.Sealed(std::min<uint64_t>(size, base + width));
    rules.Durable(std::min<uint64_t>(size, base + width), state.Reader());
  }
  if (size > 0) {
    std::optional<Hash> h;
    for (size_t l = 0; l < 64; ++l) {
      if (size >> l & 1) h = h ? tlog::HashChildren(frontier[l], *h) : frontier[l];
    }
    if (*h != report_root) return Bad("the entries served do not hash to the report's root");
  }

  // 5. Recompute and compare.
  auto mine = funds::ComputeReport(rules.View(), served["root"].get<std::string>(), q);
  if (!mine.ok()) return Bad("recomputing the report: " + mine.status().message());
  json own = funds::ReportJson(*mine);
  printf("report %s..%s%s at tree size %llu, root %s (consistent with signed checkpoint %llu)\n", q.from.c_str(),
         q.to.c_str(), q.fund.empty() ? "" : (" fund " + q.fund).c_str(), (unsigned long long)size,
         served["root"].get<std::string>().c_str(), (unsigned long long)cp->size);
  int bad = 0;
  for (const char* k : {"from", "to"}) {
    if (served.value(k, json()) != own[k]) {
      ++bad;
      printf("MISMATCH  %-28s server %s, asked %s\n", k, served.value(k, json()).dump().c_str(), own[k].dump().c_str());
    }
  }
  std::map<std::string, const json*> server_funds, own_funds;
  for (const json& l : served["funds"]) {
    if (l.is_object() && l.contains("id") && l["id"].is_string()) server_funds[l["id"].get<std::string>()] = &l;
  }
  for (const json& l : own["funds"]) own_funds[l["id"].get<std::string>()] = &l;
  std::set<std::string> ids;
  for (const auto& [id, _] : server_funds) ids.insert(id);
  for (const auto& [id, _] : own_funds) ids.insert(id);
  for (const std::string& id : ids) {
    if (!server_funds.count(id)) {
      ++bad;
      printf("MISMATCH  %-28s missing from the server's report\n", ("fund " + id).c_str());
    } else if (!own_funds.count(id)) {
      ++bad;
      printf("MISMATCH  %-28s not in the entries up to tree size %llu\n",
             ("fund " + EscapeForLog(id)).c_str(), (unsigned long long)size);
    } else {
      bad += CompareLine("fund " + id, *server_funds[id], *own_funds[id]);
    }
  }
  bad += CompareLine("totals", served["totals"], own["totals"]);
  if (bad > 0) {
    printf("MISMATCH: %d figure(s) differ from the report recomputed from the verified entries\n", bad);
    return kMismatch;
  }
  printf("OK: every figure matches the report recomputed from %llu verified entries\n", (unsigned long long)size);
  return 0;
}

}  // namespace ledger::tools
