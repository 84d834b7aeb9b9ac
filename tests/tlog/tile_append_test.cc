// The merge operator that grows partial hash tiles (ledger/tlog/tile_append.h),
// on a real RocksDB on disk: operands join the stored tile through the
// memtable, flushes and compactions, and one that does not start where the
// tile ends makes the read fail instead of giving a wrong tile.
#include "ledger/tlog/tile_append.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <memory>
#include <string>

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;

std::string Hashes(int first, int n) {
  std::string out;
  for (int i = first; i < first + n; ++i) out += std::string(32, static_cast<char>('A' + i % 50));
  return out;
}

class TileAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tile-append-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Open();
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    db_.reset();
    rocksdb::Options o;
    o.create_if_missing = true;
    o.merge_operator = TileAppendOperator();
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_, &raw).ok());
    db_.reset(raw);
  }
  void Merge(const std::string& key, int at, int n) {
    ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), key, TileAppendOperand(at, Hashes(at, n))).ok());
  }
  rocksdb::Status Get(const std::string& key, std::string* v) { return db_->Get(rocksdb::ReadOptions(), key, v); }

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(TileAppendTest, OperandsJoinTheTileThroughFlushesCompactionsAndReopening) {
  Merge("t", 0, 3);  // a new tile: no stored value
  Merge("t", 3, 1);
  std::string v;
  ASSERT_TRUE(Get("t", &v).ok());
  EXPECT_EQ(v, Hashes(0, 4));
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());
  Merge("t", 4, 10);  // over the flushed part, from the memtable
  Merge("t", 14, 2);
  ASSERT_TRUE(Get("t", &v).ok());
  EXPECT_EQ(v, Hashes(0, 16));
  ASSERT_TRUE(db_->Flush(rocksdb::FlushOptions()).ok());  // operands without their base: joined to one
  Merge("t", 16, 240);  // the tile is full
  Open();               // from the WAL
  ASSERT_TRUE(Get("t", &v).ok());
  EXPECT_EQ(v, Hashes(0, 256));
  ASSERT_TRUE(db_->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr).ok());
  ASSERT_TRUE(Get("t", &v).ok());
  EXPECT_EQ(v, Hashes(0, 256));
  // A full tile written whole replaces what came before it.
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "u", Hashes(7, 256)).ok());
  ASSERT_TRUE(Get("u", &v).ok());
  EXPECT_EQ(v, Hashes(7, 256));
}

TEST_F(TileAppendTest, AnOperandThatDoesNotFitTheTileFailsTheRead) {
  Merge("gap", 0, 2);
  Merge("gap", 3, 1);  // skips position 2
  std::string v;
  EXPECT_TRUE(Get("gap", &v).IsCorruption());
  Merge("overlap", 0, 2);
  Merge("overlap", 1, 1);  // rewrites position 1
  EXPECT_TRUE(Get("overlap", &v).IsCorruption());
  Merge("long", 0, 200);
  Merge("long", 200, 57);  // 257 hashes
  EXPECT_TRUE(Get("long", &v).IsCorruption());
  ASSERT_TRUE(db_->Merge(rocksdb::WriteOptions(), "torn", TileAppendOperand(0, "short")).ok());
  EXPECT_TRUE(Get("torn", &v).IsCorruption());
  ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), "odd", "not hashes").ok());
  Merge("odd", 0, 1);
  EXPECT_TRUE(Get("odd", &v).IsCorruption());
  // A tile nobody touched with a bad operand still reads.
  Merge("fine", 0, 5);
  ASSERT_TRUE(Get("fine", &v).ok());
  EXPECT_EQ(v, Hashes(0, 5));
}

}  // namespace
}  // namespace ledger::tlog
