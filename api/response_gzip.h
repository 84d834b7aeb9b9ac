// gzip content coding of ledgerd's answers (RFC 9110 section 8.4.1): who
// accepts it, and the on-the-fly compression of JSON answers.
//
// Contract of CompressJsonAnswer (docs/api.md "Compression"): a JSON answer
// (application/json or application/problem+json) of kMinJsonGzipBytes or
// more, to a request whose Accept-Encoding accepts gzip, and not already
// content-coded or a range, MUST be sent gzip-compressed with
// `Content-Encoding: gzip` and a Content-Length of the compressed bytes; the
// decompressed bytes MUST equal the uncompressed answer. Every JSON answer of
// that size carries `Vary: Accept-Encoding`, compressed or not. Smaller
// answers are sent as they are (gzip's 18-byte frame and the CPU cost buy
// little there).
//
// Thread-safe: pure functions of their arguments.
#ifndef LEDGER_API_RESPONSE_GZIP_H_
#define LEDGER_API_RESPONSE_GZIP_H_

#include <httplib.h>

#include <cstddef>
#include <string>

namespace ledger::api {

inline constexpr size_t kMinJsonGzipBytes = 1024;

// True when an Accept-Encoding value accepts gzip (RFC 9110 section
// 12.5.3): "gzip" (or "x-gzip") or "*" listed without q=0.
bool AcceptsGzip(const std::string& accept_encoding);

// Compresses res.body in place as the contract above says. Call it after the
// handler and after cpp-httplib set Content-Length (the post-routing
// handler); it replaces Content-Length. Leaves `res` as it was when zlib
// fails or the gzip form is not smaller.
void CompressJsonAnswer(const httplib::Request& req, httplib::Response& res);

}  // namespace ledger::api

#endif  // LEDGER_API_RESPONSE_GZIP_H_
