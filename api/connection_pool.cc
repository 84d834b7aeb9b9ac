#include "api/connection_pool.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace ledger::api {

namespace {
constexpr auto kExtraIdleExit = std::chrono::seconds(10);
}  // namespace

ConnectionPool::ConnectionPool(size_t base, size_t max) : base_(std::max<size_t>(base, 1)), max_(std::max(base_, max)) {
  std::lock_guard lock(st_->mu);
  for (size_t i = 0; i < base_; ++i) StartLocked(false);
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::StartLocked(bool extra) {
  st_->threads++;
  std::thread(Work, st_, extra).detach();
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  std::lock_guard lock(st_->mu);
  st_->jobs.push_back(std::move(fn));
  // More jobs waiting than idle threads to take them: one more thread.
  if (st_->jobs.size() > st_->idle && st_->threads < max_ && !st_->stopping) StartLocked(true);
  st_->work_cv.notify_one();
}

void ConnectionPool::shutdown() {
  std::unique_lock lock(st_->mu);
  st_->stopping = true;
  st_->work_cv.notify_all();
  st_->done_cv.wait(lock, [&] { return st_->threads == 0; });
}

void ConnectionPool::Work(std::shared_ptr<State> st, bool extra) {
  std::unique_lock lock(st->mu);
  while (true) {
    st->idle++;
    auto ready = [&] { return st->stopping || !st->jobs.empty(); };
    bool woke = true;
    if (extra) {
      woke = st->work_cv.wait_for(lock, kExtraIdleExit, ready);
    } else {
      st->work_cv.wait(lock, ready);
    }
    st->idle--;
    if (st->jobs.empty()) {
      if (st->stopping || !woke) break;  // stopping and drained, or an idle extra thread
      continue;
    }
    std::function<void()> fn = std::move(st->jobs.front());
    st->jobs.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
  if (--st->threads == 0) st->done_cv.notify_all();
}

void ConfigureConnections(httplib::Server& server, int threads, int max_threads, int timeout_s) {
  server.set_tcp_nodelay(true);  // without it, delayed ACKs stall keep-alive clients by 40 ms
  server.new_task_queue = [threads, max_threads] {
    return new ConnectionPool(static_cast<size_t>(threads), static_cast<size_t>(max_threads));
  };
  server.set_keep_alive_max_count(100000);
  server.set_read_timeout(timeout_s, 0);
  server.set_write_timeout(timeout_s, 0);
  server.set_keep_alive_timeout(std::min(timeout_s, 5));
}

}  // namespace ledger::api
