#include "ledger/tlog/memory_state.h"

#include "ledger/crypto/base64.h"

namespace ledger::tlog {

Result<std::string> MemoryState::Get(std::string_view key) const {
  auto it = kv_.find(key);
  if (it == kv_.end()) return NotFound("no state key");
  return it->second;
}

Status MemoryState::Scan(std::string_view prefix, std::string_view start,
                         const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::string from = start.empty() ? std::string(prefix) : std::string(start);
  for (auto it = kv_.lower_bound(from); it != kv_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(prefix)) break;
    if (!fn(it->first, it->second)) break;
  }
  return Status::Ok();
}

Status MemoryState::ScanBack(std::string_view prefix, std::string_view start,
                             const std::function<bool(std::string_view, std::string_view)>& fn) const {
  auto it = start.empty() || !start.starts_with(prefix) ? kv_.lower_bound(std::string(prefix) + std::string(256, '\xff'))
                                                        : kv_.upper_bound(start);
  while (it != kv_.begin()) {
    --it;
    if (!std::string_view(it->first).starts_with(prefix)) break;
    if (!fn(it->first, it->second)) break;
  }
  return Status::Ok();
}

nlohmann::json MemoryState::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : kv_) j[crypto::Base64Encode(k)] = crypto::Base64Encode(v);
  return j;
}

Result<MemoryState> MemoryState::FromJson(const nlohmann::json& j) {
  MemoryState s;
  if (!j.is_object()) return InvalidArgument("derived state is not a JSON object");
  for (const auto& [k, v] : j.items()) {
    auto key = crypto::Base64Decode(k);
    auto value = v.is_string() ? crypto::Base64Decode(v.get<std::string>()) : std::nullopt;
    if (!key || !value) return InvalidArgument("derived state holds a key or value that is not base64");
    s.kv_[*key] = *value;
  }
  return s;
}

}  // namespace ledger::tlog
