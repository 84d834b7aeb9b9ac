// The public site's files as ledgerd serves them (api/site_routes.cc): read
// from one directory, kept in memory with a gzip copy of text files, and read
// again when a file's size or modification time changes (an operator who
// copies a new site in place needs no restart).
//
// Caching contract (docs/api.md, "Public site"):
//   - files under vendor/ whose name carries a version ("-1.2.3." as in
//     vendor/echarts-sankey-6.1.0.min.js) never change at that name:
//     "public, max-age=31536000, immutable";
//   - every other file: "no-cache", so a browser revalidates with the strong
//     ETag (If-None-Match) or Last-Modified (If-Modified-Since) and gets 304.
//
// Thread-safe: Lookup may be called from every connection thread at once.
#ifndef LEDGER_API_STATIC_FILES_H_
#define LEDGER_API_STATIC_FILES_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::api {

struct StaticFile {
  std::string body;           // the file's bytes
  std::string gzip;           // RFC 1952 gzip of body; empty when not a text type or not smaller
  std::string content_type;   // from the file name's extension
  std::string etag;           // strong ETag of body: "\"<first 32 hex of SHA-256(body)>\""
  std::string gzip_etag;      // strong ETag of the gzip representation (etag with "-gz" before the closing quote)
  std::string last_modified;  // the file's mtime as an IMF-fixdate (RFC 9110 section 5.6.7)
  std::string cache_control;  // see the caching contract above
};

// Cache-Control for a site path relative to the root ("vendor/x-1.0.0.js").
std::string CacheControlFor(std::string_view rel_path);

// Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string ContentTypeFor(std::string_view rel_path);

// gzip of `data` at zlib `level` (best compression unless told). Internal
// when zlib fails.
Result<std::string> Gzip(std::string_view data, int level = 9);

class StaticFiles {
 public:
  explicit StaticFiles(std::string root);

  // `url_path` is the request's decoded path ("/", "/js/app.js"); a path that
  // ends in "/" names that directory's index.html. NotFound, naming the path,
  // when it has an empty, "." or ".." segment, a NUL or backslash, a segment
  // starting with "." (hidden files), or does not name a regular file.
  Result<std::shared_ptr<const StaticFile>> Lookup(std::string_view url_path);

 private:
  struct Cached {
    off_t size = 0;
    int64_t mtime_ns = 0;
    std::shared_ptr<const StaticFile> file;
  };

  std::string root_;
  std::mutex mu_;  // guards cache_
  std::map<std::string, Cached> cache_;
};

}  // namespace ledger::api

#endif  // LEDGER_API_STATIC_FILES_H_
