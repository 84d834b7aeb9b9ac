// libFuzzer: C2SP tlog-witness add-checkpoint request bodies (tlog/witness.h),
// taken as far as a witness takes them before its state: the framing, the
// signed note, the checkpoint body, the signature against a fixed trusted key
// (seed 32 x 0x07, origin example.com/log; the seed corpus is signed with
// it), and the consistency proof against a fixed old root.
// A framing the parser accepts formats back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle_verifier.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/witness.h"
#include "tests/fuzz/fixed_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto req = ParseAddCheckpointRequest(in);
  if (!req.ok()) return 0;
  if (req->proof.size() > kMaxWitnessProofLines) abort();
  if (FormatAddCheckpointRequest(req->old_size, req->proof, req->checkpoint) != in) abort();
  auto note = ParseNote(req->checkpoint);
  if (!note.ok()) return 0;
  auto cp = ParseCheckpointBody(note->text);
  if (!cp.ok()) return 0;
  auto opened = OpenNote(req->checkpoint, {ledger::fuzz::FixedVerifier()});
  if (opened.ok() && opened->text != note->text) abort();
  if (req->old_size > 0 && req->old_size < cp->size) {
    Hash old_root{};
    (void)VerifyConsistency(req->old_size, cp->size, old_root, cp->root, req->proof);
  }
  return 0;
}
