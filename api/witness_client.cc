#include "api/witness_client.h"

#include <httplib.h>

#include <cstdio>

#include "ledger/base/log_escape.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/witness.h"

namespace ledger::api {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kStopping[] = "stopping";


}  // namespace

// One checkpoint being cosigned, shared by the witnesses' workers.
struct WitnessClient::Job {
  std::string note, text;  // the log-signed note, and its text
  uint64_t size = 0;
  tlog::CosignerHost* host = nullptr;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> early;  // lines that came within the grace
  std::vector<bool> cosigned;      // per policy witness
  size_t expected = 0, answered = 0, skipped = 0;
  bool published = false;  // the grace is over: later lines go to the host
};

struct WitnessClient::Witness {
  size_t policy_index = 0;
  std::string url, path;
  std::shared_ptr<const tlog::CosignatureVerifier> verifier;
  std::unique_ptr<httplib::Client> client;  // keep-alive; used by this witness's worker only
  uint64_t last_size = 0;                   // worker only: the size it last cosigned, as far as we know
  // Guarded by WitnessClient::mu_.
  std::shared_ptr<Job> pending;
  bool in_flight = false;
  Clock::time_point deadline;
};

Result<WitnessConfig> ParseWitnessFlag(const std::string& flag) {
  size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    return InvalidArgument("--witness must be URL=VKEY, got \"" + flag + "\"");
  }
  return WitnessConfig{flag.substr(0, eq), flag.substr(eq + 1)};
}

WitnessClient::WitnessClient(tlog::Policy policy, WitnessClientOptions options)
    : policy_(std::move(policy)), options_(options) {}

WitnessClient::~WitnessClient() { Stop(); }

Result<std::unique_ptr<WitnessClient>> WitnessClient::Create(const tlog::Policy& policy,
                                                             WitnessClientOptions options) {
  std::unique_ptr<WitnessClient> c(new WitnessClient(policy, options));
  const auto& ws = c->policy_.witnesses();
  for (size_t i = 0; i < ws.size(); ++i) {
    if (ws[i].url.empty()) {
      fprintf(stderr, "ledgerd: witness %s has no URL in the policy: ledgerd cannot ask it to cosign\n",
              ws[i].name.c_str());
      continue;
    }
    const std::string& url = ws[i].url;
    size_t scheme = url.find("://");
    if (scheme == std::string::npos ||
        (url.compare(0, scheme, "http") != 0 && url.compare(0, scheme, "https") != 0)) {
      return InvalidArgument("witness " + ws[i].name + ": the URL must start with http:// or https://, got " +
                             url);
    }
    auto w = std::make_unique<Witness>();
    w->policy_index = i;
    w->url = url;
    size_t slash = url.find('/', scheme + 3);
    w->path = slash == std::string::npos ? "" : url.substr(slash);
    while (!w->path.empty() && w->path.back() == '/') w->path.pop_back();
    w->path += "/add-checkpoint";
    w->verifier = ws[i].verifier;
    w->client = std::make_unique<httplib::Client>(url.substr(0, slash));
    w->client->set_keep_alive(true);
    w->client->set_decompress(false);  // never inflate what a witness sends
    w->client->set_follow_location(false);
    w->client->set_tcp_nodelay(true);
    c->witnesses_.push_back(std::move(w));
  }
  for (auto& w : c->witnesses_) c->workers_.emplace_back([p = c.get(), w = w.get()] { p->Work(*w); });
  c->watchdog_ = std::thread([p = c.get()] { p->Watch(); });
  return c;
}

