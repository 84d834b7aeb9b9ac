// ledger/base/heap.h: heap memory freed in the middle of a heap, where the
// allocator keeps it, goes back to the system when ReturnFreedMemory is
// called (after each memtable flush), and ReadHeapStats sees what the
// program holds. Built twice: heap_test with the C library's malloc and
// heap_jemalloc_test linked with jemalloc, as the programs are
// (LEDGER_HEAP_TEST_ALLOCATOR names the one expected).
#include "ledger/base/heap.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

namespace ledger::heap {
namespace {

uint64_t RssBytes() {
  std::ifstream f("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

TEST(Heap, FreedMemoryIsGivenBackAndTheHeapInUseIsSeen) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers replace the allocator";
#endif
  EXPECT_EQ(ReadHeapStats().allocator, LEDGER_HEAP_TEST_ALLOCATOR);
  constexpr size_t kBlocks = 16384, kBlock = 4000;  // 64 MB of blocks below glibc's mmap threshold
  uint64_t allocated = 0, before = 0, after = 0;
  // Many small blocks (as a memtable's 8 MB arena blocks are once glibc has
  // raised its threshold), then one above them that stays: the heap's top
  // cannot shrink past it, so freeing the blocks frees memory in the middle
  // of the heap, which the allocator keeps.
  std::vector<char*> blocks;
  blocks.reserve(kBlocks);  // no freed vector buffers below, where the pin would go
  const uint64_t in_use_before = ReadHeapStats().allocated;
  for (size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(static_cast<char*>(std::malloc(kBlock)));
    // Touched, so resident (volatile: stores into memory that is freed
    // unread would otherwise be dropped by the compiler).
    volatile char* b = blocks.back();
    for (size_t j = 0; j < kBlock; j += 512) b[j] = 1;
  }
  EXPECT_GE(ReadHeapStats().allocated, in_use_before + kBlocks * kBlock);
  allocated = RssBytes();
  void* pin = std::malloc(64);
  for (char* b : blocks) std::free(b);
  EXPECT_LT(ReadHeapStats().allocated, in_use_before + 1024 * 1024);
  before = RssBytes();
  ReturnFreedMemory();
  after = RssBytes();
  std::free(pin);
  EXPECT_GT(before, after + 32 * 1024 * 1024)
      << "RSS " << allocated << " allocated, " << before << " freed, " << after << " bytes given back";
}

}  // namespace
}  // namespace ledger::heap
