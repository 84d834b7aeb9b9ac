// ledgerctl init, token, audit, verify: the commands of the bare log.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <fstream>
#include <sstream>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/audit.h"
#include "ledger/tlog/backup_manifest.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tlog_proof.h"
#include "tools/ledgerctl/flags.h"
#include "tools/ledgerctl/policy_flags.h"

namespace ledger::tools {
namespace {

int Fail(const char* cmd, const std::string& msg) {
  fprintf(stderr, "ledgerctl %s: %s\n", cmd, msg.c_str());
  return 1;
}

}  // namespace

int CmdInit(const Flags& f) {
  if (!f.Has("data") || !f.Has("origin")) return Fail("init", "needs --data DIR and --origin ORIGIN");
  auto vkey = tlog::InitDataDir(tlog::DataDir{f.Get("data")}, f.Get("origin"));
  if (!vkey.ok()) return Fail("init", vkey.status().message());
  printf("%s\n", vkey->c_str());
  return 0;
}

int CmdToken(const Flags& f) {
  if (!f.Has("data")) return Fail("token", "needs --data DIR");
  api::TokenStore tokens(tlog::DataDir{f.Get("data")}.tokens_file());
  if (f.Has("revoke")) {
    Status s = tokens.Revoke(f.Get("revoke"));
    if (!s.ok()) return Fail("token", s.message());
    fprintf(stderr, "revoked the token of %s\n", f.Get("revoke").c_str());
    return 0;
  }
  if (!f.Has("role") || !f.Has("name")) return Fail("token", "needs --role and --name (or --revoke NAME)");
  auto token = tokens.Issue(f.Get("role"), f.Get("name"), f.Get("org"));
  if (!token.ok()) return Fail("token", token.status().message());
  printf("%s\n", token->c_str());
  return 0;
}

// A data directory is audited as it is. A backup directory (it holds
// BACKUP-MANIFEST or BACKUP-INCOMPLETE, ledger/tlog/backup_manifest.h) is
// audited only when complete: every file must match its manifest line,
// log.key and log.vkey must be listed, and the store must hold the entries
// the manifest names; an interrupted backup fails.
int CmdAudit(const Flags& f) {
  if (!f.Has("data")) return Fail("audit", "needs --data DIR");
  const std::string root = f.Get("data");
  std::optional<tlog::BackupManifest> manifest;
  switch (tlog::GetBackupState(root)) {
    case tlog::BackupState::kIncomplete:
      printf("FAILED: %s is an interrupted backup (it holds %s and no %s): take a new backup\n", root.c_str(),
             tlog::kBackupIncompleteFile, tlog::kBackupManifestFile);
      return 3;
    case tlog::BackupState::kComplete: {
      auto m = tlog::VerifyBackup(root);
      if (!m.ok()) {
        printf("FAILED: %s\n", m.status().message().c_str());
        return 3;
      }
      for (const char* needed : {"log.key", "log.vkey"}) {
        auto listed = [&](const tlog::BackupManifest::File& file) { return file.path == needed; };
        if (std::none_of(m->files.begin(), m->files.end(), listed)) {
          printf("FAILED: the backup's manifest does not list %s\n", needed);
          return 3;
        }
      }
      manifest = std::move(*m);
      break;
    }
    case tlog::BackupState::kNotABackup:
      break;
  }
  bool quiet = f.Has("quiet");
  auto report = tlog::AuditLog(tlog::DataDir{root}.db(), [quiet](uint64_t done, uint64_t total) {
    if (!quiet && total > 0) fprintf(stderr, "\raudit: %llu / %llu entries", (unsigned long long)done, (unsigned long long)total);
  });
  if (!quiet) fprintf(stderr, "\n");
  if (!report.ok()) return Fail("audit", report.status().message());
  if (!report->ok) {
    if (report->first_bad_index) {
      printf("FAILED at index %llu: %s\n", (unsigned long long)*report->first_bad_index, report->problem.c_str());
    } else {
      printf("FAILED: %s\n", report->problem.c_str());
    }
    return 3;
  }
  if (manifest && manifest->info.tree_size != report->tree_size) {
    printf("FAILED: the backup's store holds %llu entries; its manifest says %llu\n",
           (unsigned long long)report->tree_size, (unsigned long long)manifest->info.tree_size);
    return 3;
  }
  printf("OK: %llu entries, %llu checkpoints; every hash, the chain and every checkpoint match\n",
         (unsigned long long)report->tree_size, (unsigned long long)report->checkpoints);
  if (manifest) {
    printf("OK: a complete backup of %s made %s; its %zu files match %s\n", manifest->info.origin.c_str(),
           manifest->created.c_str(), manifest->files.size(), tlog::kBackupManifestFile);
  }
  return 0;
}

// Checks a receipt file offline against a trust policy (policy_flags.h):
// that a log the policy lists signed the checkpoint, the inclusion proof of
// the entry carried in the proof's extra data, that the witnesses whose
// cosignatures verify meet the policy's quorum (naming the group short of it
// when not), and, with --secret, the donor commitment in the entry.
int CmdVerify(const Flags& f) {
  if (f.positional.size() != 1 || (!f.Has("vkey") && !f.Has("policy"))) {
    return Fail("verify",
                "usage: ledgerctl verify RECEIPT (--policy FILE | --vkey KEY [--witness VKEY ... --quorum N]) "
                "[--secret HEX]");
  }
  auto policy = PolicyFromFlags(f);
  if (!policy.ok()) return Fail("verify", policy.status().message());
  std::ifstream in(f.positional[0]);
  if (!in) return Fail("verify", "cannot read " + f.positional[0]);
  std::stringstream ss;
  ss << in.rdbuf();
  auto proof = tlog::ParseTlogProof(ss.str());
  if (!proof.ok()) return Fail("verify", proof.status().message());
  auto verdict = policy->Verify(proof->checkpoint);
  if (!verdict.ok()) {
    printf("NOT VERIFIED: %s\n", verdict.status().message().c_str());
    return 3;
  }
  Result<tlog::VerifiedProof> ok = FailedPrecondition("no log of the policy has origin " + verdict->checkpoint.origin);
  for (const tlog::PolicyLog& l : policy->logs()) {
    if (l.verifier->name() != verdict->checkpoint.origin) continue;
    ok = tlog::VerifyTlogProof(*proof, *l.verifier);
    if (ok.ok()) break;
  }
  if (!ok.ok()) {
    printf("NOT VERIFIED: %s\n", ok.status().message().c_str());
    return 3;
  }
  if (!verdict->quorum_met) {
    printf("NOT VERIFIED: the checkpoint's witness cosignatures fall short of the policy: %s\n",
           verdict->why.c_str());
    return 3;
  }
  if (!proof->extra) {
    printf("NOT VERIFIED: the receipt carries no entry\n");
    return 3;
  }
  auto fields = tlog::ParseEntry(*proof->extra);
  if (!fields.ok() || fields->seq != proof->index) {
    printf("NOT VERIFIED: the entry in the receipt is not entry %llu\n", (unsigned long long)proof->index);
    return 3;
  }
  if (f.Has("secret")) {
    std::string hex = f.Get("secret");
    std::string secret;
    if (hex.size() != 32 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return Fail("verify", "--secret must be the 32 hex digits after the dash of the receipt code");
    }
    for (size_t i = 0; i + 1 < hex.size(); i += 2) secret.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    std::string commitment = crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of("charity-ledger/donor/v1\n" + secret)));
    if (hex.size() != 32 || fields->body.find("\"commitment\":\"" + commitment + "\"") == std::string::npos) {
      printf("NOT VERIFIED: the secret does not match the donor commitment of entry %llu\n", (unsigned long long)proof->index);
      return 3;
    }
  }
  printf("VERIFIED: entry %llu (%s, recorded %s) is in %s at tree size %llu, root %s\n",
         (unsigned long long)proof->index, fields->type.c_str(), fields->time.c_str(), ok->origin.c_str(),
         (unsigned long long)ok->tree_size, crypto::Base64Encode(crypto::AsBytes(ok->root)).c_str());
  return 0;
}

}  // namespace ledger::tools
