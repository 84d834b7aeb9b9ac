#include "api/backoffice_routes.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include "api/connection_pool.h"
#include "api/problem.h"
#include "api/request_guard.h"
#include "ledger/base/log_escape.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/csv_rows.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/recipient_grants.h"

namespace ledger::api {
namespace {

using nlohmann::json;

// Imports running at once; more answer 503 (each holds its file, its rows
// and one atomic group in memory).
constexpr int kMaxConcurrentBatches = 2;

// The header that may name the entry type of a batch instead of ?type=.
constexpr char kTypeHeader[] = "Ledger-Entry-Type";

Result<Actor> Bearer(const httplib::Request& req, ServerContext& ctx) {
  const std::string auth = req.get_header_value("Authorization");
  if (!auth.starts_with("Bearer ")) {
    return Status(Code::kUnauthenticated, "missing Authorization: Bearer <token>");
  }
  return ctx.tokens->Authenticate(std::string_view(auth).substr(7));
}

void TooMany(httplib::Response& res, const std::string& detail, int64_t wait) {
  WriteProblem(res, Status(Code::kUnavailable, detail + "; retry after " + std::to_string(wait) + " s"), 429);
  res.headers.erase("Retry-After");
  res.set_header("Retry-After", std::to_string(wait));
}

// The bad rows of a refused import: RFC 9457 problem details with the rows
// as an extension member.
void WriteRowProblems(httplib::Response& res, const funds::ImportOutcome& out, std::string_view type,
                      bool dry_run) {
  json errors = json::array();
  for (const funds::RowProblem& p : out.problems) {
    json e{{"row", p.row}, {"line", p.line}, {"detail", p.status.message()}};
    if (!p.status.rule().empty()) e["rule"] = p.status.rule();
    if (!p.status.field().empty()) e["field"] = p.status.field();
    errors.push_back(std::move(e));
  }
  json j{{"type", "about:blank"},
         {"title", HttpTitle(422)},
         {"status", 422},
         {"detail", std::to_string(out.problems.size()) + " of " + std::to_string(out.rows) +
                        " rows are bad; " + (dry_run ? "this was a dry run" : "nothing was recorded")},
         {"rule", "batch.rows"},
         {"entry_type", std::string(type)},
         {"dry_run", dry_run},
         {"rows", out.rows},
         {"errors", std::move(errors)}};
  res.status = 422;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace), "application/problem+json");
}

