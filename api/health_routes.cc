// GET /healthz and GET /metrics: whether ledgerd takes writes and why not,
// free space against the floor, open file descriptors against the limit,
// connections against their limit (docs/api.md, docs/operations.md).
#include "api/process_limits.h"
#include "api/server.h"
#include "ledger/base/heap.h"

namespace ledger::api {
namespace {

using nlohmann::json;

struct Gauges {
  tlog::StoreStatus store;
  uint64_t fds_open = 0, fds_limit = 0;
  uint64_t connections = 0, max_connections = 0, refused = 0;
};

Gauges Read(const ServerContext& ctx) {
  Gauges g;
  g.store = ctx.log->Health();
  g.fds_open = CountOpenFdsCached();
  g.fds_limit = FdLimit();
  if (ctx.connections != nullptr) {
    g.connections = ctx.connections->open.load();
    g.max_connections = ctx.connections->max.load();
    g.refused = ctx.connections->refused.load();
  }
  return g;
}

std::string Gauge(const std::string& name, uint64_t value, const std::string& help,
                  const std::string& type = "gauge") {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         std::to_string(value) + "\n";
}

}  // namespace

void RegisterHealthRoutes(httplib::Server& server, ServerContext& ctx) {
  // 200 while writes are taken, 503 while they are refused; the body says
  // why either way. Reads are served in both cases.
  server.Get("/healthz", [&ctx](const httplib::Request&, httplib::Response& res) {
    const Gauges g = Read(ctx);
    json j = {{"status", g.store.writable ? "ok" : "writes stopped: " + g.store.stopped},
              {"tree_size", ctx.log->Size()},
              {"writable", g.store.writable},
              {"disk", {{"free_bytes", g.store.free_bytes}, {"min_free_bytes", g.store.min_free_bytes}}},
              {"fds", {{"open", g.fds_open}, {"limit", g.fds_limit}}},
              {"connections", {{"open", g.connections}, {"max", g.max_connections}, {"refused", g.refused}}}};
    WriteJson(res, j, g.store.writable ? 200 : 503);
    res.set_header("Cache-Control", "no-store");
  });

  server.Get("/metrics", [&ctx](const httplib::Request&, httplib::Response& res) {
    tlog::Log* log = ctx.log;
    const Gauges g = Read(ctx);
    auto cp = log->LatestCheckpoint();
    std::string out;
    out += "# TYPE ledger_tree_size gauge\nledger_tree_size " + std::to_string(log->Size()) + "\n";
    if (cp.ok()) {
      out += "# TYPE ledger_checkpoint_size gauge\nledger_checkpoint_size " + std::to_string(cp->size) + "\n";
      out += "# TYPE ledger_checkpoint_timestamp_seconds gauge\nledger_checkpoint_timestamp_seconds " +
             std::to_string(cp->unix_ms / 1000) + "\n";
    }
    const ResponseCounts counts = CountResponses();
    out += "# TYPE ledger_http_responses_total counter\n";
    out += "ledger_http_responses_total{class=\"2xx\"} " + std::to_string(counts.ok) + "\n";
    out += "ledger_http_responses_total{class=\"4xx\"} " + std::to_string(counts.client_errors) + "\n";
    out += "ledger_http_responses_total{class=\"5xx\"} " + std::to_string(counts.server_errors) + "\n";
    out += Gauge("ledger_writes_stopped", g.store.writable ? 0 : 1,
                 "1 while appends are refused (GET /healthz says why)");
    out += Gauge("ledger_writes_stopped_low_disk", g.store.low_disk ? 1 : 0,
                 "1 while free space is under the floor (--min-free-bytes)");
    out += Gauge("ledger_store_failures_total", g.store.failures, "failed store writes or syncs since start",
                 "counter");
    out += Gauge("ledger_store_resumes_total", g.store.resumes,
                 "times the store was reopened after a failure and took writes again", "counter");
    const tlog::LogStats stats = log->Stats();
    out += Gauge("ledger_log_batches_total", stats.batches, "batches of appends written since start", "counter");
    out += Gauge("ledger_log_entries_total", stats.entries, "entries appended since start", "counter");
    out += Gauge("ledger_log_wal_syncs_total", stats.wal_syncs,
                 "WAL syncs since start (one may make several batches durable)", "counter");
    out += Gauge("ledger_log_bytes_written_total", stats.bytes_written,
                 "bytes of the batches written to the store since start (keys and values)", "counter");
    out += Gauge("ledger_log_tile_bytes_written_total", stats.tile_bytes_written,
                 "of those, the hash tiles' (full tiles, and the hashes each batch added to a partial one)",
                 "counter");
    out += Gauge("ledger_store_flushes_total", stats.store_flushes, "RocksDB memtable flushes since start", "counter");
    out += Gauge("ledger_store_memtable_bytes", stats.memtable_bytes, "bytes in RocksDB's memtables");
    out += Gauge("ledger_store_block_cache_bytes", stats.block_cache_bytes,
                 "bytes in RocksDB's block cache (capacity 64 MB; pinned index and filter blocks may exceed it)");
    out += Gauge("ledger_store_block_cache_index_filter_bytes", stats.block_cache_index_filter_bytes,
                 "of those, index and filter blocks (RocksDB reads all of a table file's when a read opens it)");
    out += Gauge("ledger_store_table_readers_bytes", stats.table_readers_bytes,
                 "bytes RocksDB's open table files hold outside the block cache");
    out += Gauge("ledger_store_level0_files", stats.level0_files,
                 "RocksDB table files in level 0 (flushed memtables not yet compacted down)");
    out += Gauge("ledger_store_compaction_pending", stats.compaction_pending ? 1 : 0,
                 "1 while RocksDB has a compaction running or due, 0 once the store has settled");
    out += Gauge("ledger_log_tile_cache_bytes", stats.node_cache_bytes,
                 "bytes of Merkle tiles the log keeps in memory (capacity 64 MB of full tiles, plus the edge tiles)");
    const heap::HeapStats heap = heap::ReadHeapStats();
    out += "# HELP ledger_heap_allocator_info the allocator that serves malloc in ledgerd\n"
           "# TYPE ledger_heap_allocator_info gauge\nledger_heap_allocator_info{allocator=\"" +
           std::string(heap.allocator) + "\"} 1\n";
    out += Gauge("ledger_heap_allocated_bytes", heap.allocated, "bytes ledgerd holds from its allocator");
    if (heap.resident != 0) {
      out += Gauge("ledger_heap_resident_bytes", heap.resident,
                   "bytes of the allocator's pages in RAM: allocated, plus freed pages it has not returned yet");
    }
    out += Gauge("ledger_disk_free_bytes", g.store.free_bytes, "free bytes on the store's volume");
    out += Gauge("ledger_disk_min_free_bytes", g.store.min_free_bytes,
                 "the floor under which writes are refused (--min-free-bytes)");
    out += Gauge("ledger_open_fds", g.fds_open, "open file descriptors of ledgerd");
    out += Gauge("ledger_fd_limit", g.fds_limit, "the open-file limit (soft RLIMIT_NOFILE)");
    out += Gauge("ledger_connections", g.connections, "HTTP connections open or waiting for a thread");
    out += Gauge("ledger_max_connections", g.max_connections,
                 "connections kept open at most; beyond, new ones are answered 503");
    out += Gauge("ledger_connections_refused_total", g.refused,
                 "connections answered 503 for being over ledger_max_connections", "counter");
    res.set_content(out, "text/plain; version=0.0.4");
  });
}

}  // namespace ledger::api
