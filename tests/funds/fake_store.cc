#include "tests/funds/fake_store.h"

namespace ledger::funds::testing {

Result<std::string> MapState::Get(std::string_view key) const {
  auto it = writes_.find(std::string(key));
  if (it != writes_.end()) {
    if (it->second) return *it->second;
    return NotFound("deleted");
  }
  if (parent_ != nullptr) return parent_->Get(key);
  return NotFound("absent");
}

std::map<std::string, std::string> MapState::Flatten() const {
  std::map<std::string, std::string> out;
  if (parent_ != nullptr) {
    Status s = parent_->Scan("", "", [&](std::string_view k, std::string_view v) {
      out[std::string(k)] = std::string(v);
      return true;
    });
    (void)s;
  }
  for (const auto& [k, v] : writes_) {
    if (v) out[k] = *v;
    else out.erase(k);
  }
  return out;
}

Status MapState::Scan(std::string_view prefix, std::string_view start,
                      const std::function<bool(std::string_view, std::string_view)>& fn) const {
  auto all = Flatten();
  std::string from = start.empty() ? std::string(prefix) : std::string(start);
  for (auto it = all.lower_bound(from); it != all.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (!fn(it->first, it->second)) break;
  }
  return Status::Ok();
}

void MapState::MergeInto(tlog::StateWriter* target) {
  for (const auto& [k, v] : writes_) {
    if (v) target->Put(k, *v);
    else target->Delete(k);
  }
  writes_.clear();
}

}  // namespace ledger::funds::testing
