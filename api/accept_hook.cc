#include "api/accept_hook.h"

#include <dlfcn.h>
#include <sys/socket.h>

namespace ledger::api {
namespace {
thread_local int t_accepted = -1;
}  // namespace

int TakeAcceptedSocket() {
  const int fd = t_accepted;
  t_accepted = -1;
  return fd;
}

}  // namespace ledger::api

// Interposes the C library's accept(2) for cpp-httplib (see the header).
extern "C" int accept(int fd, struct sockaddr* __restrict addr, socklen_t* __restrict len) {
  using Accept = int (*)(int, struct sockaddr*, socklen_t*);
  static const Accept real = reinterpret_cast<Accept>(dlsym(RTLD_NEXT, "accept"));
  const int s = real(fd, addr, len);
  ledger::api::t_accepted = s;
  return s;
}
