// libFuzzer: C2SP signed notes and keys (tlog/note.h). A note ParseNote
// accepts formats back to the same bytes; OpenNote (which verifies Ed25519
// signatures against a fixed key) never accepts what ParseNote refuses.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "ledger/crypto/ed25519.h"

#include "ledger/tlog/note.h"

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
  (void)ParseVerifierKey(in);
  (void)ParseSignerKey(in);
  auto note = ParseNote(in);
  if (note.ok() && FormatNote(*note) != in) abort();
  if (const NoteVerifier* v = Verifier()) {
    auto opened = OpenNote(in, {v});
    if (opened.ok() && !note.ok()) abort();
  }
  return 0;
}
