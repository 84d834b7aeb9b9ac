// Each accounting rule's acceptance and rejection, roles, corrections,
// idempotency, and the durable-only visibility of the state machine.
#include <gtest/gtest.h>

#include <thread>

#include "ledger/funds/donor.h"
#include "ledger/funds/record_codec.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

class StateTest : public FundsFixture {};

TEST_F(StateTest, GrantMustFitUncommittedBalanceAndSaysSo) {
  ASSERT_TRUE(Open("poor-students").ok());
  ASSERT_TRUE(Donate("poor-students", 150000).ok());
  ASSERT_TRUE(AdminCost("poor-students", 30000).ok());
  auto before = log_.StoreContents();
  auto r = GrantTo("g1", "poor-students", 500000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(r.status().rule(), "grant.within_uncommitted");
  EXPECT_EQ(r.status().message(),
            "grant of 500000 fen exceeds fund poor-students uncommitted balance of 120000 fen");
  EXPECT_TRUE(log_.StoreContents() == before);
  ASSERT_TRUE(GrantTo("g1", "poor-students", 120000).ok());
  EXPECT_REFUSED(GrantTo("g2", "poor-students", 1), Code::kFailedPrecondition,
                 "grant.within_uncommitted");
  json f = FundView("poor-students");
  EXPECT_EQ(f["income"], 150000);
  EXPECT_EQ(f["committed"], 120000);
  EXPECT_EQ(f["admin_cost"], 30000);
  EXPECT_EQ(f["uncommitted"], 0);
  EXPECT_EQ(f["balance"], 120000);
}

TEST_F(StateTest, DisbursementsStayWithinGrantAndExpensesWithinDisbursed) {
  ASSERT_TRUE(Open("f").ok());
  ASSERT_TRUE(Donate("f", 1000).ok());
  ASSERT_TRUE(GrantTo("g", "f", 800).ok());
  EXPECT_REFUSED(Spend("g", 1), Code::kFailedPrecondition, "expense.within_disbursed");
  ASSERT_TRUE(Pay("g", 500).ok());
  EXPECT_REFUSED(Pay("g", 301), Code::kFailedPrecondition, "disbursement.within_grant");
  ASSERT_TRUE(Pay("g", 300).ok());
  ASSERT_TRUE(Spend("g", 700).ok());
  auto r = Spend("g", 101);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "expense of 101 fen exceeds grant g disbursed-but-unused amount of 100 fen (paid 800, "
            "used 700)");
  ASSERT_TRUE(Spend("g", 100).ok());
  auto g = ledger_.Grant("g");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)["amount"], 800);
  EXPECT_EQ((*g)["paid"], 800);
  EXPECT_EQ((*g)["used"], 800);
  EXPECT_EQ((*g)["disbursements"].size(), 2u);
  EXPECT_EQ((*g)["expenses"].size(), 2u);
  EXPECT_EQ((*g)["expenses"][0]["evidence_sha256"], std::string(64, 'e'));
}

TEST_F(StateTest, AdminCostMayNotSpendCommittedMoney) {
  ASSERT_TRUE(Open("f").ok());
  ASSERT_TRUE(Donate("f", 1000).ok());
  ASSERT_TRUE(GrantTo("g", "f", 900).ok());
  EXPECT_REFUSED(AdminCost("f", 101), Code::kFailedPrecondition, "admin_cost.within_uncommitted");
  EXPECT_TRUE(AdminCost("f", 100).ok());
}

TEST_F(StateTest, ReferencesAndUniqueIds) {
  ASSERT_TRUE(Open("f").ok());
  EXPECT_REFUSED(Open("f"), Code::kAlreadyExists, "fund.id_unique");
  EXPECT_REFUSED(Donate("nope", 1), Code::kNotFound, "");
  EXPECT_REFUSED(Pay("nope", 1), Code::kNotFound, "");
  ASSERT_TRUE(Donate("f", 100).ok());
  ASSERT_TRUE(GrantTo("g", "f", 10).ok());
  EXPECT_REFUSED(GrantTo("g", "f", 10), Code::kAlreadyExists, "grant.id_unique");
  EXPECT_REFUSED(Correct(999), Code::kNotFound, "");
}

