// libFuzzer: C2SP signed notes and keys (tlog/note.h). A note ParseNote
// accepts formats back to the same bytes; OpenNote (which verifies Ed25519
// signatures against a fixed key) never accepts what ParseNote refuses.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "ledger/tlog/note.h"
#include "tests/fuzz/fixed_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)ParseVerifierKey(in);
  (void)ParseSignerKey(in);
  auto note = ParseNote(in);
  if (note.ok() && FormatNote(*note) != in) abort();
  if (const NoteVerifier* v = ledger::fuzz::FixedVerifier()) {
    auto opened = OpenNote(in, {v});
    if (opened.ok() && !note.ok()) abort();
  }
  return 0;
}
