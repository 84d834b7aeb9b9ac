#include "api/response_gzip.h"

#include <zlib.h>

#include <cctype>

#include "api/static_files.h"

namespace ledger::api {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool IsJsonType(const std::string& type) {
  const std::string media = Trim(type.substr(0, type.find(';')));
  return media == "application/json" || media == "application/problem+json";
}

}  // namespace

bool AcceptsGzip(const std::string& header) {
  size_t start = 0;
  bool star = false, gzip = false, gzip_refused = false;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    const std::string item = header.substr(start, end - start);
    start = end + 1;
    const size_t semi = item.find(';');
    std::string coding = Trim(item.substr(0, semi));
    const std::string q = semi == std::string::npos ? std::string() : Trim(item.substr(semi + 1));
    for (auto& c : coding) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    bool refused = false;
    if (q.size() >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
      const std::string v = Trim(q.substr(2));
      refused = !v.empty() && v.find_first_not_of("0.") == std::string::npos;
    }
    if (coding == "gzip" || coding == "x-gzip") {
      if (refused) gzip_refused = true;
      else gzip = true;
    } else if (coding == "*" && !refused) {
      star = true;
    }
  }
  return gzip || (star && !gzip_refused);
}

void CompressJsonAnswer(const httplib::Request& req, httplib::Response& res) {
  if (res.body.size() < kMinJsonGzipBytes || !IsJsonType(res.get_header_value("Content-Type"))) return;
  if (res.has_header("Content-Encoding") || !req.ranges.empty()) return;
  res.set_header("Vary", "Accept-Encoding");
  if (!AcceptsGzip(req.get_header_value("Accept-Encoding"))) return;
  // The default level: answers are made per request, so speed counts more
  // than the last few percent (the site's static files use the best level once).
  auto gz = Gzip(res.body, Z_DEFAULT_COMPRESSION);
  if (!gz.ok() || gz->size() >= res.body.size()) return;
  res.body = std::move(*gz);
  res.headers.erase("Content-Length");
  res.set_header("Content-Length", std::to_string(res.body.size()));
  res.set_header("Content-Encoding", "gzip");
}

}  // namespace ledger::api
