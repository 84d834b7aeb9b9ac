#include "ledger/tlog/tree_hasher.h"

#include <cstdint>

namespace ledger::tlog {
namespace {
constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;
}  // namespace

Hash EmptyRoot() { return crypto::Sha256Of(""); }

Hash HashLeaf(std::string_view entry) {
  thread_local crypto::Sha256 h;
  h.Update(&kLeafPrefix, 1);
  h.Update(entry);
  return h.Finish();
}

Hash HashChildren(const Hash& left, const Hash& right) {
  // 65 bytes: prefix || left || right, hashed in one update.
  thread_local crypto::Sha256 h;
  uint8_t buf[1 + 2 * crypto::kHashSize];
  buf[0] = kNodePrefix;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 1 + crypto::kHashSize);
  h.Update(buf, sizeof(buf));
  return h.Finish();
}

}  // namespace ledger::tlog
