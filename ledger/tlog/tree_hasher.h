// The RFC 9162 section 2.1.1 Merkle tree hash functions. This file is the only
// place that knows the 0x00 (leaf) and 0x01 (interior node) prefixes.
//
// Thread-safe.
#ifndef LEDGER_TLOG_TREE_HASHER_H_
#define LEDGER_TLOG_TREE_HASHER_H_

#include <string_view>

#include "ledger/crypto/sha256.h"

namespace ledger::tlog {

using crypto::Hash;

// MTH({}) = SHA-256() — the root of the empty tree.
Hash EmptyRoot();
// MTH({d}) = SHA-256(0x00 || d)
Hash HashLeaf(std::string_view entry);
// SHA-256(0x01 || left || right)
Hash HashChildren(const Hash& left, const Hash& right);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_TREE_HASHER_H_
