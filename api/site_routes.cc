// The public site: every GET or HEAD that no other route answered is a file
// under ctx.site_dir (api/static_files.h), sent gzip-compressed when the
// client accepts gzip, with ETag, Last-Modified and Cache-Control, and 304
// when the client's copy is current.
#include <memory>
#include <string>

#include "api/problem.h"
#include "api/server.h"
#include "api/static_files.h"

namespace ledger::api {
namespace {

// True when an Accept-Encoding header value accepts gzip (RFC 9110 section
// 12.5.3): "gzip" or "*" listed without q=0.
bool AcceptsGzip(const std::string& header) {
  size_t start = 0;
  bool star = false, gzip = false, gzip_refused = false;
  while (start < header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    std::string item = header.substr(start, end - start);
    start = end + 1;
    std::string coding, params;
    const size_t semi = item.find(';');
    coding = item.substr(0, semi);
    if (semi != std::string::npos) params = item.substr(semi + 1);
    auto trim = [](std::string s) {
      const size_t b = s.find_first_not_of(" \t");
      const size_t e = s.find_last_not_of(" \t");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    coding = trim(coding);
    for (auto& c : coding) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    std::string q = trim(params);
    bool refused = false;
    if (q.size() >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
      const std::string v = trim(q.substr(2));
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

// True when an If-None-Match value lists `etag` (weak comparison, RFC 9110
// section 13.1.2) or is "*".
bool MatchesEtag(const std::string& header, const std::string& etag) {
  if (header.find('*') != std::string::npos && header.find('"') == std::string::npos) return true;
  size_t pos = 0;
  while ((pos = header.find('"', pos)) != std::string::npos) {
    const size_t end = header.find('"', pos + 1);
    if (end == std::string::npos) return false;
    if (header.compare(pos, end - pos + 1, etag) == 0) return true;
    pos = end + 1;
  }
  return false;
}

void Serve(StaticFiles& files, const httplib::Request& req, httplib::Response& res) {
  auto found = files.Lookup(req.path);
  if (!found.ok()) {
    WriteProblem(res, found.status());
    return;
  }
  std::shared_ptr<const StaticFile> file = *found;
  const bool gzip = !file->gzip.empty() && AcceptsGzip(req.get_header_value("Accept-Encoding"));
  const std::string& etag = gzip ? file->gzip_etag : file->etag;
  res.set_header("Cache-Control", file->cache_control);
  res.set_header("ETag", etag);
  res.set_header("Last-Modified", file->last_modified);
  res.set_header("X-Content-Type-Options", "nosniff");
  if (!file->gzip.empty()) res.set_header("Vary", "Accept-Encoding");

  // RFC 9110 section 13.2.2: If-None-Match first; If-Modified-Since only without it.
  const bool not_modified = req.has_header("If-None-Match")
                                ? MatchesEtag(req.get_header_value("If-None-Match"), etag) ||
                                      MatchesEtag(req.get_header_value("If-None-Match"), file->etag)
                                : req.get_header_value("If-Modified-Since") == file->last_modified;
  if (not_modified) {
    res.status = 304;
    return;
  }
  if (gzip) res.set_header("Content-Encoding", "gzip");
  // A content provider with a known length is sent as it is: cpp-httplib
  // compresses only `res.body`, so the gzip bytes are never compressed twice
  // and the other types are never brotli-compressed on the request path.
  const std::string& bytes = gzip ? file->gzip : file->body;
  if (bytes.empty()) {
    res.set_content("", file->content_type);
    return;
  }
  res.set_content_provider(bytes.size(), file->content_type,
                           [file, &bytes](size_t offset, size_t length, httplib::DataSink& sink) {
                             sink.write(bytes.data() + offset, length);
                             return true;
                           });
}

}  // namespace

void RegisterSiteRoutes(httplib::Server& server, ServerContext& ctx) {
  if (ctx.site_dir.empty()) return;
  auto files = std::make_shared<StaticFiles>(ctx.site_dir);
  // Registered last, so every other GET route wins; cpp-httplib answers HEAD
  // through the GET handlers without sending the body.
  server.Get(R"(/.*)", [files](const httplib::Request& req, httplib::Response& res) { Serve(*files, req, res); });
}

}  // namespace ledger::api
