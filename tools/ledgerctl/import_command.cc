// ledgerctl import: records the rows of a CSV file (bank statements, grant
// lists) as entries of one type, all or nothing.
//
//   ledgerctl import --data DIR --file F.csv --type TYPE --as ACCOUNT [--receipts OUT] [--dry-run]
//   ledgerctl import --url URL --token-file T --file F.csv --type TYPE [--receipts OUT] [--dry-run]
//
// TYPE is any entry type but fund.open, org.profile, books.close and
// correction (funds::IsImportable): donation, grant, disbursement, expense,
// admin_cost, cost, income, lottery.allocation, balance.forward, ... The file format is
// ledger/funds/csv_rows.h's (docs/format.md, "Import files"): the header
// names body fields, amounts are integers of fen, an empty cell leaves the
// field out.
//
// --data: the store is opened here, so ledgerd must not be running on DIR.
// The rows are recorded as ACCOUNT, an account made by `ledgerctl token`
// (tokens.jsonl), and checked exactly as ledgerd checks its token's requests.
// --url: the file is sent to a running ledgerd's POST /api/v1/batches with
// the bearer token read from T; ledgerd keeps serving while it records.
// Both go through funds::ImportRows: every row is checked in order against
// the state including the good rows before it, and one bad row refuses the
// whole file naming every bad row (data rows count from 1; the header is
// line 1 of the file); a good file is one atomic group (one batch, one sync).
// --dry-run checks every row and records nothing.
//
// Both modes key the file as "import/<SHA-256 of the file>" (the group key,
// the Idempotency-Key over HTTP) scoped by the account's token: importing
// the same file again records nothing more and answers with the first
// import's entries and receipt codes. Over HTTP, an answer that leaves the
// outcome unknown (no answer, 500, 503) is retried with the same key, which
// never records twice.
//
// The donor receipt codes of imported donations go to --receipts OUT
// (mode 0600), one "row,seq,receipt" line each.
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "api/token_store.h"
#include "ledger/crypto/sha256.h"
#include "ledger/funds/csv_rows.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

using nlohmann::json;

constexpr size_t kMaxReported = 50;
constexpr int kHttpAttempts = 5;

int Fail(const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl import: %s\n", msg.c_str());
  return code;
}

// What an import did, from the library or from ledgerd's answer.
struct Outcome {
  size_t rows = 0;
  std::vector<std::string> problems;  // "row R (line L): why [rule]", by row
  struct Row {
    size_t row = 0;
    uint64_t seq = 0;
    std::string receipt;  // donations only
    bool replayed = false;
  };
  std::vector<Row> recorded;
};

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kNotFound, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// --data: open the store and record through the library.
Result<Outcome> ImportLocal(const Flags& f, funds::EntryType type, const std::string& file_bytes,
                            const std::string& key, std::string* who) {
  const tlog::DataDir dir{f.Get("data")};
  api::TokenStore tokens(dir.tokens_file());
  auto account = tokens.FindAccount(f.Get("as"));
  if (!account.ok()) return InvalidArgument("--as " + f.Get("as") + ": " + account.status().message());
  LEDGER_ASSIGN_OR_RETURN(funds::Role role, funds::ParseRole(account->role));
  const funds::Actor actor{role, account->name, account->org, account->token_id};
  *who = actor.name;

  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(dir, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    // RocksDB's lock held by a running ledgerd shows as an I/O error.
    if (log.status().code() != Code::kIOError) return log.status();
    return Status(
        Code::kIOError,
        log.status().ToString() + " (is ledgerd running on this directory? stop it, or import with --url)");
  }
  funds::Ledger ledger(log->get(), &sm);
  auto res = funds::ImportRows(ledger, actor, type, file_bytes, f.Has("dry-run"), key);
  (*log)->Close();
  if (!res.ok()) return res.status();
  Outcome out;
  out.rows = res->rows;
  for (const auto& p : res->problems) out.problems.push_back(funds::FormatRowProblem(p));
  for (const auto& r : res->recorded) {
    out.recorded.push_back({r.row, r.recorded.seq, r.recorded.receipt.value_or(""), r.recorded.replayed});
  }
  return out;
}

