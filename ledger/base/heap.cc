#include "ledger/base/heap.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstddef>

namespace ledger::heap {
namespace {

// jemalloc's control interface, looked up at run time: present only when
// the program is linked with jemalloc.
using Mallctl = int (*)(const char*, void*, size_t*, void*, size_t);

// Defined by a sanitizer's runtime (ASan, in `make test`), which then serves
// malloc itself; absent otherwise.
extern "C" size_t __sanitizer_get_current_allocated_bytes() __attribute__((weak));

Mallctl FindMallctl() {
  static const Mallctl fn = reinterpret_cast<Mallctl>(dlsym(RTLD_DEFAULT, "mallctl"));
  return fn;
}

uint64_t JemallocStat(Mallctl mallctl, const char* name) {
  size_t value = 0, size = sizeof value;
  return mallctl(name, &value, &size, nullptr, 0) == 0 ? value : 0;
}

bool UnderSanitizer() { return &__sanitizer_get_current_allocated_bytes != nullptr; }

}  // namespace

void ReturnFreedMemory() {
  if (Mallctl mallctl = FindMallctl()) {
    (void)mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: MALLCTL_ARENAS_ALL
    return;
  }
  if (UnderSanitizer()) return;
#ifdef __GLIBC__
  (void)malloc_trim(0);
#endif
}

HeapStats ReadHeapStats() {
  HeapStats s;
  if (Mallctl mallctl = FindMallctl()) {
    s.allocator = "jemalloc";
    // jemalloc's statistics are refreshed by writing the epoch.
    uint64_t epoch = 1;
    size_t size = sizeof epoch;
    (void)mallctl("epoch", &epoch, &size, &epoch, size);
    s.allocated = JemallocStat(mallctl, "stats.allocated");
    s.resident = JemallocStat(mallctl, "stats.resident");
    return s;
  }
  if (UnderSanitizer()) {
    s.allocator = "sanitizer";
    s.allocated = __sanitizer_get_current_allocated_bytes();
    return s;
  }
  s.allocator = "glibc";
#ifdef __GLIBC__
  const struct mallinfo2 mi = mallinfo2();
  s.allocated = mi.uordblks + mi.hblkhd;  // in use in the arenas, plus mmapped blocks
#endif
  return s;
}

}  // namespace ledger::heap
