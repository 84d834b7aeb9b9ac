// Bearer tokens issued and revoked by several processes at once (issue 16,
// section 3): `ledgerctl token --name race` run by many processes together
// must leave at most one live token for the name, and one `--revoke race`
// must stop every token of that name from writing to a real ledgerd.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Dir {
  std::string path;
  Dir() {
    char t[] = "/tmp/ledger-token-XXXXXX";
    path = mkdtemp(t);
  }
  ~Dir() { fs::remove_all(path); }
};

struct Child {
  pid_t pid;
  int out;  // read end of its stdout
};

// Starts `n` copies of `args`, all released at the same moment: each child
// blocks on a pipe until the parent closes it, then execs.
std::vector<std::string> RunTogether(const std::vector<std::string>& args, int n, int* succeeded) {
  int gate[2];
  EXPECT_EQ(pipe(gate), 0);
  std::vector<Child> children;
  for (int i = 0; i < n; ++i) {
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
      close(gate[1]);
      char c;
      while (read(gate[0], &c, 1) > 0) {
      }
      dup2(out[1], 1);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    children.push_back({pid, out[0]});
  }
  close(gate[0]);
  close(gate[1]);  // go
  std::vector<std::string> outputs;
  *succeeded = 0;
  for (const Child& c : children) {
    std::string s;
    char buf[256];
    ssize_t k;
    while ((k = read(c.out, buf, sizeof(buf))) > 0) s.append(buf, k);
    close(c.out);
    int status = 0;
    waitpid(c.pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++*succeeded;
      outputs.push_back(s.substr(0, s.find('\n')));
    }
  }
  return outputs;
}

int PostWith(httplib::Client& c, const std::string& token) {
  json req = {{"type", "test.note"}, {"body", {{"n", 1}}}};
  auto r = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(), "application/json");
  return r ? r->status : -1;
}

TEST(TokenTest, ConcurrentIssueForOneNameThenOneRevokeLeavesNoTokenThatWrites) {
  Dir dir;
  const std::string data = dir.path + "/ledger";
  const std::string ctl = testing::BinDir() + "/ledgerctl";
  int code = -1;
  testing::RunCommand({ctl, "init", "--data", data, "--origin", "test.example/tokens"}, &code);
  ASSERT_EQ(code, 0);

  // Several rounds: the race needs only to be lost once.
  std::vector<std::string> issued;
  for (int round = 0; round < 5; ++round) {
    const std::string name = "race" + std::to_string(round);
    int ok = 0;
    auto tokens = RunTogether({ctl, "token", "--data", data, "--role", "recorder", "--name", name}, 12, &ok);
    EXPECT_EQ(ok, 1) << "round " << round << ": " << ok << " processes were each given a live token for "
                     << name;
    issued.insert(issued.end(), tokens.begin(), tokens.end());
  }
  ASSERT_GE(issued.size(), 5u);

  testing::LedgerdProcess server(data, {"--generic"});
  server.set_log_file(dir.path + "/ledgerd.log");
  ASSERT_TRUE(server.Start());
  httplib::Client c = server.Client();
  for (const std::string& t : issued) EXPECT_EQ(PostWith(c, t), 201) << "a freshly issued token must write";

  for (int round = 0; round < 5; ++round) {
    testing::RunCommand({ctl, "token", "--data", data, "--revoke", "race" + std::to_string(round)}, &code);
    EXPECT_EQ(code, 0);
  }
  for (const std::string& t : issued) {
    EXPECT_EQ(PostWith(c, t), 401) << "a token of a revoked name still writes";
  }
}

// A tokens file written before issuing was locked may hold two live tokens
// for one name; one revocation line ends both.
TEST(TokenTest, ARevocationEndsEveryEarlierTokenOfTheName) {
  Dir dir;
  const std::string path = dir.path + "/tokens.jsonl";
  const std::string t1(64, 'a'), t2(64, 'b'), t3(64, 'c');
  auto line = [](const std::string& token, const std::string& name) {
    return json{{"hash", crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of(token)))},
                {"role", "recorder"},
                {"name", name},
                {"org", ""},
                {"revoked", false}}
        .dump();
  };
  {
    std::ofstream out(path);
    out << line(t1, "dup") << "\n" << line(t2, "dup") << "\n" << line(t3, "other") << "\n";
  }
  TokenStore store(path);
  ASSERT_TRUE(store.Authenticate(t1).ok());
  ASSERT_TRUE(store.Authenticate(t2).ok());
  ASSERT_TRUE(store.Revoke("dup").ok());
  EXPECT_EQ(store.Authenticate(t1).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(store.Authenticate(t2).status().code(), Code::kUnauthenticated);
  EXPECT_TRUE(store.Authenticate(t3).ok()) << "revoking one name touched another";
  // A fresh store reading the same file agrees.
  TokenStore again(path);
  EXPECT_FALSE(again.Authenticate(t1).ok());
  EXPECT_FALSE(again.Authenticate(t2).ok());
  EXPECT_EQ(store.Revoke("dup").code(), Code::kNotFound);
}

// A line still being appended by another process is not a corrupt file.
TEST(TokenTest, AnIncompleteLastLineIsIgnoredUntilComplete) {
  Dir dir;
  const std::string path = dir.path + "/tokens.jsonl";
  TokenStore store(path);
  auto token = store.Issue("recorder", "rec-1", "");
  ASSERT_TRUE(token.ok());
  {
    std::ofstream out(path, std::ios::app);
    out << "{\"name\":\"rec-1\",\"rev";
  }
  EXPECT_TRUE(store.Authenticate(*token).ok());
  {
    std::ofstream out(path, std::ios::app);
    out << "oked\":true}\n";
  }
  EXPECT_EQ(store.Authenticate(*token).status().code(), Code::kUnauthenticated);
}

TEST(TokenTest, TokenIdNamesTheTokenNotTheAccount) {
  Dir dir;
  TokenStore store(dir.path + "/tokens.jsonl");
  auto first = store.Issue("recorder", "rec-1", "");
  ASSERT_TRUE(first.ok());
  auto a1 = store.Authenticate(*first);
  ASSERT_TRUE(a1.ok());
  const std::string want = crypto::ToHex(crypto::AsBytes(crypto::Sha256Of(*first)).substr(0, 16));
  EXPECT_EQ(a1->token_id, want);
  EXPECT_EQ(a1->token_id.size(), 32u);
  EXPECT_EQ(TokenId(*first), want);
  ASSERT_TRUE(store.Revoke("rec-1").ok());
  auto second = store.Issue("recorder", "rec-1", "");
  ASSERT_TRUE(second.ok());
  auto a2 = store.Authenticate(*second);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->name, a1->name);
  EXPECT_NE(a2->token_id, a1->token_id) << "a reissued name must get a new token_id";
}

}  // namespace
}  // namespace ledger::api
