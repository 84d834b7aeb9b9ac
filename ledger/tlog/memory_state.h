// MemoryState: the derived-state store of a tlog::StateMachine held in
// memory, so tools and tests can replay entries through the real domain rules
// (for example funds::FundsStateMachine) without a RocksDB store. Writes land at
// once; there is no batch to abandon, so a caller that sees Apply fail must
// stop using the state. Serialises to JSON ({"<b64 key>":"<b64 value>"}) for
// tools that keep it between runs. Not thread-safe.
#ifndef LEDGER_TLOG_MEMORY_STATE_H_
#define LEDGER_TLOG_MEMORY_STATE_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/tlog/log.h"

namespace ledger::tlog {

class MemoryState : public StateWriter {
 public:
  Result<std::string> Get(std::string_view key) const override;
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  Status ScanBack(std::string_view prefix, std::string_view start,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  // This state as the reader a StateMachine's Load and Durable take; it does
  // not own the state, which must outlive the state machine's use of it.
  std::shared_ptr<const StateReader> Reader() const {
    return std::shared_ptr<const StateReader>(std::shared_ptr<void>(), this);
  }
  void Put(std::string_view key, std::string_view value) override {
    kv_[std::string(key)] = std::string(value);
  }
  void Delete(std::string_view key) override { kv_.erase(std::string(key)); }

  nlohmann::json ToJson() const;
  static Result<MemoryState> FromJson(const nlohmann::json& j);
  size_t size() const { return kv_.size(); }
  const std::map<std::string, std::string, std::less<>>& contents() const { return kv_; }

 private:
  std::map<std::string, std::string, std::less<>> kv_;
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_MEMORY_STATE_H_
