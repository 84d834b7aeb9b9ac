#include "ledger/tlog/tlog_proof.h"

#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle_verifier.h"

namespace ledger::tlog {

std::string FormatTlogProof(const TlogProof& p) {
  std::string out(kTlogProofHeader);
  out += "\n";
  if (p.extra) out += "extra " + crypto::Base64Encode(*p.extra) + "\n";
  out += "index " + std::to_string(p.index) + "\n";
  for (const Hash& h : p.proof) out += crypto::Base64Encode(crypto::AsBytes(h)) + "\n";
  out += "\n";
  out += p.checkpoint;
  return out;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  auto bad = [](const std::string& why) { return InvalidArgument("malformed tlog-proof: " + why); };
  auto next_line = [&text](std::string_view* line) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    *line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  std::string_view line;
  if (!next_line(&line) || line != kTlogProofHeader) return bad("first line must be c2sp.org/tlog-proof@v1");
  TlogProof p;
  if (!next_line(&line)) return bad("no index line");
  if (line.starts_with("extra ")) {
    auto extra = crypto::Base64Decode(line.substr(6));
    if (!extra) return bad("extra is not base64");
    p.extra = std::move(*extra);
    if (!next_line(&line)) return bad("no index line");
  }
  if (!line.starts_with("index ") || !ParseDecimal(line.substr(6), &p.index)) {
    return bad("index line must be 'index <decimal>'");
  }
  while (true) {
    if (!next_line(&line)) return bad("no empty line before the checkpoint");
    if (line.empty()) break;
    auto h = crypto::Base64Decode(line);
    if (!h || h->size() != crypto::kHashSize) return bad("proof line is not a base64 SHA-256 hash");
    if (p.proof.size() >= 64) return bad("inclusion proof longer than 64 hashes");
    Hash hash;
    std::copy(h->begin(), h->end(), hash.begin());
    p.proof.push_back(hash);
  }
  if (text.empty()) return bad("no checkpoint");
  p.checkpoint = std::string(text);
  return p;
}

Result<VerifiedProof> VerifyTlogProof(const TlogProof& p, const NoteVerifier& log_key,
                                      std::optional<std::string_view> entry) {
  if (!entry && !p.extra) return InvalidArgument("no entry given and the proof carries no extra data");
  std::string_view bytes = entry ? *entry : std::string_view(*p.extra);
  LEDGER_ASSIGN_OR_RETURN(Note note, OpenNote(p.checkpoint, {&log_key}));
  LEDGER_ASSIGN_OR_RETURN(CheckpointBody body, ParseCheckpointBody(note.text));
  if (body.origin != log_key.name()) {
    return FailedPrecondition("checkpoint origin " + body.origin + " is not the log " + log_key.name());
  }
  LEDGER_RETURN_IF_ERROR(VerifyInclusion(p.index, body.size, HashLeaf(bytes), p.proof, body.root));
  return VerifiedProof{body.origin, body.size, body.root, p.index, note.signatures};
}

}  // namespace ledger::tlog
