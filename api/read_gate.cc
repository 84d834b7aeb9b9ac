#include "api/read_gate.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <future>

#include "api/problem.h"

namespace ledger::api {

using Clock = std::chrono::steady_clock;

struct ReadGate::Task {
  const std::function<void()>* read;
  std::promise<void> done;
};

ReadGate::ReadGate(int capacity, std::chrono::milliseconds max_wait)
    : capacity_(capacity > 0 ? capacity : std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2))),
      max_wait_(max_wait) {
  // At most capacity_ passes are admitted while reads are limited, so
  // capacity_ threads never keep one waiting for a thread.
  for (int i = 0; i < capacity_; ++i) workers_.emplace_back([this] { Worker(); });
}

ReadGate::~ReadGate() {
  {
    std::lock_guard lock(tasks_mu_);
    stopping_ = true;
  }
  tasks_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ReadGate::Worker() {
  pthread_setname_np(pthread_self(), "read-gate");
  // Lowering one's own priority needs no privilege (on Linux, the nice value
  // of a thread is its own). If it fails, reads still run, at the caller's.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kReadNice);
  std::unique_lock lock(tasks_mu_);
  while (true) {
    tasks_cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and nothing is left to compute
    Task* t = tasks_.front();
    tasks_.pop_front();
    lock.unlock();
    try {
      (*t->read)();
      t->done.set_value();
    } catch (...) {
      t->done.set_exception(std::current_exception());
    }
    lock.lock();
  }
}

void ReadGate::Run(const Pass& pass, const std::function<void()>& read) {
  if (!pass.yields_ || pass.gate_ != this) return read();
  Task t{&read, {}};
  std::future<void> done = t.done.get_future();
  {
    std::lock_guard lock(tasks_mu_);
    tasks_.push_back(&t);
  }
  tasks_cv_.notify_one();
  done.get();
}

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
  bool limited;
  for (;;) {
    const Clock::time_point now = Clock::now();
    limited = Limited(now);
    if (busy_ < capacity_ || !limited) break;
    if (now >= deadline) {
      ++refused_;
      return std::nullopt;
    }
    // Woken when a place is left; otherwise look again once the writes may
    // have stopped (no notification per write: writers never pay for readers).
    cv_.wait_until(lock, std::min(deadline, now + kWriteLinger));
  }
  ++busy_;
  return Pass(this, limited);
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

bool Admit(ReadGate* gate, httplib::Response& res, const std::function<void()>& read) {
  if (gate == nullptr) {
    read();
    return true;
  }
  auto pass = gate->Enter();
  if (!pass) {
    res.set_header("Retry-After", "1");
    WriteProblem(res, Status(Code::kUnavailable, "the server is busy answering other reads; retry shortly"));
    return false;
  }
  gate->Run(*pass, read);
  return true;
}

httplib::Server::Handler Gated(ReadGate* gate, httplib::Server::Handler handler) {
  if (gate == nullptr) return handler;
  return [gate, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    Admit(gate, res, [&] { handler(req, res); });
  };
}

}  // namespace ledger::api
