#include "api/log_views.h"

#include "ledger/crypto/base64.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tlog_proof.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::api {
namespace {

using nlohmann::json;

std::string B64(const crypto::Hash& h) { return crypto::Base64Encode(crypto::AsBytes(h)); }

}  // namespace

json LogJson(const tlog::Log& log, const std::string& policy) {
  return {{"origin", log.origin()}, {"vkey", log.verifier_key()}, {"tree_size", log.Size()}, {"policy", policy}};
}

Result<json> CheckpointJson(const tlog::Log& log, const tlog::Checkpoint& cp) {
  LEDGER_ASSIGN_OR_RETURN(tlog::Note note, tlog::ParseNote(cp.note));
  json witnesses = json::array();
  for (const auto& s : note.signatures) {
    if (s.name == log.origin()) continue;
    char id[9];
    snprintf(id, sizeof(id), "%08x", s.key_id);
    witnesses.push_back({{"name", s.name}, {"key_id", id}});
  }
  return json{{"size", cp.size},
              {"root", B64(cp.root)},
              {"time", tlog::FormatTime(cp.unix_ms / 1000)},
              {"note", cp.note},
              {"witnesses", witnesses}};
}

Result<json> EntryJson(const tlog::Log& log, uint64_t seq) {
  LEDGER_ASSIGN_OR_RETURN(std::string entry, log.Entry(seq));
  return json{{"seq", seq},
              {"leaf_hash", B64(tlog::HashLeaf(entry))},
              {"entry", json::parse(entry)},
              {"raw", crypto::Base64Encode(entry)}};
}

Result<std::string> ReceiptText(const tlog::Log& log, uint64_t seq, const tlog::Checkpoint& cp) {
  LEDGER_ASSIGN_OR_RETURN(std::string entry, log.Entry(seq));
  if (cp.size <= seq) {
    return NotFound("entry " + std::to_string(seq) + " is not in a published checkpoint yet; retry with ?wait=1");
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<crypto::Hash> proof, log.InclusionProof(seq, cp.size));
  return tlog::FormatTlogProof(tlog::TlogProof{entry, seq, proof, cp.note});
}

}  // namespace ledger::api
