#include "ledger/tlog/store_options.h"

#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "ledger/base/heap.h"
#include "ledger/tlog/tile_append.h"

namespace ledger::tlog {
namespace {

constexpr size_t kMaxWriteBuffer = 64 << 20;
constexpr size_t kMinWriteBuffer = 64 << 10;
// Descriptors a writable store holds besides table files: the live WAL
// files (one, two while a memtable is being flushed), MANIFEST, LOCK, the
// directory, the table files a flush and a compaction are writing, and the
// files RocksDB opens for a moment (OPTIONS, CURRENT).
constexpr int kStoreFixedFiles = 16;

class StderrLogger : public rocksdb::Logger {
 public:
  StderrLogger() : Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char buf[1024];
    vsnprintf(buf, sizeof(buf), format, ap);
    fprintf(stderr, "rocksdb: %s\n", buf);
  }
};

class Listener : public rocksdb::EventListener {
 public:
  explicit Listener(std::shared_ptr<StoreEvents> events) : events_(std::move(events)) {}
  const char* Name() const override { return "LedgerStoreListener"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override {
    if (error == nullptr || error->ok() || error->IsShutdownInProgress()) return;
    const char* what = "the MANIFEST";
    switch (reason) {
      case rocksdb::BackgroundErrorReason::kFlush:
      case rocksdb::BackgroundErrorReason::kFlushNoWAL: what = "a memtable flush"; break;
      case rocksdb::BackgroundErrorReason::kCompaction: what = "a compaction"; break;
      case rocksdb::BackgroundErrorReason::kWriteCallback: what = "a write"; break;
      case rocksdb::BackgroundErrorReason::kMemTable: what = "a memtable insert"; break;
      case rocksdb::BackgroundErrorReason::kManifestWrite:
      case rocksdb::BackgroundErrorReason::kManifestWriteNoWAL: break;
    }
    if (events_->on_error)
      events_->on_error(std::string("RocksDB failed in ") + what + ": " + error->ToString());
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status, bool* auto_recovery) override {
    if (auto_recovery != nullptr) *auto_recovery = false;  // the log reopens its store instead
  }
  void OnFlushCompleted(rocksdb::DB*, const rocksdb::FlushJobInfo&) override {
    events_->flushes++;
    // A memtable is 64 MB of 8 MB arena blocks that the allocator, once it
    // serves such blocks from its heaps, keeps as free memory in whichever
    // per-thread arena held them; without this, ledgerd's RSS in a write
    // soak kept rising by about 67 bytes per entry written while its live
    // heap stayed flat (heaptrack: peak 87 MB, nothing leaked). Each call
    // returns what the flushes before it freed.
    heap::ReturnFreedMemory();
  }

 private:
  std::shared_ptr<StoreEvents> events_;
};

}  // namespace

int StoreOpenFiles(int max_open_files) { return max_open_files + kStoreFixedFiles; }

std::shared_ptr<rocksdb::Logger> StoreLogger() {
  static std::shared_ptr<rocksdb::Logger> logger = std::make_shared<StderrLogger>();
  return logger;
}

rocksdb::Options StoreRocksOptions(const Options& o, std::shared_ptr<StoreEvents> events) {
  rocksdb::Options opts;
  opts.create_if_missing = o.create_if_missing;
  opts.IncreaseParallelism(2);
  opts.write_buffer_size =
      o.min_free_bytes == 0
          ? kMaxWriteBuffer
          : std::clamp<size_t>(static_cast<size_t>(o.min_free_bytes / 4), kMinWriteBuffer, kMaxWriteBuffer);
  opts.max_open_files = o.max_open_files;
  opts.allow_fallocate = false;
  opts.info_log = StoreLogger();
  opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // No periodic statistics dump: it is written at INFO level, which the
  // info log above drops, and each one (the first at the open) also counts
  // the block cache's entries by kind, which LogStats's next reads within
  // 10 s would then answer with instead of counting afresh.
  opts.stats_dump_period_sec = 0;
  opts.merge_operator = TileAppendOperator();  // partial tiles grow by merge operands (tile_append.h)
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // 16 shards of 4 MB: a shard must hold the blocks that are read together
  // (the default, 64 shards of 1 MB, let each 1 MB index block of a 64 MB
  // table file written before indexes were partitioned evict the others).
  table.block_cache = rocksdb::NewLRUCache(64 << 20, 4);
  // Index and filter blocks live in the block cache too, so memory stays
  // bounded by it however many table files the log grows to. They are
  // partitioned into 4 KB blocks under a small pinned top level: a read
  // brings in the partitions it needs, never a whole file's index (about
  // 1 MB per 64 MB file; a 10M-entry ledger has over 60 such files, more
  // than the cache, which then re-read and decompressed an index block on
  // almost every seek: a year report on 1M entries took 80 ms instead of
  // 0.4 ms).
  table.index_type = rocksdb::BlockBasedTableOptions::IndexType::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  if (o.env != nullptr) opts.env = o.env;
  if (events != nullptr) opts.listeners.push_back(std::make_shared<Listener>(std::move(events)));
  return opts;
}

}  // namespace ledger::tlog
