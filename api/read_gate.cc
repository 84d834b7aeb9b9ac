#include "api/read_gate.h"

#include <algorithm>
#include <thread>

#include "api/problem.h"

namespace ledger::api {

ReadGate::ReadGate(int capacity, std::chrono::milliseconds max_wait)
    : capacity_(capacity > 0 ? capacity : std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2))),
      max_wait_(max_wait) {}

ReadGate::Pass::~Pass() {
  if (gate_ != nullptr) gate_->Leave();
}

std::optional<ReadGate::Pass> ReadGate::Enter() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, max_wait_, [&] { return busy_ < capacity_; })) {
    ++refused_;
    return std::nullopt;
  }
  ++busy_;
  return Pass(this);
}

void ReadGate::Leave() {
  std::lock_guard lock(mu_);
  --busy_;
  cv_.notify_one();
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
