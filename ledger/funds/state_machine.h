// FundsStateMachine: the charity domain's tlog::StateMachine.
//
// Decode parses a draft's body on the appending thread (any number at once);
// for each sequenced entry, Apply takes that parse (or parses the body
// itself when there is none, as in a replay), lets the rules decide its
// effect (rules.h) and stages that one Change (change.h): the store writes go
// into the entry's batch, the hot-state edits into a working copy. At a batch
// boundary (Sealed) the working copy is frozen; when the batch is durable
// (Durable) the frozen copy and the store snapshot the log hands over become
// the published FundsView (view.h), by swapping one pointer.
//
// Readers take View(): the newest published view, or ViewAt(size) for a view
// of the last few seconds (reports anchored to a checkpoint). Taking a view
// copies two shared pointers under a mutex that nothing else holds for longer
// than such a copy; computing over a view holds no lock at all, so no report
// ever holds up a write.
//
// Load reads the hot state only: the summary and the funds ("S", "F/",
// "FT/" keys) and the stored tree size: O(funds) keys, never an entry.
//
// Thread-safety: the tlog::StateMachine methods are called from the log's
// sequencer thread; View, ViewAt, durable_size and WaitForSize from any thread.
#ifndef LEDGER_FUNDS_STATE_MACHINE_H_
#define LEDGER_FUNDS_STATE_MACHINE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "ledger/funds/hot_state.h"
#include "ledger/funds/rules.h"
#include "ledger/funds/view.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

class FundsStateMachine : public tlog::StateMachine {
 public:
  struct Options {
    int utc_offset_minutes = kDefaultUtcOffsetMinutes;
    // Published views kept for ViewAt: those of the last `retain` period.
    std::chrono::milliseconds retain{3000};
  };
  FundsStateMachine() : FundsStateMachine(Options()) {}
  explicit FundsStateMachine(Options options) : options_(options) {}

  Status Load(std::shared_ptr<const tlog::StateReader> at, uint64_t tree_size) override;
  Result<std::shared_ptr<const tlog::Decoded>> Decode(std::string_view type, std::string_view by,
                                                      std::string_view body) const override;
  Status Apply(const tlog::SequencedEntry& entry, tlog::StateWriter* w) override;
  void Sealed(uint64_t end_size) override;
  void Durable(uint64_t tree_size, std::shared_ptr<const tlog::StateReader> at) override;
  void Abandon() override;
  void Rollback() override;
  void Closing() override;

  // The newest published view; its size is 0 and its store null before Load.
  FundsView View() const;
  // The published view at exactly `size`, while it is retained.
  std::optional<FundsView> ViewAt(uint64_t size) const;
  uint64_t durable_size() const { return View().size; }
  // True once a published view covers `size` entries; false on timeout.
  bool WaitForSize(uint64_t size, std::chrono::milliseconds timeout) const;

 private:
  void Publish(FundsView v);

  const Options options_;

  // Sequencer thread only.
  std::shared_ptr<HotState> working_ = std::make_shared<HotState>();
  bool working_frozen_ = false;  // shared with sealed_: clone before changing
  std::deque<std::pair<uint64_t, std::shared_ptr<const HotState>>> sealed_;  // not yet durable
  std::shared_ptr<const HotState> durable_hot_ = working_;

  // Readers.
  mutable std::mutex mu_;  // guards the two below; held only to copy or swap pointers
  FundsView published_{0, std::make_shared<const HotState>(), nullptr};
  std::deque<std::pair<std::chrono::steady_clock::time_point, FundsView>> retained_;
  mutable std::condition_variable published_cv_;
};

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_STATE_MACHINE_H_