// --url: POST the file to ledgerd (POST /api/v1/batches).
Result<Outcome> ImportRemote(const Flags& f, const std::string& type, const std::string& file_bytes,
                             const std::string& key, std::string* who) {
  std::string url = f.Get("url");
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos ||
      (url.compare(0, scheme, "http") != 0 && url.compare(0, scheme, "https") != 0)) {
    return InvalidArgument("--url must start with http:// or https://, got " + url);
  }
  const size_t slash = url.find('/', scheme + 3);
  std::string prefix = slash == std::string::npos ? "" : url.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  LEDGER_ASSIGN_OR_RETURN(std::string token, ReadAll(f.Get("token-file")));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty()) return InvalidArgument("--token-file " + f.Get("token-file") + " is empty");

  signal(SIGPIPE, SIG_IGN);  // ledgerd may refuse and close before the upload ends
  httplib::Client client(url.substr(0, slash));
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(120, 0);
  client.set_write_timeout(60, 0);
  const httplib::Headers headers{{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}};
  const std::string path = prefix + "/api/v1/batches?type=" + httplib::detail::encode_query_param(type) +
                           (f.Has("dry-run") ? "&dry_run=1" : "");

  httplib::Result res{nullptr, httplib::Error::Unknown};
  for (int attempt = 1;; ++attempt) {
    res = client.Post(path, headers, file_bytes, "text/csv; charset=utf-8");
    const bool unknown = !res || res->status >= 500;
    if (!unknown || attempt == kHttpAttempts) break;
    int wait = 1 << (attempt - 1);
    if (res && res->has_header("Retry-After"))
      wait = std::max(1, std::atoi(res->get_header_value("Retry-After").c_str()));
    fprintf(stderr,
            "ledgerctl import: %s; the outcome is unknown, sending the same file with the same key in %d s\n",
            res ? ("HTTP " + std::to_string(res->status)).c_str() : httplib::to_string(res.error()).c_str(),
            wait);
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
  if (!res) {
    return Status(Code::kUnavailable,
                  "POST " + url + "/api/v1/batches: " + httplib::to_string(res.error()) +
                      "; the outcome is unknown: run the same import again (it never records twice)");
  }
  json j = json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status(Code::kUnavailable, "POST " + url + "/api/v1/batches: HTTP " + std::to_string(res->status) +
                                          " with a body that is not JSON");
  }
  Outcome out;
  out.rows = j.value("rows", size_t{0});
  if (res->status == 422 && j.value("rule", "") == "batch.rows" && j.contains("errors") &&
      j["errors"].is_array()) {
    for (const json& e : j["errors"]) {
      out.problems.push_back("row " + std::to_string(e.value("row", size_t{0})) + " (line " +
                             std::to_string(e.value("line", size_t{0})) +
                             "): " + e.value("detail", std::string()) +
                             (e.contains("rule") ? " [" + e.value("rule", std::string()) + "]" : ""));
    }
    return out;
  }
  if (res->status != 200 && res->status != 201) {
    std::string detail = j.value("detail", std::string("HTTP ") + std::to_string(res->status));
    if (j.contains("rule")) detail += " [" + j.value("rule", std::string()) + "]";
    return Status(res->status >= 500 ? Code::kUnavailable : Code::kFailedPrecondition,
                  "ledgerd answered " + std::to_string(res->status) + ": " + detail);
  }
  const bool replayed = j.value("replayed", false);
  for (const json& e : j.value("entries", json::array())) {
    out.recorded.push_back({e.value("row", size_t{0}), e.value("seq", uint64_t{0}),
                            e.value("receipt", std::string()), replayed});
  }
  // Who recorded: ask the server (the token file names no account).
  if (auto me = client.Get(prefix + "/api/v1/me", httplib::Headers{{"Authorization", "Bearer " + token}});
      me && me->status == 200) {
    json m = json::parse(me->body, nullptr, false);
    if (m.is_object()) *who = m.value("name", std::string("?"));
  }
  return out;
}

}  // namespace

