// A C2SP tlog-witness (c2sp.org/tlog-witness): the logic of
// `POST <prefix>/add-checkpoint`, independent of the HTTP server.
//
// Request body:
//   "old " <decimal size, no leading zeros> "\n"
//   [<base64 32-byte hash> "\n"]...        at most 63 consistency proof lines
//   "\n"
//   <signed checkpoint note>
//
// Replies, in the order the spec checks them:
//   400  the body is malformed, or old size > checkpoint size
//   404  the checkpoint's origin is not a log this witness knows
//   403  no signature by a trusted key of that origin verifies (a signature
//        by a trusted key in lenient base64 is a failed one, note.h)
//   409  old size != the size this witness last cosigned for the origin
//        (body "<size>\n", Content-Type text/x.tlog.size)
//   422  a checkpoint of size 0 whose root is not the empty tree's, a
//        proof that is not empty from old size 0 or between equal sizes, a
//        consistency proof that does not verify, or old size == checkpoint
//        size with another root than the one cosigned (a fork)
//   200  one cosignature line per witness key (cosignature.h)
//
// Monitoring (`GET <prefix>/<hex SHA-256(origin)>/checkpoint`): the latest
// cosigned checkpoint of that origin with the log's verified signatures and
// this witness's cosignature; 404 for an origin it never cosigned.
//
// State: for each origin, the latest cosigned checkpoint (the log's verified
// signatures and this witness's cosignature line), one file
// `<dir>/state/<hex SHA-256(origin)>.checkpoint`, replaced by write, fsync,
// rename, fsync of the directory. The check against the stored size and the
// update are one critical section (a mutex), and the witness holds an
// exclusive flock on `<dir>/witness.lock` for its lifetime so no second
// process can run on the same state; so a cosignature is never returned for a
// size smaller than one already cosigned, and never before the new state is
// on disk.
//
// Thread-safety: AddCheckpoint may be called from many threads.
#ifndef LEDGER_TLOG_WITNESS_H_
#define LEDGER_TLOG_WITNESS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {

inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";
inline constexpr size_t kMaxWitnessProofLines = 63;

struct WitnessReply {
  int http_status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// The body of an add-checkpoint request, framed but not yet checked against
// any key or state.
struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<Hash> proof;      // at most kMaxWitnessProofLines
  std::string_view checkpoint;  // the signed note: the rest of the body
};

// Parses the framing of a request body; InvalidArgument (HTTP 400) saying
// what is wrong. The result points into `body`. Only canonical forms are
// accepted, so FormatAddCheckpointRequest gives back the same bytes.
Result<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view body);
std::string FormatAddCheckpointRequest(uint64_t old_size, const std::vector<Hash>& proof,
                                       std::string_view checkpoint);

// The files of a witness directory:
//   DIR/witness.key   the cosigner's Ed25519 key, signed-note signer form, 0600
//   DIR/witness.vkey  its cosignature verifier key (type 0x04), public
//   DIR/state/        latest cosigned checkpoint per origin
//   DIR/witness.lock  held while a witness runs
// Creates the key if absent (then `name` is required); refuses a key whose
// name differs from a non-empty `name`.
Result<std::shared_ptr<CosignatureSigner>> LoadOrCreateWitnessKey(const std::string& dir,
                                                                  const std::string& name);

class Witness {
 public:
  // `log_keys` are the trusted log verifier keys; a key's name is the origin
  // it signs for.
  static Result<std::unique_ptr<Witness>> Open(const std::string& dir,
                                               std::shared_ptr<const CosignatureSigner> signer,
                                               std::vector<std::unique_ptr<NoteVerifier>> log_keys);
  ~Witness();

  WitnessReply AddCheckpoint(std::string_view request);
  // GET <prefix>/<origin_hash>/checkpoint, `origin_hash` being lowercase hex
  // SHA-256 of the origin.
  WitnessReply GetCheckpoint(std::string_view origin_hash) const;

  struct Cosigned {
    uint64_t size = 0;
    Hash root{};
    std::string note;  // the signed checkpoint as stored (see State above)
  };
  // The latest checkpoint cosigned for `origin`; NotFound if none.
  Result<Cosigned> Latest(const std::string& origin) const;

 private:
  Witness(std::string dir, int lock_fd, std::shared_ptr<const CosignatureSigner> signer,
          std::vector<std::unique_ptr<NoteVerifier>> log_keys);
  std::string StatePath(const std::string& origin) const;
  Status Persist(const std::string& origin, const std::string& note);

  const std::string dir_;
  const int lock_fd_;
  const std::shared_ptr<const CosignatureSigner> signer_;
  const std::vector<std::unique_ptr<NoteVerifier>> log_keys_;
  std::map<std::string, std::vector<const NoteVerifier*>> by_origin_;
  std::map<std::string, std::string> origin_by_hash_;  // hex SHA-256(origin) -> origin
  mutable std::mutex mu_;  // serialises check-and-update
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_WITNESS_H_
