// ledgerctl witness and witness-key: a C2SP tlog-witness server
// (ledger/tlog/witness.h) over HTTP.
//
//   ledgerctl witness-key --data WDIR [--name NAME]
//   ledgerctl witness --data WDIR --listen HOST:PORT --log-vkey KEY [--log-vkey KEY ...]
//                     [--read-timeout S] [--threads N] [--max-threads N]
//
// Serves POST /add-checkpoint (submission) and GET /<hex SHA-256 of the
// origin>/checkpoint (monitoring) under the same prefix. Connections are
// handled as ledgerd handles them (api/connection_pool.h): a client that
// sends nothing for --read-timeout seconds is dropped, and threads grow while
// every one holds a connection, so slow clients cannot starve a log's
// add-checkpoint.
#include <httplib.h>
#include <signal.h>

#include <cstdio>
#include <cstring>

#include "api/connection_pool.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/witness.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

constexpr size_t kMaxRequestBytes = 64 * 1024;
httplib::Server* g_witness_server = nullptr;

void StopWitness(int) {
  if (g_witness_server != nullptr) g_witness_server->stop();
}

int Fail(const char* cmd, const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl %s: %s\n", cmd, msg.c_str());
  return code;
}

}  // namespace

int CmdWitnessKey(const Flags& f) {
  if (!f.Has("data")) return Fail("witness-key", "usage: ledgerctl witness-key --data WDIR --name NAME", 2);
  auto signer = tlog::LoadOrCreateWitnessKey(f.Get("data"), f.Get("name"));
  if (!signer.ok()) return Fail("witness-key", signer.status().message());
  printf("%s\n", (*signer)->vkey().c_str());
  return 0;
}

int CmdWitness(const Flags& f) {
  if (!f.Has("data") || !f.Has("listen") || !f.Has("log-vkey")) {
    return Fail("witness",
                "usage: ledgerctl witness --data WDIR --listen HOST:PORT --log-vkey KEY ... "
                "[--read-timeout S] [--threads N] [--max-threads N]",
                2);
  }
  uint64_t read_timeout = 10, threads = 16, max_threads = 1024;
  if ((f.Has("read-timeout") && (!tlog::ParseDecimal(f.Get("read-timeout"), &read_timeout) || read_timeout < 1 ||
                                 read_timeout > 3600)) ||
      (f.Has("threads") && (!tlog::ParseDecimal(f.Get("threads"), &threads) || threads < 1 || threads > 4096)) ||
      (f.Has("max-threads") && (!tlog::ParseDecimal(f.Get("max-threads"), &max_threads) ||
                                max_threads < threads || max_threads > 65536))) {
    return Fail("witness",
                "--read-timeout must be 1..3600 seconds, --threads 1..4096, --max-threads at least --threads", 2);
  }
  auto signer = tlog::LoadOrCreateWitnessKey(f.Get("data"), "");
  if (!signer.ok()) return Fail("witness", signer.status().message() + " (run ledgerctl witness-key first)");
  std::vector<std::unique_ptr<tlog::NoteVerifier>> keys;
  for (const std::string& k : f.All("log-vkey")) {
    auto v = tlog::ParseVerifierKey(k);
    if (!v.ok()) return Fail("witness", "--log-vkey " + k + ": " + v.status().message(), 2);
    keys.push_back(std::move(*v));
  }
  auto witness = tlog::Witness::Open(f.Get("data"), *signer, std::move(keys));
  if (!witness.ok()) return Fail("witness", witness.status().message());
  std::string listen = f.Get("listen");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Fail("witness", "--listen must be HOST:PORT", 2);

  httplib::Server server;
  api::PoolOptions pool;
  pool.base_threads = static_cast<size_t>(threads);
  pool.max_threads = static_cast<size_t>(max_threads);
  api::ConfigureConnections(server, pool, nullptr, static_cast<int>(read_timeout));
  server.set_payload_max_length(kMaxRequestBytes);
  server.Post("/add-checkpoint", [&](const httplib::Request& req, httplib::Response& res) {
    tlog::WitnessReply r = (*witness)->AddCheckpoint(req.body);
    res.status = r.http_status;
    res.set_content(r.body, r.content_type.c_str());
  });
  server.Get(R"(/([0-9a-f]{64})/checkpoint)", [&](const httplib::Request& req, httplib::Response& res) {
    tlog::WitnessReply r = (*witness)->GetCheckpoint(req.matches[1].str());
    res.status = r.http_status;
    res.set_header("Cache-Control", "no-cache");
    res.set_content(r.body, r.content_type.c_str());
  });
  g_witness_server = &server;
  signal(SIGINT, StopWitness);
  signal(SIGTERM, StopWitness);
  signal(SIGPIPE, SIG_IGN);
  if (!server.bind_to_port(listen.substr(0, colon), std::atoi(listen.c_str() + colon + 1))) {
    return Fail("witness", "cannot listen on " + listen + ": " + strerror(errno));
  }
  fprintf(stderr,
          "ledgerctl witness: %s serving POST /add-checkpoint and GET /<origin hash>/checkpoint on http://%s\n",
          (*signer)->vkey().c_str(), listen.c_str());
  server.listen_after_bind();
  fprintf(stderr, "ledgerctl witness: stopped\n");
  return 0;
}

}  // namespace ledger::tools
