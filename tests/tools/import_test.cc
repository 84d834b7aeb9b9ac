// `ledgerctl import` end to end on a real RocksDB ledger: a good file is
// recorded and its donor receipts verify; a file with one bad row is refused
// whole, naming the row, and the tree size does not move.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <tuple>
#include <nlohmann/json.hpp>

#include "ledger/funds/donor.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tests/tools/tools_fixture.h"

namespace ledger {
namespace {

using nlohmann::json;
using testing::Ledgerctl;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = Ledgerctl({"init", "--data", dir_.path, "--origin", "test.example/ledger"});
    ASSERT_EQ(init.code, 0) << init.out;
    // One fund, opened through the library as an admin would.
    auto key = tlog::ReadLogKey(tlog::DataDir{dir_.path}, false);
    ASSERT_TRUE(key.ok());
    funds::FundsStateMachine sm;
    tlog::Options o;
    o.path = tlog::DataDir{dir_.path}.db();
    o.origin = key->origin;
    o.signer = key->signer;
    o.state_machine = &sm;
    auto log = tlog::Log::Open(o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    funds::Ledger ledger(log->get(), &sm);
    auto r = ledger.Record(funds::Actor{funds::Role::kAdmin, "admin", ""}, "fund.open",
                           json{{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Students"}}}, {"purpose", "p"},
                                {"kind", "charity"}, {"opened_on", "2015-01-01"}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    (*log)->Close();
    // The accounts imports act as.
    for (auto [role, name, org] : {std::tuple{"recorder", "bank-import", ""}, {"recorder", "import", ""},
                                   {"admin", "boss", ""}, {"grantee", "school-1-staff", "school-1"}}) {
      std::vector<std::string> args = {"token", "--data", dir_.path, "--role", role, "--name", name};
      if (*org) args.insert(args.end(), {"--org", org});
      auto t = Ledgerctl(args);
      ASSERT_EQ(t.code, 0) << t.out;
    }
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string p = dir_.path + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // Tree size and entries, read-only.
  uint64_t Size() {
    tlog::Options o;
    o.path = tlog::DataDir{dir_.path}.db();
    o.read_only = true;
    auto log = tlog::Log::Open(o);
    EXPECT_TRUE(log.ok());
    return log.ok() ? (*log)->Size() : 0;
  }
  // Every entry, read in one read-only open.
  std::vector<std::string> Entries() {
    tlog::Options o;
    o.path = tlog::DataDir{dir_.path}.db();
    o.read_only = true;
    auto log = tlog::Log::Open(o);
    std::vector<std::string> out;
    if (!log.ok()) return out;
    for (uint64_t i = 0; i < (*log)->Size(); ++i) out.push_back((*log)->Entry(i).value());
    return out;
  }

  testing::TempDir dir_{"import"};
};

TEST_F(ImportTest, AGoodFileIsRecordedAndItsReceiptsVerify) {
  std::string csv = "fund,amount,channel,received_at,donor.public_name,external_ref\r\n";
  const int n = 1500;  // more than one chunk: the progress bar runs
  for (int i = 0; i < n; ++i) {
    csv += "f1," + std::to_string(1000 + i) + ",bank,2021-03-0" + std::to_string(1 + i % 9) + "," +
           (i % 100 == 0 ? "\"Wang, Li\"" : "") + ",stmt-" + std::to_string(i) + "\r\n";
  }
  const std::string receipts = dir_.path + "/receipts.csv";
  auto r = Ledgerctl({"import", "--data", dir_.path, "--file", Write("d.csv", csv), "--type", "donation",
                      "--receipts", receipts, "--as", "bank-import"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("imported 1500 donation rows"), std::string::npos) << r.out;
  EXPECT_EQ(Size(), 1u + n);
  const std::string first_receipts = testing::ReadFile(receipts);

  struct stat st;
  ASSERT_EQ(stat(receipts.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::istringstream lines(testing::ReadFile(receipts));
  std::string line;
  int count = 0;
  const std::vector<std::string> entries = Entries();
  auto Entry = [&](uint64_t seq) { return seq < entries.size() ? entries[seq] : std::string(); };
  while (std::getline(lines, line)) {
    const size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
    const int row = std::stoi(line.substr(0, c1));
    const uint64_t seq = std::stoull(line.substr(c1 + 1, c2 - c1 - 1));
    const std::string code = line.substr(c2 + 1);
    EXPECT_EQ(seq, static_cast<uint64_t>(row));  // row k became entry k (entry 0 opened the fund)
    const std::string entry = Entry(seq);
    Status v = funds::VerifyReceipt(code, entry);
    EXPECT_TRUE(v.ok()) << code << ": " << v.ToString();
    // Another entry does not match the code.
    EXPECT_FALSE(funds::VerifyReceipt(code, Entry(seq == 1 ? 2 : 1)).ok());
    auto body = json::parse(entry)["body"];
    EXPECT_EQ(body["amount"], 1000 + row - 1);
    EXPECT_EQ(body["external_ref"], "stmt-" + std::to_string(row - 1));
    if ((row - 1) % 100 == 0) {
      EXPECT_EQ(body["donor"]["public_name"], "Wang, Li");
    }
    ++count;
  }
  EXPECT_EQ(count, n);
  EXPECT_EQ(json::parse(Entries().at(1))["by"], "bank-import");

  // The same file again records nothing and gives the same receipt codes.
  auto again = Ledgerctl({"import", "--data", dir_.path, "--file", Write("d.csv", csv), "--type", "donation",
                          "--receipts", receipts, "--as", "bank-import"});
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("was imported before"), std::string::npos) << again.out;
  EXPECT_EQ(Size(), 1u + n);
  EXPECT_EQ(testing::ReadFile(receipts), first_receipts);

  // Grants with nested recipient columns, relying on the donations above.
  auto g = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "import", "--file",
                      Write("g.csv",
                            "id,fund,recipient.id,recipient.name,title,amount,award_date\n"
                            "g1,f1,school-1,\"第一小学\",Books,100000,2021-04-01\n"
                            "g2,f1,school-2,第二小学,Desks,50000,2021-04-02\n")});
  ASSERT_EQ(g.code, 0) << g.out;
  auto e = json::parse(Entries().at(n + 1));
  EXPECT_EQ(e["type"], "grant");
  EXPECT_EQ(e["body"]["recipient"]["name"], "第一小学");
  EXPECT_EQ(e["by"], "import");
}

TEST_F(ImportTest, ImportActsAsAnExistingAccountCheckedAsTheApiChecksIt) {
  auto d = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                      Write("d.csv", "fund,amount,channel,received_at\nf1,100000,bank,2021-01-01\n")});
  ASSERT_EQ(d.code, 0) << d.out;
  const uint64_t before = Size();
  const std::string grants = Write("g.csv",
                                   "id,fund,recipient.id,recipient.name,title,amount,award_date\n"
                                   "g1,f1,school-1,School,Books,60000,2021-02-01\n");
  // An admin account may not record grants; an unknown account none at all.
  auto admin = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "boss", "--file", grants});
  EXPECT_EQ(admin.code, 3) << admin.out;
  EXPECT_NE(admin.out.find("role.may_record"), std::string::npos) << admin.out;
  auto nobody = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "nobody", "--file", grants});
  EXPECT_EQ(nobody.code, 2) << nobody.out;
  EXPECT_NE(nobody.out.find("no live account named nobody"), std::string::npos) << nobody.out;
  auto missing = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--file", grants});
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_EQ(Size(), before);

  // A dry run checks and records nothing; then the grant and a payment.
  auto dry = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "import", "--dry-run", "--file",
                        grants});
  ASSERT_EQ(dry.code, 0) << dry.out;
  EXPECT_NE(dry.out.find("dry run"), std::string::npos) << dry.out;
  EXPECT_EQ(Size(), before);
  ASSERT_EQ(Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "import", "--file", grants}).code, 0);
  ASSERT_EQ(Ledgerctl({"import", "--data", dir_.path, "--type", "disbursement", "--as", "import", "--file",
                       Write("p.csv", "grant,amount,paid_at,payment_ref\ng1,60000,2021-02-02,BANK-1\n")})
                .code,
            0);

  // Expenses come from the grantee's own account, with the evidence hash
  // column (a header with digits).
  const std::string expenses = Write("e.csv",
                                     "grant,amount,category,description,evidence_sha256,spent_at\n"
                                     "g1,1200,books,Textbooks," +
                                         std::string(64, 'a') + ",2021-03-01\n");
  auto recorder = Ledgerctl({"import", "--data", dir_.path, "--type", "expense", "--as", "import", "--file", expenses});
  EXPECT_EQ(recorder.code, 3) << recorder.out;
  EXPECT_NE(recorder.out.find("role.may_record"), std::string::npos) << recorder.out;
  auto grantee = Ledgerctl({"import", "--data", dir_.path, "--type", "expense", "--as", "school-1-staff", "--file",
                            expenses});
  ASSERT_EQ(grantee.code, 0) << grantee.out;
  auto e = json::parse(Entries().back());
  EXPECT_EQ(e["type"], "expense");
  EXPECT_EQ(e["by"], "school-1-staff");
  EXPECT_EQ(e["body"]["evidence_sha256"], std::string(64, 'a'));
}

