#include "ledger/tlog/idempotency.h"

#include "ledger/tlog/log_impl.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {
namespace {

Status Conflict(uint64_t seq) {
  return FailedPrecondition("this idempotency key was already used by another request (entry " +
                                std::to_string(seq) + "); a retry must repeat the first request exactly",
                            "idempotency.key_conflict");
}

}  // namespace

Status IdempotencyIndex::Check(const IdempotencyKey& k) {
  if (k.key.empty() || k.key.size() > kMaxIdempotencyKey) {
    return InvalidArgument("idempotency key must be 1.." + std::to_string(kMaxIdempotencyKey) + " bytes",
                           "idempotency.key");
  }
  if (k.payload.size() > kMaxIdempotencyPayload) {
    return InvalidArgument("idempotency payload is longer than " + std::to_string(kMaxIdempotencyPayload) +
                               " bytes",
                           "idempotency.payload");
  }
  return Status::Ok();
}

// Layout above (header): u64 seq || request hash || payload.
Result<Appended> IdempotencyIndex::Find(const IdempotencyKey& k) const {
  if (auto it = pending_.find(k.key); it != pending_.end()) {
    if (it->second.request != k.request) return Conflict(it->second.appended.seq);
    Appended a = it->second.appended;
    a.replayed = true;
    a.payload = it->second.payload;
    return a;
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::IdempotencyKey(k.key), &value);
  if (s.IsNotFound()) return NotFound("idempotency key unused");
  LEDGER_RETURN_IF_ERROR(FromRocks(s, "reading an idempotency record"));
  if (value.size() < 8 + crypto::kHashSize) return Corruption("idempotency record too short");
  Appended a;
  a.seq = keys::GetU64(value);
  crypto::Hash request;
  std::copy(value.begin() + 8, value.begin() + 8 + crypto::kHashSize, request.begin());
  if (request != k.request) return Conflict(a.seq);
  a.payload = value.substr(8 + crypto::kHashSize);
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), keys::EntryKey(a.seq), &a.entry),
                "reading entry " + std::to_string(a.seq) + " of an idempotency record"));
  a.leaf_hash = HashLeaf(a.entry);
  a.replayed = true;
  return a;
}

void IdempotencyIndex::Stage(const IdempotencyKey& k, const Appended& a) {
  pending_[k.key] = Pending{k.request, k.payload, a, 0};
}

void IdempotencyIndex::Flush(rocksdb::WriteBatch* batch, uint64_t end_size) {
  for (auto& [key, p] : pending_) {
    if (p.end_size != 0) continue;
    p.end_size = end_size;
    std::string value = keys::EncodeU64(p.appended.seq);
    value.append(crypto::AsBytes(p.request));
    value.append(p.payload);
    batch->Put(keys::IdempotencyKey(key), value);
  }
}

void IdempotencyIndex::DropWritten(uint64_t written_size) {
  std::erase_if(pending_, [&](const auto& kv) { return kv.second.end_size != 0 && kv.second.end_size <= written_size; });
}

}  // namespace ledger::tlog