int CmdImport(const Flags& f) {
  const bool local = f.Has("data"), remote = f.Has("url");
  auto type = funds::ParseEntryType(f.Get("type"));
  if (local == remote || !f.Has("file") || (local && !f.Has("as")) || (remote && !f.Has("token-file")) ||
      !type.ok() || !funds::IsImportable(*type) || !f.positional.empty()) {
    return Fail(
        "usage: ledgerctl import --data DIR --as ACCOUNT | --url URL --token-file FILE,\n"
        "         --file F.csv --type TYPE (any entry type but fund.open, org.profile, books.close, "
        "correction) "
        "[--receipts OUT] [--dry-run]",
        2);
  }
  if (f.Has("receipts") && *type != funds::EntryType::kDonation) {
    return Fail("--receipts is for donations only", 2);
  }
  auto file_bytes = ReadAll(f.Get("file"));
  if (!file_bytes.ok()) return Fail(file_bytes.status().message());
  const std::string key = "import/" + crypto::ToHex(crypto::Sha256Of(*file_bytes));
  std::string who = local ? f.Get("as") : "?";
  auto out = local ? ImportLocal(f, *type, *file_bytes, key, &who)
                   : ImportRemote(f, f.Get("type"), *file_bytes, key, &who);
  if (!out.ok()) {
    const Status& s = out.status();
    if (s.code() == Code::kInvalidArgument && s.message().starts_with("--")) return Fail(s.message(), 2);
    return Fail((s.field() == "csv" ? f.Get("file") + ": " : "") + s.message());
  }
  const size_t rows = out->rows;
  if (!out->problems.empty()) {
    fprintf(stderr, "ledgerctl import: refused %s: %zu of %zu rows are bad; nothing was recorded\n",
            f.Get("file").c_str(), out->problems.size(), rows);
    for (size_t i = 0; i < out->problems.size() && i < kMaxReported; ++i) {
      fprintf(stderr, "  %s\n", out->problems[i].c_str());
    }
    if (out->problems.size() > kMaxReported)
      fprintf(stderr, "  ... and %zu more\n", out->problems.size() - kMaxReported);
    return 3;
  }
  if (f.Has("dry-run")) {
    printf("dry run: all %zu %s rows of %s would be recorded (as %s); nothing was recorded\n", rows,
           f.Get("type").c_str(), f.Get("file").c_str(), who.c_str());
    return 0;
  }
  if (out->recorded.empty()) return Fail("the import answered no rows");

  // The receipts file.
  size_t replayed = 0, receipts = 0;
  std::string lines;
  for (const auto& r : out->recorded) {
    replayed += r.replayed;
    if (!r.receipt.empty()) {
      lines += std::to_string(r.row) + "," + std::to_string(r.seq) + "," + r.receipt + "\n";
      ++receipts;
    }
  }
  if (f.Has("receipts")) {
    int fd = open(f.Get("receipts").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bool ok = fd >= 0 && fchmod(fd, 0600) == 0 &&
              write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()) && fsync(fd) == 0;
    if (fd >= 0) close(fd);
    if (!ok) {
      return Fail("recorded every row, but writing " + f.Get("receipts") +
                  " failed; run the same import again to get the receipt codes back");
    }
  }
  const auto first = static_cast<unsigned long long>(out->recorded.front().seq);
  const auto last = static_cast<unsigned long long>(out->recorded.back().seq);
  if (replayed == out->recorded.size()) {
    printf("%s was imported before (entries %llu..%llu); nothing new was recorded%s\n", f.Get("file").c_str(),
           first, last, f.Has("receipts") ? (", receipt codes written to " + f.Get("receipts")).c_str() : "");
    return 0;
  }
  printf("imported %zu %s rows from %s as %s: entries %llu..%llu%s\n", rows, f.Get("type").c_str(),
         f.Get("file").c_str(), who.c_str(), first, last,
         f.Has("receipts")
             ? (", " + std::to_string(receipts) + " receipt codes in " + f.Get("receipts")).c_str()
             : "");
  return 0;
}

}  // namespace ledger::tools