std::vector<std::string> WitnessClient::Cosign(const std::string& note, uint64_t size,
                                               tlog::CosignerHost& host) {
  auto parsed = tlog::ParseNote(note);
  if (witnesses_.empty() || !parsed.ok()) return {};
  auto job = std::make_shared<Job>();
  job->note = note;
  job->text = parsed->text;
  job->size = size;
  job->host = &host;
  job->cosigned.assign(policy_.witnesses().size(), false);
  job->expected = witnesses_.size();
  std::vector<std::pair<std::shared_ptr<Job>, size_t>> superseded;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return {};
    ++stats_.checkpoints;
    for (auto& w : witnesses_) {
      if (w->pending) superseded.emplace_back(std::move(w->pending), w->policy_index);
      w->pending = job;
    }
  }
  work_cv_.notify_all();
  for (auto& [old, index] : superseded) Finish(old, index, "", /*skipped=*/true);

  std::unique_lock lock(job->mu);
  job->cv.wait_until(lock, Clock::now() + options_.grace, [&] { return job->answered == job->expected; });
  job->published = true;
  return std::move(job->early);
}

void WitnessClient::Finish(const std::shared_ptr<Job>& job, size_t policy_index, std::string line,
                           bool skipped) {
  bool late = false, done = false;
  std::vector<bool> cosigned;
  {
    std::lock_guard lock(job->mu);
    if (!line.empty()) {
      job->cosigned[policy_index] = true;
      if (job->published) {
        late = true;
      } else {
        job->early.push_back(line);
      }
    }
    job->skipped += skipped;
    done = ++job->answered == job->expected && job->skipped == 0;
    cosigned = job->cosigned;
  }
  job->cv.notify_all();
  if (!skipped) {
    std::lock_guard lock(mu_);
    ++(line.empty() ? stats_.failures : stats_.cosignatures);
  }
  if (late) job->host->AddCosignatures(job->size, {line});
  if (done) {
    std::string why;
    if (!policy_.QuorumMet(cosigned, &why)) {
      {
        std::lock_guard lock(mu_);
        ++stats_.below_quorum;
      }
      fprintf(stderr, "ledgerd: checkpoint %llu: %s (it is published all the same)\n",
              (unsigned long long)job->size, why.c_str());
    }
  }
}

void WitnessClient::Work(Witness& w) {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || w.pending != nullptr; });
      if (stopping_) break;
      job = std::move(w.pending);
    }
    std::string line = Exchange(w, *job, Clock::now() + options_.exchange);
    Finish(job, w.policy_index, std::move(line), /*skipped=*/false);
  }
  std::shared_ptr<Job> left;
  {
    std::lock_guard lock(mu_);
    left = std::move(w.pending);
  }
  if (left) Finish(left, w.policy_index, "", /*skipped=*/true);
}

std::string WitnessClient::Exchange(Witness& w, const Job& job, Clock::time_point deadline) {
  const char* name = policy_.witnesses()[w.policy_index].name.c_str();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const uint64_t old_size = w.last_size > job.size ? 0 : w.last_size;
    std::vector<tlog::Hash> proof;
    if (old_size > 0 && old_size < job.size) {
      auto p = job.host->ConsistencyProof(old_size, job.size);
      if (!p.ok()) {
        fprintf(stderr, "witness %s: no consistency proof %llu -> %llu: %s\n", name,
                (unsigned long long)old_size, (unsigned long long)job.size, p.status().ToString().c_str());
        return "";
      }
      proof = std::move(*p);
    }
    Answer a = Post(w, tlog::FormatAddCheckpointRequest(old_size, proof, job.note), deadline);
    if (!a.error.empty()) {
      if (a.error != kStopping)
        fprintf(stderr, "witness %s (%s): %s\n", name, w.url.c_str(), a.error.c_str());
      return "";
    }
    if (a.status == 409 && a.content_type.rfind(tlog::kTlogSizeContentType, 0) == 0) {
      uint64_t theirs;
      std::string b = a.body;
      if (!b.empty() && b.back() == '\n') b.pop_back();
      if (!tlog::ParseDecimal(b, &theirs)) {
        fprintf(stderr, "witness %s: 409 with a malformed size body\n", name);
        return "";
      }
      if (theirs > job.size) {
        // The witness has cosigned a larger tree of this log than ours:
        // another instance of the log, or a fork. Never ours to fix.
        fprintf(stderr, "witness %s has cosigned size %llu, above our %llu\n", name,
                (unsigned long long)theirs, (unsigned long long)job.size);
        return "";
      }
      w.last_size = theirs;
      continue;
    }
    if (a.status != 200) {
      fprintf(stderr, "witness %s refused the checkpoint of size %llu: %d %s\n", name,
              (unsigned long long)job.size, a.status, EscapeForLog(a.body.substr(0, 200)).c_str());
      return "";
    }
    // The first line by this witness's key that verifies; nothing else.
    std::string_view rest = a.body;
    while (!rest.empty()) {
      const size_t nl = rest.find('\n');
      if (nl == std::string_view::npos) break;
      std::string line(rest.substr(0, nl + 1));
      rest.remove_prefix(nl + 1);
      auto one = tlog::ParseNote(job.text + "\n" + line);
      if (!one.ok() || one->signatures.size() != 1) continue;
      if (tlog::VerifiesAs(*w.verifier, job.text, one->signatures[0])) {
        w.last_size = job.size;
        return line;
      }
    }
    fprintf(stderr, "witness %s answered 200 without a valid cosignature by its key\n", name);
    return "";
  }
  return "";
}

