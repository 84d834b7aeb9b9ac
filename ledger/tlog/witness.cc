#include "ledger/tlog/witness.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/merkle_verifier.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;

WitnessReply Reply(int status, std::string body) {
  WitnessReply r;
  r.http_status = status;
  r.body = std::move(body);
  if (!r.body.empty() && r.body.back() != '\n') r.body += "\n";
  return r;
}

WitnessReply SizeConflict(uint64_t size) {  // 409, text/x.tlog.size
  WitnessReply r;
  r.http_status = 409;
  r.content_type = std::string(kTlogSizeContentType);
  r.body = std::to_string(size) + "\n";
  return r;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFileSynced(const std::string& path, const std::string& content, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return IOError("creating " + path + ": " + strerror(errno));
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            fsync(fd) == 0;
  close(fd);
  if (!ok) return IOError("writing " + path + ": " + strerror(errno));
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return IOError("opening " + dir + ": " + strerror(errno));
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return IOError("syncing " + dir + ": " + strerror(errno));
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<CosignatureSigner>> LoadOrCreateWitnessKey(const std::string& dir,
                                                                  const std::string& name) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IOError("creating " + dir + ": " + ec.message());
  const std::string key_file = dir + "/witness.key", vkey_file = dir + "/witness.vkey";
  if (!fs::exists(key_file)) {
    if (name.empty()) return NotFound("no witness key in " + dir + " (give --name to create one)");
    if (!IsValidKeyName(name)) {
      return InvalidArgument("witness name must be a key name without spaces or '+', e.g. witness.example/w1");
    }
    LEDGER_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PrivateKey::Generate());
    // O_EXCL through a temporary name, then rename: a crash leaves no half key.
    const std::string tmp = key_file + ".tmp";
    LEDGER_RETURN_IF_ERROR(
        WriteFileSynced(tmp, FormatSignerKey(name, key->Seed(), key->PublicKey()) + "\n", 0600));
    if (rename(tmp.c_str(), key_file.c_str()) != 0) return IOError("renaming " + tmp);
    LEDGER_RETURN_IF_ERROR(SyncDir(dir));
  }
  struct stat st;
  if (stat(key_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Status(Code::kPermissionDenied,
                  "the witness key " + key_file + " must be readable by its owner only (chmod 600)");
  }
  LEDGER_ASSIGN_OR_RETURN(std::string text, ReadFile(key_file));
  LEDGER_ASSIGN_OR_RETURN(ParsedSignerKey parsed, ParseSignerKey(text));
  if (!name.empty() && parsed.name != name) {
    return Status(Code::kAlreadyExists, "the witness key in " + dir + " is named " + parsed.name +
                                            ", not " + name);
  }
  auto signer = std::make_shared<CosignatureSigner>(parsed.name, parsed.key);
  LEDGER_RETURN_IF_ERROR(WriteFileSynced(vkey_file, signer->vkey() + "\n", 0644));
  return signer;
}

Witness::Witness(std::string dir, int lock_fd, std::shared_ptr<const CosignatureSigner> signer,
                 std::vector<std::unique_ptr<NoteVerifier>> log_keys)
    : dir_(std::move(dir)), lock_fd_(lock_fd), signer_(std::move(signer)), log_keys_(std::move(log_keys)) {
  for (const auto& k : log_keys_) {
    by_origin_[k->name()].push_back(k.get());
    origin_by_hash_[crypto::ToHex(crypto::Sha256Of(k->name()))] = k->name();
  }
}

Witness::~Witness() { close(lock_fd_); }

Result<std::unique_ptr<Witness>> Witness::Open(const std::string& dir,
                                               std::shared_ptr<const CosignatureSigner> signer,
                                               std::vector<std::unique_ptr<NoteVerifier>> log_keys) {
  if (log_keys.empty()) return InvalidArgument("a witness needs at least one log key (--log-vkey)");
  std::error_code ec;
  fs::create_directories(dir + "/state", ec);
  if (ec) return IOError("creating " + dir + "/state: " + ec.message());
  const std::string lock = dir + "/witness.lock";
  int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("opening " + lock + ": " + strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return Status(Code::kUnavailable, "another witness is running on " + dir);
  }
  return std::unique_ptr<Witness>(new Witness(dir, fd, std::move(signer), std::move(log_keys)));
}

std::string Witness::StatePath(const std::string& origin) const {
  return dir_ + "/state/" + crypto::ToHex(crypto::Sha256Of(origin)) + ".checkpoint";
}

Result<Witness::Cosigned> Witness::Latest(const std::string& origin) const {
  auto text = ReadFile(StatePath(origin));
  if (!text.ok()) return NotFound("no checkpoint of " + origin + " has been cosigned");
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(*text));
  auto body = ParseCheckpointBody(note.text);
  if (!body.ok() || body->origin != origin) {
    return Corruption("the stored checkpoint of " + origin + " is damaged");
  }
  return Cosigned{body->size, body->root, *text};
}

// Replaces the origin's state file atomically and durably.
Status Witness::Persist(const std::string& origin, const std::string& note) {
  const std::string path = StatePath(origin), tmp = path + ".tmp";
  LEDGER_RETURN_IF_ERROR(WriteFileSynced(tmp, note, 0644));
  if (rename(tmp.c_str(), path.c_str()) != 0) return IOError("renaming " + tmp + ": " + strerror(errno));
  return SyncDir(dir_ + "/state");
}

