// Random sequences of valid and invalid operations. After each one: refused
// operations changed nothing, fund invariants hold. At the end: the derived
// state stored batch by batch equals a replay of every entry from scratch,
// Load() restores the same state, the totals equal an independent
// recomputation from the entry bytes, and FIFO traces conserve money.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "ledger/funds/record_codec.h"
#include "ledger/funds/trace.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

using nlohmann::json;

void ExpectSameData(const FundsData& a, const FundsData& b) {
  EXPECT_EQ(a.size, b.size);
  EXPECT_TRUE(a.funds == b.funds);
  EXPECT_TRUE(a.grants == b.grants);
  EXPECT_TRUE(a.entries == b.entries);
  EXPECT_TRUE(a.fund_entries == b.fund_entries);
  EXPECT_TRUE(a.lottery_periods == b.lottery_periods);
}

std::map<std::string, std::string> WithoutIdempotency(std::map<std::string, std::string> m) {
  for (auto it = m.begin(); it != m.end();) {
    it = it->first.rfind(kIdemPrefix, 0) == 0 ? m.erase(it) : std::next(it);
  }
  return m;
}

// Fund totals recomputed from the raw entries, sharing no code with state.cc.
struct RefTotals {
  int64_t income = 0, committed = 0, disbursed = 0, used = 0, admin = 0;
};
std::map<std::string, RefTotals> Recompute(const std::vector<json>& entries) {
  std::map<std::string, RefTotals> t;
  std::map<uint64_t, bool> corrected;
  for (const auto& e : entries) {
    if (e["type"] == "correction") corrected[e["body"]["target"].get<uint64_t>()] = true;
  }
  std::map<std::string, std::string> grant_fund;
  for (const auto& e : entries) {
    const json& b = e["body"];
    if (e["type"] == "grant") grant_fund[b["id"]] = b["fund"];
    if (corrected[e["seq"].get<uint64_t>()]) continue;
    const std::string type = e["type"];
    if (type == "donation" || type == "lottery.allocation") t[b["fund"]].income += b["amount"].get<int64_t>();
    if (type == "grant") t[b["fund"]].committed += b["amount"].get<int64_t>();
    if (type == "admin_cost") t[b["fund"]].admin += b["amount"].get<int64_t>();
    if (type == "disbursement") t[grant_fund[b["grant"]]].disbursed += b["amount"].get<int64_t>();
    if (type == "expense") t[grant_fund[b["grant"]]].used += b["amount"].get<int64_t>();
  }
  return t;
}

class ReplayTest : public FundsFixture {
 protected:
  void CheckInvariants() {
    auto snap = sm_.Read();
    for (const auto& [id, f] : snap->funds) {
      const FundTotals& t = f.totals;
      ASSERT_GE(t.uncommitted(), 0) << id;
      ASSERT_GE(t.balance(), 0) << id;
      ASSERT_GE(t.committed, t.disbursed) << id;
      ASSERT_GE(t.disbursed, t.used) << id;
    }
    for (const auto& [id, g] : snap->grants) {
      ASSERT_LE(0, g.used);
      ASSERT_LE(g.used, g.paid) << id;
      ASSERT_LE(g.paid, g.amount) << id;
      if (g.corrected) {
        ASSERT_EQ(g.paid, 0);
      }
    }
  }
};

