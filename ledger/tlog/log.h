// Log: a durable, append-only transparency log over RocksDB.
//
// A Log owns one RocksDB database (see docs/format.md for the key layout), a
// sequencer thread that group-commits appends, and a checkpointer thread that
// signs C2SP checkpoints. It implements the RFC 9162 Merkle tree over the
// canonical entry bytes, with every complete subtree hash stored, so the root
// of any size, any inclusion proof and any consistency proof come from
// O(log n) node reads. It knows nothing of charity: the domain plugs in through
// StateMachine, whose derived state is written in the same batch as the entry.
//
// Indices (seq) start at 0. A tree of size n holds entries 0..n-1.
//
// Promises (each is tested in tests/tlog/log_test.cc):
// - Append MUST NOT return an index before the batch holding that entry, its
//   node hashes, the new tree size and the state machine's writes has been
//   written to RocksDB and the write-ahead log holding it has been synced.
// - An entry MUST be written in the same atomic WriteBatch as everything its
//   append changes; after a crash either all of it is present or none.
// - A rejected draft (StateMachine::Apply returned an error) MUST leave no
//   trace in the store and MUST NOT consume an index.
// - Indices MUST be assigned densely and in the order the sequencer takes
//   drafts; entry i's "prev" is the leaf hash of entry i-1.
// - Once the tree has grown, a signed checkpoint covering it MUST be stored
//   and published within checkpoint_interval plus the time to sign and sync.
// - Every published checkpoint is kept; none is ever overwritten. A
//   checkpoint that gains cosignatures after publication is stored again as
//   a new version (same text, a superset of the signature lines); every
//   version stays stored.
// - No checkpoint is stored that ParseNote refuses (for example one with more
//   than 100 signature lines).
// - If a write or WAL sync fails, the Log MUST NOT acknowledge any entry of
//   the batches in flight (OutcomeUnknown for those handed to RocksDB,
//   Unavailable for the rest) and MUST refuse every later append until it
//   has reopened its store and reloaded the tree and the state machine from
//   what the store holds; it retries that by itself with backoff
//   (tests/tlog/log_fault_test.cc).
// - While the store's volume has less than Options::min_free_bytes free, the
//   Log MUST refuse appends (InsufficientStorage) and take them again once
//   space is freed.
// - Entry times and checkpoint times MUST never decrease, across restarts
//   too, whatever the wall clock does.
//
// Thread-safety: all public methods are safe to call from many threads.
#ifndef LEDGER_TLOG_LOG_H_
#define LEDGER_TLOG_LOG_H_

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/one_shot.h"
#include "ledger/base/status.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/crypto/sha256.h"

namespace rocksdb {
class Env;
}

