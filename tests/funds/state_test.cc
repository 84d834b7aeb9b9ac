// Each accounting rule's acceptance and rejection, roles, corrections,
// idempotency, and the durable-only visibility of the state machine.
#include <gtest/gtest.h>

#include <limits>
#include <thread>

#include "ledger/funds/donor.h"
#include "ledger/funds/money.h"
#include "ledger/funds/record_codec.h"
#include "ledger/funds/rules.h"
#include "ledger/tlog/memory_state.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

class StateTest : public FundsFixture {};
using nlohmann::json;

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
                 "lottery.document_unique");
  ASSERT_TRUE(Correct(a->seq).ok());
  EXPECT_TRUE(Allocate("lottery", "2020-01", 200000).ok());
  EXPECT_EQ(FundView("lottery")["income"], 70000);
}

TEST_F(StateTest, BusinessDatesMayNotFollowTheRecordingTime) {
  log_.set_time("2020-01-09T15:59:59Z");  // 23:59:59 in Beijing
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

TEST_F(StateTest, OneEntryHasACeilingAndTwoHugeDonationsLeaveReportsWorking) {
  ASSERT_TRUE(Open("a").ok());
  ASSERT_TRUE(Open("b").ok());
  EXPECT_REFUSED(Donate("a", 9'000'000'000'000'000'000), Code::kInvalidArgument, "amount.ceiling");
  EXPECT_REFUSED(Donate("b", kMaxEntryAmountFen + 1), Code::kInvalidArgument, "amount.ceiling");
  ASSERT_TRUE(Donate("a", kMaxEntryAmountFen).ok());
  ASSERT_TRUE(Donate("b", kMaxEntryAmountFen).ok());
  AwaitCheckpoint();
  auto r = ledger_.Report(ReportQuery{"2000-01-01", "2030-12-31", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["totals"]["income"], 2 * kMaxEntryAmountFen);
  EXPECT_TRUE(ledger_.Compliance(2020).ok());
}

TEST(RulesTest, TheLedgersLiveIncomeStaysWithinInt64) {
  // The state a ledger reaches after ~92,000 donations at the ceiling.
  HotState hot;
  FundRec f;
  f.id = "f";
  f.opened_on = "2015-01-01";
  f.totals.donations = std::numeric_limits<int64_t>::max() - 10;
  hot.all = f.totals;
  hot.funds["f"] = std::make_shared<const FundRec>(f);
  tlog::MemoryState store;
  const std::string body = R"({"amount":11,"channel":"bank","donor":{"commitment":"7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="},"fund":"f","received_at":"2020-01-01"})";
  tlog::SequencedEntry e{7, "2026-01-01T00:00:00Z", "donation", "r", body};
  auto parsed = ParseCanonicalBody(EntryType::kDonation, body);
  ASSERT_TRUE(parsed.ok());
  auto c = Decide(e, EntryType::kDonation, *parsed, RuleContext{hot, store});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().rule(), "amount.ledger_total");
}

TEST_F(StateTest, BusinessDatesFollowTheMoney) {
  ASSERT_TRUE(Open("f", "charity", "2018-01-01").ok());
  EXPECT_REFUSED(Donate("f", 1000, "2017-12-31"), Code::kFailedPrecondition, "date.before_fund_opened");
  ASSERT_TRUE(Donate("f", 1000, "2018-01-01").ok());
  EXPECT_REFUSED(GrantTo("g0", "f", 10, "org-a", "2017-06-01"), Code::kFailedPrecondition,
                 "date.before_fund_opened");
  ASSERT_TRUE(GrantTo("g", "f", 800, "org-a", "2021-03-01").ok());
  // Paid on or after the award; spent on or after the first payment.
  EXPECT_REFUSED(Pay("g", 100, "1900-01-01"), Code::kFailedPrecondition, "disbursement.after_award");
  EXPECT_REFUSED(Pay("g", 100, "2021-02-28"), Code::kFailedPrecondition, "disbursement.after_award");
  ASSERT_TRUE(Pay("g", 100, "2021-03-01").ok());
  EXPECT_REFUSED(Spend("g", 10, "org-a", "2021-02-28"), Code::kFailedPrecondition, "expense.after_payment");
  ASSERT_TRUE(Spend("g", 10, "org-a", "2021-03-01").ok());
  // No report shows a negative balance for a year before the money.
  AwaitCheckpoint();
  auto r = ledger_.Report(ReportQuery{"1900-01-01", "1900-12-31", ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["totals"]["closing"], 0);
}

TEST_F(StateTest, TodayIsJudgedInTheLedgersTimeZone) {
  // 16:00 UTC on the 9th is midnight of the 10th in Beijing. (Entry times
  // never go back, so the clock is set before the first entry.)
  log_.set_time("2020-01-09T15:59:59Z");
  ASSERT_TRUE(Open("f").ok());
  EXPECT_REFUSED(Donate("f", 1, "2020-01-10"), Code::kInvalidArgument, "date.not_after_recording");
  log_.set_time("2020-01-09T16:00:00Z");
  EXPECT_TRUE(Donate("f", 1, "2020-01-10").ok());
  EXPECT_REFUSED(Donate("f", 1, "2020-01-11"), Code::kInvalidArgument, "date.not_after_recording");
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

TEST_F(StateTest, IdempotencyKeyReturnsTheFirstResultWithItsReceiptAtAnyTime) {
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
  // The secret is in no entry: only its commitment is.
  EXPECT_EQ(b->entry.find(a->receipt->substr(a->receipt->find('-') + 1)), std::string::npos);

  // After a restart the retry still gets the first result and its receipt.
  FundsStateMachine sm2;
  log_.Open(&sm2);
  Ledger reopened(log_.get(), &sm2);
  auto c = reopened.Record(recorder_, "donation", body, "key-1");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->replayed);
  EXPECT_EQ(c->seq, a->seq);
  EXPECT_EQ(c->receipt, a->receipt);
  EXPECT_EQ(log_.Size(), 2u);
  log_.Close();  // before sm2 goes
}

TEST_F(StateTest, IdempotencyKeysBelongToTheTokenAndOneRequest) {
  ASSERT_TRUE(Open("f").ok());
  json body{{"fund", "f"}, {"amount", 100}, {"channel", "bank"}, {"received_at", "2020-01-01"}};
  auto a = ledger_.Record(recorder_, "donation", body, "key-1");
  ASSERT_TRUE(a.ok());
  // The same key with another body (or type) is refused, nothing recorded.
  json other = body;
  other["amount"] = 101;
  EXPECT_REFUSED(ledger_.Record(recorder_, "donation", other, "key-1"), Code::kFailedPrecondition,
                 "idempotency.key_conflict");
  EXPECT_REFUSED(ledger_.Record(recorder_, "admin_cost",
                                json{{"fund", "f"}, {"amount", 1}, {"category", "c"}, {"period", "2020-01"}},
                                "key-1"),
                 Code::kFailedPrecondition, "idempotency.key_conflict");
  // Another token of the same account name does not see the key.
  Actor reissued = recorder_;
  reissued.token_id = "tok-recorder-1-new";
  auto c = ledger_.Record(reissued, "donation", body, "key-1");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->replayed);
  EXPECT_NE(c->seq, a->seq);
  // The name reissued as a grantee: the role decides before any key is read,
  // so the old donation (and its receipt) never comes back.
  Actor grantee{Role::kGrantee, recorder_.name, "org-a", recorder_.token_id};
  EXPECT_REFUSED(ledger_.Record(grantee, "donation", body, "key-1"), Code::kPermissionDenied, "role.may_record");
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
  EXPECT_EQ(rs[0]->receipt, rs[1]->receipt);
  EXPECT_TRUE(rs[1]->replayed);
  EXPECT_NE(rs[2]->seq, rs[0]->seq);
  EXPECT_EQ(log_.Size(), 3u);
}

TEST_F(StateTest, ConcurrentRetriesWithOneKeyRecordOnce) {
  ASSERT_TRUE(Open("f").ok());
  json body{{"fund", "f"}, {"amount", 100}, {"channel", "bank"}, {"received_at", "2020-01-01"}};
  std::vector<std::thread> threads;
  std::vector<uint64_t> seqs(8);
  std::vector<std::string> receipts(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = ledger_.Record(recorder_, "donation", body, "retry");
      seqs[i] = r.ok() ? r->seq : 999;
      receipts[i] = r.ok() && r->receipt ? *r->receipt : "";
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(seqs[i], 1u);
    EXPECT_EQ(receipts[i], receipts[0]);
  }
  EXPECT_EQ(log_.Size(), 2u);
}

TEST_F(StateTest, AtomicGroupIsAllOrNothingAndNamesEveryBadRow) {
  ASSERT_TRUE(Open("f").ok());
  ASSERT_TRUE(Donate("f", 1000).ok());
  auto grant = [&](const std::string& id, int64_t amount) {
    return RecordRequest{recorder_, "grant",
                         json{{"id", id},
                              {"fund", "f"},
                              {"recipient", {{"id", "org"}, {"name", "Org"}}},
                              {"title", "t"},
                              {"amount", amount},
                              {"award_date", "2020-02-01"}},
                         ""};
  };
  // Row 1 fits, row 2 overdraws (given row 1), row 3 is malformed, row 4 fits.
  std::vector<RecordRequest> rows = {grant("g1", 600), grant("g2", 500), grant("BAD ID", 1), grant("g4", 400)};
  const auto before = log_.StoreContents();
  auto out = ledger_.RecordAtomic(rows, false);
  EXPECT_FALSE(out.ok);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_TRUE(out.rows[0].ok());
  EXPECT_EQ(out.rows[1].status().rule(), "grant.within_uncommitted");
  EXPECT_EQ(out.rows[2].status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(out.rows[3].ok());
  EXPECT_EQ(log_.Size(), 2u);
  EXPECT_TRUE(log_.StoreContents() == before);

  // A dry run of good rows records nothing either; the real run records all
  // in one batch; a retry with the same key records nothing more.
  rows = {grant("g1", 600), grant("g4", 400)};
  out = ledger_.RecordAtomic(rows, true, "upload-1");
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(log_.Size(), 2u);
  EXPECT_TRUE(log_.StoreContents() == before);
  const uint64_t batches = log_->Stats().batches;
  out = ledger_.RecordAtomic(rows, false, "upload-1");
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(log_.Size(), 4u);
  EXPECT_EQ(log_->Stats().batches, batches + 1);
  auto again = ledger_.RecordAtomic(rows, false, "upload-1");
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.rows[0]->replayed && again.rows[1]->replayed);
  EXPECT_EQ(again.rows[1]->seq, out.rows[1]->seq);
  EXPECT_EQ(log_.Size(), 4u);
  // The same key with another file is refused.
  rows[1] = grant("g5", 1);
  auto changed = ledger_.RecordAtomic(rows, false, "upload-1");
  EXPECT_FALSE(changed.ok);
  EXPECT_EQ(changed.rows[0].status().rule(), "idempotency.key_conflict");
  EXPECT_EQ(log_.Size(), 4u);
}

TEST(StateMachineTest, ReadersSeeOnlyDurableState) {
  FundsStateMachine sm;
  tlog::MemoryState store;
  ASSERT_TRUE(sm.Load(store.Reader(), 0).ok());
  std::string body = json{{"id", "f"}, {"name", {{"zh", "z"}, {"en", "e"}}}, {"purpose", "p"},
                          {"kind", "charity"}}.dump();
  tlog::SequencedEntry e{0, "2020-01-01T00:00:00Z", "fund.open", "admin", body};
  ASSERT_TRUE(sm.Apply(e, &store).ok());
  sm.Sealed(1);
  EXPECT_TRUE(sm.View().hot->funds.empty());  // staged, not yet durable
  sm.Abandon();
  EXPECT_TRUE(sm.View().hot->funds.empty());
  // After Abandon the working state is the durable one again: the fund can
  // be opened anew.
  tlog::MemoryState fresh;
  ASSERT_TRUE(sm.Apply(e, &fresh).ok());
  sm.Sealed(1);
  sm.Durable(1, fresh.Reader());
  EXPECT_EQ(sm.View().hot->funds.size(), 1u);
  EXPECT_EQ(sm.durable_size(), 1u);
}

TEST(StateMachineTest, DurablePublishesTheStateOfItsOwnBatch) {
  // The log may apply the next batch before the previous one is durable.
  FundsStateMachine sm;
  tlog::MemoryState store;
  ASSERT_TRUE(sm.Load(store.Reader(), 0).ok());
  std::vector<std::string> bodies = {
      json{{"id", "f"}, {"name", {{"zh", "z"}, {"en", "e"}}}, {"purpose", "p"}, {"kind", "charity"},
           {"opened_on", "2019-01-01"}}.dump(),
      json{{"amount", 100}, {"channel", "bank"},
           {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
           {"fund", "f"}, {"received_at", "2020-01-01"}}.dump(),
      json{{"amount", 30}, {"category", "c"}, {"fund", "f"}, {"period", "2020-01"}}.dump(),
      json{{"reason", "r"}, {"target", 1}}.dump(),
  };
  std::vector<std::string> types = {"fund.open", "donation", "admin_cost", "correction"};
  // Entries 0..1 form one batch, entry 2 the next; entry 3 (correcting 1)
  // is applied before either is durable and must see entry 2's admin cost:
  // 100 - 30 = 70 < 100.
  for (uint64_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(sm.Apply({i, "2020-02-01T00:00:00Z", types[i], "r", bodies[i]}, &store).ok());
  }
  sm.Sealed(2);
  ASSERT_TRUE(sm.Apply({2, "2020-02-01T00:00:00Z", types[2], "r", bodies[2]}, &store).ok());
  sm.Sealed(3);
  Status refused = sm.Apply({3, "2020-02-01T00:00:00Z", types[3], "r", bodies[3]}, &store);
  EXPECT_EQ(refused.rule(), "correction.balance_nonnegative");
  sm.Durable(2, store.Reader());
  EXPECT_EQ(sm.View().FindFund("f")->totals.income(), 100);
  EXPECT_EQ(sm.View().FindFund("f")->totals.admin_cost, 0);  // entry 2 not durable yet
  EXPECT_EQ(sm.View().size, 2u);
  sm.Durable(3, store.Reader());
  EXPECT_EQ(sm.View().FindFund("f")->totals.admin_cost, 30);
  EXPECT_EQ(sm.View().size, 3u);
  // A view taken earlier is unchanged by later batches.
  FundsView held = sm.View();
  std::string d2 = json{{"amount", 500}, {"channel", "bank"},
                        {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
                        {"fund", "f"}, {"received_at", "2020-01-01"}}.dump();
  ASSERT_TRUE(sm.Apply({3, "2020-02-01T00:00:00Z", "donation", "r", d2}, &store).ok());
  sm.Sealed(4);
  sm.Durable(4, store.Reader());
  EXPECT_EQ(sm.View().FindFund("f")->totals.income(), 600);
  EXPECT_EQ(held.FindFund("f")->totals.income(), 100);
}

TEST_F(StateTest, RawDraftsAreParsedAndMustBeCanonical) {
  ASSERT_TRUE(Open("f").ok());
  tlog::EntryDraft d{"donation", "recorder-1",
                     R"({"amount":5,"channel":"bank","donor":{"commitment":"7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="},"fund":"f","received_at":"2020-01-01"})",
                     {}};
  EXPECT_TRUE(log_->Append(d).ok());
  d.body.insert(1, " ");
  auto r = log_->Append(d);
  EXPECT_EQ(r.status().rule(), "body.canonical");
  d.type = "bogus";
  EXPECT_EQ(log_->Append(d).status().rule(), "entry.type_known");
}

}  // namespace
}  // namespace ledger::funds::testing
