// Helpers for the ledgerctl end-to-end tests: temporary directories, a demo
// ledger made with the real binaries, and running ledgerctl with its stdout
// and stderr captured together.
#ifndef LEDGER_TESTS_TOOLS_TOOLS_FIXTURE_H_
#define LEDGER_TESTS_TOOLS_TOOLS_FIXTURE_H_

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/ledgerd_process.h"

namespace ledger::testing {

inline std::string MakeTempDir(const std::string& tag) {
  std::string t = "/tmp/" + tag + "-XXXXXX";
  return mkdtemp(t.data());
}

// A directory removed (recursively) when the test ends.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& tag) : path(MakeTempDir(tag)) {}
  ~TempDir() { std::filesystem::remove_all(path); }
};

struct CommandResult {
  int code = -1;
  std::string out;  // stdout and stderr, interleaved
};

// Runs `ledgerctl args...` to completion.
inline CommandResult Ledgerctl(std::vector<std::string> args) {
  args.insert(args.begin(), BinDir() + "/ledgerctl");
  int p[2];
  CommandResult r;
  if (pipe(p) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);
    close(p[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(p[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof(buf))) > 0) r.out.append(buf, n);
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// `ledgerctl init` + `ledgerctl demo` into `dir`; returns the verifier key.
inline std::string InitDemo(const std::string& dir) {
  auto init = Ledgerctl({"init", "--data", dir, "--origin", "test.example/ledger"});
  EXPECT_EQ(init.code, 0) << init.out;
  auto demo = Ledgerctl({"demo", "--data", dir});
  EXPECT_EQ(demo.code, 0) << demo.out;
  return FirstLine(init.out);
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TOOLS_TOOLS_FIXTURE_H_