namespace ledger::tlog {

using crypto::Hash;

// An idempotency key on a draft. A draft whose key was already used by an
// appended entry is not appended again: its result is the first entry's, with
// `replayed` set and the first draft's payload, and it consumes no index. The
// same key with another `request` hash is refused (FailedPrecondition, rule
// "idempotency.key_conflict"). Keys are kept in the store for good ('I' keys,
// docs/format.md section 6); a draft refused by the state machine stores none.
struct IdempotencyKey {
  std::string key;          // opaque to the log, at most 1,024 bytes; the caller scopes it
  crypto::Hash request{};   // what the caller asked, hashed as it defines it
  std::string payload;      // opaque, at most 1,024 bytes, stored with the key and returned on replay
};

// What a caller asks to append. The sequencer adds v, seq, time and prev.
struct EntryDraft {
  std::string type;  // [a-z][a-z._]*, at most 64 bytes
  std::string by;    // the account that records it
  std::string body;  // a canonical JSON object (see entry.h)
  std::optional<IdempotencyKey> idempotency;
};

struct Appended {
  uint64_t seq = 0;
  Hash leaf_hash{};
  std::string entry;  // the canonical entry bytes that were hashed
  // True when the draft's idempotency key had been used: seq, leaf_hash and
  // entry are the first append's, and payload is what it stored.
  bool replayed = false;
  std::string payload;
};

// The answer to Log::AppendAllAsync: get() waits for it, once.
using PendingAppends = OneShotFuture<std::vector<Result<Appended>>>;

// What a state machine made of a draft before it was sequenced
// (StateMachine::Decode): a subclass of the state machine's own.
class Decoded {
 public:
  virtual ~Decoded() = default;
};

// The entry as the state machine sees it, after sequencing.
struct SequencedEntry {
  uint64_t seq;
  std::string_view time;  // RFC 3339 UTC, e.g. 2026-11-29T06:50:51Z
  std::string_view type;
  std::string_view by;
  std::string_view body;
  // What this log's state machine's Decode returned for exactly this type,
  // by and body; null when it returned null or did not run (an entry read
  // back from the store): Apply then decodes the entry itself.
  const Decoded* decoded = nullptr;
};

// Read access to the derived-state namespace of the store.
class StateReader {
 public:
  virtual ~StateReader() = default;
  // NotFound when absent.
  virtual Result<std::string> Get(std::string_view key) const = 0;
  // Calls fn(key, value) for keys starting with `prefix`, in key order,
  // starting at `start` (inclusive; empty = from the prefix); stops when fn
  // returns false.
  virtual Status Scan(std::string_view prefix, std::string_view start,
                      const std::function<bool(std::string_view, std::string_view)>& fn) const = 0;
  // Like Scan, in descending key order, starting at the last key <= `start`
  // (empty = from the end of the prefix's range).
  virtual Status ScanBack(std::string_view prefix, std::string_view start,
                          const std::function<bool(std::string_view, std::string_view)>& fn) const = 0;
};

// Stages derived-state writes into the batch of the entry being applied.
// Get and Scan see writes staged earlier in the same batch and in batches
// still being written.
class StateWriter : public StateReader {
 public:
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
};

// The domain's hook into the sequencer. Load, Apply, Sealed, Durable and
// Abandon are called from one thread.
//
// The sequencer pipelines: it may Apply the entries of the next batches
// while earlier batches are still being synced. Sealed(n) says that the
// entries applied so far are exactly those below n (a batch ends there);
// Durable(n, at) says that entries below n are durable and that `at` reads
// the derived state exactly as of n (a consistent store snapshot that stays
// valid for as long as the reader is held, whatever is written later).
// Entries at n and above stay pending until their own Durable call.
class StateMachine {
 public:
  virtual ~StateMachine() = default;
  // Called by Log::Open before any Apply, with the durable tree size and a
  // reader of the store as of that size; and again after the log reopened
  // its store following a failed write (what was applied since the last
  // Durable was abandoned first): Load replaces everything the state machine
  // held by what the store holds.
  virtual Status Load(std::shared_ptr<const StateReader> at, uint64_t tree_size) = 0;
  // Decodes a draft before it is queued, on the thread that appends it, so
  // that drafts are decoded side by side instead of one after another on the
  // sequencer. A pure function of the draft: it MUST NOT read the state, and
  // may run on many threads at once. Apply gets the result with the same
  // entry (SequencedEntry::decoded); an error refuses the draft in its turn,
  // where Apply's would have (after an idempotent replay). The default
  // decodes nothing.
  virtual Result<std::shared_ptr<const Decoded>> Decode(std::string_view type, std::string_view by,
                                                        std::string_view body) const {
    (void)type, (void)by, (void)body;
    return std::shared_ptr<const Decoded>();
  }
  // Validates `entry` against the state including earlier entries of the
  // same batch. On error nothing of the entry is written and the state machine
  // MUST be as before the call. On OK, stages its writes through `w`.
  virtual Status Apply(const SequencedEntry& entry, StateWriter* w) = 0;
  // The entries applied so far end at `end_size` (a batch boundary).
  virtual void Sealed(uint64_t end_size) { (void)end_size; }
  // Entries below `tree_size` are durable: publish their effects to readers.
  virtual void Durable(uint64_t tree_size, std::shared_ptr<const StateReader> at) = 0;
  // A batch could not be written or synced: drop everything applied since
  // the last Durable. The log refuses appends until it has reopened its
  // store and called Load again.
  virtual void Abandon() {}
  // Drop everything applied since the last Sealed (or Load, or Durable):
  // an atomic group was refused or was a dry run.
  virtual void Rollback() {}
  // The log is closing: release every reader it handed out (the store stays
  // open while any is held, and cannot be opened again until then).
  virtual void Closing() {}
};

// What a Cosigner may ask of the log, from any thread, until Cosigner::Stop
// returns.
class CosignerHost {
 public:
  virtual ~CosignerHost() = default;
  virtual Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size) const = 0;
  // Adds cosignature lines ("— <name> <base64>\n" each) that arrived after
  // the checkpoint of `size` was published: the log stores a new version of
  // that checkpoint with them and publishes it (docs/format.md section 6).
  // Dropped when `size` is no longer the newest checkpoint, for lines that
  // repeat a key already present, and when the note would not parse.
  virtual void AddCosignatures(uint64_t size, const std::vector<std::string>& lines) = 0;
};

