#include "api/witness_client.h"

#include <httplib.h>

#include <cstdio>
#include <thread>

#include "ledger/base/log_escape.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/witness.h"

namespace ledger::api {

struct WitnessClient::Witness {
  std::string url, scheme_host_port, path;
  std::unique_ptr<tlog::CosignatureVerifier> verifier;
  uint64_t last_size = 0;  // the size it last cosigned, as far as we know
};

Result<WitnessConfig> ParseWitnessFlag(const std::string& flag) {
  size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    return InvalidArgument("--witness must be URL=VKEY, got \"" + flag + "\"");
  }
  return WitnessConfig{flag.substr(0, eq), flag.substr(eq + 1)};
}

WitnessClient::WitnessClient(std::vector<std::unique_ptr<Witness>> witnesses, size_t quorum,
                             std::chrono::milliseconds timeout)
    : witnesses_(std::move(witnesses)), quorum_(quorum), timeout_(timeout) {}

WitnessClient::~WitnessClient() = default;

Result<std::unique_ptr<WitnessClient>> WitnessClient::Create(const std::vector<WitnessConfig>& configs,
                                                             size_t quorum,
                                                             std::chrono::milliseconds timeout) {
  if (quorum > configs.size()) {
    return InvalidArgument("--witness-quorum " + std::to_string(quorum) + " is more than the " +
                           std::to_string(configs.size()) + " witnesses configured");
  }
  std::vector<std::unique_ptr<Witness>> ws;
  for (const WitnessConfig& c : configs) {
    auto w = std::make_unique<Witness>();
    w->url = c.url;
    size_t scheme = c.url.find("://");
    if (scheme == std::string::npos || (c.url.compare(0, scheme, "http") != 0 &&
                                        c.url.compare(0, scheme, "https") != 0)) {
      return InvalidArgument("witness URL must start with http:// or https://, got " + c.url);
    }
    size_t slash = c.url.find('/', scheme + 3);
    w->scheme_host_port = c.url.substr(0, slash);
    w->path = slash == std::string::npos ? "" : c.url.substr(slash);
    while (!w->path.empty() && w->path.back() == '/') w->path.pop_back();
    w->path += "/add-checkpoint";
    auto v = tlog::ParseCosignatureVerifierKey(c.vkey);
    if (!v.ok()) return InvalidArgument("witness " + c.url + ": " + v.status().message());
    w->verifier = std::move(*v);
    ws.push_back(std::move(w));
  }
  return std::unique_ptr<WitnessClient>(new WitnessClient(std::move(ws), quorum, timeout));
}

std::vector<std::string> WitnessClient::Ask(Witness& w, const std::string& note, const std::string& text,
                                            uint64_t size, std::chrono::steady_clock::time_point deadline) {
  const tlog::Log* log = log_.load();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    uint64_t old_size = w.last_size > size ? 0 : w.last_size;
    std::vector<tlog::Hash> proof;
    if (old_size > 0 && old_size < size) {
      auto p = log->ConsistencyProof(old_size, size);
      if (!p.ok()) {
        fprintf(stderr, "witness %s: no consistency proof %llu -> %llu: %s\n", w.url.c_str(),
                (unsigned long long)old_size, (unsigned long long)size, p.status().ToString().c_str());
        return {};
      }
      proof = std::move(*p);
    }
    const std::string body = tlog::FormatAddCheckpointRequest(old_size, proof, note);
    httplib::Client client(w.scheme_host_port);
    const time_t sec = left.count() / 1000000;
    const time_t usec = left.count() % 1000000;
    client.set_connection_timeout(sec, usec);
    client.set_read_timeout(sec, usec);
    client.set_write_timeout(sec, usec);
    auto res = client.Post(w.path, body, "text/plain");
    if (!res) {
      fprintf(stderr, "witness %s: %s\n", w.url.c_str(), httplib::to_string(res.error()).c_str());
      return {};
    }
    if (res->status == 409 && res->get_header_value("Content-Type").rfind("text/x.tlog.size", 0) == 0) {
      uint64_t theirs;
      std::string b = res->body;
      if (!b.empty() && b.back() == '\n') b.pop_back();
      if (!tlog::ParseDecimal(b, &theirs)) {
        fprintf(stderr, "witness %s: 409 with a malformed size body\n", w.url.c_str());
        return {};
      }
      if (theirs > size) {
        // The witness has seen a larger tree of this log than we have: either
        // another instance of the log or a fork. Never ours to fix.
        fprintf(stderr, "witness %s has cosigned size %llu, above our %llu\n", w.url.c_str(),
                (unsigned long long)theirs, (unsigned long long)size);
        return {};
      }
      w.last_size = theirs;
      continue;
    }
    if (res->status != 200) {
      std::string msg = res->body.substr(0, 200);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      msg = EscapeForLog(msg);  // the witness's words: one line, no terminal controls
      fprintf(stderr, "witness %s refused the checkpoint of size %llu: %d %s\n", w.url.c_str(),
              (unsigned long long)size, res->status, msg.c_str());
      return {};
    }
    // Keep only lines by this witness's key that verify.
    std::vector<std::string> lines;
    std::string_view rest = res->body;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) break;
      std::string line(rest.substr(0, nl + 1));
      rest.remove_prefix(nl + 1);
      auto parsed = tlog::ParseNote(text + "\n" + line);
      if (!parsed.ok() || parsed->signatures.size() != 1) continue;
      const tlog::NoteSignature& s = parsed->signatures[0];
      if (s.name != w.verifier->name() || s.key_id != w.verifier->key_id()) continue;
      if (!w.verifier->Verify(text, s.signature)) {
        fprintf(stderr, "witness %s returned a cosignature that does not verify\n", w.url.c_str());
        continue;
      }
      lines.push_back(std::move(line));
    }
    if (!lines.empty()) w.last_size = size;
    return lines;
  }
  return {};
}

std::vector<std::string> WitnessClient::Cosign(const std::string& note, uint64_t size) {
  if (witnesses_.empty() || log_.load() == nullptr) return {};
  auto parsed = tlog::ParseNote(note);
  if (!parsed.ok()) return {};
  const std::string text = parsed->text;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  std::vector<std::vector<std::string>> got(witnesses_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = Ask(*witnesses_[i], note, text, size, deadline); });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> lines;
  size_t cosigned = 0;
  for (auto& g : got) {
    if (!g.empty()) ++cosigned;
    for (auto& l : g) lines.push_back(std::move(l));
  }
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.checkpoints;
    stats_.cosignatures += cosigned;
    stats_.failures += witnesses_.size() - cosigned;
    if (cosigned < quorum_) ++stats_.below_quorum;
  }
  if (cosigned < quorum_) {
    fprintf(stderr, "ledgerd: checkpoint %llu has %zu witness cosignatures, below the quorum of %zu\n",
            (unsigned long long)size, cosigned, quorum_);
  }
  return lines;
}

WitnessStats WitnessClient::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

}  // namespace ledger::api
