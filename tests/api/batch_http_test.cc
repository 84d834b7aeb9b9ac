// POST /api/v1/batches against a real ledgerd on loopback (docs/api.md,
// "Back office"): a file with a bad row records nothing and names the row; a
// good file is recorded as one batch while GET traffic goes on; a retry with
// the same Idempotency-Key records nothing more; roles, caps and
// `ledgerctl import --url` through the same endpoint.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/token_store.h"
#include "ledger/funds/donor.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"
#include "tests/testing/raw_http.h"
#include "tests/tools/tools_fixture.h"

namespace ledger::api {
namespace {

using nlohmann::json;

class BatchHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);  // ledgerd may answer 413 and close before an upload ends
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir_.path}, "test.example/batch").ok());
    TokenStore tokens(tlog::DataDir{dir_.path}.tokens_file());
    admin_ = *tokens.Issue("admin", "admin-1", "");
    rec_ = *tokens.Issue("recorder", "clerk-1", "");
    grantee_a_ = *tokens.Issue("grantee", "school-a", "org-a");
    server_ = std::make_unique<testing::LedgerdProcess>(dir_.path);
    server_->set_log_file(dir_.path + "/ledgerd.log");
    ASSERT_TRUE(server_->Start());
    ASSERT_EQ(PostEntry(admin_, {{"type", "fund.open"},
                                 {"body",
                                  {{"id", "f1"},
                                   {"name", {{"zh", "助学"}, {"en", "Study"}}},
                                   {"purpose", "p"},
                                   {"kind", "charity"},
                                   {"opened_on", "2015-01-01"}}}})
                  ->status,
              201);
  }

  httplib::Result PostEntry(const std::string& token, const json& req) {
    return server_->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(),
                                  "application/json");
  }
  httplib::Result PostBatch(const std::string& token, const std::string& query, const std::string& csv,
                            const std::string& key = "", httplib::Headers extra = {}) {
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    if (!key.empty()) h.emplace("Idempotency-Key", key);
    for (auto& kv : extra) h.insert(kv);
    return server_->Client().Post("/api/v1/batches" + query, h, csv, "text/csv");
  }
  std::vector<int> OneConnection(const std::vector<std::string>& requests) {
    return testing::StatusesOnOneConnection(server_->port(), requests);
  }
  uint64_t TreeSize() {
    auto r = server_->Client().Get("/healthz");
    return r ? json::parse(r->body)["tree_size"].get<uint64_t>() : 0;
  }
  static std::string Donations(int n, int bad_row = 0, const std::string& bad_amount = "12.50") {
    std::string csv = "fund,amount,channel,received_at,donor.public_name,external_ref\n";
    for (int i = 1; i <= n; ++i) {
      csv += "f1," + (i == bad_row ? bad_amount : std::to_string(100 + i)) + ",bank,2021-01-0" +
             std::to_string(1 + i % 9) + "," + (i % 3 == 0 ? "\"Wang, Li\"" : "") + ",stmt-" +
             std::to_string(i) + "\n";
    }
    return csv;
  }

  testing::TempDir dir_{"batch-http"};
  std::string admin_, rec_, grantee_a_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(BatchHttpTest, OneBadRowRecordsNothingAndNamesEveryBadRow) {
  const uint64_t before = TreeSize();
  std::string csv = Donations(5, 3);
  // Row 5 names a fund that is not open: a rule the sequencer checks.
  csv.replace(csv.rfind("f1,"), 3, "nope,");
  for (const char* query : {"?type=donation&dry_run=1", "?type=donation"}) {
    auto r = PostBatch(rec_, query, csv, "bad-file");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    json p = json::parse(r->body);
    EXPECT_EQ(p["rule"], "batch.rows");
    EXPECT_EQ(p["rows"], 5);
    ASSERT_EQ(p["errors"].size(), 2u) << r->body;
    EXPECT_EQ(p["errors"][0]["row"], 3);
    EXPECT_EQ(p["errors"][0]["line"], 4);
    EXPECT_EQ(p["errors"][0]["rule"], "csv.integer");
    EXPECT_EQ(p["errors"][0]["field"], "body.amount");
    EXPECT_NE(p["errors"][0]["detail"].get<std::string>().find("\"12.50\" is not an integer of fen"),
              std::string::npos);
    EXPECT_EQ(p["errors"][1]["row"], 5);
    EXPECT_EQ(p["errors"][1]["line"], 6);
    EXPECT_NE(p["errors"][1]["detail"].get<std::string>().find("nope"), std::string::npos);
    EXPECT_EQ(TreeSize(), before);
  }
  // The file, fixed, is a new file: its key is free and it records.
  auto ok = PostBatch(rec_, "?type=donation", Donations(5), "fixed-file");
  ASSERT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(TreeSize(), before + 5);
}

