// Runs a tool binary (ledgerctl witness, ledgerd) as a child process for the
// tools' end-to-end tests, and waits until it answers HTTP on its port.
#ifndef LEDGER_TESTS_TOOLS_CHILD_PROCESS_H_
#define LEDGER_TESTS_TOOLS_CHILD_PROCESS_H_

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace ledger::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Stop(); }
  // Starts `args` and waits (up to 20 s) until 127.0.0.1:port answers HTTP.
  bool Start(std::vector<std::string> args, int port) {
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    httplib::Client c("127.0.0.1", port);
    for (int i = 0; i < 200; ++i) {
      if (auto r = c.Get("/healthz")) return true;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TOOLS_CHILD_PROCESS_H_
