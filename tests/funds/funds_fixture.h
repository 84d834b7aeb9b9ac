// A Ledger over a real tlog::Log (RocksDB in a temporary directory) whose
// clock the test sets, with helpers to record each entry type, for the
// charity-domain tests.
#ifndef TESTS_FUNDS_FUNDS_FIXTURE_H_
#define TESTS_FUNDS_FUNDS_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "ledger/crypto/ed25519.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/log.h"

namespace ledger::funds::testing {

// Unix milliseconds of an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ".
inline int64_t MsOf(const std::string& t) {
  const int64_t days = DaysFromDate(t.substr(0, 10));
  const int64_t secs = std::stoi(t.substr(11, 2)) * 3600 + std::stoi(t.substr(14, 2)) * 60 + std::stoi(t.substr(17, 2));
  return (days * 86400 + secs) * 1000;
}

// A real log in a fresh directory, opened with `sm`; reopened on demand
// (the same directory, a state machine given by the caller).
class TestLog {
 public:
  explicit TestLog(tlog::StateMachine* sm) {
    static std::atomic<int> n{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("funds-test-" + std::to_string(getpid()) + "-" + std::to_string(n++)))
               .string();
    std::filesystem::remove_all(dir_);
    auto generated = crypto::Ed25519PrivateKey::Generate();
    key_ = std::shared_ptr<const crypto::Signer>(std::move(*generated));
    Open(sm);
  }
  ~TestLog() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open(tlog::StateMachine* sm) {
    log_.reset();
    tlog::Options o;
    o.path = dir_;
    o.origin = "test.example/funds";
    o.signer = key_;
    o.state_machine = sm;
    o.create_if_missing = true;
    o.checkpoint_interval = std::chrono::milliseconds(5);
    o.clock = [this] { return now_ms_.load(); };
    auto log = tlog::Log::Open(o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (log.ok()) log_ = std::move(*log);
  }
  void Close() { log_.reset(); }

  // The recording time given to later entries (RFC 3339 UTC).
  void set_time(const std::string& t) { now_ms_ = MsOf(t); }
  // Every derived-state key of the store.
  std::map<std::string, std::string> StoreContents() const {
    std::map<std::string, std::string> out;
    Status s = log_->state().Scan("", "", [&](std::string_view k, std::string_view v) {
      out[std::string(k)] = std::string(v);
      return true;
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  uint64_t Size() const { return log_->Size(); }
  tlog::Log* get() const { return log_.get(); }
  tlog::Log* operator->() const { return log_.get(); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::shared_ptr<const crypto::Signer> key_;
  std::atomic<int64_t> now_ms_{MsOf("2026-01-15T08:00:00Z")};
  std::unique_ptr<tlog::Log> log_;
};

class FundsFixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  FundsStateMachine sm_;
  TestLog log_{&sm_};
  Ledger ledger_{log_.get(), &sm_};
  const Actor admin_{Role::kAdmin, "admin", "", "tok-admin"};
  const Actor recorder_{Role::kRecorder, "recorder-1", "", "tok-recorder-1"};

  Result<Recorded> Open(const std::string& id, const std::string& kind = "charity",
                        const std::string& opened_on = "2015-01-01") {
    return ledger_.Record(admin_, "fund.open",
                          json{{"id", id},
                               {"name", {{"zh", "基金" + id}, {"en", "Fund " + id}}},
                               {"purpose", "testing"},
                               {"kind", kind},
                               {"opened_on", opened_on}});
  }
  Result<Recorded> Donate(const std::string& fund, int64_t amount, const std::string& date = "2020-01-10") {
    return ledger_.Record(recorder_, "donation",
                          json{{"fund", fund}, {"amount", amount}, {"channel", "bank"}, {"received_at", date}});
  }
  // An allocation under finance document "doc-<period>", received on the
  // period's first day, of 35% of `sales`.
  Result<Recorded> Allocate(const std::string& fund, const std::string& period, int64_t sales) {
    return ledger_.Record(recorder_, "lottery.allocation",
                          json{{"fund", fund},
                               {"fiscal_year", std::stoi(period.substr(0, 4))},
                               {"level", "district"},
                               {"document_no", "doc-" + period},
                               {"amount", sales * 3500 / 10000},
                               {"purpose", "welfare"},
                               {"received_at", period + "-01"}});
  }
  Result<Recorded> GrantTo(const std::string& id, const std::string& fund, int64_t amount,
                           const std::string& org = "org-a", const std::string& date = "2020-02-01") {
    return ledger_.Record(recorder_, "grant",
                          json{{"id", id},
                               {"fund", fund},
                               {"recipient", {{"id", org}, {"name", "Org " + org}}},
                               {"title", "project " + id},
                               {"amount", amount},
                               {"award_date", date}});
  }
  Result<Recorded> Pay(const std::string& grant, int64_t amount, const std::string& date = "2020-03-01") {
    return ledger_.Record(recorder_, "disbursement",
                          json{{"grant", grant}, {"amount", amount}, {"paid_at", date}, {"payment_ref", "PAY-" + grant}});
  }
  Actor Grantee(const std::string& org) { return Actor{Role::kGrantee, "grantee-" + org, org, "tok-grantee-" + org}; }
  Result<Recorded> Spend(const std::string& grant, int64_t amount, const std::string& org = "org-a",
                         const std::string& date = "2020-04-01") {
    return ledger_.Record(Grantee(org), "expense",
                          json{{"grant", grant},
                               {"amount", amount},
                               {"category", "supplies"},
                               {"description", "rice and oil"},
                               {"evidence_sha256", std::string(64, 'e')},
                               {"spent_at", date}});
  }
  Result<Recorded> AdminCost(const std::string& fund, int64_t amount, const std::string& period = "2020-05") {
    return ledger_.Record(recorder_, "admin_cost",
                          json{{"fund", fund}, {"amount", amount}, {"category", "office"}, {"period", period}});
  }
  Result<Recorded> Correct(uint64_t target) {
    return ledger_.Record(recorder_, "correction", json{{"target", target}, {"reason", "recorded in error"}});
  }
  // Reports are anchored to the newest signed checkpoint: wait until one
  // covers everything recorded so far.
  void AwaitCheckpoint() {
    ASSERT_TRUE(log_->WaitForCheckpoint(log_.Size(), std::chrono::seconds(30)).ok());
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
