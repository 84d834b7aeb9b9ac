#include "tests/funds/fake_log.h"

#include <nlohmann/json.hpp>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"

namespace ledger::funds::testing {

FakeLog::FakeLog(tlog::StateMachine* sm) : sm_(sm) {
  if (sm_ != nullptr) {
    Status s = sm_->Load(store_, 0);
    (void)s;
  }
}

Result<tlog::Appended> FakeLog::Append(tlog::EntryDraft draft) {
  std::vector<tlog::EntryDraft> v;
  v.push_back(std::move(draft));
  return std::move(AppendAll(std::move(v))[0]);
}

std::vector<Result<tlog::Appended>> FakeLog::AppendAll(std::vector<tlog::EntryDraft> drafts) {
  std::lock_guard g(mu_);
  std::vector<Result<tlog::Appended>> out;
  MapState batch(&store_);
  std::vector<std::string> new_entries;
  std::vector<tlog::Hash> new_leaves;
  for (auto& d : drafts) {
    uint64_t seq = entries_.size() + new_entries.size();
    tlog::Hash prev{};
    if (!new_leaves.empty()) prev = new_leaves.back();
    else if (!leaves_.empty()) prev = leaves_.back();
    // {"body":<body>,"by":..,"prev":..,"seq":..,"time":..,"type":..,"v":1}
    std::string e = "{\"body\":" + d.body + ",\"by\":" + nlohmann::json(d.by).dump() +
                    ",\"prev\":\"" + crypto::Base64Encode(crypto::AsBytes(prev)) +
                    "\",\"seq\":" + std::to_string(seq) + ",\"time\":\"" + time_ +
                    "\",\"type\":" + nlohmann::json(d.type).dump() + ",\"v\":1}";
    if (sm_ != nullptr) {
      MapState one(&batch);
      tlog::SequencedEntry se{seq, time_, d.type, d.by, d.body, d.context};
      Status s = sm_->Apply(se, &one);
      if (!s.ok()) {
        out.emplace_back(s);
        continue;
      }
      one.MergeInto(&batch);
    }
    std::string leaf_in = std::string(1, '\0') + e;
    tlog::Hash h = crypto::Sha256Of(leaf_in);
    new_entries.push_back(e);
    new_leaves.push_back(h);
    out.emplace_back(tlog::Appended{seq, h, e});
  }
  if (fail_next_) {
    fail_next_ = false;
    if (sm_ != nullptr) sm_->Abandon();
    for (auto& r : out) {
      if (r.ok()) r = Status(Code::kIOError, "injected write failure");
    }
    return out;
  }
  batch.MergeInto(&store_);
  for (auto& e : new_entries) entries_.push_back(std::move(e));
  for (auto& h : new_leaves) leaves_.push_back(h);
  if (sm_ != nullptr) sm_->Durable(entries_.size());
  return out;
}

uint64_t FakeLog::Size() const {
  std::lock_guard g(mu_);
  return entries_.size();
}

Result<std::string> FakeLog::Entry(uint64_t seq) const {
  std::lock_guard g(mu_);
  if (seq >= entries_.size()) return NotFound("no entry " + std::to_string(seq));
  return entries_[seq];
}

Result<tlog::Hash> FakeLog::LeafHash(uint64_t seq) const {
  std::lock_guard g(mu_);
  if (seq >= leaves_.size()) return NotFound("no entry " + std::to_string(seq));
  return leaves_[seq];
}

// RFC 9162 MTH, recursively (slow; fine for tests).
tlog::Hash FakeLog::RootLocked(uint64_t lo, uint64_t hi) const {
  if (hi - lo == 1) return leaves_[lo];
  uint64_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  tlog::Hash l = RootLocked(lo, lo + k), r = RootLocked(lo + k, hi);
  crypto::Sha256 h;
  uint8_t one = 1;
  h.Update(&one, 1);
  h.Update(l.data(), l.size());
  h.Update(r.data(), r.size());
  return h.Finish();
}

Result<tlog::Hash> FakeLog::Root(uint64_t size) const {
  std::lock_guard g(mu_);
  if (size > leaves_.size()) return OutOfRange("beyond tree");
  if (size == 0) return crypto::Sha256Of("");
  return RootLocked(0, size);
}

Result<tlog::Checkpoint> FakeLog::CheckpointAt(uint64_t size) const {
  auto root = Root(size);
  if (!root.ok()) return root.status();
  tlog::Checkpoint c;
  c.size = size;
  c.root = *root;
  c.note = origin_ + "\n" + std::to_string(size) + "\n" +
           crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n";
  return c;
}

Result<tlog::Checkpoint> FakeLog::LatestCheckpoint() const {
  uint64_t n = Size();
  if (n == 0) return NotFound("no checkpoint yet");
  return CheckpointAt(n);
}

Result<tlog::Checkpoint> FakeLog::WaitForCheckpoint(uint64_t size,
                                                    std::chrono::milliseconds) const {
  if (Size() < size) return Status(Code::kUnavailable, "tree too small");
  return LatestCheckpoint();
}

}  // namespace ledger::funds::testing
