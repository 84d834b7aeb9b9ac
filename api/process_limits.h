// File descriptors of the ledgerd process: the open-file limit, how it is
// shared between the store and connections, and closing what connections
// are left at shutdown. Linux (reads /proc/self/fd).
//
// Budget (docs/operations.md): with a soft limit L (raised to the hard
// limit at start), RocksDB may hold StoreOpenFiles(max_open_files) with
// max_open_files = clamp(L / 4, 32, 512); kReservedFds more are kept for
// ledgerd itself (stdio, the listening socket, the token file, a site file
// being served, witness connections, refusal threads' sockets); the rest,
// L - store - reserved, is max_connections.
#ifndef LEDGER_API_PROCESS_LIMITS_H_
#define LEDGER_API_PROCESS_LIMITS_H_

#include <cstdint>
#include <string>

#include "ledger/base/status.h"

namespace ledger::api {

inline constexpr uint64_t kReservedFds = 32;

struct FdLimits {
  uint64_t soft = 0, hard = 0;
  uint64_t soft_before = 0;  // before RaiseFdLimit
};

// Raises the soft RLIMIT_NOFILE to the hard one and returns both.
Result<FdLimits> RaiseFdLimit();
// The current soft limit; 0 when unknown.
uint64_t FdLimit();
// Open descriptors of this process; 0 when unknown.
uint64_t CountOpenFds();
// The same, counted at most every 500 ms (for /healthz, which load
// balancers and benchmarks call often). Thread-safe.
uint64_t CountOpenFdsCached();

struct FdPlan {
  int max_open_files = 0;  // RocksDB table files kept open
  uint64_t store_fds = 0;  // what the store may hold in all
  uint64_t max_connections = 0;
  std::string problem;  // non-empty when the limit is too low to run well
};
FdPlan PlanFds(uint64_t limit);

// Shuts down (both ways) every connected TCP socket of this process whose
// local port is `port`: the connections accepted on it. Returns how many.
int ShutdownConnectionsOnPort(int port);

// The accept queue of ledgerd's listening socket. cpp-httplib (a shared
// library) listens with a backlog of 5: a burst of new connections while the
// accepting thread waits for a CPU overflows it, and Linux then drops the
// handshake's last ACK, so a client that already sent its request may see
// the connection reset instead of an answer (BackpressureTest: 32 clients
// connecting at once on a loaded machine lost up to 10 first requests).
constexpr int kListenBacklog = 1024;  // the kernel caps it at net.core.somaxconn

// Listens again, with `backlog`, on every listening TCP socket of this
// process whose local port is `port` (Linux takes a new backlog from a
// second listen(2)). Returns how many sockets it changed.
int WidenListenBacklog(int port, int backlog);

}  // namespace ledger::api

#endif  // LEDGER_API_PROCESS_LIMITS_H_
