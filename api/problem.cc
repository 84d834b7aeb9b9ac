#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace ledger::api {
namespace {

const char* Title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

const char* HttpTitle(int status) { return Title(status); }

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kOutOfRange: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kResourceExhausted: return 413;
    case Code::kFailedPrecondition: return 422;
    case Code::kUnavailable: return 503;
    case Code::kCorruption:
    case Code::kInsufficientStorage: return 507;
    case Code::kOutcomeUnknown:
    case Code::kIOError:
    case Code::kInternal: return 500;
  }
  return 500;
}

void WriteProblem(httplib::Response& res, int http_status, const std::string& detail) {
  WriteProblem(res, Status(Code::kInternal, detail), http_status);
}

void WriteProblem(httplib::Response& res, const Status& status, int http_status) {
  // A write whose outcome is unknown has its own problem type, so that a
  // client can tell it from a plain 500 and not record the gift twice
  // (docs/api.md).
  const bool unknown = status.code() == Code::kOutcomeUnknown;
  nlohmann::json j = {{"type", unknown ? kOutcomeUnknownType : "about:blank"},
                      {"title", unknown ? "Outcome unknown" : Title(http_status)},
                      {"status", http_status},
                      {"detail", status.message()}};
  if (!status.rule().empty()) j["rule"] = status.rule();
  if (!status.field().empty()) j["field"] = status.field();
  res.status = http_status;
  if (http_status == 503 || http_status == 429) res.set_header("Retry-After", "1");
  if (http_status == 401) res.set_header("WWW-Authenticate", "Bearer");
  // A detail may quote the request (a parser's "last read: ..."), which can
  // hold invalid UTF-8; dump() would throw on it and turn a 400 into a 500.
  res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/problem+json");
}

void WriteProblem(httplib::Response& res, const Status& status) {
  WriteProblem(res, status, HttpStatusFor(status.code()));
}

}  // namespace ledger::api
