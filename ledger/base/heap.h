// The process's heap as its allocator sees it: which allocator serves
// malloc (jemalloc when the program is linked with it, see LEDGER_JEMALLOC
// in CMakeLists.txt; a sanitizer's in sanitizer builds; otherwise the C
// library's), the bytes the program holds and, under jemalloc, the bytes of
// heap pages that are resident (for /metrics: allocated against resident
// tells memory in use from memory freed but kept by the allocator); and
// giving freed pages back after a memtable flush (tlog/store_options.cc).
//
// Thread-safe.
#ifndef LEDGER_BASE_HEAP_H_
#define LEDGER_BASE_HEAP_H_

#include <cstdint>
#include <string_view>

namespace ledger::heap {

struct HeapStats {
  std::string_view allocator;  // "jemalloc", "sanitizer" or "glibc"
  uint64_t allocated = 0;      // bytes handed out and not freed
  uint64_t resident = 0;       // bytes of the allocator's pages in RAM; 0 when it cannot say
};

HeapStats ReadHeapStats();

// Gives the pages of freed memory back to the system: jemalloc's purge of
// all its arenas, a no-op under a sanitizer, glibc's malloc_trim otherwise.
void ReturnFreedMemory();

}  // namespace ledger::heap

#endif  // LEDGER_BASE_HEAP_H_
