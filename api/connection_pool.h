// The threads that serve connections. cpp-httplib gives each open connection
// a thread for as long as it stays open, so with a fixed pool, as many slow
// or idle clients as there are threads stall everyone else until the read
// timeout. This pool keeps `base` threads and, while every thread is busy,
// starts more, up to `max`; a thread above `base` exits after 10 s without
// work. Beyond `max` open connections new ones wait for a thread: put a
// proxy with a per-address connection limit in front if that matters.
//
// Thread-safety: enqueue and shutdown may be called from any thread.
#ifndef LEDGER_API_CONNECTION_POOL_H_
#define LEDGER_API_CONNECTION_POOL_H_

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace ledger::api {

class ConnectionPool : public httplib::TaskQueue {
 public:
  ConnectionPool(size_t base, size_t max);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then returns once every thread has stopped.
  void shutdown() override;

 private:
  // Shared with the threads, which are detached: each holds the state alive
  // until it has left its last critical section.
  struct State {
    std::mutex mu;
    std::condition_variable work_cv, done_cv;
    std::deque<std::function<void()>> jobs;
    size_t threads = 0, idle = 0;
    bool stopping = false;
  };
  static void Work(std::shared_ptr<State> st, bool extra);
  void StartLocked(bool extra);

  const size_t base_, max_;
  std::shared_ptr<State> st_ = std::make_shared<State>();
};

// How an httplib server handles connections, shared by ledgerd
// (ConfigureServer in api/server.h) and `ledgerctl witness`: TCP_NODELAY, a
// ConnectionPool of `threads` kept up to `max_threads`, read and write
// timeouts of `timeout_s` seconds (a client that sends nothing for that long
// is dropped), idle keep-alive connections closed after min(5, timeout_s) s.
void ConfigureConnections(httplib::Server& server, int threads, int max_threads, int timeout_s);

}  // namespace ledger::api

#endif  // LEDGER_API_CONNECTION_POOL_H_
