#include "api/read_gate.h"

#include <algorithm>
#include <thread>

#include "api/problem.h"

namespace ledger::api {

using Clock = std::chrono::steady_clock;

ReadGate::ReadGate(int capacity, std::chrono::milliseconds max_wait)
    : capacity_(capacity > 0 ? capacity : std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2))),
      max_wait_(max_wait) {}

ReadGate::Pass::~Pass() {
  if (gate_ != nullptr) gate_->Leave();
}

ReadGate::Writing::~Writing() {
  if (gate_ != nullptr) gate_->WriteDone();
}

bool ReadGate::Limited(Clock::time_point now) const {
  return writes_ > 0 || (last_write_ != Clock::time_point{} && now - last_write_ < kWriteLinger);
}

std::optional<ReadGate::Pass> ReadGate::Enter() {
  std::unique_lock lock(mu_);
  const Clock::time_point deadline = Clock::now() + max_wait_;
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (busy_ < capacity_ || !Limited(now)) break;
    if (now >= deadline) {
      ++refused_;
      return std::nullopt;
    }
    // Woken when a place is left; otherwise look again once the writes may
    // have stopped (no notification per write: writers never pay for readers).
    cv_.wait_until(lock, std::min(deadline, now + kWriteLinger));
  }
  ++busy_;
  return Pass(this);
}

void ReadGate::Leave() {
  std::lock_guard lock(mu_);
  --busy_;
  cv_.notify_one();
}

ReadGate::Writing ReadGate::Write() {
  std::lock_guard lock(mu_);
  ++writes_;
  return Writing(this);
}

void ReadGate::WriteDone() {
  std::lock_guard lock(mu_);
  --writes_;
  last_write_ = Clock::now();
}

uint64_t ReadGate::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

std::optional<ReadGate::Pass> Admit(ReadGate* gate, httplib::Response& res) {
  if (gate == nullptr) return ReadGate::Pass(nullptr);
  auto pass = gate->Enter();
  if (!pass) {
    res.set_header("Retry-After", "1");
    WriteProblem(res, Status(Code::kUnavailable, "the server is busy answering other reads; retry shortly"));
  }
  return pass;
}

httplib::Server::Handler Gated(ReadGate* gate, httplib::Server::Handler handler) {
  if (gate == nullptr) return handler;
  return [gate, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    if (auto pass = Admit(gate, res)) handler(req, res);
  };
}

}  // namespace ledger::api
