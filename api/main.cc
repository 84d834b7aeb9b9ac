// ledgerd: serves one ledger over HTTP.
//
//   ledgerd --data DIR [--listen HOST:PORT] [--site DIR] [--threads N] [--max-threads N] [--generic]
//           [--read-timeout S] [--rate-per-address N] [--rate-per-token N]
//           [--tls-cert FILE --tls-key FILE] [--max-queue N] [--min-free-bytes N[K|M|G]]
//           [--read-concurrency N]
//           [--drain-seconds S] [--policy FILE | --witness URL=VKEY ... [--witness-quorum N]]
//           [--360giving FILE]
//
// DIR is made by `ledgerctl init`. The signing key file must be mode 0600.
#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>

#include "api/backoffice_routes.h"
#include "api/funds_routes.h"
#include "api/process_limits.h"
#include "api/witness_client.h"
#include "api/server.h"
#include "ledger/funds/giving_settings.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/policy.h"

namespace {

httplib::Server* g_server = nullptr;

void OnSignal(int) {
  if (g_server != nullptr) g_server->stop();
}

int Usage() {
  fprintf(stderr,
          "usage: ledgerd --data DIR [--listen HOST:PORT] [--site DIR] [--threads N]\n"
          "  --data     ledger directory made by `ledgerctl init`\n"
          "  --listen   address to serve on (default 127.0.0.1:8080)\n"
          "  --site     public-site directory served at / (default ./public-site if present)\n"
          "  --threads  HTTP worker threads kept ready (default 96)\n"
          "  --max-threads N         more threads, up to N, while every thread holds a connection (default 1024)\n"
          "  --generic  a bare log: accept any entry type, no charity rules\n"
          "  --policy FILE           the log's C2SP tlog-policy: its witnesses with a URL are asked to cosign;\n"
          "                          served at /tlog-policy and in /api/v1/log\n"
          "  --witness URL=VKEY      shorthand: a C2SP tlog-witness to cosign each checkpoint (repeatable)\n"
          "  --witness-quorum N      shorthand: N of the --witness witnesses (default: all)\n"
          "  --read-timeout S        drop a client that sends nothing for S seconds (default 10)\n"
          "  --rate-per-address N    requests/s per client address, burst 2N (default 1000; 0 = off)\n"
          "  --rate-per-token N      writes/s per bearer token, burst 2N (default 1000; 0 = off)\n"
          "  --tls-cert FILE, --tls-key FILE  serve HTTPS with this PEM certificate chain and key\n"
          "  --max-queue N           entries waiting to be sequenced before writes answer 503 (default 65536)\n"
          "  --read-concurrency N    public reads (charity views, tiles, proofs, receipts) computed at once;\n"
          "                          others wait\n"
          "                          up to 30 s, then 503 (default: half the CPUs, at least 1)\n"
          "  --min-free-bytes N      refuse writes (507) while the data volume has less free; K, M, G suffixes\n"
          "                          (default 256M; also sizes RocksDB's write buffer: min(64M, N/4))\n"
          "  --drain-seconds S       on SIGTERM, wait up to S s for open connections, then close them (default 10)\n"
          "  --360giving FILE        the 360Giving export settings (registered 360G- prefix, license, grants to\n"
          "                          individuals; default DIR/360giving.json; without one the export answers 404)\n");
  return 2;
}

// "256M" -> 268435456; false when not a number with an optional K/M/G suffix.
bool ParseBytes(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t mult = 1;
  std::string digits = s;
  switch (s.back()) {
    case 'K': case 'k': mult = 1ull << 10; digits.pop_back(); break;
    case 'M': case 'm': mult = 1ull << 20; digits.pop_back(); break;
    case 'G': case 'g': mult = 1ull << 30; digits.pop_back(); break;
    default: break;
  }
  if (digits.empty() || digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *out = std::stoull(digits) * mult;
  return true;
}

std::string Mib(uint64_t n) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(n) / (1 << 20));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ledger;
  std::string data, listen = "127.0.0.1:8080", site;
  int threads = 96;
  int max_threads = 1024;
  bool generic = false;
  int read_timeout = 10;
  api::RateLimitOptions rate;
  std::string tls_cert, tls_key;
  std::vector<api::WitnessConfig> witnesses;
  std::string policy_file;
  std::string giving_file;  // empty: DIR/360giving.json when present
  long witness_quorum = -1;
  long max_queue = 65536;
  int read_concurrency = 0;  // 0: half the CPUs
  uint64_t min_free_bytes = 256ull << 20;
  int drain_seconds = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") data = value();
    else if (a == "--listen") listen = value();
    else if (a == "--site") site = value();
    else if (a == "--threads") threads = std::atoi(value().c_str());
    else if (a == "--max-threads") max_threads = std::atoi(value().c_str());
    else if (a == "--generic") generic = true;
    else if (a == "--read-timeout") read_timeout = std::atoi(value().c_str());
    else if (a == "--rate-per-address") rate.per_address = std::atof(value().c_str());
    else if (a == "--rate-per-token") rate.per_token = std::atof(value().c_str());
    else if (a == "--tls-cert") tls_cert = value();
    else if (a == "--tls-key") tls_key = value();
    else if (a == "--witness") {
      auto w = api::ParseWitnessFlag(value());
      if (!w.ok()) {
        fprintf(stderr, "ledgerd: %s\n", w.status().message().c_str());
        return 2;
      }
      witnesses.push_back(*w);
    } else if (a == "--witness-quorum") witness_quorum = std::atol(value().c_str());
    else if (a == "--policy") policy_file = value();
    else if (a == "--360giving") giving_file = value();
    else if (a == "--max-queue") max_queue = std::atol(value().c_str());
    else if (a == "--read-concurrency") read_concurrency = std::atoi(value().c_str());
    else if (a == "--min-free-bytes") {
      std::string v = value();
      if (!ParseBytes(v, &min_free_bytes)) {
        fprintf(stderr, "ledgerd: --min-free-bytes must be bytes with an optional K, M or G, got '%s'\n",
                v.c_str());
        return 2;
      }
    } else if (a == "--drain-seconds") drain_seconds = std::atoi(value().c_str());
    else if (a == "--help" || a == "-h") return Usage();
    else {
      fprintf(stderr, "ledgerd: unknown argument %s\n", a.c_str());
      return Usage();
    }
  }
  if (data.empty() || threads < 1 || read_timeout < 1 || rate.per_address < 0 || rate.per_token < 0 ||
      tls_cert.empty() != tls_key.empty() || drain_seconds < 0) {
    return Usage();
  }
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    fprintf(stderr, "ledgerd: --listen must be HOST:PORT, got %s\n", listen.c_str());
    return 2;
  }
  std::string host = listen.substr(0, colon);
  int port = std::atoi(listen.c_str() + colon + 1);
  if (site.empty() && std::filesystem::is_directory("public-site")) site = "public-site";

  // Open files: the store and the connections share the limit; say at start
  // what it allows, and what is missing.
  auto limits = api::RaiseFdLimit();
  if (!limits.ok()) {
    fprintf(stderr, "ledgerd: %s\n", limits.status().message().c_str());
    return 1;
  }
  const api::FdPlan plan = api::PlanFds(limits->soft);
  fprintf(stderr,
          "ledgerd: open-file limit %llu%s; the store may hold %llu, up to %llu connections (beyond: 503)\n",
          static_cast<unsigned long long>(limits->soft),
          limits->soft_before < limits->soft
              ? (" (raised from " + std::to_string(limits->soft_before) + ")").c_str()
              : "",
          static_cast<unsigned long long>(plan.store_fds),
          static_cast<unsigned long long>(plan.max_connections));
  if (!plan.problem.empty()) fprintf(stderr, "ledgerd: WARNING: %s\n", plan.problem.c_str());

  // The 360Giving export settings, checked before the ledger is opened.
  funds::GivingSettings giving;
  bool have_giving = false;
  std::string giving_missing;
  if (!generic) {
    const std::string path = giving_file.empty() ? funds::GivingSettingsPath(data) : giving_file;
    auto g = funds::ReadGivingSettings(path);
    if (g.ok()) {
      giving = std::move(*g);
      have_giving = true;
      fprintf(stderr, "ledgerd: 360Giving export as %s (%s)\n", giving.prefix.c_str(), path.c_str());
    } else if (g.status().code() == Code::kNotFound && giving_file.empty()) {
      // The detail is public: it names the file, not where the data directory is.
      giving_missing = "the 360Giving export is not configured on this ledger: it needs 360giving.json in "
                       "the ledger's data directory, with the publisher's registered 360G- prefix and the "
                       "data's license (docs/operations.md, 360Giving export)";
    } else {
      fprintf(stderr, "ledgerd: --360giving: %s\n", g.status().message().c_str());
      return 2;
    }
  }
  tlog::DataDir dir{data};
  {
    struct statvfs vfs;
    if (statvfs(data.c_str(), &vfs) == 0) {
      const uint64_t free_bytes = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
      fprintf(stderr, "ledgerd: %s free on the volume of %s; writes are refused under %s (--min-free-bytes)\n",
              Mib(free_bytes).c_str(), data.c_str(),
              Mib(min_free_bytes).c_str());
      if (free_bytes < min_free_bytes) {
        fprintf(stderr,
                "ledgerd: WARNING: free space is under the floor: writes are refused until %s more is freed\n",
                Mib(min_free_bytes - free_bytes).c_str());
      }
    }
  }
  auto key = tlog::ReadLogKey(dir, /*require_private_mode=*/true);
  if (!key.ok()) {
    fprintf(stderr, "ledgerd: %s\n", key.status().message().c_str());
    return 1;
  }
  tlog::Options opts;
  opts.path = dir.db();
  opts.origin = key->origin;
  opts.signer = key->signer;
  if (max_queue < 1) {
    fprintf(stderr, "ledgerd: --max-queue must be a positive number of entries\n");
    return 2;
  }
  opts.max_queue_entries = static_cast<size_t>(max_queue);
  // The trust policy: a file, or the shorthand flags written as one.
  const std::string log_vkey = tlog::FormatVerifierKey(key->origin, key->signer->PublicKey());
  if (!policy_file.empty() && (!witnesses.empty() || witness_quorum >= 0)) {
    fprintf(stderr, "ledgerd: give --policy or --witness/--witness-quorum, not both\n");
    return 2;
  }
  Result<tlog::Policy> policy = InvalidArgument("no policy");
  if (!policy_file.empty()) {
    std::ifstream in(policy_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      fprintf(stderr, "ledgerd: cannot read --policy %s\n", policy_file.c_str());
      return 2;
    }
    policy = tlog::Policy::Parse(text.str());
    if (policy.ok() && !policy->ListsLog(log_vkey)) {
      policy = InvalidArgument("it has no log line with this log's key " + log_vkey);
    }
  } else {
    std::vector<tlog::Policy::FlatWitness> flat;
    for (const auto& w : witnesses) flat.push_back({w.vkey, w.url});
    if (witness_quorum > static_cast<long>(witnesses.size())) {
      fprintf(stderr, "ledgerd: --witness-quorum %ld is more than the %zu witnesses given\n", witness_quorum,
              witnesses.size());
      return 2;
    }
    policy = tlog::Policy::FromFlags(log_vkey, flat, witness_quorum < 0 ? witnesses.size()
                                                                        : static_cast<size_t>(witness_quorum));
  }
  if (!policy.ok()) {
    fprintf(stderr, "ledgerd: the policy %s: %s\n", policy_file.c_str(), policy.status().message().c_str());
    return 2;
  }
  opts.min_free_bytes = min_free_bytes;
  opts.max_open_files = plan.max_open_files;
  std::unique_ptr<api::WitnessClient> witness_client;
  if (!policy->witnesses().empty()) {
    auto wc = api::WitnessClient::Create(*policy);
    if (!wc.ok()) {
      fprintf(stderr, "ledgerd: %s\n", wc.status().message().c_str());
      return 2;
    }
    witness_client = std::move(*wc);
    opts.cosigner = witness_client.get();
  }
  funds::FundsStateMachine state_machine;
  if (!generic) opts.state_machine = &state_machine;
  auto log = tlog::Log::Open(opts);
  if (!log.ok()) {
    fprintf(stderr, "ledgerd: %s\n", log.status().ToString().c_str());
    return 1;
  }
  if (tlog::StoreStatus h = (*log)->Health(); !h.writable) {
    fprintf(stderr, "ledgerd: writes are stopped: %s; serving reads meanwhile\n", h.stopped.c_str());
  }
  api::TokenStore tokens(dir.tokens_file());
  std::unique_ptr<funds::Ledger> ledger;
  std::unique_ptr<api::Recorder> recorder;
  if (generic) {
    recorder = std::make_unique<api::GenericRecorder>(log->get());
  } else {
    ledger = std::make_unique<funds::Ledger>(log->get(), &state_machine);
    recorder = std::make_unique<api::FundsRecorder>(ledger.get());
  }
  api::RateLimiter limiter(rate);
  api::ConnectionStats connections;
  api::ServerContext ctx{log->get(), &tokens, recorder.get(), ledger.get(), site};
  ctx.policy = policy->text();
  if (rate.per_address > 0 || rate.per_token > 0) ctx.rate_limiter = &limiter;
  ctx.connections = &connections;
  api::ReadGate read_gate(read_concurrency);
  ctx.read_gate = &read_gate;
  if (have_giving) ctx.giving = &giving;
  ctx.giving_missing = giving_missing;

  std::unique_ptr<httplib::Server> server_ptr;
  if (!tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(tls_cert.c_str(), tls_key.c_str());
    if (!tls->is_valid()) {
      fprintf(stderr, "ledgerd: cannot use --tls-cert %s / --tls-key %s (unreadable, not PEM, or not a pair)\n",
              tls_cert.c_str(), tls_key.c_str());
      return 1;
    }
    server_ptr = std::move(tls);
  } else {
    server_ptr = std::make_unique<httplib::Server>();
  }
  httplib::Server& server = *server_ptr;
  if (threads < 1 || max_threads < threads) {
    fprintf(stderr, "ledgerd: --threads must be at least 1 and --max-threads at least --threads\n");
    return 2;
  }
  api::PoolOptions pool;
  pool.base_threads = static_cast<size_t>(threads);
  pool.max_threads = static_cast<size_t>(max_threads);
  pool.max_connections = plan.max_connections;
  pool.drain = std::chrono::seconds(drain_seconds);
  pool.close_leftovers = [port] { api::ShutdownConnectionsOnPort(port); };
  if (tls_cert.empty()) pool.refusal = "http";  // TLS cannot be answered before its handshake: closed
  api::ConfigureServer(server, pool, &connections);
  server.set_read_timeout(read_timeout, 0);
  server.set_keep_alive_timeout(std::min(read_timeout, 5));  // idle keep-alive connections
  api::RegisterLogRoutes(server, ctx);
  if (ledger != nullptr) api::RegisterFundsRoutes(server, ctx);
  if (ledger != nullptr) api::RegisterExportRoutes(server, ctx);
  api::RegisterBackOfficeRoutes(server, ctx);
  api::RegisterSiteRoutes(server, ctx);

  g_server = &server;
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  signal(SIGPIPE, SIG_IGN);
  if (!server.bind_to_port(host, port)) {
    fprintf(stderr, "ledgerd: cannot listen on %s: %s\n", listen.c_str(), strerror(errno));
    return 1;
  }
  if (api::WidenListenBacklog(port, api::kListenBacklog) == 0) {
    fprintf(stderr, "ledgerd: could not widen the accept queue of port %d; bursts of new connections may be reset\n",
            port);
  }
  fprintf(stderr, "ledgerd: serving %s (%llu entries) on %s://%s\n", (*log)->origin().c_str(),
          static_cast<unsigned long long>((*log)->Size()), tls_cert.empty() ? "http" : "https", listen.c_str());
  server.listen_after_bind();  // returns after SIGTERM, once connections drained (--drain-seconds)
  (*log)->Close();  // every acknowledged entry was synced before its 201
  if (connections.undrained) {
    // A handler still runs: exit without destroying what it uses.
    fprintf(stderr, "ledgerd: stopped (a connection thread was still busy)\n");
    fflush(stderr);
    _exit(0);
  }
  fprintf(stderr, "ledgerd: stopped\n");
  return 0;
}
