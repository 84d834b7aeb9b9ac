#include "api/static_files.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <ctime>
#include <regex>

#include "ledger/crypto/sha256.h"

namespace ledger::api {
namespace {

// Files larger than this are not served from the site directory.
constexpr off_t kMaxFileBytes = 16 << 20;
// Smaller files are sent as they are: gzip's header costs more than it saves.
constexpr size_t kMinGzipBytes = 256;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Compressible(std::string_view type) {
  return type.substr(0, 5) == "text/" || type.find("javascript") != std::string_view::npos ||
         type.find("json") != std::string_view::npos || type.substr(0, 13) == "image/svg+xml";
}

std::string Hex(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string ImfFixdate(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// The path below the root that `url_path` names, or empty when refused.
std::string RelativePath(std::string_view url_path) {
  if (url_path.empty() || url_path[0] != '/') return "";
  std::string rel(url_path.substr(1));
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  if (rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos) return "";
  size_t start = 0;
  while (start <= rel.size()) {
    size_t end = rel.find('/', start);
    if (end == std::string::npos) end = rel.size();
    std::string_view seg(rel.data() + start, end - start);
    if (seg.empty() || seg[0] == '.') return "";  // also "." and ".."
    start = end + 1;
  }
  return rel;
}

bool ReadAll(int fd, off_t size, std::string* out) {
  out->resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < out->size()) {
    ssize_t n = read(fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string CacheControlFor(std::string_view rel_path) {
  static const std::regex kVersioned(R"(^vendor/(.*/)?[^/]*-[0-9]+\.[0-9]+\.[0-9]+[^/]*$)");
  if (std::regex_match(rel_path.begin(), rel_path.end(), kVersioned)) return "public, max-age=31536000, immutable";
  return "no-cache";
}

std::string ContentTypeFor(std::string_view p) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "application/javascript; charset=utf-8"},
      {".mjs", "application/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (EndsWith(p, ext)) return type;
  }
  return "application/octet-stream";
}

Result<std::string> Gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Internal("zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("zlib deflate did not finish");
  out.resize(n);
  return out;
}

StaticFiles::StaticFiles(std::string root) : root_(std::move(root)) {}

Result<std::shared_ptr<const StaticFile>> StaticFiles::Lookup(std::string_view url_path) {
  const std::string rel = RelativePath(url_path);
  const std::string shown(url_path.substr(0, 200));
  if (rel.empty()) return NotFound("nothing at " + shown);

  char root_real[PATH_MAX], file_real[PATH_MAX];
  const std::string full = root_ + "/" + rel;
  if (realpath(root_.c_str(), root_real) == nullptr || realpath(full.c_str(), file_real) == nullptr) {
    return NotFound("nothing at " + shown);
  }
  // Symbolic links may not lead outside the site directory.
  const std::string r(root_real), f(file_real);
  if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') {
    return NotFound("nothing at " + shown);
  }
  const int fd = open(file_real, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("nothing at " + shown);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFileBytes) {
    close(fd);
    return NotFound("nothing at " + shown);
  }
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(rel);
    if (it != cache_.end() && it->second.size == st.st_size && it->second.mtime_ns == mtime_ns) {
      close(fd);
      return it->second.file;
    }
  }
  auto file = std::make_shared<StaticFile>();
  const bool read_ok = ReadAll(fd, st.st_size, &file->body);
  close(fd);
  if (!read_ok) return NotFound("nothing at " + shown + " (the file changed while it was read)");
  file->content_type = ContentTypeFor(rel);
  file->cache_control = CacheControlFor(rel);
  file->last_modified = ImfFixdate(st.st_mtim.tv_sec);
  const crypto::Hash h = crypto::Sha256Of(file->body);
  const std::string id = Hex(h.data(), 16);
  file->etag = "\"" + id + "\"";
  file->gzip_etag = "\"" + id + "-gz\"";
  if (Compressible(file->content_type) && file->body.size() >= kMinGzipBytes) {
    LEDGER_ASSIGN_OR_RETURN(std::string gz, Gzip(file->body));
    if (gz.size() < file->body.size()) file->gzip = std::move(gz);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_[rel] = Cached{st.st_size, mtime_ns, file};
  return std::shared_ptr<const StaticFile>(file);
}

}  // namespace ledger::api