WitnessClient::Answer WitnessClient::Post(Witness& w, const std::string& body, Clock::time_point deadline) {
  Answer a;
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  if (left.count() <= 0) {
    a.error = "no time left of the " + std::to_string(options_.exchange.count()) + " ms exchange";
    return a;
  }
  w.client->set_connection_timeout(left);
  w.client->set_read_timeout(left);
  w.client->set_write_timeout(left);
  httplib::Request req;
  req.method = "POST";
  req.path = w.path;
  req.body = body;
  req.set_header("Content-Type", "text/plain; charset=utf-8");
  bool too_big = false, encoded = false;
  const size_t cap = options_.max_response_bytes;
  req.response_handler = [&](const httplib::Response& res) {
    const std::string enc = res.get_header_value("Content-Encoding");
    if (!enc.empty() && enc != "identity") return !(encoded = true);
    uint64_t length;
    if (tlog::ParseDecimal(res.get_header_value("Content-Length"), &length) && length > cap) {
      return !(too_big = true);
    }
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (a.body.size() + n > cap) return !(too_big = true);
    a.body.append(data, n);
    return true;
  };
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      a.error = kStopping;
      return a;
    }
    w.in_flight = true;
    w.deadline = deadline;
  }
  watch_cv_.notify_all();
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  const bool ok = w.client->send(req, res, err);
  {
    std::lock_guard lock(mu_);
    w.in_flight = false;
  }
  if (too_big) {
    a.error = "the answer is larger than " + std::to_string(cap) + " bytes";
  } else if (encoded) {
    a.error = "the answer has a Content-Encoding";
  } else if (!ok) {
    a.error = Clock::now() >= deadline ? "no complete answer within the " +
                                             std::to_string(options_.exchange.count()) + " ms exchange"
                                       : httplib::to_string(err);
  } else {
    a.status = res.status;
    a.content_type = res.get_header_value("Content-Type");
  }
  return a;
}

// Shuts down the connection of every exchange past its deadline, again and
// again until the worker notices: a stop() that lands before the request
// opened its socket would otherwise be lost.
void WitnessClient::Watch() {
  std::unique_lock lock(mu_);
  while (!watch_stopping_) {
    const auto now = Clock::now();
    auto next = Clock::time_point::max();
    bool overdue = false;
    for (auto& w : witnesses_) {
      if (!w->in_flight) continue;
      if (now >= w->deadline) {
        w->client->stop();
        overdue = true;
      } else {
        next = std::min(next, w->deadline);
      }
    }
    if (overdue) {
      watch_cv_.wait_for(lock, std::chrono::milliseconds(20));
    } else if (next != Clock::time_point::max()) {
      watch_cv_.wait_until(lock, next);
    } else {
      watch_cv_.wait(lock);
    }
  }
}

void WitnessClient::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (auto& w : witnesses_) w->deadline = Clock::now();  // the watchdog ends what is in flight
  }
  work_cv_.notify_all();
  watch_cv_.notify_all();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  {
    std::lock_guard lock(mu_);
    workers_.clear();
    watch_stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

WitnessStats WitnessClient::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace ledger::api
