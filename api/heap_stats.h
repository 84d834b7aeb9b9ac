// The heap of the ledgerd process as its allocator sees it, for /metrics:
// which allocator serves malloc (jemalloc when the program is linked with it,
// see LEDGER_JEMALLOC in CMakeLists.txt; a sanitizer's in sanitizer builds;
// otherwise the C library's), the
// bytes the program holds, and, under jemalloc, the bytes of heap pages that
// are resident. Allocated against resident tells memory in use from memory
// freed but kept by the allocator.
//
// Thread-safe.
#ifndef LEDGER_API_HEAP_STATS_H_
#define LEDGER_API_HEAP_STATS_H_

#include <cstdint>
#include <string_view>

namespace ledger::api {

struct HeapStats {
  std::string_view allocator;  // "jemalloc", "sanitizer" or "glibc"
  uint64_t allocated = 0;      // bytes handed out and not freed
  uint64_t resident = 0;       // bytes of the allocator's pages in RAM; 0 when it cannot say
};

HeapStats ReadHeapStats();

}  // namespace ledger::api

#endif  // LEDGER_API_HEAP_STATS_H_
