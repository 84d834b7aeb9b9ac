// Random sequences of valid and invalid operations. After each one: refused
// operations changed nothing, fund invariants hold. At the end: the derived
// state stored batch by batch equals a replay of every entry from scratch,
// Load() restores the same state, the totals equal an independent
// recomputation from the entry bytes, and FIFO traces conserve money.
#include <gtest/gtest.h>

#include <map>
#include <algorithm>
#include <random>

#include "ledger/funds/record_codec.h"
#include "ledger/funds/fund_views.h"
#include "ledger/funds/trace.h"
#include "ledger/tlog/memory_state.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

using nlohmann::json;

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

// Report figures recomputed from the raw entries for [from, to].
struct RefLine {
  int64_t opening = 0, income = 0, granted = 0, disbursed = 0, used = 0, admin = 0, donations = 0;
};
std::map<std::string, RefLine> RefReport(const std::vector<json>& entries, const std::string& from,
                                         const std::string& to) {
  std::map<uint64_t, bool> corrected;
  for (const auto& e : entries) {
    if (e["type"] == "correction") corrected[e["body"]["target"].get<uint64_t>()] = true;
  }
  std::map<std::string, std::string> grant_fund;
  std::map<std::string, RefLine> out;
  for (const auto& e : entries) {
    const json& b = e["body"];
    const std::string type = e["type"];
    if (type == "grant") grant_fund[b["id"]] = b["fund"];
    if (corrected[e["seq"].get<uint64_t>()] || type == "fund.open" || type == "correction") continue;
    std::string date, fund;
    if (type == "donation") date = b["received_at"], fund = b["fund"];
    if (type == "lottery.allocation") date = b["received_at"], fund = b["fund"];
    if (type == "admin_cost") date = b["period"].get<std::string>() + "-01", fund = b["fund"];
    if (type == "grant") date = b["award_date"], fund = b["fund"];
    if (type == "disbursement") date = b["paid_at"], fund = grant_fund[b["grant"]];
    if (type == "expense") date = b["spent_at"], fund = grant_fund[b["grant"]];
    const int64_t a = b["amount"];
    RefLine& l = out[fund];
    const bool in = type == "donation" || type == "lottery.allocation";
    const bool out_money = type == "disbursement" || type == "admin_cost";
    if (date < from) {
      l.opening += in ? a : out_money ? -a : 0;
      continue;
    }
    if (date > to) continue;
    if (in) l.income += a;
    if (type == "donation") ++l.donations;
    if (type == "grant") l.granted += a;
    if (type == "disbursement") l.disbursed += a;
    if (type == "expense") l.used += a;
    if (type == "admin_cost") l.admin += a;
  }
  return out;
}

// A reader that counts what it hands out, to check how much Load reads.
class CountingReader : public tlog::StateReader {
 public:
  explicit CountingReader(const tlog::StateReader& r) : r_(r) {}
  Result<std::string> Get(std::string_view key) const override {
    ++reads;
    return r_.Get(key);
  }
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return r_.Scan(prefix, start, [&](std::string_view k, std::string_view v) {
      ++reads;
      return fn(k, v);
    });
  }
  Status ScanBack(std::string_view prefix, std::string_view start,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return r_.ScanBack(prefix, start, [&](std::string_view k, std::string_view v) {
      ++reads;
      return fn(k, v);
    });
  }
  mutable size_t reads = 0;

 private:
  const tlog::StateReader& r_;
};

class ReplayTest : public FundsFixture {
 protected:
  void CheckInvariants() {
    FundsView v = sm_.View();
    for (const auto& [id, f] : v.hot->funds) {
      const Measures& t = f->totals;
      ASSERT_GE(f->uncommitted(), 0) << id;
      ASSERT_GE(f->balance(), 0) << id;
      ASSERT_GE(t.granted, t.disbursed) << id;
      ASSERT_GE(t.disbursed, t.used) << id;
    }
    Status s = v.store->Scan(kGrantPrefix, {}, [&](std::string_view, std::string_view val) {
      auto g = DecodeGrant(val);
      EXPECT_TRUE(g.ok());
      EXPECT_LE(0, g->used);
      EXPECT_LE(g->used, g->paid) << g->id;
      EXPECT_LE(g->paid, g->amount) << g->id;
      if (g->corrected) {
        EXPECT_EQ(g->paid, 0);
      }
      return true;
    });
    ASSERT_TRUE(s.ok());
  }
};

