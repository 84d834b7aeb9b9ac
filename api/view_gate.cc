#include "api/view_gate.h"

#include <algorithm>
#include <thread>

namespace ledger::api {

ViewGate::ViewGate(int capacity, std::chrono::milliseconds max_wait)
    : capacity_(capacity > 0 ? capacity : std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2))),
      max_wait_(max_wait) {}

ViewGate::Pass::~Pass() {
  if (gate_ != nullptr) gate_->Leave();
}

std::optional<ViewGate::Pass> ViewGate::Enter() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, max_wait_, [&] { return busy_ < capacity_; })) {
    ++refused_;
    return std::nullopt;
  }
  ++busy_;
  return Pass(this);
}

void ViewGate::Leave() {
  std::lock_guard lock(mu_);
  --busy_;
  cv_.notify_one();
}

uint64_t ViewGate::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

}  // namespace ledger::api
