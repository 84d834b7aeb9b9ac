#include "ledger/funds/state_machine.h"

#include <cstdio>

#include "ledger/funds/body.h"
#include "ledger/funds/change.h"
#include "ledger/funds/record_codec.h"

namespace ledger::funds {
namespace {

constexpr size_t kMaxRetained = 4096;

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    if (__builtin_mul_overflow(v, 10u, &v) || __builtin_add_overflow(v, static_cast<uint64_t>(ch - '0'), &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

// The hot state as stored: summary and funds (O(funds) keys).
Result<std::shared_ptr<HotState>> ReadHot(const tlog::StateReader& store) {
  auto hot = std::make_shared<HotState>();
  auto summary = store.Get(kSummaryKey);
  if (summary.ok()) {
    LEDGER_ASSIGN_OR_RETURN(hot->summary, DecodeSummary(*summary));
  } else if (summary.status().code() != Code::kNotFound) {
    return summary.status();
  }
  std::map<std::string, FundRec> funds;
  Status err;
  LEDGER_RETURN_IF_ERROR(store.Scan(kFundPrefix, {}, [&](std::string_view k, std::string_view v) {
    FundRec& f = funds[std::string(k.substr(kFundPrefix.size()))];
    err = DecodeFundInfo(v, &f);
    return err.ok();
  }));
  LEDGER_RETURN_IF_ERROR(err);
  LEDGER_RETURN_IF_ERROR(store.Scan(kFundTotalsPrefix, {}, [&](std::string_view k, std::string_view v) {
    auto it = funds.find(std::string(k.substr(kFundTotalsPrefix.size())));
    if (it == funds.end()) {
      err = Corruption("fund totals without a fund: " + std::string(k));
      return false;
    }
    err = DecodeFundTotals(v, &it->second);
    return err.ok();
  }));
  LEDGER_RETURN_IF_ERROR(err);
  for (auto& [id, f] : funds) {
    if (f.id != id) return Corruption("fund record " + id + " names fund " + f.id);
    hot->all.Add(f.totals);
    hot->funds.emplace(id, std::make_shared<const FundRec>(std::move(f)));
  }
  // The organisation: profiles, net assets by year, closed years (a few
  // keys a year).
  LEDGER_RETURN_IF_ERROR(store.Scan(kProfilePrefix, {}, [&](std::string_view, std::string_view v) {
    auto p = DecodeProfile(v);
    if (!p.ok()) {
      err = p.status();
      return false;
    }
    hot->profiles[p->effective_from] = std::move(*p);
    return true;
  }));
  LEDGER_RETURN_IF_ERROR(err);
  auto decimal_years = [&](std::string_view prefix, auto* out) {
    return store.Scan(prefix, {}, [&, prefix](std::string_view k, std::string_view v) {
      uint64_t n, year;
      if (!ParseU64(v, &n) || !ParseU64(k.substr(prefix.size()), &year)) {
        err = Corruption("undecodable record " + std::string(k));
        return false;
      }
      (*out)[static_cast<int>(year)] = n;
      return true;
    });
  };
  LEDGER_RETURN_IF_ERROR(decimal_years(kNetAssetsPrefix, &hot->net_assets));
  LEDGER_RETURN_IF_ERROR(decimal_years(kClosedPrefix, &hot->closed_years));
  LEDGER_RETURN_IF_ERROR(err);
  return hot;
}

}  // namespace

Status FundsStateMachine::Load(std::shared_ptr<const tlog::StateReader> at, uint64_t tree_size) {
  uint64_t stored_size = 0;
  auto meta = at->Get(kMetaKey);
  if (meta.ok()) {
    if (!ParseU64(*meta, &stored_size)) return Corruption("undecodable fund state size");
  } else if (meta.status().code() != Code::kNotFound) {
    return meta.status();
  }
  // Entries the domain refuses never reach the log and every accepted one
  // writes "M" in its own batch, so "M" equals the tree size; anything else
  // means the state and the log were not written together.
  if (stored_size != tree_size) {
    return Corruption("fund state reflects tree size " + std::to_string(stored_size) + " but the log has " +
                      std::to_string(tree_size));
  }
  LEDGER_ASSIGN_OR_RETURN(std::shared_ptr<HotState> hot, ReadHot(*at));
  working_ = hot;
  working_frozen_ = true;
  durable_hot_ = hot;
  sealed_.clear();
  {
    std::lock_guard g(mu_);
    retained_.clear();
  }
  Publish(FundsView{tree_size, std::move(hot), std::move(at)});
  return Status::Ok();
}

namespace {

// A draft's type and body as Decode parsed them.
struct DecodedBody : tlog::Decoded {
  DecodedBody(EntryType t, Body b) : type(t), body(std::move(b)) {}
  EntryType type;
  Body body;
};

}  // namespace

Result<std::shared_ptr<const tlog::Decoded>> FundsStateMachine::Decode(std::string_view type_name, std::string_view,
                                                                     std::string_view text) const {
  LEDGER_ASSIGN_OR_RETURN(EntryType type, ParseEntryType(type_name));
  LEDGER_ASSIGN_OR_RETURN(Body body, ParseCanonicalBody(type, text));
  return std::shared_ptr<const tlog::Decoded>(std::make_shared<const DecodedBody>(type, std::move(body)));
}

Status FundsStateMachine::Apply(const tlog::SequencedEntry& entry, tlog::StateWriter* w) {
  // The log passes what Decode made of this very entry; anything else (or
  // nothing) is decoded here.
  const auto* decoded = dynamic_cast<const DecodedBody*>(entry.decoded);
  std::shared_ptr<const tlog::Decoded> own;
  if (decoded == nullptr) {
    LEDGER_ASSIGN_OR_RETURN(own, Decode(entry.type, entry.by, entry.body));
    decoded = static_cast<const DecodedBody*>(own.get());
  }
  const EntryType type = decoded->type;
  const Body& body = decoded->body;
  LEDGER_ASSIGN_OR_RETURN(Change c, Decide(entry, type, body, RuleContext{*working_, *w, options_.utc_offset_minutes}));
  if (working_frozen_) {
    working_ = std::make_shared<HotState>(*working_);
    working_frozen_ = false;
  }
  LEDGER_RETURN_IF_ERROR(c.Stage(w, working_.get()));
  w->Put(kMetaKey, std::to_string(entry.seq + 1));
  return Status::Ok();
}

void FundsStateMachine::Sealed(uint64_t end_size) {
  working_frozen_ = true;
  sealed_.emplace_back(end_size, working_);
}

void FundsStateMachine::Durable(uint64_t tree_size, std::shared_ptr<const tlog::StateReader> at) {
  std::shared_ptr<const HotState> hot;
  while (!sealed_.empty() && sealed_.front().first <= tree_size) {
    hot = std::move(sealed_.front().second);
    sealed_.pop_front();
  }
  if (hot == nullptr) {
    fprintf(stderr, "funds: durable size %llu was never sealed\n", static_cast<unsigned long long>(tree_size));
    hot = durable_hot_;
  }
  durable_hot_ = hot;
  Publish(FundsView{tree_size, std::move(hot), std::move(at)});
}

void FundsStateMachine::Abandon() {
  sealed_.clear();
  working_ = std::const_pointer_cast<HotState>(durable_hot_);
  working_frozen_ = true;
}

void FundsStateMachine::Rollback() {
  const auto& last = sealed_.empty() ? durable_hot_ : sealed_.back().second;
  working_ = std::const_pointer_cast<HotState>(last);
  working_frozen_ = true;
}

void FundsStateMachine::Closing() {
  std::lock_guard g(mu_);
  retained_.clear();
  published_.store.reset();
}

void FundsStateMachine::Publish(FundsView v) {
  const auto now = std::chrono::steady_clock::now();
  std::deque<std::pair<std::chrono::steady_clock::time_point, FundsView>> dropped;
  {
    std::lock_guard g(mu_);
    published_ = v;
    retained_.emplace_back(now, std::move(v));
    // Keep the newest two whatever their age: a checkpoint signed just
    // before a quiet spell must still find its view.
    while (retained_.size() > 2 &&
           (retained_.size() > kMaxRetained || now - retained_.front().first > options_.retain)) {
      dropped.push_back(std::move(retained_.front()));
      retained_.pop_front();
    }
  }
  published_cv_.notify_all();
  // `dropped` releases its store snapshots here, outside the lock.
}

FundsView FundsStateMachine::View() const {
  std::lock_guard g(mu_);
  return published_;
}

std::optional<FundsView> FundsStateMachine::ViewAt(uint64_t size) const {
  std::lock_guard g(mu_);
  for (auto it = retained_.rbegin(); it != retained_.rend(); ++it) {
    if (it->second.size == size) return it->second;
    if (it->second.size < size) break;
  }
  return std::nullopt;
}

bool FundsStateMachine::WaitForSize(uint64_t size, std::chrono::milliseconds timeout) const {
  std::unique_lock g(mu_);
  return published_cv_.wait_for(g, timeout, [&] { return published_.size >= size; });
}

}  // namespace ledger::funds
