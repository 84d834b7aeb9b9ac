#include "api/process_limits.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "ledger/tlog/log.h"

namespace ledger::api {

Result<FdLimits> RaiseFdLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return IOError(std::string("getrlimit: ") + strerror(errno));
  FdLimits out;
  out.soft_before = rl.rlim_cur;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
      return IOError("raising the open-file limit to " + std::to_string(rl.rlim_max) + ": " +
                     strerror(errno));
    }
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return IOError(std::string("getrlimit: ") + strerror(errno));
  out.soft = rl.rlim_cur;
  out.hard = rl.rlim_max;
  return out;
}

uint64_t FdLimit() {
  struct rlimit rl;
  return getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 0;
}

uint64_t CountOpenFds() {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  uint64_t n = 0;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n > 0 ? n - 1 : 0;  // the directory stream's own descriptor
}

uint64_t CountOpenFdsCached() {
  static std::atomic<int64_t> counted_ms{0};
  static std::atomic<uint64_t> count{0};
  static std::mutex mu;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  const int64_t last = counted_ms.load(std::memory_order_acquire);
  if (last != 0 && now - last < 500) return count.load(std::memory_order_relaxed);
  std::unique_lock lock(mu, std::try_to_lock);
  if (!lock.owns_lock() && last != 0) return count.load(std::memory_order_relaxed);
  if (!lock.owns_lock()) lock.lock();
  count.store(CountOpenFds(), std::memory_order_relaxed);
  counted_ms.store(now, std::memory_order_release);
  return count.load(std::memory_order_relaxed);
}

FdPlan PlanFds(uint64_t limit) {
  FdPlan p;
  p.max_open_files = static_cast<int>(std::clamp<uint64_t>(limit / 4, 32, 512));
  p.store_fds = static_cast<uint64_t>(tlog::StoreOpenFiles(p.max_open_files));
  const uint64_t used = p.store_fds + kReservedFds;
  p.max_connections = limit > used ? limit - used : 0;
  if (p.max_connections < 16) {
    p.max_connections = std::max<uint64_t>(p.max_connections, 1);
    p.problem = "the open-file limit of " + std::to_string(limit) + " leaves " +
                std::to_string(p.max_connections) + " connection(s) once the store (" +
                std::to_string(p.store_fds) + ") and ledgerd (" + std::to_string(kReservedFds) +
                ") have theirs; raise it (ulimit -n, LimitNOFILE=) to at least " + std::to_string(used + 256);
  }
  return p;
}

namespace {

// Calls fn(fd) for every TCP socket of this process whose local port is
// `port` and that is listening (or connected, when `listening` is false).
template <typename Fn>
int ForEachSocketOnPort(int port, bool listening, Fn fn) {
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return 0;
  int n = 0;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const int fd = std::atoi(e->d_name);
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int accepts = 0;
    socklen_t len = sizeof(accepts);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepts, &len) != 0 || (accepts != 0) != listening) continue;
    sockaddr_storage local{}, peer{};
    socklen_t llen = sizeof(local), plen = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) continue;
    if (!listening && getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) continue;
    int local_port = 0;
    if (local.ss_family == AF_INET) local_port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    if (local.ss_family == AF_INET6) local_port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    if (local_port != port) continue;
    if (fn(fd)) ++n;
  }
  closedir(d);
  return n;
}

}  // namespace

int ShutdownConnectionsOnPort(int port) {
  return ForEachSocketOnPort(port, false, [](int fd) { return shutdown(fd, SHUT_RDWR) == 0; });
}

int WidenListenBacklog(int port, int backlog) {
  return ForEachSocketOnPort(port, true, [backlog](int fd) { return ::listen(fd, backlog) == 0; });
}

}  // namespace ledger::api