TEST_F(BatchHttpTest, GoodFileIsOneBatchWhileReadsGoOn) {
  const int n = 5000;
  const uint64_t before = TreeSize();
  std::atomic<bool> importing{false}, stop{false};
  std::atomic<int> reads_during{0}, failed_reads{0};
  std::mutex mu;
  std::vector<uint64_t> sizes_seen;
  std::thread reader([&] {
    auto c = server_->Client();
    while (!stop) {
      const bool during = importing;
      auto h = c.Get("/healthz");
      auto f = c.Get("/api/v1/funds/f1");
      if (!h || h->status != 200 || !f || f->status != 200) {
        ++failed_reads;
        continue;
      }
      {
        std::lock_guard l(mu);
        sizes_seen.push_back(json::parse(h->body)["tree_size"].get<uint64_t>());
      }
      if (during && importing) ++reads_during;
    }
  });
  while (true) {  // the reader is going
    std::lock_guard l(mu);
    if (!sizes_seen.empty()) break;
  }
  importing = true;
  auto r = PostBatch(rec_, "?type=donation", Donations(n), "good-file");
  importing = false;
  stop = true;
  reader.join();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body.substr(0, 500);
  json j = json::parse(r->body);
  EXPECT_EQ(j["rows"], n);
  EXPECT_FALSE(j["replayed"].get<bool>());
  EXPECT_EQ(j["first_seq"], before);
  EXPECT_EQ(j["last_seq"], before + n - 1);
  ASSERT_EQ(j["entries"].size(), static_cast<size_t>(n));
  EXPECT_EQ(TreeSize(), before + n);
  EXPECT_EQ(failed_reads, 0);
  // Reads were answered while the import was in flight ...
  EXPECT_GT(reads_during, 0);
  // ... and none of them ever saw part of the file: one batch, one sync.
  for (uint64_t s : sizes_seen) EXPECT_TRUE(s <= before || s == before + n) << "a reader saw tree size " << s;

  // Every row's entry and receipt, in row order.
  for (int i : {0, 1, 2, n - 1}) {
    const json& e = j["entries"][i];
    EXPECT_EQ(e["row"], i + 1);
    EXPECT_EQ(e["line"], i + 2);
    EXPECT_EQ(e["seq"], before + i);
    auto entry = server_->Client().Get("/api/v1/entries/" + std::to_string(before + i));
    ASSERT_EQ(entry->status, 200);
    json ej = json::parse(entry->body);
    EXPECT_EQ(ej["entry"]["body"]["external_ref"], "stmt-" + std::to_string(i + 1));
    EXPECT_EQ(ej["entry"]["by"], "clerk-1");
    EXPECT_TRUE(funds::VerifyReceipt(e["receipt"].get<std::string>(), ej["entry"].dump()).ok());
  }
  // One log line for the batch, from the entries the log holds.
  server_->Stop();
  const std::string log = testing::ReadFile(dir_.path + "/ledgerd.log");
  EXPECT_NE(log.find("recorded seq=" + std::to_string(before) + ".." + std::to_string(before + n - 1) +
                     " type=donation by=clerk-1 rows=" + std::to_string(n)),
            std::string::npos)
      << log.substr(0, 2000);
  EXPECT_EQ(log.find(rec_), std::string::npos);
}