TEST_F(StateTest, LotteryAllocationsNeedLotteryFundAndOnePerPeriod) {
  ASSERT_TRUE(Open("charity").ok());
  ASSERT_TRUE(Open("lottery", "lottery").ok());
  EXPECT_REFUSED(Allocate("charity", "2020-01", 100000), Code::kFailedPrecondition,
                 "lottery.fund_kind");
  auto a = Allocate("lottery", "2020-01", 100000);
  ASSERT_TRUE(a.ok());
  EXPECT_REFUSED(Allocate("lottery", "2020-01", 100000), Code::kAlreadyExists,
                 "lottery.period_unique");
  ASSERT_TRUE(Correct(a->seq).ok());
  EXPECT_TRUE(Allocate("lottery", "2020-01", 200000).ok());
  EXPECT_EQ(FundView("lottery")["income"], 70000);
}

TEST_F(StateTest, BusinessDatesMayNotFollowTheRecordingTime) {
  log_.set_time("2020-01-09T23:59:59Z");
  ASSERT_TRUE(Open("f").ok());
  EXPECT_REFUSED(Donate("f", 1, "2020-01-10"), Code::kInvalidArgument, "date.not_after_recording");
  EXPECT_TRUE(Donate("f", 1, "2020-01-09").ok());
  EXPECT_REFUSED(AdminCost("f", 1, "2020-02"), Code::kInvalidArgument, "date.not_after_recording");
}

TEST_F(StateTest, RolesAndGranteeOwnGrants) {
  EXPECT_REFUSED(ledger_.Record(recorder_, "fund.open",
                                json{{"id", "f"}, {"name", {{"zh", "z"}, {"en", "e"}}},
                                     {"purpose", "p"}, {"kind", "charity"}}),
                 Code::kPermissionDenied, "role.may_record");
  ASSERT_TRUE(Open("f").ok());
  EXPECT_REFUSED(ledger_.Record(admin_, "donation",
                                json{{"fund", "f"}, {"amount", 1}, {"channel", "bank"},
                                     {"received_at", "2020-01-01"}}),
                 Code::kPermissionDenied, "role.may_record");
  ASSERT_TRUE(Donate("f", 1000).ok());
  ASSERT_TRUE(GrantTo("g", "f", 1000, "org-a").ok());
  ASSERT_TRUE(Pay("g", 1000).ok());
  EXPECT_REFUSED(Spend("g", 10, "org-b"), Code::kPermissionDenied, "expense.own_grant");
  EXPECT_REFUSED(ledger_.Record(recorder_, "expense",
                                json{{"grant", "g"}, {"amount", 1}, {"category", "c"},
                                     {"description", "d"},
                                     {"evidence_sha256", std::string(64, 'a')},
                                     {"spent_at", "2020-04-01"}}),
                 Code::kPermissionDenied, "role.may_record");
  EXPECT_TRUE(Spend("g", 10, "org-a").ok());
}

TEST_F(StateTest, CorrectionsReverseAndNeverTwice) {
  ASSERT_TRUE(Open("f").ok());
  auto d1 = Donate("f", 1000);
  auto d2 = Donate("f", 500);
  ASSERT_TRUE(d1.ok() && d2.ok());
  auto g = GrantTo("g", "f", 900);
  ASSERT_TRUE(g.ok());
  // Reversing d1 would leave 1500 - 1000 - 900 < 0 uncommitted.
  auto r = Correct(d1->seq);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().rule(), "correction.balance_nonnegative");
  EXPECT_NE(r.status().message().find("-400"), std::string::npos) << r.status().message();
  auto p = Pay("g", 600);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(Spend("g", 400).ok());
  EXPECT_REFUSED(Correct(g->seq), Code::kFailedPrecondition, "correction.grant_unpaid");
  EXPECT_REFUSED(Correct(0), Code::kFailedPrecondition, "correction.target_moves_money");
  ASSERT_TRUE(Correct(d2->seq).ok());
  EXPECT_REFUSED(Correct(d2->seq), Code::kFailedPrecondition, "correction.not_twice");
  json f = FundView("f");
  EXPECT_EQ(f["income"], 1000);
  EXPECT_EQ(f["counts"]["donations"], 1);
  EXPECT_EQ(f["uncommitted"], 100);

  // A disbursement whose money was already reported used cannot go.
  EXPECT_REFUSED(Correct(p->seq), Code::kFailedPrecondition, "correction.paid_covers_used");
  // Reverse the expense, then the payment, then the grant: all money returns.
  auto g_view = ledger_.Grant("g");
  ASSERT_TRUE(g_view.ok());
  uint64_t expense_seq = (*g_view)["expenses"][0]["seq"];
  ASSERT_TRUE(Correct(expense_seq).ok());
  ASSERT_TRUE(Correct(p->seq).ok());
  ASSERT_TRUE(Correct(g->seq).ok());
  f = FundView("f");
  EXPECT_EQ(f["committed"], 0);
  EXPECT_EQ(f["disbursed"], 0);
  EXPECT_EQ(f["used"], 0);
  EXPECT_EQ(f["uncommitted"], 1000);
  EXPECT_REFUSED(Pay("g", 1), Code::kFailedPrecondition, "disbursement.grant_live");
  EXPECT_REFUSED(Correct(log_.Size() - 1), Code::kFailedPrecondition,
                 "correction.target_moves_money");
}

