// A Ledger over a FakeLog with helpers to record each entry type, for the
// charity-domain tests.
#ifndef TESTS_FUNDS_FUNDS_FIXTURE_H_
#define TESTS_FUNDS_FUNDS_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>

#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "tests/funds/fake_log.h"

namespace ledger::funds::testing {

class FundsFixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  FundsStateMachine sm_;
  FakeLog log_{&sm_};
  Ledger ledger_{&log_, &sm_};
  const Actor admin_{Role::kAdmin, "admin", ""};
  const Actor recorder_{Role::kRecorder, "recorder-1", ""};

  Result<Recorded> Open(const std::string& id, const std::string& kind = "charity") {
    return ledger_.Record(admin_, "fund.open",
                          json{{"id", id},
                               {"name", {{"zh", "基金" + id}, {"en", "Fund " + id}}},
                               {"purpose", "testing"},
                               {"kind", kind}});
  }
  Result<Recorded> Donate(const std::string& fund, int64_t amount,
                          const std::string& date = "2020-01-10") {
    return ledger_.Record(recorder_, "donation",
                          json{{"fund", fund}, {"amount", amount}, {"channel", "bank"},
                               {"received_at", date}});
  }
  Result<Recorded> Allocate(const std::string& fund, const std::string& period, int64_t sales) {
    return ledger_.Record(recorder_, "lottery.allocation",
                          json{{"fund", fund}, {"period", period}, {"sales", sales},
                               {"rate_bp", 3500}, {"amount", sales * 3500 / 10000}});
  }
  Result<Recorded> GrantTo(const std::string& id, const std::string& fund, int64_t amount,
                           const std::string& org = "org-a",
                           const std::string& date = "2020-02-01") {
    return ledger_.Record(recorder_, "grant",
                          json{{"id", id}, {"fund", fund},
                               {"recipient", {{"id", org}, {"name", "Org " + org}}},
                               {"title", "project " + id}, {"amount", amount},
                               {"award_date", date}});
  }
  Result<Recorded> Pay(const std::string& grant, int64_t amount,
                       const std::string& date = "2020-03-01") {
    return ledger_.Record(recorder_, "disbursement",
                          json{{"grant", grant}, {"amount", amount}, {"paid_at", date},
                               {"payment_ref", "PAY-" + grant}});
  }
  Result<Recorded> Spend(const std::string& grant, int64_t amount, const std::string& org = "org-a",
                         const std::string& date = "2020-04-01") {
    return ledger_.Record(Actor{Role::kGrantee, "grantee-" + org, org}, "expense",
                          json{{"grant", grant}, {"amount", amount}, {"category", "supplies"},
                               {"description", "rice and oil"},
                               {"evidence_sha256", std::string(64, 'e')}, {"spent_at", date}});
  }
  Result<Recorded> AdminCost(const std::string& fund, int64_t amount,
                             const std::string& period = "2020-05") {
    return ledger_.Record(recorder_, "admin_cost",
                          json{{"fund", fund}, {"amount", amount}, {"category", "office"},
                               {"period", period}});
  }
  Result<Recorded> Correct(uint64_t target) {
    return ledger_.Record(recorder_, "correction",
                          json{{"target", target}, {"reason", "recorded in error"}});
  }
  json FundView(const std::string& id) {
    auto f = ledger_.Fund(id);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : json();
  }
};

// Asserts that `r` was refused with `code` and `rule`, and that the ledger
// (log size and every stored key) is exactly as before.
#define EXPECT_REFUSED(expr, code_, rule_)                                         \
  do {                                                                             \
    auto _before = log_.StoreContents();                                           \
    uint64_t _size = log_.Size();                                                  \
    auto _r = (expr);                                                              \
    ASSERT_FALSE(_r.ok()) << #expr;                                                \
    EXPECT_EQ(_r.status().code(), code_) << _r.status().ToString();                \
    EXPECT_EQ(_r.status().rule(), rule_) << _r.status().ToString();                \
    EXPECT_EQ(log_.Size(), _size);                                                 \
    EXPECT_TRUE(log_.StoreContents() == _before) << "store changed by a refusal"; \
  } while (0)

}  // namespace ledger::funds::testing

#endif  // TESTS_FUNDS_FUNDS_FIXTURE_H_
