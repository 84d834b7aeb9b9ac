// How the store grows a partial hash tile: a RocksDB merge operator.
//
// A tile that is not full yet (W < 256 hashes, the right edge of its level)
// grows with every batch. Writing it whole each time made the hash tiles 80%
// of the bytes a batch wrote under small HTTP batches (1.2 entries each: a
// 4 KB level-0 tile on average beside a 0.5 KB entry), all of it going
// through the WAL and the memtable. A batch now writes only the hashes it
// added, as a merge operand "append these at position P"; RocksDB joins them
// to the stored tile when it reads the key, flushes or compacts, so every
// reader still sees the tile's bytes (docs/format.md section 6). Full tiles
// are written whole, with a Put.
//
// Operand: one byte P (0..255, the number of hashes the tile holds before
// it), then one or more 32-byte hashes, P plus their number at most 256. A
// merge whose operand does not start where the tile ends, or would make it
// longer than 256 hashes, fails, and RocksDB answers the read with
// Corruption: the operator never guesses.
#ifndef LEDGER_TLOG_TILE_APPEND_H_
#define LEDGER_TLOG_TILE_APPEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rocksdb {
class MergeOperator;
}

namespace ledger::tlog {

// The operand that appends `hashes` (a whole number of 32-byte hashes) to a
// tile holding `at` hashes.
std::string TileAppendOperand(uint32_t at, std::string_view hashes);

// The merge operator every open of the store sets (StoreRocksOptions and the
// read-only opens of audit and backup). Its name is stored in RocksDB's
// table files: "ledger.tile_append.v1".
std::shared_ptr<rocksdb::MergeOperator> TileAppendOperator();

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_TILE_APPEND_H_