TEST_F(ReplayTest, RandomOperationsKeepInvariantsAndReplayEqualsStoredState) {
  std::mt19937_64 rng(12345);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto date = [&] {
    char d[16];
    std::snprintf(d, sizeof(d), "%04d-%02d-%02d", 2016 + pick(5), 1 + pick(12), 1 + pick(28));
    return std::string(d);
  };
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
        r = Donate(f, amount, date());
        break;
      case 2: {
        char p[16];
        std::snprintf(p, sizeof(p), "%04d-%02d", 2016 + period / 12, period % 12 + 1);
        if (pick(4) != 0) ++period;  // sometimes repeat a period: refused
        r = Allocate(f, p, amount * 10);
        break;
      }
      case 3: {
        std::string id = "g" + std::to_string(step);
        r = GrantTo(id, f, amount, pick(2) ? "org-a" : "org-b", date());
        if (r.ok()) grants.push_back(id);
        break;
      }
      case 4:
        if (!grants.empty()) r = Pay(grants[pick(grants.size())], amount / 2 + 1, date());
        break;
      case 5:
        if (!grants.empty()) {
          r = Spend(grants[pick(grants.size())], amount / 4 + 1, pick(2) ? "org-a" : "org-b", date());
        }
        break;
      case 6:
        r = AdminCost(f, amount / 10 + 1, date().substr(0, 7));
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

  // Replay every entry from scratch, from its bytes alone, one per batch.
  FundsStateMachine fresh;
  tlog::MemoryState store;
  ASSERT_TRUE(fresh.Load(store.Reader(), 0).ok());
  std::vector<json> entries;
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    auto bytes = log_->Entry(i);
    ASSERT_TRUE(bytes.ok());
    json e = json::parse(*bytes);
    std::string type = e["type"], by = e["by"], time = e["time"], body = e["body"].dump();
    ASSERT_TRUE(fresh.Apply(tlog::SequencedEntry{i, time, type, by, body}, &store).ok()) << i << " " << *bytes;
    fresh.Sealed(i + 1);
    fresh.Durable(i + 1, store.Reader());
    entries.push_back(std::move(e));
  }
  const auto stored = log_.StoreContents();
  EXPECT_EQ(stored.size(), store.contents().size());
  EXPECT_TRUE(std::equal(stored.begin(), stored.end(), store.contents().begin(), store.contents().end()))
      << "replay from the entries alone must rebuild byte-identical derived keys";
  EXPECT_EQ(FundsListJson(fresh.View()), FundsListJson(sm_.View()));

  // Load() reads the hot state only: O(funds) keys, not O(entries).
  tlog::MemoryState copy;
  for (const auto& [k, v] : stored) copy.Put(k, v);
  CountingReader counting(copy);
  FundsStateMachine loaded;
  ASSERT_TRUE(loaded.Load(std::shared_ptr<const tlog::StateReader>(std::shared_ptr<void>(), &counting), log_.Size())
                  .ok());
  EXPECT_LE(counting.reads, 2 + 2 * funds.size()) << "Load read " << counting.reads << " keys of " << stored.size();
  EXPECT_EQ(FundsListJson(loaded.View()), FundsListJson(sm_.View()));
  EXPECT_EQ(loaded.Load(copy.Reader(), log_.Size() + 1).code(), Code::kCorruption);

  // Independent recomputation of every fund's totals.
  auto ref = Recompute(entries);
  FundsView v = sm_.View();
  for (const auto& [id, f] : v.hot->funds) {
    EXPECT_EQ(f->totals.income(), ref[id].income) << id;
    EXPECT_EQ(f->totals.granted, ref[id].committed) << id;
    EXPECT_EQ(f->totals.disbursed, ref[id].disbursed) << id;
    EXPECT_EQ(f->totals.used, ref[id].used) << id;
    EXPECT_EQ(f->totals.admin_cost, ref[id].admin) << id;
  }

  // Reports from the stored per-period measures equal a recomputation from
  // the raw entries, for ranges that cut years, months and days.
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"2016-01-01", "2020-12-31"},
                                                                           {"2017-03-15", "2019-02-03"},
                                                                           {"2018-01-01", "2018-12-31"},
                                                                           {"2016-02-29", "2016-03-01"},
                                                                           {"2019-07-01", "2019-07-31"},
                                                                           {"2020-12-31", "2020-12-31"}}) {
    auto mine = ComputeReport(v, "root", ReportQuery{from, to, ""});
    ASSERT_TRUE(mine.ok());
    auto want = RefReport(entries, from, to);
    for (const ReportLine& l : mine->funds) {
      const RefLine& w = want[l.id];
      EXPECT_EQ(l.opening, w.opening) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.income(), w.income) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.granted, w.granted) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.disbursed, w.disbursed) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.used, w.used) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.admin_cost, w.admin) << l.id << " " << from << ".." << to;
      EXPECT_EQ(l.period.n_donations, w.donations) << l.id << " " << from << ".." << to;
    }
  }

  // The entries browser by fund and business date equals a brute-force sort.
  for (const std::string& f : funds) {
    std::vector<std::pair<std::string, uint64_t>> want;
    std::map<std::string, std::string> grant_fund;
    for (const auto& e : entries) {
      const uint64_t seq = e["seq"];
      auto rec = v.Entry(seq);
      ASSERT_TRUE(rec.ok());
      if (rec->fund == f && rec->date >= "2017-01-01" && rec->date <= "2019-06-30") want.emplace_back(rec->date, seq);
    }
    std::sort(want.begin(), want.end());
    EntriesQuery q;
    q.fund = f;
    q.from = "2017-01-01";
    q.to = "2019-06-30";
    q.limit = 37;
    std::vector<uint64_t> got;
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = SelectEntries(v, q);
      ASSERT_TRUE(page.ok());
      got.insert(got.end(), page->seqs.begin(), page->seqs.end());
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    ASSERT_EQ(got.size(), want.size()) << f;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i].second) << f << " " << i;
    // And backwards.
    q.cursor.clear();
    q.descending = true;
    std::vector<uint64_t> back;
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = SelectEntries(v, q);
      ASSERT_TRUE(page.ok());
      back.insert(back.end(), page->seqs.begin(), page->seqs.end());
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    std::reverse(back.begin(), back.end());
    EXPECT_EQ(back, got) << f;
  }

  // Traces conserve each inflow, and together fund each outflow exactly.
  auto entry_bytes = [&](uint64_t s) { return log_->Entry(s); };
  std::map<uint64_t, int64_t> funded;  // outflow seq -> traced amount
  for (const auto& e : entries) {
    const uint64_t seq = e["seq"];
    auto r = v.Entry(seq);
    ASSERT_TRUE(r.ok());
    if (!IsInflow(r->type)) continue;
    auto t = TraceJson(v, seq, entry_bytes);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    int64_t sum = (*t)["unspent"];
    EXPECT_GE(sum, 0);
    for (const auto& fl : (*t)["flows"]) {
      sum += fl["amount"].get<int64_t>();
      funded[fl["seq"]] += fl["amount"].get<int64_t>();
    }
    EXPECT_EQ(sum, r->amount) << seq;
    EXPECT_EQ((*t)["summary"]["to_grants"].get<int64_t>() + (*t)["summary"]["to_admin"].get<int64_t>() +
                  (*t)["summary"]["unspent"].get<int64_t>(),
              r->amount)
        << seq;
  }
  for (const auto& e : entries) {
    const uint64_t seq = e["seq"];
    auto r = v.Entry(seq);
    ASSERT_TRUE(r.ok());
    if (IsOutflow(r->type) && !r->corrected_by) {
      EXPECT_EQ(funded[seq], r->amount) << seq;
    } else {
      EXPECT_EQ(funded.count(seq), 0u) << seq;
    }
  }
}

TEST(LoadTest, CorruptRecordIsReported) {
  tlog::MemoryState store;
  store.Put(kMetaKey, "1");
  store.Put(FundKey("f"), "garbage");
  FundsStateMachine sm;
  EXPECT_EQ(sm.Load(store.Reader(), 1).code(), Code::kCorruption);
}

}  // namespace
}  // namespace ledger::funds::testing
