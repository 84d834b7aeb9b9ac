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
// - Every published checkpoint is kept; none is ever overwritten.
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

#include <any>
#include <chrono>
#include <functional>
#include <future>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/crypto/sha256.h"

namespace rocksdb {
class Env;
}

namespace ledger::tlog {

using crypto::Hash;

// What a caller asks to append. The sequencer adds v, seq, time and prev.
struct EntryDraft {
  std::string type;  // [a-z][a-z._]*, at most 64 bytes
  std::string by;    // the account that records it
  std::string body;  // a canonical JSON object (see entry.h)
  // Opaque to the log; handed to StateMachine::Apply (for example the
  // already-parsed body, so the domain does not parse it twice).
  std::any context;
};

struct Appended {
  uint64_t seq = 0;
  Hash leaf_hash{};
  std::string entry;  // the canonical entry bytes that were hashed
};

// The entry as the state machine sees it, after sequencing.
struct SequencedEntry {
  uint64_t seq;
  std::string_view time;  // RFC 3339 UTC, e.g. 2026-11-29T06:50:51Z
  std::string_view type;
  std::string_view by;
  std::string_view body;
  const std::any& context;
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
};

// Stages derived-state writes into the batch of the entry being applied.
// Get sees writes staged earlier in the same batch.
class StateWriter : public StateReader {
 public:
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
};

// The domain's hook into the sequencer. All calls come from one thread.
//
// The sequencer pipelines: it may Apply the entries of the next batches
// while earlier batches are still being synced. Durable(n) therefore
// publishes only what entries below n did; entries at n and above stay
// pending until their own Durable call.
class StateMachine {
 public:
  virtual ~StateMachine() = default;
  // Called by Log::Open before any Apply, with the durable tree size; and
  // again after the log reopened its store following a failed write (what
  // was applied since the last Durable was abandoned first): Load replaces
  // everything the state machine held by what the store holds.
  virtual Status Load(const StateReader& store, uint64_t tree_size) = 0;
  // Validates `entry` against the state including earlier entries of the
  // same batch. On error nothing of the entry is written and the state machine
  // MUST be as before the call. On OK, stages its writes through `w`.
  virtual Status Apply(const SequencedEntry& entry, StateWriter* w) = 0;
  // Entries below `tree_size` are durable: publish their effects to readers.
  virtual void Durable(uint64_t tree_size) = 0;
  // A batch could not be written or synced: drop everything applied since
  // the last Durable. The log refuses appends until it has reopened its
  // store and called Load again.
  virtual void Abandon() {}
};

// Collects witness cosignatures for each new checkpoint (C2SP tlog-witness).
// Called on the checkpointer thread after the log signed `note` and before
// it is stored and published; it MUST bound its own time (a witness that is
// down must not hold checkpoints back for long). Returns the cosignature
// lines to add, each "— <name> <base64>\n".
class Cosigner {
 public:
  virtual ~Cosigner() = default;
  virtual std::vector<std::string> Cosign(const std::string& note, uint64_t size) = 0;
};

struct Options {
  std::string path;    // RocksDB directory
  std::string origin;  // checkpoint origin line, e.g. "huicheng.charity/ledger"
  std::shared_ptr<const crypto::Signer> signer;  // the log key (Ed25519)
  StateMachine* state_machine = nullptr;         // optional; not owned
  Cosigner* cosigner = nullptr;                  // optional; not owned
  std::chrono::milliseconds checkpoint_interval{500};
  size_t max_batch_entries = 4096;
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
  uint64_t store_flushes = 0;  // RocksDB memtable flushes finished
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
  // Queues drafts and returns at once; the future is ready when every draft
  // is durable or refused. Calls made one after another (by one thread, or
  // ordered by the caller) are sequenced in that order, so a caller can
  // prepare its next drafts while earlier ones are being written.
  virtual std::future<std::vector<Result<Appended>>> AppendAllAsync(std::vector<EntryDraft> drafts) = 0;

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
  // The checkpoint published at exactly `size`, if one was.
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
