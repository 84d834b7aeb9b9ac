// The public site: every GET or HEAD that no other route answered is a file
// under ctx.site_dir (api/static_files.h), sent gzip-compressed when the
// client accepts gzip, with ETag, Last-Modified and Cache-Control, and 304
// when the client's copy is current.
#include <memory>
#include <string>

#include "api/problem.h"
#include "api/response_gzip.h"
#include "api/server.h"
#include "api/static_files.h"

namespace ledger::api {
namespace {

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
