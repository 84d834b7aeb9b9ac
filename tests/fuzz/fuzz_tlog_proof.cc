// libFuzzer: C2SP tlog-proof receipts (tlog/tlog_proof.h). Parsing and
// verification against a fixed log key must never crash; an accepted proof
// formats and parses back to the same proof.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/crypto/ed25519.h"

#include "ledger/tlog/tlog_proof.h"

namespace {
// A verifier for a fixed key (seed 32 x 0x07); inputs are not signed with it.
const ledger::tlog::NoteVerifier* Verifier() {
  static auto v = [] {
    auto key = ledger::crypto::Ed25519PrivateKey::FromSeed(std::string(32, '\x07'));
    if (!key.ok()) abort();
    auto parsed = ledger::tlog::ParseVerifierKey(
        ledger::tlog::FormatVerifierKey("example.com/log", (*key)->PublicKey()));
    if (!parsed.ok()) abort();
    return std::move(*parsed);
  }();
  return v.get();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto p = ParseTlogProof(in);
  if (!p.ok()) return 0;
  auto again = ParseTlogProof(FormatTlogProof(*p));
  if (!again.ok() || again->index != p->index || again->proof != p->proof || again->extra != p->extra ||
      again->checkpoint != p->checkpoint) {
    abort();
  }
  if (const NoteVerifier* v = Verifier()) (void)VerifyTlogProof(*p, *v);
  return 0;
}