// Collects witness cosignatures (C2SP tlog-witness) off the checkpoint's
// critical path. The checkpointer calls Cosign after the log signed `note`;
// it returns the lines that arrived within a short publication grace (it
// MUST NOT block longer, whatever the witnesses do), and the log stores and
// publishes the checkpoint with them at once. Lines that arrive later go to
// host.AddCosignatures from the cosigner's own threads.
class Cosigner {
 public:
  virtual ~Cosigner() = default;
  virtual std::vector<std::string> Cosign(const std::string& note, uint64_t size, CosignerHost& host) = 0;
  // Called by Log::Close before the log stops writing: ends every exchange
  // in flight; after it returns no call into a host runs or will run.
  virtual void Stop() = 0;
};

struct Options {
  std::string path;    // RocksDB directory
  std::string origin;  // checkpoint origin line, e.g. "huicheng.charity/ledger"
  std::shared_ptr<const crypto::Signer> signer;  // the log key (Ed25519)
  StateMachine* state_machine = nullptr;         // optional; not owned
  Cosigner* cosigner = nullptr;                  // optional; not owned
  std::chrono::milliseconds checkpoint_interval{500};
  // Entries per batch. A larger request is cut into batches of this size:
  // the sequencer prepares the next while the writer writes this one, and
  // up to 4 of them share one WAL sync (docs/design.md, "Life of an entry").
  size_t max_batch_entries = 512;
  size_t max_queue_entries = 65536;  // beyond, Append answers Unavailable (HTTP 503)
  size_t node_cache_bytes = 64 << 20;
  bool create_if_missing = false;
  bool read_only = false;  // no sequencer, no checkpointer (audit, tools)
  rocksdb::Env* env = nullptr;  // tests only: a fault-injecting Env; default the OS's
  // Appends are refused (InsufficientStorage) while the volume holding
  // `path` has fewer free bytes than this; 0 = no floor. It also sizes
  // RocksDB's write buffer, min(64 MiB, min_free_bytes / 4), so that a
  // memtable flush fits in the reserve (docs/operations.md).
  uint64_t min_free_bytes = 0;
  // Table files RocksDB keeps open; the store holds at most
  // StoreOpenFiles(max_open_files) file descriptors.
  int max_open_files = 512;
  // Tests only: the wall clock in unix milliseconds; default the system's.
  std::function<int64_t()> clock;
};

// File descriptors a writable store may hold with `max_open_files` table
// files: those, plus WAL files, MANIFEST, LOCK, directories and the files a
// flush or compaction is writing.
int StoreOpenFiles(int max_open_files);

// Whether the log takes appends, and why not (for /healthz and /metrics).
struct StoreStatus {
  bool writable = true;         // appends are accepted
  std::string stopped;          // why not, one sentence; "" when writable
  bool low_disk = false;        // refused for the free-space floor
  bool retrying = false;        // a failed store is being reopened with backoff
  uint64_t free_bytes = 0;      // free on the store's volume (statvfs f_bavail), at most 100 ms old
  uint64_t min_free_bytes = 0;  // the floor (Options::min_free_bytes)
  uint64_t failures = 0;        // failed writes or syncs since Open
  uint64_t resumes = 0;         // times the store was reopened and took writes again
};

// Counters since Open, for /metrics and benchmarks.
struct LogStats {
  uint64_t batches = 0;   // batches written
  uint64_t entries = 0;   // entries appended
  uint64_t wal_syncs = 0; // WAL syncs (one may cover several batches)
  uint64_t rejected = 0;  // drafts refused by validation
  // Bytes of the batches written to RocksDB (each batch's WriteBatch, keys
  // and values, as its WAL and memtable take them), and of those the hash
  // tiles' keys and values: the tiles a batch completed, whole, and for each
  // partial tile it extended the hashes it added (tile_append.h).
  uint64_t bytes_written = 0;
  uint64_t tile_bytes_written = 0;
  uint64_t store_flushes = 0;  // RocksDB memtable flushes finished
  // Memory RocksDB holds now (bytes): memtables (bounded by twice the write
  // buffer), the block cache's contents (bounded by its 64 MB capacity unless
  // pinned blocks push it over) and the table readers' own memory (grows
  // with the number of table files).
  uint64_t memtable_bytes = 0;
  uint64_t block_cache_bytes = 0;
  // Of the block cache's contents, the index and filter blocks. RocksDB
  // (7.8) reads all of a table file's index and filter partitions into the
  // cache when it opens the file for a read after the store's open (it opens
  // at most 16 files at the open itself, without them) and when it checks a
  // table file a compaction wrote: on a large ledger they are most of the
  // cache (docs/benchmarks.md). RocksDB counts them by walking the cache,
  // at most once every 10 s: a value may be up to 10 s old.
  uint64_t block_cache_index_filter_bytes = 0;
  uint64_t table_readers_bytes = 0;
  // The shape of RocksDB's tree of table files: files in level 0 (each
  // flushed memtable is one until a compaction merges them down; their
  // index and filter blocks are read whole when the store opens, and kept),
  // and whether a compaction is running or due. After a burst of writes the
  // store settles once it is false.
  uint64_t level0_files = 0;
  bool compaction_pending = false;
  // The Merkle tiles the log keeps in memory (node_store.h): full tiles
  // cached (bounded by Options::node_cache_bytes) and the edge tiles.
  uint64_t node_cache_bytes = 0;
};

