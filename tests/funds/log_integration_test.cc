// The charity domain on the real RocksDB log: the demo's figures, derived
// state restored by Load() after reopening (no replay), equal to a replay of
// every entry from scratch, and a report anchored to a real checkpoint.
#include <gtest/gtest.h>

#include <filesystem>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/funds/demo.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/money.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/memory_state.h"

namespace ledger::funds {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::map<std::string, std::string> Dump(const tlog::StateReader& r) {
  std::map<std::string, std::string> out;
  Status s = r.Scan("", "", [&](std::string_view k, std::string_view v) {
    out[std::string(k)] = std::string(v);
    return true;
  });
  EXPECT_TRUE(s.ok());
  return out;
}

class LogIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/funds-log-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto key = crypto::Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    signer_ = std::shared_ptr<const crypto::Signer>(std::move(*key));
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<tlog::Log>> Open(FundsStateMachine* sm) {
    tlog::Options o;
    o.path = dir_ + "/db";
    o.origin = "test.example/funds";
    o.signer = signer_;
    o.state_machine = sm;
    o.create_if_missing = true;
    o.checkpoint_interval = std::chrono::milliseconds(20);
    return tlog::Log::Open(o);
  }

  std::string dir_;
  std::shared_ptr<const crypto::Signer> signer_;
};

TEST_F(LogIntegrationTest, DemoReopenAndReplay) {
  json funds_before;
  uint64_t size = 0;
  {
    FundsStateMachine sm;
    auto log = Open(&sm);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    Ledger ledger(log->get(), &sm);
    Status s = LoadDemo(&ledger);
    ASSERT_TRUE(s.ok()) << s.ToString();
    size = (*log)->Size();
    auto cp = (*log)->WaitForCheckpoint(size, std::chrono::seconds(10));
    ASSERT_TRUE(cp.ok());
    auto r = ledger.Report(ReportQuery{"2016-01-01", "2020-12-31", ""});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ((*r)["tree_size"], size);
    auto root = (*log)->Root(size);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ((*r)["root"], crypto::Base64Encode(crypto::AsBytes(*root)));
    for (const auto& f : (*r)["funds"]) {
      for (const auto& fig : kDemoFigures) {
        if (f["id"] == fig.fund) {
          EXPECT_EQ(f["disbursed"], fig.disbursed) << fig.fund;
          EXPECT_EQ(f["counts"]["disbursements"], fig.disbursements) << fig.fund;
        }
      }
    }
    funds_before = ledger.Funds();
    (*log)->Close();
  }

  // Reopen: Load() restores the same state from the store.
  FundsStateMachine sm;
  auto log = Open(&sm);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  Ledger ledger(log->get(), &sm);
  EXPECT_EQ(ledger.Funds(), funds_before);
  EXPECT_EQ(sm.durable_size(), size);

  // Replaying every entry from scratch gives the stored derived state.
  FundsStateMachine fresh;
  tlog::MemoryState replay;
  ASSERT_TRUE(fresh.Load(replay.Reader(), 0).ok());
  for (uint64_t i = 0; i < size; ++i) {
    auto bytes = (*log)->Entry(i);
    ASSERT_TRUE(bytes.ok());
    json e = json::parse(*bytes);
    std::string type = e["type"], by = e["by"], time = e["time"], body = e["body"].dump();
    ASSERT_TRUE(fresh.Apply(tlog::SequencedEntry{i, time, type, by, body}, &replay).ok()) << i;
  }
  auto stored = Dump((*log)->state());
  EXPECT_EQ(stored.size(), replay.contents().size());
  EXPECT_TRUE(std::equal(stored.begin(), stored.end(), replay.contents().begin(), replay.contents().end()));

  // And the reopened ledger keeps recording under the same rules.
  auto r = ledger.Record(Actor{Role::kRecorder, "recorder-1", "", "tok"}, "grant",
                         json{{"id", "late-grant"}, {"fund", "poor-students"},
                              {"recipient", {{"id", "x"}, {"name", "X"}}}, {"title", "t"},
                              {"amount", kMaxEntryAmountFen}, {"award_date", "2021-01-01"}});
  EXPECT_EQ(r.status().rule(), "grant.within_uncommitted");
  auto d = ledger.Record(Actor{Role::kRecorder, "recorder-1", "", "tok"}, "donation",
                         json{{"fund", "poor-students"}, {"amount", 100}, {"channel", "cash"},
                              {"received_at", "2021-01-01"}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->seq, size);
  (*log)->Close();
}

}  // namespace
}  // namespace ledger::funds
