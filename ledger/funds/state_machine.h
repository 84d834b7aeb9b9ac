// FundsStateMachine: the charity domain's tlog::StateMachine.
//
// Owns the fund state (state.h). The log's sequencer thread calls Load once,
// then Apply per entry, and Durable/Abandon per batch. Entries applied since
// the last Durable are staged; readers only ever see state as of a durable
// tree size. Every accepted entry stages its derived-state writes (layout in
// record_codec.h) in the entry's own batch, so Load restores the state from
// the store without reading the log.
//
// A draft built by funds::Ledger carries a DraftContext (parsed body, actor,
// idempotency key) in EntryDraft::context. A draft without one (a replay, or
// a raw append) has its body parsed and checked for canonical form here, and
// role checks are skipped because the actor is unknown.
//
// Thread-safety: the StateMachine methods are called from one thread. Read(),
// durable_size() and WaitForSize() may be called from any thread at any time;
// a Snapshot holds a shared lock until destroyed, so keep it short, and never
// take a second Snapshot while holding one. The lock prefers the writer:
// publishing a durable batch (Durable, on the sequencer thread) waits only for
// the Snapshots already held, never for a stream of new ones, so a steady
// load of reports cannot stall every write (glibc's shared_mutex prefers
// readers).
#ifndef LEDGER_FUNDS_STATE_MACHINE_H_
#define LEDGER_FUNDS_STATE_MACHINE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "ledger/funds/body.h"
#include "ledger/funds/entry_types.h"
#include "ledger/funds/state.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

struct DraftContext {
  EntryType type = EntryType::kFundOpen;
  Body body;
  std::optional<Actor> actor;
  std::string idempotency_key;
};

class FundsStateMachine : public tlog::StateMachine {
 public:
  // A consistent, durable view of the fund state; holds a reader lock.
  class Snapshot {
   public:
    const FundsData& data() const { return *data_; }
    const FundsData* operator->() const { return data_; }

   private:
    friend class FundsStateMachine;
    Snapshot(std::mutex* gate, std::shared_mutex* mu, const FundsData* d) : lock_(LockShared(gate, mu)), data_(d) {}
    static std::shared_lock<std::shared_mutex> LockShared(std::mutex* gate, std::shared_mutex* mu) {
      std::lock_guard g(*gate);  // held by a waiting writer: new readers queue behind it
      return std::shared_lock<std::shared_mutex>(*mu);
    }
    std::shared_lock<std::shared_mutex> lock_;
    const FundsData* data_;
  };

  Status Load(const tlog::StateReader& store, uint64_t tree_size) override;
  Status Apply(const tlog::SequencedEntry& entry, tlog::StateWriter* w) override;
  void Durable(uint64_t tree_size) override;
  void Abandon() override;

  Snapshot Read() const { return Snapshot(&gate_, &mu_, &state_.published()); }
  uint64_t durable_size() const;
  // True once the published state covers `size` entries; false on timeout.
  bool WaitForSize(uint64_t size, std::chrono::milliseconds timeout) const;

  // Sequencer-thread view of staged + published state, for tests that drive
  // Apply directly.
  const FundsState& staged_state() const { return state_; }

 private:
  mutable std::mutex gate_;  // taken by readers before mu_, and held by a writer while it waits for mu_
  mutable std::shared_mutex mu_;
  mutable std::mutex size_mu_;
  mutable std::condition_variable size_cv_;
  uint64_t size_ = 0;  // guarded by size_mu_
  FundsState state_;
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_STATE_MACHINE_H_
