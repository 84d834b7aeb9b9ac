#include "api/connection_pool.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "api/accept_hook.h"

namespace ledger::api {

namespace {
constexpr auto kExtraIdleExit = std::chrono::seconds(10);
thread_local bool t_refusing = false;
}  // namespace

bool ConnectionPool::Refusing() { return t_refusing; }

ConnectionPool::ConnectionPool(PoolOptions options, ConnectionStats* stats)
    : options_([&] {
        options.base_threads = std::max<size_t>(options.base_threads, 1);
        options.max_threads = std::max(options.base_threads, options.max_threads);
        options.max_connections = std::max<size_t>(options.max_connections, 1);
        return options;
      }()) {
  std::lock_guard lock(st_->mu);
  st_->stats = stats;
  if (stats != nullptr) stats->max = options_.max_connections;
  for (size_t i = 0; i < options_.base_threads; ++i) StartLocked(false);
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::StartLocked(bool extra) {
  st_->threads++;
  std::thread(Work, st_, extra).detach();
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  const int fd = TakeAcceptedSocket();
  std::unique_lock lock(st_->mu);
  if (st_->connections >= options_.max_connections && !st_->stopping) {
    if (st_->stats != nullptr) st_->stats->refused++;
    if (fd >= 0) {
      // Over the limit, and the socket is known: answer 503 at once, before
      // reading anything, and shut it down; cpp-httplib's closure then finds
      // it closed, returns and closes the descriptor.
      lock.unlock();
      if (!options_.refusal.empty()) {
        send(fd, options_.refusal.data(), options_.refusal.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      }
      ::shutdown(fd, SHUT_RDWR);
      fn();
      return;
    }
    // The socket is not known (accept_hook.h): a refusal thread answers 503
    // once it has read the request. When all of those are busy, stop
    // accepting until one is free.
    st_->refusing_cv.wait(lock, [&] { return st_->refusing < kMaxRefusing || st_->stopping; });
    st_->refusing++;
    st_->threads++;
    std::thread(Refuse, st_, std::move(fn)).detach();
    return;
  }
  st_->connections++;
  if (st_->stats != nullptr) st_->stats->open = st_->connections;
  st_->jobs.push_back(std::move(fn));
  // More jobs waiting than idle threads to take them: one more thread.
  if (st_->jobs.size() > st_->idle && st_->threads < options_.max_threads && !st_->stopping)
    StartLocked(true);
  st_->work_cv.notify_one();
}

void ConnectionPool::Refuse(std::shared_ptr<State> st, std::function<void()> fn) {
  t_refusing = true;
  fn();
  std::lock_guard lock(st->mu);
  st->refusing--;
  st->refusing_cv.notify_one();
  if (--st->threads == 0) st->done_cv.notify_all();
}

void ConnectionPool::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  std::unique_lock lock(st_->mu);
  st_->stopping = true;
  st_->work_cv.notify_all();
  st_->refusing_cv.notify_all();
  auto drained = [&] { return st_->threads == 0; };
  if (st_->done_cv.wait_for(lock, options_.drain, drained)) return;
  const size_t left = st_->connections;
  lock.unlock();
  fprintf(stderr, "ledgerd: %zu connection(s) still open after the %lld s drain time; closing them\n", left,
          static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(options_.drain).count()));
  if (options_.close_leftovers) options_.close_leftovers();
  lock.lock();
  if (st_->done_cv.wait_for(lock, kAfterCloseWait, drained)) return;
  fprintf(stderr, "ledgerd: %zu connection thread(s) still busy %lld s after their sockets were closed\n",
          st_->threads, static_cast<long long>(kAfterCloseWait.count()));
  if (st_->stats != nullptr) st_->stats->undrained = true;
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
    st->connections--;
    if (st->stats != nullptr) st->stats->open = st->connections;
  }
  if (--st->threads == 0) st->done_cv.notify_all();
}

void ConfigureConnections(httplib::Server& server, const PoolOptions& pool, ConnectionStats* stats, int timeout_s) {
  server.set_tcp_nodelay(true);  // without it, delayed ACKs stall keep-alive clients by 40 ms
  server.new_task_queue = [pool, stats] { return new ConnectionPool(pool, stats); };
  server.set_keep_alive_max_count(100000);
  server.set_read_timeout(timeout_s, 0);
  server.set_write_timeout(timeout_s, 0);
  server.set_keep_alive_timeout(std::min(timeout_s, 5));
}

}  // namespace ledger::api