TEST_F(ImportTest, OneBadRowRefusesTheWholeFile) {
  const uint64_t before = Size();
  // Row 3 of 5 has an amount in yuan, not fen.
  auto r = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                      Write("bad.csv",
                            "fund,amount,channel,received_at\n"
                            "f1,100,bank,2021-01-01\n"
                            "f1,200,bank,2021-01-02\n"
                            "f1,12.50,bank,2021-01-03\n"
                            "f1,400,bank,2021-01-04\n"
                            "f1,500,bank,2021-01-05\n")});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("1 of 5 rows are bad; nothing was recorded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("row 3 (line 4): column amount: \"12.50\" is not an integer of fen"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("row 2"), std::string::npos) << r.out;
  EXPECT_EQ(Size(), before);

  // A rule that needs the rows above: the second grant over-commits the fund
  // only because of the first, and the fourth reuses the first's id.
  auto d = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                      Write("d.csv", "fund,amount,channel,received_at\nf1,1000,bank,2021-01-01\n")});
  ASSERT_EQ(d.code, 0) << d.out;
  const uint64_t with_gift = Size();
  auto g = Ledgerctl({"import", "--data", dir_.path, "--type", "grant", "--as", "import", "--file",
                      Write("g.csv",
                            "id,fund,recipient.id,recipient.name,title,amount,award_date\n"
                            "g1,f1,s1,School,Books,600,2021-02-01\n"
                            "g2,f1,s2,School,Desks,600,2021-02-01\n"
                            "g3,f1,s3,School,Pens,300,2021-02-01\n"
                            "g1,f1,s4,School,Again,10,2021-02-01\n"
                            "g5,nofund,s5,School,Lost,10,2021-02-01\n")});
  EXPECT_EQ(g.code, 3) << g.out;
  EXPECT_NE(g.out.find("3 of 5 rows are bad"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("row 2 (line 3)"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("uncommitted"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("row 4 (line 5)"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("row 5 (line 6)"), std::string::npos) << g.out;
  EXPECT_EQ(g.out.find("row 1 "), std::string::npos) << g.out;
  EXPECT_EQ(g.out.find("row 3 "), std::string::npos) << g.out;
  EXPECT_EQ(Size(), with_gift);
}

TEST_F(ImportTest, MalformedFilesAreClearErrors) {
  auto bad_header = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                               Write("h.csv", "fund,Amount!,channel\nf1,1,bank\n")});
  EXPECT_EQ(bad_header.code, 1);
  EXPECT_NE(bad_header.out.find("header \"Amount!\""), std::string::npos) << bad_header.out;
  auto ragged = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                           Write("r.csv", "fund,amount,channel,received_at\nf1,1,bank\n")});
  EXPECT_EQ(ragged.code, 3);
  EXPECT_NE(ragged.out.find("row 1 (line 2): has 3 cells, the header has 4"), std::string::npos) << ragged.out;
  auto identity = Ledgerctl({"import", "--data", dir_.path, "--type", "donation", "--as", "import", "--file",
                             Write("i.csv", "fund,amount,channel,received_at,donor.phone\nf1,1,bank,2021-01-01,138\n")});
  EXPECT_EQ(identity.code, 3);
  EXPECT_NE(identity.out.find("donor.no_identity"), std::string::npos) << identity.out;
  auto type = Ledgerctl({"import", "--data", dir_.path, "--type", "fund.open", "--as", "import", "--file",
                         Write("x.csv", "id\n")});
  EXPECT_EQ(type.code, 2);
}

}  // namespace
}  // namespace ledger