TEST_F(BatchHttpTest, RetryWithTheSameKeyRecordsNothingMore) {
  const std::string csv = Donations(20);
  auto first = PostBatch(rec_, "?type=donation", csv, "upload-7");
  ASSERT_EQ(first->status, 201) << first->body;
  const uint64_t after = TreeSize();
  auto again = PostBatch(rec_, "?type=donation", csv, "upload-7");
  ASSERT_EQ(again->status, 201) << again->body;
  json a = json::parse(first->body), b = json::parse(again->body);
  EXPECT_TRUE(b["replayed"].get<bool>());
  EXPECT_EQ(a["entries"], b["entries"]);  // the same seqs and receipt codes
  EXPECT_EQ(TreeSize(), after);
  // A dry run of it says what it recorded, still nothing more.
  auto dry = PostBatch(rec_, "?type=donation&dry_run=1", csv, "upload-7");
  ASSERT_EQ(dry->status, 200) << dry->body;
  EXPECT_EQ(TreeSize(), after);
  // The same key with another file is refused, naming the conflict.
  auto other = PostBatch(rec_, "?type=donation", Donations(21), "upload-7");
  ASSERT_EQ(other->status, 422) << other->body;
  EXPECT_NE(other->body.find("idempotency.key_conflict"), std::string::npos) << other->body;
  EXPECT_EQ(TreeSize(), after);
  // The type may come as a header instead.
  auto hdr = PostBatch(rec_, "", csv, "upload-7", {{"Ledger-Entry-Type", "donation"}});
  ASSERT_EQ(hdr->status, 201) << hdr->body;
  EXPECT_EQ(TreeSize(), after);
}