TEST_F(ReplayTest, RandomOperationsKeepInvariantsAndReplayEqualsStoredState) {
  std::mt19937_64 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::vector<std::string> funds = {"a", "b", "lot"};
  ASSERT_TRUE(Open("a").ok());
  ASSERT_TRUE(Open("b").ok());
  ASSERT_TRUE(Open("lot", "lottery").ok());
  std::vector<std::string> grants;
  std::vector<uint64_t> seqs;
  int accepted = 0, refused = 0, period = 0;
  for (int step = 0; step < 1500; ++step) {
    const std::string f = funds[pick(3)];
    const int64_t amount = 1 + pick(5000);
    Result<Recorded> r = Status(Code::kInternal, "unset");
    switch (pick(8)) {
      case 0:
      case 1:
        r = Donate(f, amount);
        break;
      case 2: {
        char p[16];
        std::snprintf(p, sizeof(p), "%04d-%02d", 2000 + period / 12, period % 12 + 1);
        if (pick(4) != 0) ++period;  // sometimes repeat a period: refused
        r = Allocate(f, p, amount * 10);
        break;
      }
      case 3: {
        std::string id = "g" + std::to_string(step);
        r = GrantTo(id, f, amount, pick(2) ? "org-a" : "org-b");
        if (r.ok()) grants.push_back(id);
        break;
      }
      case 4:
        if (!grants.empty()) r = Pay(grants[pick(grants.size())], amount / 2 + 1);
        break;
      case 5:
        if (!grants.empty()) r = Spend(grants[pick(grants.size())], amount / 4 + 1, pick(2) ? "org-a" : "org-b");
        break;
      case 6:
        r = AdminCost(f, amount / 10 + 1);
        break;
      case 7:
        if (!seqs.empty()) r = Correct(seqs[pick(seqs.size())]);
        break;
    }
    if (r.ok()) {
      ++accepted;
      seqs.push_back(r->seq);
    } else {
      ++refused;
    }
    CheckInvariants();
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(accepted, 300);
  EXPECT_GT(refused, 100);

  // Replay every entry from scratch, without contexts, one entry per batch.
  FundsStateMachine fresh;
  MapState store;
  ASSERT_TRUE(fresh.Load(store, 0).ok());
  std::vector<json> entries;
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    auto bytes = log_.Entry(i);
    ASSERT_TRUE(bytes.ok());
    json e = json::parse(*bytes);
    std::string type = e["type"], by = e["by"], time = e["time"], body = e["body"].dump();
    std::any none;
    tlog::SequencedEntry se{i, time, type, by, body, none};
    MapState one(&store);
    ASSERT_TRUE(fresh.Apply(se, &one).ok()) << i << " " << *bytes;
    one.MergeInto(&store);
    fresh.Durable(i + 1);
    entries.push_back(std::move(e));
  }
  EXPECT_TRUE(WithoutIdempotency(store.Flatten()) == WithoutIdempotency(log_.StoreContents()));
  ExpectSameData(fresh.Read().data(), sm_.Read().data());

  // Load() from the stored derived state gives the same state again.
  MapState stored;
  for (const auto& [k, v] : log_.StoreContents()) stored.Put(k, v);
  FundsStateMachine loaded;
  ASSERT_TRUE(loaded.Load(stored, log_.Size()).ok());
  ExpectSameData(loaded.Read().data(), sm_.Read().data());
  EXPECT_EQ(loaded.Read()->idempotency, sm_.Read()->idempotency);
  EXPECT_EQ(loaded.Load(stored, log_.Size() + 1).code(), Code::kCorruption);

  // Independent recomputation of every fund's totals.
  auto ref = Recompute(entries);
  auto snap = sm_.Read();
  for (const auto& [id, f] : snap->funds) {
    EXPECT_EQ(f.totals.income, ref[id].income) << id;
    EXPECT_EQ(f.totals.committed, ref[id].committed) << id;
    EXPECT_EQ(f.totals.disbursed, ref[id].disbursed) << id;
    EXPECT_EQ(f.totals.used, ref[id].used) << id;
    EXPECT_EQ(f.totals.admin_cost, ref[id].admin) << id;
  }

  // Traces conserve each inflow, and together fund each outflow exactly.
  std::map<uint64_t, int64_t> funded;  // outflow seq -> traced amount
  for (const auto& r : snap->entries) {
    if (r.type != EntryType::kDonation && r.type != EntryType::kLotteryAllocation) continue;
    auto t = TraceJson(snap.data(), r.seq);
    ASSERT_TRUE(t.ok());
    int64_t sum = (*t)["unspent"];
    EXPECT_GE(sum, 0);
    for (const auto& fl : (*t)["flows"]) {
      sum += fl["amount"].get<int64_t>();
      funded[fl["seq"]] += fl["amount"].get<int64_t>();
    }
    EXPECT_EQ(sum, r.amount) << r.seq;
  }
  for (const auto& r : snap->entries) {
    bool outflow = r.type == EntryType::kGrant || r.type == EntryType::kAdminCost;
    if (outflow && !r.corrected_by) {
      EXPECT_EQ(funded[r.seq], r.amount) << r.seq;
    } else {
      EXPECT_EQ(funded.count(r.seq), 0u) << r.seq;
    }
  }
}

TEST(LoadTest, CorruptRecordIsReported) {
  MapState store;
  store.Put(kMetaKey, "1");
  store.Put(EntryKey(0), "garbage");
  FundsStateMachine sm;
  EXPECT_EQ(sm.Load(store, 1).code(), Code::kCorruption);
}

}  // namespace
}  // namespace ledger::funds::testing
