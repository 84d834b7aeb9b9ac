#include "ledger/tlog/tile_append.h"

#include <rocksdb/merge_operator.h>

#include "ledger/crypto/sha256.h"
#include "ledger/tlog/tile.h"

namespace ledger::tlog {
namespace {

constexpr size_t kMaxTileBytes = kTileWidth * crypto::kHashSize;

struct Operand {
  uint32_t at = 0;         // hashes the tile holds before it
  std::string_view hashes; // what it appends
};

bool ParseOperand(const rocksdb::Slice& s, Operand* out) {
  if (s.size() < 1 + crypto::kHashSize || (s.size() - 1) % crypto::kHashSize != 0) return false;
  out->at = static_cast<uint8_t>(s[0]);
  out->hashes = std::string_view(s.data() + 1, s.size() - 1);
  return out->at * crypto::kHashSize + out->hashes.size() <= kMaxTileBytes;
}

class TileAppend : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "ledger.tile_append.v1"; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    std::string tile;
    if (in.existing_value != nullptr) {
      if (in.existing_value->size() % crypto::kHashSize != 0 || in.existing_value->size() > kMaxTileBytes) {
        return false;
      }
      tile.assign(in.existing_value->data(), in.existing_value->size());
    }
    tile.reserve(kMaxTileBytes);
    for (const rocksdb::Slice& s : in.operand_list) {
      Operand op;
      if (!ParseOperand(s, &op) || op.at * crypto::kHashSize != tile.size()) return false;
      tile.append(op.hashes);
    }
    out->new_value = std::move(tile);
    return true;
  }

  // Two operands join when the second starts where the first ends.
  bool PartialMerge(const rocksdb::Slice& /*key*/, const rocksdb::Slice& left, const rocksdb::Slice& right,
                    std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    Operand a, b;
    if (!ParseOperand(left, &a) || !ParseOperand(right, &b)) return false;
    if (a.at * crypto::kHashSize + a.hashes.size() != b.at * crypto::kHashSize) return false;
    new_value->assign(left.data(), left.size());
    new_value->append(b.hashes);
    return true;
  }
};

}  // namespace

std::string TileAppendOperand(uint32_t at, std::string_view hashes) {
  std::string op(1, static_cast<char>(static_cast<uint8_t>(at)));
  op.append(hashes);
  return op;
}

std::shared_ptr<rocksdb::MergeOperator> TileAppendOperator() {
  static const std::shared_ptr<rocksdb::MergeOperator> op = std::make_shared<TileAppend>();
  return op;
}

}  // namespace ledger::tlog