TEST_F(BatchHttpTest, RolesTypesAndCapsAsForEntries) {
  const uint64_t before = TreeSize();
  const std::string csv = Donations(2);
  EXPECT_EQ(PostBatch("", "?type=donation", csv)->status, 401);
  EXPECT_EQ(PostBatch(std::string(64, 'a'), "?type=donation", csv)->status, 401);
  auto grantee = PostBatch(grantee_a_, "?type=donation", csv);
  EXPECT_EQ(grantee->status, 403);
  EXPECT_EQ(json::parse(grantee->body)["rule"], "role.may_record");
  auto admin = PostBatch(admin_, "?type=donation", csv);
  EXPECT_EQ(admin->status, 403);
  EXPECT_EQ(PostBatch(rec_, "", csv)->status, 400);
  EXPECT_EQ(json::parse(PostBatch(rec_, "?type=fund.open", "id\nx\n")->body)["rule"], "batch.type");
  EXPECT_EQ(PostBatch(rec_, "?type=donation", csv, "", {{"Ledger-Entry-Type", "grant"}})->status, 400);
  EXPECT_EQ(PostBatch(rec_, "?type=donation&dry_run=maybe", csv)->status, 400);
  auto header = PostBatch(rec_, "?type=donation", "fund,Amount!\nf1,1\n");
  EXPECT_EQ(header->status, 400);
  EXPECT_EQ(json::parse(header->body)["rule"], "csv.header");
  auto syntax = PostBatch(rec_, "?type=donation", "fund,amount\nf1,\"1\n");
  EXPECT_EQ(json::parse(syntax->body)["rule"], "csv.syntax");
  EXPECT_EQ(PostBatch(rec_, "?type=donation", "")->status, 400);
  // Over the row cap (each row tiny, the file under the byte cap).
  std::string many = "fund,amount,channel,received_at\n";
  for (int i = 0; i < 20001; ++i) many += "f1,1,bank,2021-01-01\n";
  auto rows = PostBatch(rec_, "?type=donation", many);
  EXPECT_EQ(rows->status, 413) << rows->body;
  EXPECT_EQ(json::parse(rows->body)["rule"], "batch.too_many_rows");
  // Over the byte cap: refused with 413 once the body is read (httplib
  // reads and drops it), and the connection stays in step: the request
  // sent after it on the same connection is answered as itself.
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (auto [path, size] : {std::pair<std::string, size_t>{"/api/v1/batches?type=donation", (4 << 20) + 1},
                            {"/api/v1/batches?type=donation", (4 << 20) - 10},
                            {"/api/v1/entries", (256 << 10) + 1},
                            {"/api/v1/entries", (4 << 20) + 1}}) {
    std::string body(size, 'x');
    if (size == (4 << 20) - 10)
      body = "fund,amount\n" + std::string(size - 12, 'y');  // under the cap: one bad row
    const std::string post =
        "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + rec_ +
        "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const std::vector<int> got = OneConnection({post, health});
    ASSERT_EQ(got.size(), 2u) << path << " " << size;
    if (path.starts_with("/api/v1/entries") || size > (4u << 20)) {
      EXPECT_EQ(got[0], 413) << path << " " << size;
    } else {
      EXPECT_EQ(got[0], 422) << path << " " << size;  // read and judged
    }
    EXPECT_EQ(got[1], 200) << "the request after a refused body was answered as itself";
  }
  // A chunked body (no Content-Length) is refused unread, here and for entries.
  for (const char* path : {"/api/v1/entries", "/api/v1/batches?type=donation"}) {
    const std::vector<int> got = OneConnection(
        {std::string("POST ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Bearer " + rec_ +
         "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], 411);
  }
  EXPECT_EQ(TreeSize(), before);

  // A grantee imports expenses on its own grants only.
  ASSERT_EQ(PostBatch(rec_, "?type=donation", csv)->status, 201);
  ASSERT_EQ(PostBatch(rec_, "?type=grant",
                      "id,fund,recipient.id,recipient.name,title,amount,award_date\n"
                      "ga,f1,org-a,School A,Books,100,2021-02-01\n"
                      "gb,f1,org-b,School B,Desks,100,2021-02-01\n")
                ->status,
            201);
  ASSERT_EQ(PostBatch(rec_, "?type=disbursement",
                      "grant,amount,paid_at,payment_ref\nga,100,2021-02-02,P1\ngb,100,2021-02-02,P2\n")
                ->status,
            201);
  const uint64_t paid = TreeSize();
  const std::string e = "grant,amount,category,description,evidence_sha256,spent_at\n";
  const std::string hash = std::string(64, 'a');
  auto other =
      PostBatch(grantee_a_, "?type=expense",
                e + "ga,10,books,x," + hash + ",2021-03-01\ngb,10,desks,y," + hash + ",2021-03-01\n");
  ASSERT_EQ(other->status, 422) << other->body;
  json p = json::parse(other->body);
  ASSERT_EQ(p["errors"].size(), 1u);
  EXPECT_EQ(p["errors"][0]["row"], 2);
  EXPECT_EQ(p["errors"][0]["rule"], "expense.own_grant");
  EXPECT_EQ(TreeSize(), paid);
  EXPECT_EQ(PostBatch(rec_, "?type=expense", e + "ga,10,books,x," + hash + ",2021-03-01\n")->status, 403);
  auto own = PostBatch(grantee_a_, "?type=expense", e + "ga,10,books,x," + hash + ",2021-03-01\n");
  EXPECT_EQ(own->status, 201) << own->body;
}

// Every type a clerk imports, with the nested and integer columns the
// charity-accounting entries have (receipt numbers, restricted and in-kind
// gifts, beneficiary counts, cost and income classes, budget allocations,
// projects, disclosures, net assets): each file records, and the entry holds
// exactly the body the row spelt, integers as integers.
TEST_F(BatchHttpTest, EveryImportableTypeTakesItsNestedAndIntegerColumns) {
  ASSERT_EQ(PostEntry(admin_, {{"type", "fund.open"},
                               {"body",
                                {{"id", "lf"},
                                 {"name", {{"zh", "福彩公益金"}, {"en", "Lottery"}}},
                                 {"purpose", "p"},
                                 {"kind", "lottery"},
                                 {"opened_on", "2015-01-01"}}}})
                ->status,
            201);
  ASSERT_EQ(PostEntry(admin_, {{"type", "fund.open"},
                               {"body",
                                {{"id", "old"},
                                 {"name", {{"zh", "旧基金"}, {"en", "Old"}}},
                                 {"purpose", "p"},
                                 {"kind", "charity"},
                                 {"opened_on", "2015-01-01"}}}})
                ->status,
            201);
  struct File {
    const char* type;
    std::string csv;
    json first_body;  // the body of the file's first entry
  };
  const std::string hash(64, 'c');
  const std::vector<File> files = {
      {"balance.forward",
       "fund,amount,as_of,description\nold,9900000,2014-12-31,\"Brought forward, 2014\"\n",
       {{"fund", "old"},
        {"amount", 9900000},
        {"as_of", "2014-12-31"},
        {"description", "Brought forward, 2014"}}},
      {"donation",
       "fund,amount,channel,received_at,receipt_no,restriction.purpose,restriction.admin_fee_cap_bp,"
       "in_kind.item,in_kind.quantity,in_kind.unit,in_kind.valuation_basis,donor.public_name\n"
       "f1,500000,bank,2021-01-05,JZ-0001,Books for pupils,500,,,,,\n"
       "f1,120000,in_kind,2021-01-06,JZ-0002,,,Winter coats,40,件,Invoice price,Acme Ltd\n",
       {{"fund", "f1"},
        {"amount", 500000},
        {"channel", "bank"},
        {"received_at", "2021-01-05"},
        {"receipt_no", "JZ-0001"},
        {"restriction", {{"purpose", "Books for pupils"}, {"admin_fee_cap_bp", 500}}}}},
      {"income",
       "fund,class,amount,received_at,description,receipt_no\nf1,government_grant,300000,2021-02-01,,\n",
       {{"fund", "f1"}, {"class", "government_grant"}, {"amount", 300000}, {"received_at", "2021-02-01"}}},
      {"lottery.allocation",
       "fund,fiscal_year,level,document_no,amount,purpose,received_at\n"
       "lf,2021,province,粤财社〔2021〕12号,800000,Elderly care,2021-03-01\n",
       {{"fund", "lf"},
        {"fiscal_year", 2021},
        {"level", "province"},
        {"document_no", "粤财社〔2021〕12号"},
        {"amount", 800000},
        {"purpose", "Elderly care"},
        {"received_at", "2021-03-01"}}},
      {"lottery.sales",
       "period,sales,game\n2021-03,123456789,双色球\n",
       {{"period", "2021-03"}, {"sales", 123456789}, {"game", "双色球"}}},
      {"project.open",
       "id,name.zh,name.en,kind,start,end,fund,filing_no\n"
       "relief-21,冬季救助,Winter relief,project,2021-01-01,2021-12-31,f1,53440000MJL0001\n",
       {{"id", "relief-21"},
        {"name", {{"zh", "冬季救助"}, {"en", "Winter relief"}}},
        {"kind", "project"},
        {"start", "2021-01-01"},
        {"end", "2021-12-31"},
        {"fund", "f1"},
        {"filing_no", "53440000MJL0001"}}},
      {"grant",
       "id,fund,recipient.id,recipient.name,title,amount,award_date,project\n"
       "g-relief,f1,households,Households in need,Winter relief,400000,2021-04-01,relief-21\n",
       {{"id", "g-relief"},
        {"fund", "f1"},
        {"recipient", {{"id", "households"}, {"name", "Households in need"}}},
        {"title", "Winter relief"},
        {"amount", 400000},
        {"award_date", "2021-04-01"},
        {"project", "relief-21"}}},
      {"disbursement",
       "grant,amount,paid_at,payment_ref,beneficiaries.households,beneficiaries.persons,area\n"
       "g-relief,300000,2021-04-02,P-1,880,2300,惠城区\ng-relief,1000,2021-04-03,P-2,,,\n",
       {{"grant", "g-relief"},
        {"amount", 300000},
        {"paid_at", "2021-04-02"},
        {"payment_ref", "P-1"},
        {"beneficiaries", {{"households", 880}, {"persons", 2300}}},
        {"area", "惠城区"}}},
      {"admin_cost",
       "fund,amount,category,period,charged_to\nf1,2000,office,2021-05,\n",
       {{"fund", "f1"}, {"amount", 2000}, {"category", "office"}, {"period", "2021-05"}}},
      {"cost",
       "fund,class,amount,period,description\nf1,fundraising,1500,2021-05,Printing\n",
       {{"fund", "f1"},
        {"class", "fundraising"},
        {"amount", 1500},
        {"period", "2021-05"},
        {"description", "Printing"}}},
      {"disclosure",
       "what,period_from,period_to,published_at,subject,title,url,document_sha256,platform\n"
       "project_progress,2021-01-01,2021-03-31,2021-04-15,relief-21,Q1,https://example.org/q1," +
           hash + ",cishan\n",
       {{"what", "project_progress"},
        {"period_from", "2021-01-01"},
        {"period_to", "2021-03-31"},
        {"published_at", "2021-04-15"},
        {"subject", "relief-21"},
        {"title", "Q1"},
        {"url", "https://example.org/q1"},
        {"document_sha256", hash},
        {"platform", "cishan"}}},
      {"net_assets", "year,amount\n2020,0\n2021,123456700\n", {{"year", 2020}, {"amount", 0}}},
  };
  for (const File& f : files) {
    const uint64_t before = TreeSize();
    auto r = PostBatch(rec_, std::string("?type=") + f.type, f.csv);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << f.type << ": " << r->body;
    auto e = server_->Client().Get("/api/v1/entries/" + std::to_string(before));
    ASSERT_EQ(e->status, 200);
    json entry = json::parse(e->body)["entry"];
    EXPECT_EQ(entry["type"], f.type);
    if (std::string(f.type) == "donation") entry["body"].erase("donor");  // the commitment the server drew
    EXPECT_EQ(entry["body"], f.first_body) << f.type;
  }
  // The in-kind gift: an object from four columns, its quantity an integer.
  json coats = json::parse(server_->Client().Get("/api/v1/entries/5")->body)["entry"]["body"];
  EXPECT_EQ(coats["in_kind"], json({{"item", "Winter coats"},
                                    {"quantity", 40},
                                    {"unit", "件"},
                                    {"valuation_basis", "Invoice price"}}));
  EXPECT_EQ(coats["donor"]["public_name"], "Acme Ltd");
  EXPECT_FALSE(coats.contains("restriction"));
  // A count that is not an integer names its nested column.
  auto bad = PostBatch(
      rec_, "?type=disbursement",
      "grant,amount,paid_at,payment_ref,beneficiaries.households\ng-relief,10,2021-04-05,P-3,many\n");
  ASSERT_EQ(bad->status, 422) << bad->body;
  json p = json::parse(bad->body)["errors"][0];
  EXPECT_EQ(p["field"], "body.beneficiaries.households");
  EXPECT_EQ(p["rule"], "csv.integer");
  // The acts done one at a time are not imported.
  for (const char* type : {"fund.open", "org.profile", "books.close", "correction"}) {
    auto r = PostBatch(admin_, std::string("?type=") + type, "year\n2020\n");
    EXPECT_EQ(r->status, 400) << type;
    EXPECT_EQ(json::parse(r->body)["rule"], "batch.type") << type;
  }
}

TEST_F(BatchHttpTest, LedgerctlImportUrlUsesTheSameEndpoint) {
  const std::string token_file = dir_.path + "/clerk.token";
  {
    std::ofstream t(token_file);
    t << rec_ << "\n";
  }
  const std::string file = dir_.path + "/d.csv", receipts = dir_.path + "/receipts.csv";
  {
    std::ofstream f(file);
    f << Donations(30);
  }
  const uint64_t before = TreeSize();
  auto r = testing::Ledgerctl({"import", "--url", server_->url(), "--token-file", token_file, "--file", file,
                               "--type", "donation", "--receipts", receipts});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("imported 30 donation rows from " + file + " as clerk-1: entries " +
                       std::to_string(before) + ".." + std::to_string(before + 29)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(TreeSize(), before + 30);
  const std::string first = testing::ReadFile(receipts);
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 30);
  // Again: nothing more, the same receipt codes (the key is the file's hash).
  auto again = testing::Ledgerctl({"import", "--url", server_->url(), "--token-file", token_file, "--file",
                                   file, "--type", "donation", "--receipts", receipts});
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("was imported before"), std::string::npos) << again.out;
  EXPECT_EQ(testing::ReadFile(receipts), first);
  EXPECT_EQ(TreeSize(), before + 30);
  // A bad row: exit 3, named as the local import names it, nothing recorded.
  {
    std::ofstream f(file);
    f << Donations(4, 2, "abc");
  }
  auto bad = testing::Ledgerctl(
      {"import", "--url", server_->url(), "--token-file", token_file, "--file", file, "--type", "donation"});
  EXPECT_EQ(bad.code, 3) << bad.out;
  EXPECT_NE(bad.out.find("1 of 4 rows are bad; nothing was recorded"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("row 2 (line 3): column amount: \"abc\" is not an integer of fen [csv.integer]"),
            std::string::npos)
      << bad.out;
  EXPECT_EQ(bad.out.find(rec_), std::string::npos);
  EXPECT_EQ(TreeSize(), before + 30);
  // The --data mode refuses while ledgerd holds the store, and says why.
  auto local = testing::Ledgerctl(
      {"import", "--data", dir_.path, "--as", "clerk-1", "--file", file, "--type", "donation"});
  EXPECT_NE(local.code, 0);
  EXPECT_NE(local.out.find("--url"), std::string::npos) << local.out;
}

}  // namespace
}  // namespace ledger::api
