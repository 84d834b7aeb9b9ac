// ledgerd's HTTP surface: every route is registered by one of the Register*
// functions below, each in its own file, all thin over the library.
//
// Request bodies are capped (kMaxBodyBytes, 413 beyond); errors are
// application/problem+json (problem.h); public GETs carry
// Access-Control-Allow-Origin: *.
#ifndef LEDGER_API_SERVER_H_
#define LEDGER_API_SERVER_H_

#include <httplib.h>

#include <string>

#include "api/connection_pool.h"
#include "api/rate_limit.h"
#include "api/recorder.h"
#include "api/token_store.h"
#include "api/read_gate.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {
class Ledger;
struct GivingSettings;
}

namespace ledger::api {

inline constexpr size_t kMaxBodyBytes = 256 * 1024;

struct ServerContext {
  tlog::Log* log = nullptr;
  TokenStore* tokens = nullptr;
  Recorder* recorder = nullptr;
  funds::Ledger* ledger = nullptr;  // null when serving a bare log
  std::string site_dir;             // public-site files; empty = none
  RateLimiter* rate_limiter = nullptr;  // null = no rate limits
  std::string policy;                   // the log's tlog-policy text (GET /tlog-policy)
  ConnectionStats* connections = nullptr;  // for /healthz and /metrics; may be null
  ReadGate* read_gate = nullptr;           // null: public reads are not gated
  // The 360Giving export settings (ledger/funds/giving_settings.h); null:
  // the export answers 404 with `giving_missing` as the problem's detail.
  const funds::GivingSettings* giving = nullptr;
  std::string giving_missing;
};

// Server-wide settings: TCP_NODELAY, connection threads and the connection
// limit and drain time (api/connection_pool.h), body cap, CORS, logging.
// `stats` may be null. pool.refusal "http" stands for the plain-HTTP 503
// problem answer (RefusalResponse); leave it empty for TLS.
void ConfigureServer(httplib::Server& server, const PoolOptions& pool, ConnectionStats* stats);
// The same with `threads` kept, up to `max_threads`, no connection limit.
void ConfigureServer(httplib::Server& server, int threads, int max_threads);

// GET /checkpoint, /tile/..., /tlog-policy, /api/v1/log, /api/v1/checkpoints/latest,
// /api/v1/entries/{seq}, /api/v1/proof/..., /api/v1/receipts/{seq}, /healthz,
// /metrics; POST /api/v1/entries. With ctx.rate_limiter, every request is
// limited per client address (GETs before routing, POSTs once their body is
// read, so a refused body never desynchronises a keep-alive connection) and
// POSTs per bearer token: 429 with Retry-After. A connection over the
// connection limit (ConnectionPool::Refusing) is answered 503 with
// Retry-After and closed, at the same two points.
void RegisterLogRoutes(httplib::Server& server, ServerContext& ctx);
// GET /healthz and /metrics (api/health_routes.cc); RegisterLogRoutes
// registers them.
void RegisterHealthRoutes(httplib::Server& server, ServerContext& ctx);
// The charity views of docs/api.md (api/funds_routes.cc).
void RegisterFundsRoutes(httplib::Server& server, ServerContext& ctx);
// GET /api/v1/export/360giving.json (api/export_routes.cc), with ctx.giving.
void RegisterExportRoutes(httplib::Server& server, ServerContext& ctx);
// Everything else under / is the public site.
void RegisterSiteRoutes(httplib::Server& server, ServerContext& ctx);

// HTTP answers sent since start, by class (counted in ConfigureServer).
struct ResponseCounts {
  uint64_t ok = 0, client_errors = 0, server_errors = 0;  // 2xx (and 1xx/3xx), 4xx, 5xx
};
ResponseCounts CountResponses();

// A complete HTTP/1.1 503 problem+json answer for a connection over the
// connection limit, with Retry-After: 1 and Connection: close.
std::string RefusalResponse(uint64_t max_connections);

// Helpers for route files.
void WriteJson(httplib::Response& res, const nlohmann::json& j, int status = 200);
// Parses a decimal query or path parameter; InvalidArgument naming it.
Result<uint64_t> ParseU64Param(const std::string& name, const std::string& value);

}  // namespace ledger::api

#endif  // LEDGER_API_SERVER_H_
