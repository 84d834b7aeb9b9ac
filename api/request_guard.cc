#include "api/request_guard.h"

#include <cctype>
#include <cstdio>

#include "api/connection_pool.h"
#include "api/problem.h"

namespace ledger::api {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

// An Idempotency-Key is up to 128 bytes of printable ASCII (0x20..0x7E):
// nothing that a log, a terminal or another header could take for structure.
Status CheckIdempotencyKey(std::string_view key) {
  if (key.size() > 128) {
    return InvalidArgument("Idempotency-Key is longer than 128 bytes", "idempotency_key.length")
        .WithField("header.Idempotency-Key");
  }
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c < 0x20 || c > 0x7E) {
      char hex[8];
      snprintf(hex, sizeof(hex), "0x%02X", c);
      return InvalidArgument(std::string("Idempotency-Key holds the byte ") + hex + " at byte " +
                                 std::to_string(i) + "; it must be printable ASCII (0x20..0x7E)",
                             "idempotency_key.printable")
          .WithField("header.Idempotency-Key");
    }
  }
  return Status::Ok();
}

size_t MaxBodyBytesFor(std::string_view path) {
  return path == "/api/v1/batches" ? kMaxBatchBytes : kMaxBodyBytes;
}

bool IsSameOrigin(std::string_view origin, std::string_view host) {
  if (host.empty()) return false;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.size() == scheme.size() + host.size() &&
        EqualsIgnoreCase(origin.substr(0, scheme.size()), scheme) &&
        EqualsIgnoreCase(origin.substr(scheme.size()), host)) {
      return true;
    }
  }
  return false;
}

void AddSecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("Referrer-Policy", "same-origin");
  res.set_header("X-Frame-Options", "DENY");
  if (!res.has_header("X-Content-Type-Options")) res.set_header("X-Content-Type-Options", "nosniff");
}

void TooManyConnections(httplib::Response& res, const ServerContext& ctx) {
  const uint64_t max = ctx.connections != nullptr ? ctx.connections->max.load() : 0;
  WriteProblem(res, 503,
               "too many connections: " + std::to_string(max) +
                   " are open, as many as the open-file limit leaves beside the store; retry shortly");
  res.set_header("Connection", "close");
}

Status CheckWrite(const httplib::Request& req) {
  const std::string site = req.get_header_value("Sec-Fetch-Site");
  if (site == "cross-site" || site == "same-site") {
    return Status(Code::kPermissionDenied, "writes are accepted from this server's own pages only",
                  "origin.same")
        .WithField("header.Sec-Fetch-Site");
  }
  if (req.has_header("Origin") &&
      !IsSameOrigin(req.get_header_value("Origin"), req.get_header_value("Host"))) {
    return Status(
               Code::kPermissionDenied,
               "writes are accepted from this server's own pages only; the request came from another origin",
               "origin.same")
        .WithField("header.Origin");
  }
  const size_t cap = MaxBodyBytesFor(req.path);
  if (req.body.size() > cap) {
    return Status(Code::kResourceExhausted, "request body exceeds " + std::to_string(cap) + " bytes");
  }
  return Status::Ok();
}

void InstallRequestGuard(httplib::Server& server, ServerContext& ctx) {
  // The largest cap of any path: httplib reads and discards a body beyond it
  // and answers 413, so the connection stays in step.
  server.set_payload_max_length(kMaxBatchBytes > kMaxBodyBytes ? kMaxBatchBytes : kMaxBodyBytes);
  server.set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST") {
      // A chunked body has no length to cap before it is read; refused
      // unread, and the connection is closed.
      if (req.has_header("Transfer-Encoding")) {
        WriteProblem(res, InvalidArgument("a write must send Content-Length (no Transfer-Encoding)"), 411);
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
      }
      // Everything else about a POST is checked by its handler once the
      // body is read (CheckWrite), so that a refused body never stays on a
      // keep-alive connection to be read as the next request.
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (ConnectionPool::Refusing()) {
      TooManyConnections(res, ctx);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (ctx.rate_limiter != nullptr) {
      if (int64_t wait = ctx.rate_limiter->CheckAddress(req.remote_addr)) {
        WriteProblem(res, 429,
                     "too many requests from this address; retry after " + std::to_string(wait) + " s");
        res.headers.erase("Retry-After");  // WriteProblem's default of 1 s
        res.set_header("Retry-After", std::to_string(wait));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

}  // namespace ledger::api
