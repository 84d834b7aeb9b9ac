// In-memory stand-ins for the log's derived-state store, for unit tests.
//
// MapState is a StateWriter whose writes land in an ordered map layered over
// an optional parent reader, which is how the log stages an entry's writes
// over its batch and the batch over the store. Not thread-safe.
#ifndef TESTS_FUNDS_FAKE_STORE_H_
#define TESTS_FUNDS_FAKE_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/tlog/log.h"

namespace ledger::funds::testing {

class MapState : public tlog::StateWriter {
 public:
  explicit MapState(const tlog::StateReader* parent = nullptr) : parent_(parent) {}

  Result<std::string> Get(std::string_view key) const override;
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  void Put(std::string_view key, std::string_view value) override {
    writes_[std::string(key)] = std::string(value);
  }
  void Delete(std::string_view key) override { writes_[std::string(key)] = std::nullopt; }

  // Applies this layer's writes to `target` and clears them.
  void MergeInto(tlog::StateWriter* target);
  // Everything visible through this layer (parent included), deletions applied.
  std::map<std::string, std::string> Flatten() const;
  size_t pending_writes() const { return writes_.size(); }

 private:
  const tlog::StateReader* parent_;
  std::map<std::string, std::optional<std::string>> writes_;
};

}  // namespace ledger::funds::testing

#endif  // TESTS_FUNDS_FAKE_STORE_H_
