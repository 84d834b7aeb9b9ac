// What every request passes before it is routed, and what every answer
// carries: the checks that fit a site whose back office holds a bearer token
// (docs/api.md, "Security of pages and writes").
//
// Before routing (InstallRequestGuard, the server's one pre-routing
// handler):
//   - A POST with Transfer-Encoding (a chunked body, whose size cannot be
//     capped before it is read) is refused with 411 and not read.
//   - Every other POST is left to its handler, which reads the body first
//     (httplib reads and discards one over the largest cap and answers 413)
//     and then calls CheckWrite: a refused request never leaves body bytes
//     on a keep-alive connection to be taken for the next request.
//   - Every other request is answered 503 on a refusal thread of the
//     connection pool (TooManyConnections), and rate-limited per client
//     address when the server has a rate limiter (429); POSTs are limited by
//     their handlers.
// CheckWrite, called by every POST handler once the body is read:
//   - A POST whose Origin header names another origin than the server's own
//     (scheme http or https, and exactly the request's Host), or "null", or
//     that a browser marks Sec-Fetch-Site: cross-site or same-site, is
//     refused with 403 (rule "origin.same"). A POST without Origin (curl,
//     ledgerctl) passes.
//   - A body over MaxBodyBytesFor(path) is refused with 413.
// After routing (AddSecurityHeaders, from ConfigureServer's post-routing
// handler): Content-Security-Policy kContentSecurityPolicy, Referrer-Policy
// same-origin, X-Frame-Options DENY and X-Content-Type-Options nosniff on
// every answer, pages, API and errors alike.
//
// Thread-safe: stateless apart from the rate limiter, which is.
#ifndef LEDGER_API_REQUEST_GUARD_H_
#define LEDGER_API_REQUEST_GUARD_H_

#include <httplib.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "api/server.h"

namespace ledger::api {

// Only the server's own files and API: no inline script, no inline style
// attribute, no other origin, no plugins, no framing, no <base> elsewhere.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'";

// The body cap of POST /api/v1/batches (a CSV file of up to kMaxBatchRows
// rows); every other request's is kMaxBodyBytes (server.h).
inline constexpr size_t kMaxBatchBytes = 4 << 20;
inline constexpr size_t kMaxBatchRows = 20000;

size_t MaxBodyBytesFor(std::string_view path);

// True when `origin` (an Origin header value) is this server's own origin
// for a request with Host header `host`: "http://<host>" or
// "https://<host>", the scheme and host compared case-insensitively.
bool IsSameOrigin(std::string_view origin, std::string_view host);

// 503 with Connection: close, for a connection beyond the connection limit
// (api/connection_pool.h: served on a refusal thread, Refusing() is true).
void TooManyConnections(httplib::Response& res, const ServerContext& ctx);

// The checks of a write whose body has been read (above): PermissionDenied
// (rule "origin.same", field header.Origin or header.Sec-Fetch-Site) for
// another origin, ResourceExhausted (413) for a body over the path's cap.
Status CheckWrite(const httplib::Request& req);

// Sets the pre-routing handler (replacing any other).
void InstallRequestGuard(httplib::Server& server, ServerContext& ctx);

void AddSecurityHeaders(httplib::Response& res);

// An Idempotency-Key header value: at most 128 bytes of printable ASCII
// (0x20..0x7E); InvalidArgument naming the header otherwise
// (rules "idempotency_key.length", "idempotency_key.printable").
Status CheckIdempotencyKey(std::string_view key);

}  // namespace ledger::api

#endif  // LEDGER_API_REQUEST_GUARD_H_