Result<AddCheckpointRequest> ParseAddCheckpointRequest(std::string_view req) {
  AddCheckpointRequest out;
  // The old size line.
  size_t nl = req.find('\n');
  if (nl == std::string_view::npos || !req.starts_with("old ")) {
    return InvalidArgument("the body must start with \"old <size>\\n\"");
  }
  if (!ParseDecimal(req.substr(4, nl - 4), &out.old_size)) {
    return InvalidArgument("the old size is not a decimal number without leading zeros");
  }
  req.remove_prefix(nl + 1);
  // Proof lines up to the empty line.
  while (true) {
    nl = req.find('\n');
    if (nl == std::string_view::npos) return InvalidArgument("no empty line before the checkpoint");
    std::string_view line = req.substr(0, nl);
    req.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (out.proof.size() == kMaxWitnessProofLines) return InvalidArgument("more than 63 consistency proof lines");
    auto raw = crypto::Base64Decode(line);
    if (!raw || raw->size() != crypto::kHashSize) {
      return InvalidArgument("consistency proof line " + std::to_string(out.proof.size() + 1) +
                             " is not a base64 SHA-256 hash");
    }
    Hash h;
    std::copy(raw->begin(), raw->end(), h.begin());
    out.proof.push_back(h);
  }
  out.checkpoint = req;
  return out;
}

std::string FormatAddCheckpointRequest(uint64_t old_size, const std::vector<Hash>& proof,
                                       std::string_view checkpoint) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash& h : proof) body += crypto::Base64Encode(crypto::AsBytes(h)) + "\n";
  body += "\n";
  body += checkpoint;
  return body;
}

WitnessReply Witness::AddCheckpoint(std::string_view body) {
  auto framed = ParseAddCheckpointRequest(body);
  if (!framed.ok()) return Reply(400, framed.status().message());
  const uint64_t old_size = framed->old_size;
  const std::vector<Hash>& proof = framed->proof;
  const std::string_view req = framed->checkpoint;
  auto parsed = ParseNote(req);
  if (!parsed.ok()) return Reply(400, "the checkpoint is not a signed note: " + parsed.status().message());
  auto cp = ParseCheckpointBody(parsed->text);
  if (!cp.ok()) return Reply(400, "the note is not a checkpoint: " + cp.status().message());

  auto known = by_origin_.find(cp->origin);
  if (known == by_origin_.end()) return Reply(404, "unknown log origin " + cp->origin);
  auto opened = OpenNote(req, known->second);
  if (!opened.ok()) {
    return Reply(403, "no valid signature by a trusted key of " + cp->origin + ": " +
                          opened.status().message());
  }
  if (old_size > cp->size) {
    return Reply(400, "old size " + std::to_string(old_size) + " is above the checkpoint size " +
                          std::to_string(cp->size));
  }

  std::lock_guard lock(mu_);
  uint64_t have_size = 0;
  Hash have_root{};
  if (auto latest = Latest(cp->origin); latest.ok()) {
    have_size = latest->size;
    have_root = latest->root;
  } else if (latest.status().code() != Code::kNotFound) {
    return Reply(500, latest.status().message());
  }
  if (old_size != have_size) return SizeConflict(have_size);
  // A witness never signs a bogus root: the tree of size 0 has exactly one.
  if (cp->size == 0 && cp->root != EmptyRoot()) {
    return Reply(422, "a checkpoint of size 0 must have the empty tree's root (SHA-256 of nothing)");
  }
  if (old_size == 0) {
    if (!proof.empty()) return Reply(422, "the consistency proof from size 0 must be empty");
  } else if (old_size == cp->size) {
    if (!proof.empty()) return Reply(422, "the consistency proof between equal sizes must be empty");
    if (cp->root != have_root) {
      return Reply(422, "fork: size " + std::to_string(cp->size) + " was cosigned with another root");
    }
  } else {
    Status s = VerifyConsistency(old_size, cp->size, have_root, cp->root, proof);
    if (!s.ok()) {
      return Reply(422, "the consistency proof from " + std::to_string(old_size) + " to " +
                            std::to_string(cp->size) + " does not verify: " + s.message());
    }
  }
  auto line = CosignatureLine(*signer_, parsed->text, signer_->Now());
  if (!line.ok()) return Reply(500, line.status().message());
  // What the monitoring endpoint serves: the log's verified signatures and
  // this witness's cosignature, nothing a stranger added.
  Status s = Persist(cp->origin, FormatNote(*opened) + *line);
  if (!s.ok()) return Reply(500, s.message());
  return Reply(200, *line);
}

WitnessReply Witness::GetCheckpoint(std::string_view origin_hash) const {
  auto origin = origin_by_hash_.find(std::string(origin_hash));
  if (origin == origin_by_hash_.end()) {
    return Reply(404, "no log with that origin hash is known to this witness");
  }
  Result<Cosigned> latest = [&] {
    std::lock_guard lock(mu_);
    return Latest(origin->second);
  }();
  if (!latest.ok()) {
    return Reply(latest.status().code() == Code::kNotFound ? 404 : 500, latest.status().message());
  }
  std::string note = std::move(latest->note);
  // State written before the cosignature was stored with it: sign it now
  // (it was checked when it was stored).
  auto parsed = ParseNote(note);
  if (!parsed.ok()) return Reply(500, "the stored checkpoint is damaged");
  bool ours = false;
  for (const NoteSignature& sig : parsed->signatures) {
    ours |= sig.name == signer_->name() && sig.key_id == signer_->key_id();
  }
  if (!ours) {
    auto line = CosignatureLine(*signer_, parsed->text, signer_->Now());
    if (!line.ok()) return Reply(500, line.status().message());
    note += *line;
  }
  WitnessReply r;
  r.body = std::move(note);
  return r;
}

}  // namespace ledger::tlog