TEST_F(StateTest, SumsAreOverflowChecked) {
  ASSERT_TRUE(Open("f").ok());
  ASSERT_TRUE(Donate("f", INT64_MAX).ok());
  EXPECT_REFUSED(Donate("f", 1), Code::kFailedPrecondition, "amount.overflow");
}

TEST_F(StateTest, DonationStoresOnlyACommitmentAndTheReceiptVerifies) {
  ASSERT_TRUE(Open("f").ok());
  auto r = ledger_.Record(recorder_, "donation",
                          json{{"fund", "f"}, {"amount", 100}, {"channel", "online"},
                               {"received_at", "2020-01-01"}, {"donor", {{"public_name", "李女士"}}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->receipt.has_value());
  EXPECT_EQ(r->receipt->size(), std::to_string(r->seq).size() + 1 + 32);
  EXPECT_TRUE(VerifyReceipt(*r->receipt, r->entry).ok());
  json e = json::parse(r->entry);
  EXPECT_EQ(e["body"]["donor"].size(), 2u);
  EXPECT_EQ(e["body"]["donor"]["public_name"], "李女士");
  EXPECT_EQ(e["seq"], r->seq);
  EXPECT_EQ(e["by"], "recorder-1");

  EXPECT_REFUSED(ledger_.Record(recorder_, "donation",
                                json{{"fund", "f"}, {"amount", 100}, {"channel", "online"},
                                     {"received_at", "2020-01-01"},
                                     {"donor", {{"id_number", "4413..."}}}}),
                 Code::kInvalidArgument, "donor.no_identity");
  // Non-donations get no receipt.
  auto g = Open("g");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->receipt.has_value());
}

TEST_F(StateTest, IdempotencyKeyReturnsTheFirstResult) {
  ASSERT_TRUE(Open("f").ok());
  json body{{"fund", "f"}, {"amount", 100}, {"channel", "bank"}, {"received_at", "2020-01-01"}};
  auto a = ledger_.Record(recorder_, "donation", body, "key-1");
  ASSERT_TRUE(a.ok());
  auto b = ledger_.Record(recorder_, "donation", body, "key-1");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->seq, b->seq);
  EXPECT_EQ(a->entry, b->entry);
  EXPECT_EQ(a->receipt, b->receipt);
  EXPECT_FALSE(a->replayed);
  EXPECT_TRUE(b->replayed);
  EXPECT_EQ(log_.Size(), 2u);
  // The key is scoped by account.
  auto c = ledger_.Record(Actor{Role::kRecorder, "recorder-2", ""}, "donation", body, "key-1");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->seq, a->seq);
  EXPECT_EQ(FundView("f")["income"], 200);
}

