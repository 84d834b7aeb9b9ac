// The fuzz targets' fixed log key: Ed25519 seed 32 x 0x07, key name (origin)
// example.com/log. Seeds that need a valid signature (fuzz_witness_request's)
// are signed with it; the others are not.
#ifndef LEDGER_TESTS_FUZZ_FIXED_KEY_H_
#define LEDGER_TESTS_FUZZ_FIXED_KEY_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "ledger/crypto/ed25519.h"
#include "ledger/tlog/note.h"

namespace ledger::fuzz {

inline const tlog::NoteVerifier* FixedVerifier() {
  static auto v = [] {
    auto key = crypto::Ed25519PrivateKey::FromSeed(std::string(32, '\x07'));
    if (!key.ok()) abort();
    auto parsed = tlog::ParseVerifierKey(tlog::FormatVerifierKey("example.com/log", (*key)->PublicKey()));
    if (!parsed.ok()) abort();
    return std::move(*parsed);
  }();
  return v.get();
}

}  // namespace ledger::fuzz

#endif  // LEDGER_TESTS_FUZZ_FIXED_KEY_H_
