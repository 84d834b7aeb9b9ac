// Starts a real ledgerd binary on a free loopback port for HTTP tests, and
// stops it (SIGTERM, or SIGKILL on request) when done. With --tls-cert among
// the extra arguments it speaks HTTPS (certificate not verified by Client()).
#ifndef LEDGER_TESTS_TESTING_LEDGERD_PROCESS_H_
#define LEDGER_TESTS_TESTING_LEDGERD_PROCESS_H_

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace ledger::testing {

inline std::string BinDir() {
  const char* d = std::getenv("LEDGER_BIN_DIR");
  return d ? d : "build/bin";
}

inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Runs a command to completion and returns its stdout; exit code in *code.
inline std::string RunCommand(const std::vector<std::string>& args, int* code) {
  int out[2];
  if (pipe(out) != 0) return "";
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(out[0], buf, sizeof(buf))) > 0) s.append(buf, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return s;
}

// The value of gauge or counter `name` in a /metrics body; kNoMetric when
// the body has no such line.
inline constexpr uint64_t kNoMetric = ~uint64_t{0};
inline uint64_t Metric(const std::string& metrics, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(metrics, m, std::regex("\n" + name + " ([0-9]+)\n"))) return kNoMetric;
  return std::stoull(m[1]);
}

class LedgerdProcess {
 public:
  explicit LedgerdProcess(std::string data_dir, std::vector<std::string> extra = {})
      : data_(std::move(data_dir)), extra_(std::move(extra)) {}
  ~LedgerdProcess() { Stop(); }

  // Sends ledgerd's stderr (its log) to `path`, appending; call before Start.
  void set_log_file(std::string path) { log_file_ = std::move(path); }
  // Starts ledgerd with this RLIMIT_NOFILE (soft, hard); call before Start.
  void set_fd_limit(rlim_t soft, rlim_t hard) {
    fd_soft_ = soft;
    fd_hard_ = hard;
  }

  // Starts ledgerd and waits until /healthz answers (up to 20 s): 200, or
  // 503 when it serves reads but refuses writes (a full disk).
  bool Start() {
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      if (!log_file_.empty()) {
        int fd = open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) dup2(fd, 2);
      }
      if (fd_soft_ > 0) {
        struct rlimit rl;
        rl.rlim_cur = fd_soft_;
        rl.rlim_max = fd_hard_;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) _exit(126);
      }
      std::string bin = BinDir() + "/ledgerd";
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      std::vector<std::string> args = {bin, "--data", data_, "--listen", listen, "--threads", "32"};
      args.insert(args.end(), extra_.begin(), extra_.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    httplib::Client c = Client();
    for (int i = 0; i < 200; ++i) {
      if (auto r = c.Get("/healthz"); r && (r->status == 200 || r->status == 503)) return true;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int status;
    waitpid(pid_, &status, 0);
    exit_status_ = status;
    pid_ = -1;
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Still running (not exited, not killed).
  bool Alive() {
    if (pid_ <= 0) return false;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = status;
      pid_ = -1;
      return false;
    }
    return true;
  }
  // The wait status once it has exited (see Alive, Stop); -1 before.
  int exit_status() const { return exit_status_; }
  bool tls() const { return std::find(extra_.begin(), extra_.end(), "--tls-cert") != extra_.end(); }
  std::string url() const { return (tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_); }
  httplib::Client Client() const {
    httplib::Client c(url());
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    c.enable_server_certificate_verification(false);
#endif
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  std::string data_;
  std::vector<std::string> extra_;
  std::string log_file_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  rlim_t fd_soft_ = 0, fd_hard_ = 0;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_LEDGERD_PROCESS_H_
