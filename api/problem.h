// RFC 9457 problem details: the one place a library Status becomes an HTTP
// status, and every error body ledgerd sends.
#ifndef LEDGER_API_PROBLEM_H_
#define LEDGER_API_PROBLEM_H_

#include <httplib.h>

#include "ledger/base/status.h"

namespace ledger::api {

// The problem type of a write that may or may not have been recorded
// (Code::kOutcomeUnknown, HTTP 500).
inline constexpr char kOutcomeUnknownType[] = "urn:charity-ledger:problem:outcome-unknown";

int HttpStatusFor(Code code);
// The reason phrase of an HTTP status ("Unprocessable Entity").
const char* HttpTitle(int status);
// Writes application/problem+json with title, status, detail and (when the
// status names one) the broken rule.
void WriteProblem(httplib::Response& res, const Status& status);
void WriteProblem(httplib::Response& res, const Status& status, int http_status);
void WriteProblem(httplib::Response& res, int http_status, const std::string& detail);

}  // namespace ledger::api

#endif  // LEDGER_API_PROBLEM_H_
