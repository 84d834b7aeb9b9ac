#include "api/request_guard.h"

#include <cctype>
#include <cstdio>

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

// Answers before the body is read: the connection cannot be reused.
httplib::Server::HandlerResponse Refuse(httplib::Response& res, const Status& s, int http_status) {
  WriteProblem(res, s, http_status);
  res.set_header("Connection", "close");
  return httplib::Server::HandlerResponse::Handled;
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
    if (origin.size() == scheme.size() + host.size() && EqualsIgnoreCase(origin.substr(0, scheme.size()), scheme) &&
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

void InstallRequestGuard(httplib::Server& server, ServerContext& ctx) {
  server.set_payload_max_length(kMaxBatchBytes > kMaxBodyBytes ? kMaxBatchBytes : kMaxBodyBytes);
  server.set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST") {
      const std::string site = req.get_header_value("Sec-Fetch-Site");
      if (site == "cross-site" || site == "same-site") {
        return Refuse(res,
                      Status(Code::kPermissionDenied, "writes are accepted from this server's own pages only",
                             "origin.same"),
                      403);
      }
      if (req.has_header("Origin") && !IsSameOrigin(req.get_header_value("Origin"), req.get_header_value("Host"))) {
        return Refuse(res,
                      Status(Code::kPermissionDenied,
                             "writes are accepted from this server's own pages only; the request came from "
                             "another origin",
                             "origin.same")
                          .WithField("header.Origin"),
                      403);
      }
      if (req.has_header("Transfer-Encoding")) {
        return Refuse(res, InvalidArgument("a write must send Content-Length (no Transfer-Encoding)"), 411);
      }
      const std::string length = req.get_header_value("Content-Length");
      const size_t cap = MaxBodyBytesFor(req.path);
      if (length.size() > 12 || length.find_first_not_of("0123456789") != std::string::npos ||
          (!length.empty() && std::stoull(length) > cap)) {
        return Refuse(res, Status(Code::kResourceExhausted, "request body exceeds " + std::to_string(cap) + " bytes"),
                      413);
      }
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (ctx.rate_limiter != nullptr) {
      if (int64_t wait = ctx.rate_limiter->CheckAddress(req.remote_addr)) {
        WriteProblem(res, 429, "too many requests from this address; retry after " + std::to_string(wait) + " s");
        res.headers.erase("Retry-After");  // WriteProblem's default of 1 s
        res.set_header("Retry-After", std::to_string(wait));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
}

}  // namespace ledger::api