void HandleBatch(ServerContext& ctx, std::atomic<int>& running, const httplib::Request& req,
                 httplib::Response& res, const httplib::ContentReader& read) {
  res.set_header("Cache-Control", "no-store");  // the answer may hold receipt codes
  // The body is read before anything is answered, so that a refused upload
  // never stays on a keep-alive connection to be taken for the next request
  // (api/request_guard.h). httplib reads and discards a body over
  // kMaxBatchBytes and answers 413 itself; bytes beyond the cap are dropped
  // here too, and only while an import slot is free is anything kept.
  const bool slot = running.fetch_add(1) < kMaxConcurrentBatches;
  struct Release {
    std::atomic<int>& n;
    ~Release() { n.fetch_sub(1); }
  } release{running};
  std::string csv;
  bool over = false;
  const bool read_ok = read([&](const char* data, size_t n) {
    if (!slot || over) return true;  // read and dropped
    if (csv.size() + n > kMaxBatchBytes) {
      over = true;
      csv.clear();
      return true;
    }
    csv.append(data, n);
    return true;
  });
  if (res.status == 413 || over) {
    return WriteProblem(res,
                        Status(Code::kResourceExhausted,
                               "the file exceeds " + std::to_string(kMaxBatchBytes) + " bytes; split it"));
  }
  if (!read_ok) return WriteProblem(res, InvalidArgument("the request body could not be read"));

  if (ConnectionPool::Refusing()) return TooManyConnections(res, ctx);
  if (ctx.rate_limiter != nullptr) {
    if (int64_t wait = ctx.rate_limiter->CheckAddress(req.remote_addr)) {
      return TooMany(res, "too many requests from this address", wait);
    }
  }
  if (Status s = CheckWrite(req); !s.ok()) return WriteProblem(res, s);
  auto actor = Bearer(req, ctx);
  if (!actor.ok()) return WriteProblem(res, actor.status());
  // Reads yield to writes while this batch is recorded (api/read_gate.h).
  std::optional<ReadGate::Writing> writing;
  if (ctx.read_gate != nullptr) writing.emplace(ctx.read_gate->Write());
  if (ctx.rate_limiter != nullptr) {
    const std::string auth = req.get_header_value("Authorization");
    if (int64_t wait = ctx.rate_limiter->CheckToken(std::string_view(auth).substr(7))) {
      return TooMany(res, "too many writes with this token", wait);
    }
  }
  std::string type_name = req.get_param_value("type");
  const std::string header_type = req.get_header_value(kTypeHeader);
  if (type_name.empty()) type_name = header_type;
  if (type_name.empty()) {
    return WriteProblem(
        res,
        InvalidArgument("name the entry type: ?type=donation or a Ledger-Entry-Type header", "batch.type")
            .WithField("query.type"));
  }
  if (!header_type.empty() && header_type != type_name) {
    return WriteProblem(
        res, InvalidArgument("?type= and the Ledger-Entry-Type header name different types", "batch.type")
                 .WithField("query.type"));
  }
  auto type = funds::ParseEntryType(type_name);
  if (!type.ok()) return WriteProblem(res, Status(type.status()).WithField("query.type"));
  if (!funds::IsImportable(*type)) {
    return WriteProblem(
        res, InvalidArgument(type_name + " entries are recorded one at a time, not imported", "batch.type")
                 .WithField("query.type"));
  }
  auto role = funds::ParseRole(actor->role);
  if (!role.ok()) return WriteProblem(res, role.status());
  const funds::Actor a{*role, actor->name, actor->org, actor->token_id};
  if (Status s = funds::CheckRole(a, *type); !s.ok()) return WriteProblem(res, s);
  const std::string dry = req.get_param_value("dry_run");
  if (!dry.empty() && dry != "1" && dry != "true" && dry != "0" && dry != "false") {
    return WriteProblem(
        res, InvalidArgument("dry_run must be 1 or 0", "batch.dry_run").WithField("query.dry_run"));
  }
  const bool dry_run = dry == "1" || dry == "true";
  const std::string key = req.get_header_value("Idempotency-Key");
  if (Status s = CheckIdempotencyKey(key); !s.ok()) return WriteProblem(res, s);
  if (!slot) {
    return WriteProblem(res, Status(Code::kUnavailable,
                                    "another import is running; retry in a moment (nothing was recorded)"));
  }

  auto out = funds::ImportRows(*ctx.ledger, a, *type, csv, dry_run, key, kMaxBatchRows);
  if (!out.ok()) {
    Status s = out.status();
    if (s.code() == Code::kIOError || s.code() == Code::kUnavailable || s.code() == Code::kInternal) {
      // The outcome may be unknown (a failed sync can still reach the disk).
      s = Status(
          s.code(),
          s.message() + (key.empty() ? "; the outcome is unknown: check the entries before sending it again"
                                     : "; the outcome is unknown: send the same file with the same "
                                       "Idempotency-Key, which never records it twice"),
          s.rule());
    }
    return WriteProblem(res, s);
  }
  if (!out->ok) return WriteRowProblems(res, *out, type_name, dry_run);

  json entries = json::array();
  for (const auto& row : out->recorded) {
    json e{{"row", row.row}, {"line", row.line}, {"seq", row.recorded.seq}};
    if (!dry_run) e["leaf_hash"] = crypto::Base64Encode(crypto::AsBytes(row.recorded.leaf_hash));
    if (row.recorded.receipt) e["receipt"] = *row.recorded.receipt;
    entries.push_back(std::move(e));
  }
  json body{
      {"entry_type", type_name}, {"dry_run", dry_run}, {"rows", out->rows}, {"replayed", out->replayed}};
  if (!out->recorded.empty()) {
    body["first_seq"] = out->recorded.front().recorded.seq;
    body["last_seq"] = out->recorded.back().recorded.seq;
  }
  body["entries"] = std::move(entries);
  if (!dry_run && !out->recorded.empty()) {
    // One line per batch, from the entries the log holds (escaped).
    const json first = json::parse(out->recorded.front().recorded.entry, nullptr, false);
    auto member = [&](const char* k) {
      return first.is_object() && first.contains(k) && first[k].is_string() ? first[k].get<std::string>()
                                                                            : std::string("?");
    };
    const std::string line = std::string(out->replayed ? "replayed" : "recorded") +
                             " seq=" + std::to_string(out->recorded.front().recorded.seq) + ".." +
                             std::to_string(out->recorded.back().recorded.seq) +
                             " type=" + EscapeForLog(member("type")) + " by=" + EscapeForLog(member("by")) +
                             " rows=" + std::to_string(out->rows) + "\n";
    fwrite(line.data(), 1, line.size(), stderr);
  }
  WriteJson(res, body, dry_run ? 200 : 201);
}

}  // namespace

void RegisterBackOfficeRoutes(httplib::Server& server, ServerContext& ctx) {
  server.Get("/api/v1/me", [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto actor = Bearer(req, ctx);
    if (!actor.ok()) return WriteProblem(res, actor.status());
    res.set_header("Cache-Control", "no-store");
    WriteJson(res, {{"name", actor->name}, {"role", actor->role}, {"org", actor->org}});
  });

  server.Get("/api/v1/accounts", [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto actor = Bearer(req, ctx);
    if (!actor.ok()) return WriteProblem(res, actor.status());
    if (actor->role != "admin") {
      return WriteProblem(
          res, Status(Code::kPermissionDenied, "only an admin token may list the accounts", "role.admin"));
    }
    auto accounts = ctx.tokens->LiveAccounts();
    if (!accounts.ok()) return WriteProblem(res, accounts.status());
    json list = json::array();
    for (const Actor& a : *accounts) list.push_back({{"name", a.name}, {"role", a.role}, {"org", a.org}});
    res.set_header("Cache-Control", "no-store");
    WriteJson(res, {{"accounts", std::move(list)}});
  });

  if (ctx.ledger == nullptr) return;

  server.Get("/api/v1/me/grants", [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto actor = Bearer(req, ctx);
    if (!actor.ok()) return WriteProblem(res, actor.status());
    if (actor->role != "grantee") {
      return WriteProblem(
          res, Status(Code::kPermissionDenied, "only a grantee token has grants of its own", "role.grantee"));
    }
    auto grants = funds::GrantsOfRecipient(*ctx.ledger, actor->org);
    if (!grants.ok()) return WriteProblem(res, grants.status());
    res.set_header("Cache-Control", "no-store");
    WriteJson(res, *grants);
  });

  auto running = std::make_shared<std::atomic<int>>(0);
  server.Post("/api/v1/batches", [&ctx, running](const httplib::Request& req, httplib::Response& res,
                                                 const httplib::ContentReader& read) {
    HandleBatch(ctx, *running, req, res, read);
  });
}

}  // namespace ledger::api
