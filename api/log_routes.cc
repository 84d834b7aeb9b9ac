// The log's routes: C2SP static paths and the JSON log API.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "api/connection_pool.h"
#include "api/json_body.h"
#include "api/log_views.h"
#include "api/problem.h"
#include "api/request_guard.h"
#include "api/response_gzip.h"
#include "api/server.h"
#include "ledger/base/log_escape.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/ledger.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/tlog_proof.h"

namespace ledger::api {
namespace {

using nlohmann::json;

std::string B64(const crypto::Hash& h) { return crypto::Base64Encode(crypto::AsBytes(h)); }

json HashList(const std::vector<crypto::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(B64(h));
  return out;
}

// Fails the request with `status` unless it is OK.
#define RETURN_PROBLEM_IF_ERROR(res, expr) \
  do {                                     \
    ::ledger::Status _s = (expr);          \
    if (!_s.ok()) {                        \
      WriteProblem(res, _s);               \
      return;                              \
    }                                      \
  } while (0)

std::atomic<uint64_t> g_requests_2xx{0}, g_requests_4xx{0}, g_requests_5xx{0};

void TooManyRequests(httplib::Response& res, const std::string& detail, int64_t retry_after) {
  WriteProblem(res, 429, detail + "; retry after " + std::to_string(retry_after) + " s");
  res.headers.erase("Retry-After");  // WriteProblem's default of 1 s
  res.set_header("Retry-After", std::to_string(retry_after));
}

// One line per answered write, taken from the entry that the log holds
// (never from the request, whose type a replay does not check):
//   recorded seq=N type=T by=ACCOUNT    a new entry
//   replayed seq=N type=T by=ACCOUNT    an Idempotency-Key returned entry N
// Each value goes through EscapeForLog, so no value can end the line.
void LogWrite(const json& out) {
  auto field = [](const json& j, const char* k) -> std::string {
    auto it = j.find(k);
    if (it == j.end()) return "?";
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  const json& entry = out.contains("entry") ? out["entry"] : out;
  auto replayed = out.find("replayed");
  const bool replay = replayed != out.end() && replayed->is_boolean() && replayed->get<bool>();
  const std::string line =
      std::string(replay ? "replayed" : "recorded") + " seq=" + EscapeForLog(field(out, "seq")) +
      " type=" + EscapeForLog(field(entry, "type")) + " by=" + EscapeForLog(field(entry, "by")) + "\n";
  fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

// With an explicit charset the type is not one cpp-httplib 0.11 compresses:
// it would brotli-compress at quality 11, which costs more than sending the
// bytes (a 500 KB report took half a second).
constexpr char kJsonType[] = "application/json; charset=utf-8";

void WriteJson(httplib::Response& res, const json& j, int status) {
  res.status = status;
  res.set_content(j.dump(), kJsonType);
}

Result<uint64_t> ParseU64Param(const std::string& name, const std::string& value) {
  uint64_t v;
  if (!tlog::ParseDecimal(value, &v)) {
    return InvalidArgument("parameter " + name + " must be a non-negative decimal integer, got '" +
                           value.substr(0, 40) + "'");
  }
  return v;
}

json AppendedJson(const tlog::Appended& a) {
  return {{"seq", a.seq}, {"leaf_hash", B64(a.leaf_hash)}, {"entry", json::parse(a.entry)}};
}

Result<json> GenericRecorder::Record(const Actor& actor, const std::string& type, const json& body,
                                     const std::string& /*idempotency_key*/) {
  if (!tlog::IsValidEntryType(type)) {
    return InvalidArgument("type must be lowercase letters, dots and underscores, starting with a letter");
  }
  if (!body.is_object()) return InvalidArgument("body must be a JSON object");
  LEDGER_ASSIGN_OR_RETURN(tlog::Appended a, log_->Append(tlog::EntryDraft{type, actor.name, body.dump(), {}}));
  return AppendedJson(a);
}

ResponseCounts CountResponses() {
  return {g_requests_2xx.load(), g_requests_4xx.load(), g_requests_5xx.load()};
}

void ConfigureServer(httplib::Server& server, int threads, int max_threads) {
  PoolOptions pool;
  pool.base_threads = static_cast<size_t>(threads);
  pool.max_threads = static_cast<size_t>(max_threads);
  ConfigureServer(server, pool, nullptr);
}

std::string RefusalResponse(uint64_t max_connections) {
  const std::string body =
      json{{"type", "about:blank"},
           {"title", "Service Unavailable"},
           {"status", 503},
           {"detail", "too many connections: " + std::to_string(max_connections) +
                          " are open, as many as the open-file limit leaves beside the store; retry shortly"}}
          .dump();
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

void ConfigureServer(httplib::Server& server, const PoolOptions& pool_options, ConnectionStats* stats) {
  PoolOptions pool = pool_options;
  if (pool.refusal == "http") pool.refusal = RefusalResponse(pool.max_connections);
  ConfigureConnections(server, pool, stats, 10);
  server.set_payload_max_length(kMaxBodyBytes);
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    // A handler's own answer (a problem, or /healthz's 503 body) stands.
    if (res.get_header_value("Content-Type") == "application/problem+json" || !res.body.empty()) return;
    const std::string cap = std::to_string(MaxBodyBytesFor(req.path));
    std::string detail = res.status == 413   ? "request body exceeds " + cap + " bytes"
                         : res.status == 404 ? "nothing at " + req.path.substr(0, 200)
                                             : std::string(HttpTitle(res.status));
    WriteProblem(res, res.status, detail);
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    WriteProblem(res, Internal("internal error"));
  });
  server.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    // Public reads only: an answer to a request with a token is for that token's page.
    if ((req.method == "GET" || req.method == "HEAD") && !req.has_header("Authorization")) {
      res.set_header("Access-Control-Allow-Origin", "*");
    }
    AddSecurityHeaders(res);
    (res.status >= 500 ? g_requests_5xx : res.status >= 400 ? g_requests_4xx : g_requests_2xx)++;
    CompressJsonAnswer(req, res);
  });
}

void RegisterLogRoutes(httplib::Server& server, ServerContext& ctx) {
  tlog::Log* log = ctx.log;

  server.Get("/checkpoint", [log](const httplib::Request&, httplib::Response& res) {
    auto cp = log->LatestCheckpoint();
    RETURN_PROBLEM_IF_ERROR(res, cp.status());
    res.set_header("Cache-Control", "no-cache");
    res.set_content(cp->note, "text/plain; charset=utf-8");
  });

  ReadGate* gate = ctx.read_gate;

  server.Get(R"(/tile/(.*))", Gated(gate, [log](const httplib::Request& req, httplib::Response& res) {
    auto path = tlog::ParseTilePath(req.path.substr(1));
    RETURN_PROBLEM_IF_ERROR(res, path.status());
    auto body = path->entries ? log->EntryBundle(path->index, path->width)
                              : log->HashTile(path->level, path->index, path->width);
    RETURN_PROBLEM_IF_ERROR(res, body.status());
    // Full tiles never change; a partial one is replaced by wider ones.
    res.set_header("Cache-Control", path->width == tlog::kTileWidth
                                        ? "public, max-age=31536000, immutable"
                                        : "public, max-age=60");
    res.set_content(*body, "application/octet-stream");
  }));

  server.Get("/api/v1/log", [log, policy = ctx.policy, ledger = ctx.ledger](const httplib::Request&,
                                                                              httplib::Response& res) {
    json j = LogJson(*log, policy);
    // Whether the organisation declares this ledger's data fictional (the
    // demo): every page shows the flag (docs/api.md).
    bool sample = false;
    if (ledger != nullptr) {
      if (auto org = ledger->Organisation(); org.ok()) sample = (*org)["sample_data"].get<bool>();
    }
    j["sample_data"] = sample;
    WriteJson(res, j);
  });

  // The log's trust policy (c2sp.org/tlog-policy), the file verifiers pin.
  server.Get("/tlog-policy", [policy = ctx.policy](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_content(policy, "text/plain; charset=utf-8");
  });

  server.Get("/api/v1/checkpoints/latest", [log](const httplib::Request&, httplib::Response& res) {
    auto cp = log->LatestCheckpoint();
    RETURN_PROBLEM_IF_ERROR(res, cp.status());
    auto j = CheckpointJson(*log, *cp);
    RETURN_PROBLEM_IF_ERROR(res, j.status());
    WriteJson(res, *j);
  });

  server.Get(R"(/api/v1/entries/(\d{1,20}))", Gated(gate, [log](const httplib::Request& req, httplib::Response& res) {
    auto seq = ParseU64Param("seq", req.matches[1]);
    RETURN_PROBLEM_IF_ERROR(res, seq.status());
    auto j = EntryJson(*log, *seq);
    RETURN_PROBLEM_IF_ERROR(res, j.status());
    WriteJson(res, *j);
  }));

  // size defaults to the latest checkpoint's, so the proof can be checked
  // against what /checkpoint serves.
  auto size_param = [log](const httplib::Request& req, const char* name) -> Result<uint64_t> {
    if (req.has_param(name)) return ParseU64Param(name, req.get_param_value(name));
    LEDGER_ASSIGN_OR_RETURN(tlog::Checkpoint cp, log->LatestCheckpoint());
    return cp.size;
  };

  server.Get("/api/v1/proof/inclusion", Gated(gate, [log, size_param](const httplib::Request& req,
                                                                        httplib::Response& res) {
    if (!req.has_param("seq")) return WriteProblem(res, InvalidArgument("parameter seq is required"));
    auto seq = ParseU64Param("seq", req.get_param_value("seq"));
    RETURN_PROBLEM_IF_ERROR(res, seq.status());
    auto size = size_param(req, "size");
    RETURN_PROBLEM_IF_ERROR(res, size.status());
    if (*seq >= *size) {
      return WriteProblem(res, OutOfRange("seq " + std::to_string(*seq) + " is not below size " +
                                          std::to_string(*size)));
    }
    auto proof = log->InclusionProof(*seq, *size);
    RETURN_PROBLEM_IF_ERROR(res, proof.status());
    auto root = log->Root(*size);
    RETURN_PROBLEM_IF_ERROR(res, root.status());
    WriteJson(res, {{"seq", *seq}, {"size", *size}, {"root", B64(*root)}, {"hashes", HashList(*proof)}});
  }));

  server.Get("/api/v1/proof/consistency", Gated(gate, [log, size_param](const httplib::Request& req,
                                                                          httplib::Response& res) {
    if (!req.has_param("from")) return WriteProblem(res, InvalidArgument("parameter from is required"));
    auto from = ParseU64Param("from", req.get_param_value("from"));
    RETURN_PROBLEM_IF_ERROR(res, from.status());
    auto to = size_param(req, "to");
    RETURN_PROBLEM_IF_ERROR(res, to.status());
    auto proof = log->ConsistencyProof(*from, *to);
    RETURN_PROBLEM_IF_ERROR(res, proof.status());
    WriteJson(res, {{"from", *from}, {"to", *to}, {"hashes", HashList(*proof)}});
  }));

  // A donor's receipt: a C2SP tlog-proof whose extra data is the entry.
  // Waiting for a checkpoint (wait=1) holds no place in the gate; computing
  // the receipt does.
  server.Get(R"(/api/v1/receipts/(\d{1,20}))", [log, gate](const httplib::Request& req, httplib::Response& res) {
    auto seq = ParseU64Param("seq", req.matches[1]);
    RETURN_PROBLEM_IF_ERROR(res, seq.status());
    if (*seq >= log->Size()) return WriteProblem(res, NotFound("no entry " + std::to_string(*seq)));
    auto cp = req.get_param_value("wait") == "1"
                  ? log->WaitForCheckpoint(*seq + 1, std::chrono::seconds(5))
                  : log->LatestCheckpoint();
    RETURN_PROBLEM_IF_ERROR(res, cp.status());
    Admit(gate, res, [&] {
      auto text = ReceiptText(*log, *seq, *cp);
      RETURN_PROBLEM_IF_ERROR(res, text.status());
      res.set_header("Content-Disposition", "inline; filename=\"receipt-" + std::to_string(*seq) + ".tlog-proof\"");
      res.set_content(*text, "text/plain; charset=utf-8");
    });
  });

  // Origin check and body caps of writes, rate limits of reads (api/request_guard.h).
  InstallRequestGuard(server, ctx);

  server.Post("/api/v1/entries", [&ctx](const httplib::Request& req, httplib::Response& res) {
    if (ConnectionPool::Refusing()) return TooManyConnections(res, ctx);
    if (ctx.rate_limiter != nullptr) {
      if (int64_t wait = ctx.rate_limiter->CheckAddress(req.remote_addr)) {
        return TooManyRequests(res, "too many requests from this address", wait);
      }
    }
    // Origin and body cap, now that the body is read (api/request_guard.h).
    RETURN_PROBLEM_IF_ERROR(res, CheckWrite(req));
    std::string auth = req.get_header_value("Authorization");
    if (!auth.starts_with("Bearer ")) {
      return WriteProblem(res, Status(Code::kUnauthenticated, "missing Authorization: Bearer <token>"));
    }
    if (ctx.rate_limiter != nullptr) {
      if (int64_t wait = ctx.rate_limiter->CheckToken(std::string_view(auth).substr(7))) {
        return TooManyRequests(res, "too many writes with this token", wait);
      }
    }
    auto actor = ctx.tokens->Authenticate(std::string_view(auth).substr(7));
    RETURN_PROBLEM_IF_ERROR(res, actor.status());
    // Reads yield to writes while this one is recorded (api/read_gate.h).
    std::optional<ReadGate::Writing> writing;
    if (ctx.read_gate != nullptr) writing.emplace(ctx.read_gate->Write());
    auto body = ParseStrictJson(req.body);
    RETURN_PROBLEM_IF_ERROR(res, body.status());
    if (!body->is_object() || !body->contains("type") || !(*body)["type"].is_string() ||
        !body->contains("body") || !(*body)["body"].is_object()) {
      return WriteProblem(res, InvalidArgument("request must be {\"type\": <string>, \"body\": {...}}"));
    }
    for (const auto& [k, v] : body->items()) {
      if (k != "type" && k != "body") {
        return WriteProblem(res, InvalidArgument("unknown request field \"" + EscapeForLog(k) + "\""));
      }
    }
    std::string idem = req.get_header_value("Idempotency-Key");
    RETURN_PROBLEM_IF_ERROR(res, CheckIdempotencyKey(idem));
    auto out = ctx.recorder->Record(*actor, (*body)["type"].get<std::string>(), (*body)["body"], idem);
    // The endpoint exists; a body naming a fund, grant or entry that does
    // not is a request that cannot be processed (422), not a missing page.
    if (out.status().code() == Code::kNotFound) return WriteProblem(res, out.status(), 422);
    RETURN_PROBLEM_IF_ERROR(res, out.status());
    LogWrite(*out);
    WriteJson(res, *out, 201);
  });

  RegisterHealthRoutes(server, ctx);
}

}  // namespace ledger::api
