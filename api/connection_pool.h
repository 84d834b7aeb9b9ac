// The threads that serve connections. cpp-httplib gives each open connection
// a thread for as long as it stays open, so with a fixed pool, as many slow
// or idle clients as there are threads stall everyone else until the read
// timeout. This pool keeps `base` threads and, while every thread is busy,
// starts more, up to `max_threads`; a thread above `base` exits after 10 s
// without work. Beyond `max_threads` open connections new ones wait for a
// thread: put a proxy with a per-address connection limit in front if that
// matters.
//
// Open connections hold file descriptors, which the store needs too (a
// RocksDB that cannot open its next WAL stops writes). So the pool keeps at
// most `max_connections` open (the open-file limit minus what the store and
// ledgerd itself may hold; api/process_limits.h). A connection beyond that is
// refused as soon as it is accepted: `refusal` (a complete HTTP 503 answer
// with Retry-After; empty for TLS, which cannot be answered before its
// handshake) is written to it without reading anything, and it is closed.
// Where the accepted socket is not known (api/accept_hook.h), it is served
// instead by one of at most kMaxRefusing refusal threads, on which Refusing()
// is true: the routes answer 503 with Retry-After and close it; when even
// those are busy, the accepting thread waits for one (new connections then
// queue in the kernel), so descriptors stay bounded either way.
//
// Shutdown drains: queued and running connections get up to `drain` to
// finish; then the sockets still open on the listening port are shut down
// (close_leftovers), which ends every read or write blocked on them, and the
// threads get kAfterCloseWait more. A handler that still has not returned is
// left running and stats->undrained is set, so that main exits without
// destroying what it may use.
//
// Thread-safety: enqueue and shutdown may be called from any thread.
#ifndef LEDGER_API_CONNECTION_POOL_H_
#define LEDGER_API_CONNECTION_POOL_H_

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace ledger::api {

// Counters shared with /healthz and /metrics.
struct ConnectionStats {
  std::atomic<uint64_t> open{0};       // connections queued or being served
  std::atomic<uint64_t> refused{0};    // connections answered 503 for being over max_connections
  std::atomic<uint64_t> max{0};        // max_connections
  std::atomic<bool> undrained{false};  // a connection thread was still running after shutdown
};

struct PoolOptions {
  size_t base_threads = 96;
  size_t max_threads = 1024;
  size_t max_connections = SIZE_MAX;
  std::chrono::milliseconds drain{10000};
  // The bytes written to a connection refused for being over the limit.
  std::string refusal;
  // Shuts down the sockets of connections still open when the drain time
  // is over; may be empty.
  std::function<void()> close_leftovers;
};

class ConnectionPool : public httplib::TaskQueue {
 public:
  static constexpr size_t kMaxRefusing = 16;
  static constexpr std::chrono::seconds kAfterCloseWait{5};

  // `stats` may be null; it must outlive the pool's threads.
  ConnectionPool(PoolOptions options, ConnectionStats* stats);
  ~ConnectionPool() override;

  void enqueue(std::function<void()> fn) override;
  // Drains as described above, then returns.
  void shutdown() override;

  // True on a thread serving a connection over max_connections.
  static bool Refusing();

 private:
  // Shared with the threads, which are detached: each holds the state alive
  // until it has left its last critical section.
  struct State {
    std::mutex mu;
    std::condition_variable work_cv, done_cv, refusing_cv;
    std::deque<std::function<void()>> jobs;
    size_t threads = 0, idle = 0, refusing = 0;
    size_t connections = 0;  // jobs queued or running (not refusals)
    bool stopping = false;
    ConnectionStats* stats = nullptr;
  };
  static void Work(std::shared_ptr<State> st, bool extra);
  static void Refuse(std::shared_ptr<State> st, std::function<void()> fn);
  void StartLocked(bool extra);

  const PoolOptions options_;
  std::shared_ptr<State> st_ = std::make_shared<State>();
  bool shut_down_ = false;
};

// How an httplib server handles connections, shared by ledgerd
// (ConfigureServer in api/server.h) and `ledgerctl witness`: TCP_NODELAY, a
// ConnectionPool with `pool` (threads kept, their limit, the connection limit
// and drain time), read and write timeouts of `timeout_s` seconds (a client
// that sends nothing for that long is dropped), idle keep-alive connections
// closed after min(5, timeout_s) s. `stats` may be null.
void ConfigureConnections(httplib::Server& server, const PoolOptions& pool, ConnectionStats* stats, int timeout_s);

}  // namespace ledger::api

#endif  // LEDGER_API_CONNECTION_POOL_H_
