// The RocksDB options of the log store. Internal to ledger/tlog.
//
// Chosen so that a full disk or a low open-file limit refuses writes instead
// of stopping ledgerd (issue 16, docs/operations.md):
// - RocksDB's info log goes to stderr at WARN level (StoreLogger), never to a
//   LOG file in the data directory. On a full volume RocksDB's LOG writer
//   failed, and its next flush aborted the process on an assertion
//   (`sync_without_flush_called_`), at every start too.
// - allow_fallocate = false: RocksDB otherwise reserves 1.1 x the write
//   buffer (70 MB) for each new WAL, and table files by their target size,
//   which a small volume cannot give even with data space to spare. Files
//   now take what is written.
// - write_buffer_size = min(64 MiB, min_free_bytes / 4) (at least 64 KiB)
//   when a floor is set: a memtable flush then fits in the reserve that the
//   floor keeps free.
// - max_open_files bounds the table files kept open (StoreOpenFiles()).
// - stats_dump_period_sec = 0: no periodic statistics dump (INFO level,
//   dropped by the info log anyway).
// - A listener reports background errors (a failed flush or compaction) so
//   that the log stops writes and reopens its store instead of stalling, and
//   turns RocksDB's own automatic recovery off: the log reopens instead.
#ifndef LEDGER_TLOG_STORE_OPTIONS_H_
#define LEDGER_TLOG_STORE_OPTIONS_H_

#include <rocksdb/options.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "ledger/tlog/log.h"

namespace ledger::tlog {

// What RocksDB's background threads tell the log. on_error must be cheap and
// must not call into RocksDB.
struct StoreEvents {
  std::function<void(const std::string& cause)> on_error;
  std::atomic<uint64_t> flushes{0};
};

// RocksDB's info log: WARN and above, one line each on stderr, "rocksdb: ...".
std::shared_ptr<rocksdb::Logger> StoreLogger();

// RocksDB options for the store described by `o`. `events` may be null.
rocksdb::Options StoreRocksOptions(const Options& o, std::shared_ptr<StoreEvents> events);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_STORE_OPTIONS_H_