TEST_F(StateTest, IdempotencyKeyTwiceInOneBatch) {
  ASSERT_TRUE(Open("f").ok());
  json body{{"fund", "f"}, {"amount", 100}, {"channel", "bank"}, {"received_at", "2020-01-01"}};
  std::vector<RecordRequest> reqs(3, RecordRequest{recorder_, "donation", body, "same"});
  reqs[2].idempotency_key = "other";
  auto rs = ledger_.RecordAll(reqs);
  ASSERT_TRUE(rs[0].ok() && rs[1].ok() && rs[2].ok());
  EXPECT_EQ(rs[0]->seq, rs[1]->seq);
  EXPECT_TRUE(rs[1]->replayed);
  EXPECT_NE(rs[2]->seq, rs[0]->seq);
  EXPECT_EQ(log_.Size(), 3u);
}

TEST_F(StateTest, StateMachineRefusesAKeyStagedEarlierInTheSameBatch) {
  ASSERT_TRUE(Open("f").ok());
  // Two raw drafts with the same key bypass the Ledger's in-flight merging.
  auto draft = [&](int64_t amount) {
    auto ctx = std::make_shared<DraftContext>();
    ctx->type = EntryType::kAdminCost;
    ctx->body = AdminCostBody{"f", amount, "c", "2020-01"};
    ctx->idempotency_key = "k";
    json body{{"fund", "f"}, {"amount", amount}, {"category", "c"}, {"period", "2020-01"}};
    return tlog::EntryDraft{"admin_cost", "recorder-1", body.dump(),
                            std::shared_ptr<const DraftContext>(ctx)};
  };
  ASSERT_TRUE(Donate("f", 100).ok());
  std::vector<tlog::EntryDraft> drafts;
  drafts.push_back(draft(1));
  drafts.push_back(draft(2));
  auto rs = log_.AppendAll(std::move(drafts));
  ASSERT_TRUE(rs[0].ok());
  ASSERT_FALSE(rs[1].ok());
  EXPECT_EQ(rs[1].status().rule(), "idempotency.key_reused");
  EXPECT_EQ(FundView("f")["admin_cost"], 1);
}

TEST_F(StateTest, ConcurrentRetriesWithOneKeyRecordOnce) {
  ASSERT_TRUE(Open("f").ok());
  json body{{"fund", "f"}, {"amount", 100}, {"channel", "bank"}, {"received_at", "2020-01-01"}};
  std::vector<std::thread> threads;
  std::vector<uint64_t> seqs(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = ledger_.Record(recorder_, "donation", body, "retry");
      seqs[i] = r.ok() ? r->seq : 999;
    });
  }
  for (auto& t : threads) t.join();
  for (uint64_t s : seqs) EXPECT_EQ(s, 1u);
  EXPECT_EQ(log_.Size(), 2u);
}

TEST_F(StateTest, ReadersSeeOnlyDurableState) {
  FundsStateMachine sm;
  MapState store;
  ASSERT_TRUE(sm.Load(store, 0).ok());
  std::any none;
  std::string body = json{{"id", "f"}, {"name", {{"zh", "z"}, {"en", "e"}}}, {"purpose", "p"},
                          {"kind", "charity"}}.dump();
  tlog::SequencedEntry e{0, "2020-01-01T00:00:00Z", "fund.open", "admin", body, none};
  MapState batch(&store);
  ASSERT_TRUE(sm.Apply(e, &batch).ok());
  EXPECT_TRUE(sm.Read()->funds.empty());  // staged, not yet durable
  EXPECT_NE(sm.staged_state().FindFund("f"), nullptr);
  sm.Abandon();
  EXPECT_EQ(sm.staged_state().FindFund("f"), nullptr);
  EXPECT_TRUE(sm.Read()->funds.empty());

  MapState batch2(&store);
  ASSERT_TRUE(sm.Apply(e, &batch2).ok());
  sm.Durable(1);
  EXPECT_EQ(sm.Read()->funds.size(), 1u);
  EXPECT_EQ(sm.durable_size(), 1u);
}