struct Checkpoint {
  uint64_t size = 0;
  Hash root{};
  std::string note;  // the signed note text, as served at /checkpoint
  int64_t unix_ms = 0;  // when it was signed (not part of the signed text)
};

class Log {
 public:
  virtual ~Log() = default;

  // Opens (or with create_if_missing, creates) the log at options.path.
  // Opening checks the tail of the log and never replays it whole.
  static Result<std::unique_ptr<Log>> Open(Options options);

  virtual const std::string& origin() const = 0;
  // The signed-note verifier key of the log, "<origin>+<keyid>+<b64>".
  virtual const std::string& verifier_key() const = 0;

  // Appends one draft; returns once it is durable (or rejected).
  virtual Result<Appended> Append(EntryDraft draft) = 0;
  // Appends drafts in order, possibly in one batch; each may fail alone.
  virtual std::vector<Result<Appended>> AppendAll(std::vector<EntryDraft> drafts) = 0;
  // Queues drafts and returns at once; get() on the answer waits until every
  // draft is durable or refused. Calls made one after another (by one
  // thread, or ordered by the caller) are sequenced in that order, so a
  // caller can prepare its next drafts while earlier ones are being written.
  virtual PendingAppends AppendAllAsync(std::vector<EntryDraft> drafts) = 0;

  // Appends `drafts` atomically: every one of them in one batch and one WAL
  // sync, or none. Drafts are validated in order, each against the state
  // including the accepted drafts before it; a refused draft does not stop
  // the others being checked, so the answer names every draft that fails.
  // `ok` is true when every draft was accepted; then, unless `dry_run`, all
  // are durable. Otherwise (or with dry_run) nothing is appended and the log
  // is exactly as before; the results of accepted drafts then show what they
  // would have been. A draft whose idempotency key was used answers with the
  // first append, as in AppendAll. The group is sequenced as its own batch,
  // whatever its size.
  struct AtomicResult {
    bool ok = false;
    std::vector<Result<Appended>> drafts;
  };
  virtual AtomicResult AppendAtomic(std::vector<EntryDraft> drafts, bool dry_run) = 0;

  // The durable tree size.
  virtual uint64_t Size() const = 0;
  virtual Result<std::string> Entry(uint64_t seq) const = 0;
  virtual Result<Hash> LeafHash(uint64_t seq) const = 0;
  virtual Result<Hash> Root(uint64_t size) const = 0;
  virtual Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const = 0;
  virtual Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size,
                                                     uint64_t new_size) const = 0;
  // C2SP tlog-tiles bodies. width 256 for a full tile; NotFound when the
  // tree does not (yet) hold that many.
  virtual Result<std::string> HashTile(int level, uint64_t index, int width) const = 0;
  virtual Result<std::string> EntryBundle(uint64_t index, int width) const = 0;

  // The newest published checkpoint; NotFound before the first.
  virtual Result<Checkpoint> LatestCheckpoint() const = 0;
  // The checkpoint published at exactly `size`, if one was (its newest
  // version: cosignatures added after publication included).
  virtual Result<Checkpoint> CheckpointAt(uint64_t size) const = 0;
  // Waits until a published checkpoint covers `size` entries or `timeout`
  // passes; returns it, or Unavailable on timeout.
  virtual Result<Checkpoint> WaitForCheckpoint(uint64_t size,
                                               std::chrono::milliseconds timeout) const = 0;

  // Derived state of the StateMachine in RocksDB. It may already hold the
  // writes of entries at or above Size() whose batch is being synced; a
  // reader that must not see those bounds what it reads by Size().
  virtual const StateReader& state() const = 0;

  virtual LogStats Stats() const = 0;
  // Whether appends are taken now, and why not.
  virtual StoreStatus Health() const { return {}; }

  // Stops the sequencer and checkpointer after draining queued appends.
  virtual void Close() = 0;
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_LOG_H_
