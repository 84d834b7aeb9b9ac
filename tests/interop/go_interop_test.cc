// Go's golang.org/x/mod/sumdb/note and tlog, not our code, check a real
// ledgerd's checkpoint, tiles, entry bundles and proofs (tlogcheck/main.go).
#include <gtest/gtest.h>

#include <filesystem>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger {
namespace {

TEST(GoInterop, SumdbNoteAndTlogAcceptOurLog) {
  char tmpl[] = "/tmp/ledger-go-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto vkey = tlog::InitDataDir(tlog::DataDir{dir}, "interop.example/log");
  ASSERT_TRUE(vkey.ok());
  api::TokenStore tokens(tlog::DataDir{dir}.tokens_file());
  std::string token = *tokens.Issue("recorder", "rec", "");
  testing::LedgerdProcess server(dir, {"--generic"});
  ASSERT_TRUE(server.Start());
  auto c = server.Client();
  httplib::Headers h = {{"Authorization", "Bearer " + token}};
  // 600 entries: two full tiles and a partial one at level 0, a partial at level 1.
  for (int i = 0; i < 600; ++i) {
    auto r = c.Post("/api/v1/entries", h, "{\"type\":\"interop.test\",\"body\":{\"i\":" + std::to_string(i) + "}}",
                    "application/json");
    ASSERT_TRUE(r && r->status == 201);
  }
  ASSERT_EQ(c.Get("/api/v1/receipts/599?wait=1")->status, 200);
  int code = 0;
  std::string out = testing::RunCommand(
      {testing::BinDir() + "/tlogcheck", "http://127.0.0.1:" + std::to_string(server.port()), *vkey}, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("OK:"), std::string::npos) << out;
  server.Stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ledger
