// libFuzzer: C2SP tlog-proof receipts (tlog/tlog_proof.h). Parsing and
// verification against a fixed log key must never crash; an accepted proof
// formats and parses back to the same proof.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/tlog/tlog_proof.h"
#include "tests/fuzz/fixed_key.h"

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
  if (const NoteVerifier* v = ledger::fuzz::FixedVerifier()) (void)VerifyTlogProof(*p, *v);
  return 0;
}
