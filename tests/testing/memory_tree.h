// An in-memory tree that stores every node like the RocksDB store does, for
// tests of the proof code without a database.
#ifndef LEDGER_TESTS_TESTING_MEMORY_TREE_H_
#define LEDGER_TESTS_TESTING_MEMORY_TREE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/tlog/merkle.h"

namespace ledger::testing {

class MemoryTree : public tlog::NodeReader {
 public:
  void Append(const std::string& entry) { AppendHash(tlog::HashLeaf(entry)); }
  void AppendHash(const tlog::Hash& leaf) {
    tlog::AppendLeaf(size_, leaf, &frontier_, [&](const tlog::NodeId& id, const tlog::Hash& h) {
      nodes_[{id.level, id.index}] = h;
    });
    ++size_;
  }
  uint64_t size() const { return size_; }
  Status ReadNodes(const std::vector<tlog::NodeId>& ids, std::vector<tlog::Hash>* out) const override {
    out->clear();
    for (const auto& id : ids) {
      auto it = nodes_.find({id.level, id.index});
      if (it == nodes_.end()) return NotFound("node missing");
      out->push_back(it->second);
    }
    return Status::Ok();
  }

 private:
  uint64_t size_ = 0;
  std::vector<tlog::Hash> frontier_;
  std::map<std::pair<int, uint64_t>, tlog::Hash> nodes_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_MEMORY_TREE_H_