TEST_F(StateTest, DurablePublishesOnlyEntriesBelowItsSize) {
  // The log may apply the next batch before the previous one is durable.
  FundsStateMachine sm;
  MapState store;
  ASSERT_TRUE(sm.Load(store, 0).ok());
  std::vector<std::string> bodies = {
      json{{"id", "f"}, {"name", {{"zh", "z"}, {"en", "e"}}}, {"purpose", "p"}, {"kind", "charity"}}.dump(),
      json{{"amount", 100}, {"channel", "bank"},
           {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
           {"fund", "f"}, {"received_at", "2020-01-01"}}.dump(),
      json{{"amount", 30}, {"category", "c"}, {"fund", "f"}, {"period", "2020-01"}}.dump(),
      json{{"reason", "r"}, {"target", 1}}.dump(),
  };
  std::vector<std::string> types = {"fund.open", "donation", "admin_cost", "correction"};
  std::any none;
  MapState batch(&store);
  // Entries 0..2 form one batch; entry 3 (correcting 1) is applied before it
  // is durable. Entry 3 must see entry 2's admin cost: 100 - 30 = 70 < 100.
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(sm.Apply({i, "2020-02-01T00:00:00Z", types[i], "r", bodies[i], none}, &batch).ok());
  }
  Status refused = sm.Apply({3, "2020-02-01T00:00:00Z", types[3], "r", bodies[3], none}, &batch);
  EXPECT_EQ(refused.rule(), "correction.balance_nonnegative");
  sm.Durable(2);
  EXPECT_EQ(sm.Read()->funds.at("f").totals.income, 100);
  EXPECT_EQ(sm.Read()->funds.at("f").totals.admin_cost, 0);  // entry 2 not durable yet
  EXPECT_EQ(sm.staged_state().FindFund("f")->totals.admin_cost, 30);
  EXPECT_EQ(sm.Read()->entries.size(), 2u);
  sm.Durable(3);
  EXPECT_EQ(sm.Read()->funds.at("f").totals.admin_cost, 30);
  EXPECT_EQ(sm.Read()->size, 3u);

  // A staged correction of a published entry shows up only once durable.
  std::string d2 = json{{"amount", 500}, {"channel", "bank"},
                        {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
                        {"fund", "f"}, {"received_at", "2020-01-01"}}.dump();
  std::string c3 = json{{"reason", "r"}, {"target", 3}}.dump();
  ASSERT_TRUE(sm.Apply({3, "2020-02-01T00:00:00Z", "donation", "r", d2, none}, &batch).ok());
  ASSERT_TRUE(sm.Apply({4, "2020-02-01T00:00:00Z", "correction", "r", c3, none}, &batch).ok());
  EXPECT_EQ(sm.Apply({5, "2020-02-01T00:00:00Z", "correction", "r", c3, none}, &batch).rule(),
            "correction.not_twice");
  sm.Durable(4);
  EXPECT_FALSE(sm.Read()->FindEntry(3)->corrected_by.has_value());
  EXPECT_EQ(sm.Read()->funds.at("f").totals.income, 600);
  sm.Durable(5);
  EXPECT_EQ(sm.Read()->FindEntry(3)->corrected_by, 4u);
  EXPECT_EQ(sm.Read()->funds.at("f").totals.income, 100);
  EXPECT_EQ(sm.staged_state().FindFund("f")->totals.income, 100);
}

TEST_F(StateTest, FailedBatchLeavesNothingAndLaterAppendsWork) {
  ASSERT_TRUE(Open("f").ok());
  ASSERT_TRUE(Donate("f", 100).ok());
  auto before = log_.StoreContents();
  log_.FailNextBatch();
  EXPECT_EQ(Donate("f", 50).status().code(), Code::kIOError);
  EXPECT_TRUE(log_.StoreContents() == before);
  EXPECT_EQ(FundView("f")["income"], 100);
  ASSERT_TRUE(Donate("f", 7).ok());
  EXPECT_EQ(FundView("f")["income"], 107);
}

TEST_F(StateTest, DraftsWithoutContextAreParsedAndMustBeCanonical) {
  ASSERT_TRUE(Open("f").ok());
  tlog::EntryDraft d{"donation", "recorder-1",
                     R"({"amount":5,"channel":"bank","donor":{"commitment":"7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="},"fund":"f","received_at":"2020-01-01"})",
                     {}};
  EXPECT_TRUE(log_.Append(d).ok());
  d.body.insert(1, " ");
  auto r = log_.Append(d);
  EXPECT_EQ(r.status().rule(), "body.canonical");
  d.type = "bogus";
  EXPECT_EQ(log_.Append(d).status().rule(), "entry.type_known");
}

}  // namespace
}  // namespace ledger::funds::testing
