#include "ledger/tlog/derived_state.h"

#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {

DbStateReader::~DbStateReader() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

rocksdb::ReadOptions DbStateReader::Options() const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  return ro;
}

std::shared_ptr<const StateReader> SnapshotStateReader(const std::shared_ptr<rocksdb::DB>& db) {
  return std::make_shared<DbStateReader>(db, db->GetSnapshot());
}

Result<std::string> DbStateReader::Get(std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(Options(), keys::DerivedKey(key), &value);
  if (s.IsNotFound()) return NotFound("no derived state at key " + std::string(key));
  if (!s.ok()) return IOError("reading derived state: " + s.ToString());
  return value;
}

Status DbStateReader::Scan(std::string_view prefix, std::string_view start,
                           const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(Options()));
  const std::string full_prefix = keys::DerivedKey(prefix);
  const std::string seek = start.empty() ? full_prefix : keys::DerivedKey(start);
  for (it->Seek(std::max(seek, full_prefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(full_prefix)) break;
    k.remove_prefix(1);
    if (!fn(k, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return IOError("scanning derived state: " + it->status().ToString());
  return Status::Ok();
}

Status DbStateReader::ScanBack(std::string_view prefix, std::string_view start,
                               const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(Options()));
  const std::string full_prefix = keys::DerivedKey(prefix);
  if (!start.empty() && keys::DerivedKey(start).starts_with(full_prefix)) {
    it->SeekForPrev(keys::DerivedKey(start));
  } else {
    // The smallest key above the whole range: the prefix with its last
    // byte below 0xff incremented (the prefix is never all 0xff: it starts 'D').
    std::string upper = full_prefix;
    while (static_cast<uint8_t>(upper.back()) == 0xff) upper.pop_back();
    upper.back() = static_cast<char>(static_cast<uint8_t>(upper.back()) + 1);
    it->SeekForPrev(upper);
    if (it->Valid() && it->key() == upper) it->Prev();
  }
  for (; it->Valid(); it->Prev()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(full_prefix)) break;
    k.remove_prefix(1);
    if (!fn(k, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return IOError("scanning derived state: " + it->status().ToString());
  return Status::Ok();
}

Result<std::string> BatchStateWriter::Get(std::string_view key) const {
  auto find = [&](const Staged& s) -> std::optional<Result<std::string>> {
    auto it = s.find(key);
    if (it == s.end()) return std::nullopt;
    if (!it->second) return Result<std::string>(NotFound("no derived state at key " + std::string(key)));
    return Result<std::string>(*it->second);
  };
  if (auto r = find(entry_)) return *r;
  if (auto r = find(batch_)) return *r;
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    if (auto r = find(it->second)) return *r;
  }
  return db_->Get(key);
}

// Merges the staged writes over the database's range of `prefix`. Scans by
// the sequencer are over small ranges (one fund's or one grant's keys), so
// building the merged range in memory is cheap.
Result<BatchStateWriter::Staged> BatchStateWriter::Merged(std::string_view prefix) const {
  Staged merged;
  LEDGER_RETURN_IF_ERROR(db_->Scan(prefix, {}, [&](std::string_view k, std::string_view v) {
    merged.emplace(std::string(k), std::string(v));
    return true;
  }));
  std::vector<const Staged*> newer;
  for (const auto& layer : layers_) newer.push_back(&layer.second);
  newer.push_back(&batch_);
  newer.push_back(&entry_);
  for (const Staged* s : newer) {
    for (auto it = s->lower_bound(prefix); it != s->end() && it->first.starts_with(prefix); ++it) {
      merged[it->first] = it->second;
    }
  }
  return merged;
}

Status BatchStateWriter::Scan(std::string_view prefix, std::string_view start,
                              const std::function<bool(std::string_view, std::string_view)>& fn) const {
  LEDGER_ASSIGN_OR_RETURN(Staged merged, Merged(prefix));
  for (auto it = merged.lower_bound(start); it != merged.end(); ++it) {
    if (it->second && !fn(it->first, *it->second)) break;
  }
  return Status::Ok();
}

Status BatchStateWriter::ScanBack(std::string_view prefix, std::string_view start,
                                  const std::function<bool(std::string_view, std::string_view)>& fn) const {
  LEDGER_ASSIGN_OR_RETURN(Staged merged, Merged(prefix));
  auto it = start.empty() ? merged.end() : merged.upper_bound(start);
  while (it != merged.begin()) {
    --it;
    if (it->second && !fn(it->first, *it->second)) break;
  }
  return Status::Ok();
}

void BatchStateWriter::Put(std::string_view key, std::string_view value) {
  auto it = entry_.lower_bound(key);
  if (it != entry_.end() && it->first == key) {
    it->second.emplace(value);
  } else {
    entry_.emplace_hint(it, std::string(key), std::string(value));
  }
}

void BatchStateWriter::Delete(std::string_view key) {
  auto it = entry_.lower_bound(key);
  if (it != entry_.end() && it->first == key) {
    it->second.reset();
  } else {
    entry_.emplace_hint(it, std::string(key), std::nullopt);
  }
}

void BatchStateWriter::Commit() {
  // Keys new to the batch move over as they are (no copy); what is left are
  // keys an earlier entry of the batch wrote too, whose values this entry's
  // replace.
  batch_.merge(entry_);
  for (auto& [k, v] : entry_) batch_.find(k)->second = std::move(v);
  entry_.clear();
}

void BatchStateWriter::Flush(rocksdb::WriteBatch* batch, uint64_t end_size) {
  for (const auto& [k, v] : batch_) {
    if (v) {
      batch->Put(keys::DerivedKey(k), *v);
    } else {
      batch->Delete(keys::DerivedKey(k));
    }
  }
  if (!batch_.empty()) layers_.emplace_back(end_size, std::move(batch_));
  batch_.clear();
  entry_.clear();
}

void BatchStateWriter::DropLayers(uint64_t written_size) {
  while (!layers_.empty() && layers_.front().first <= written_size) layers_.pop_front();
}

}  // namespace ledger::tlog
