#include "ledger/funds/donor.h"

#include <gtest/gtest.h>

#include "ledger/funds/entry_types.h"

namespace ledger::funds {
namespace {

using nlohmann::json;

const std::string kSecret = [] {
  std::string s;
  for (int i = 0; i < 16; ++i) s.push_back(static_cast<char>(i));
  return s;
}();

TEST(DonorTest, CommitmentKnownAnswer) {
  // python3: base64(sha256(b"charity-ledger/donor/v1\n" + bytes(range(16))))
  EXPECT_EQ(DonorCommitment(kSecret), "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg=");
}

TEST(DonorTest, ReceiptCodeRoundTrip) {
  std::string code = FormatReceiptCode(42, kSecret);
  EXPECT_EQ(code, "42-000102030405060708090a0b0c0d0e0f");
  auto rc = ParseReceiptCode(code);
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(rc->seq, 42u);
  EXPECT_EQ(rc->secret, kSecret);
  for (const char* bad : {"42-000102030405060708090A0B0C0D0E0F", "42000102030405060708090a0b0c0d0e0f",
                          "-000102030405060708090a0b0c0d0e0f", "042-000102030405060708090a0b0c0d0e0f",
                          "42-000102030405060708090a0b0c0d0e", "x-000102030405060708090a0b0c0d0e0f"}) {
    EXPECT_FALSE(ParseReceiptCode(bad).ok()) << bad;
  }
}

TEST(DonorTest, RequestMayOnlyCarryPublicName) {
  json req{{"fund", "f"}, {"amount", 1}};
  auto b = DonationRequestToBody(req, kSecret);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)["donor"], json({{"commitment", DonorCommitment(kSecret)}}));

  req["donor"] = {{"public_name", "陈先生"}};
  b = DonationRequestToBody(req, kSecret);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)["donor"]["public_name"], "陈先生");

  for (const char* field : {"name", "phone", "id_number", "commitment"}) {
    json r{{"fund", "f"}, {"donor", {{"public_name", "x"}, {field, "y"}}}};
    auto bad = DonationRequestToBody(r, kSecret);
    ASSERT_FALSE(bad.ok()) << field;
    EXPECT_EQ(bad.status().rule(), "donor.no_identity");
  }
  EXPECT_FALSE(DonationRequestToBody(json{{"donor", "陈先生"}}, kSecret).ok());
}

TEST(DonorTest, VerifyReceiptAgainstEntry) {
  json body{{"donor", {{"commitment", DonorCommitment(kSecret)}}}, {"fund", "f"}, {"amount", 1}};
  json entry{{"body", body}, {"seq", 7}, {"type", "donation"}, {"v", 1}};
  std::string bytes = entry.dump();
  EXPECT_TRUE(VerifyReceipt(FormatReceiptCode(7, kSecret), bytes).ok());

  std::string other = kSecret;
  other[0] = 1;
  EXPECT_EQ(VerifyReceipt(FormatReceiptCode(7, other), bytes).rule(), "receipt.matches");
  EXPECT_EQ(VerifyReceipt(FormatReceiptCode(8, kSecret), bytes).rule(), "receipt.matches");
  entry["type"] = "grant";
  EXPECT_EQ(VerifyReceipt(FormatReceiptCode(7, kSecret), entry.dump()).rule(), "receipt.matches");
}

TEST(RoleTest, EachRoleMayRecordOnlyItsTypes) {
  const Actor admin{Role::kAdmin, "a", ""}, rec{Role::kRecorder, "r", ""},
      grantee{Role::kGrantee, "g", "org"};
  for (EntryType t : {EntryType::kFundOpen, EntryType::kDonation, EntryType::kLotteryAllocation,
                      EntryType::kGrant, EntryType::kDisbursement, EntryType::kExpense,
                      EntryType::kAdminCost, EntryType::kCorrection}) {
    EXPECT_EQ(CheckRole(admin, t).ok(), t == EntryType::kFundOpen) << EntryTypeName(t);
    EXPECT_EQ(CheckRole(rec, t).ok(), t != EntryType::kFundOpen && t != EntryType::kExpense)
        << EntryTypeName(t);
    EXPECT_EQ(CheckRole(grantee, t).ok(), t == EntryType::kExpense) << EntryTypeName(t);
  }
  EXPECT_EQ(CheckRole(rec, EntryType::kExpense).code(), Code::kPermissionDenied);
  EXPECT_EQ(CheckRole(rec, EntryType::kExpense).rule(), "role.may_record");
  // A grantee token without an organisation may record nothing.
  EXPECT_FALSE(CheckRole(Actor{Role::kGrantee, "g", ""}, EntryType::kExpense).ok());
  EXPECT_EQ(ParseEntryType("donation.x").status().rule(), "entry.type_known");
}

}  // namespace
}  // namespace ledger::funds
