// C2SP tlog-policy files: the spec's own example, every rule of the syntax,
// and quorums evaluated on real cosigned checkpoints.
#include "ledger/tlog/policy.h"

#include <gtest/gtest.h>

#include "ledger/crypto/base64.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {
namespace {

std::shared_ptr<const crypto::Signer> NewKey() {
  auto k = crypto::Ed25519PrivateKey::Generate();
  return std::shared_ptr<const crypto::Signer>(std::move(*k));
}

constexpr char kOrigin[] = "example.org/ledger";

class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_key_ = NewKey();
    log_signer_ = NewEd25519NoteSigner(kOrigin, log_key_);
    log_vkey_ = FormatVerifierKey(kOrigin, log_key_->PublicKey());
    for (const char* n : {"X1", "X2", "X3", "Y1", "Y2", "Y3"}) {
      witnesses_.push_back(std::make_unique<CosignatureSigner>(std::string("w.example/") + n, NewKey()));
    }
  }
  std::string W(size_t i) const { return witnesses_[i]->vkey(); }
  // The spec's example: 2 of X1..X3 and any of Y1..Y3.
  std::string Example() const {
    return "log " + log_vkey_ + "\n\n" +                                                    //
           "witness X1 " + W(0) + "\nwitness X2 " + W(1) + "\nwitness X3 " + W(2) + "\n" +  //
           "group X-witnesses 2 X1 X2 X3\n\n" +                                             //
           "witness Y1 " + W(3) + "\nwitness Y2 " + W(4) + "\nwitness Y3 " + W(5) + "\n" +  //
           "group Y-witnesses any Y1 Y2 Y3\n\n" +                                           //
           "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n";
  }
  std::string Checkpoint(uint64_t size, const std::vector<size_t>& cosigners) const {
    std::string text = FormatCheckpointBody(CheckpointBody{kOrigin, size, HashLeaf("x"), {}});
    std::string note = *SignNote(text, {log_signer_.get()});
    for (size_t i : cosigners) note += *CosignatureLine(*witnesses_[i], text, 1700000000);
    return note;
  }

  std::shared_ptr<const crypto::Signer> log_key_;
  std::unique_ptr<NoteSigner> log_signer_;
  std::string log_vkey_;
  std::vector<std::unique_ptr<CosignatureSigner>> witnesses_;
};

TEST_F(PolicyTest, TheSpecsExampleWithTwoLevelsOfGroups) {
  auto p = Policy::Parse(Example());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->logs().size(), 1u);
  EXPECT_EQ(p->witnesses().size(), 6u);
  EXPECT_TRUE(p->ListsLog(log_vkey_));
  EXPECT_EQ(p->MinCosignatures(), 3u);
  EXPECT_FALSE(p->FlatThreshold().has_value());

  auto v = p->Verify(Checkpoint(10, {0, 2, 4}));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->quorum_met) << v->why;
  EXPECT_EQ(v->checkpoint.size, 10u);
  EXPECT_EQ(v->cosigned, (std::vector<bool>{true, false, true, false, true, false}));

  // Two X witnesses but no Y: the Y group is named as short.
  v = p->Verify(Checkpoint(10, {0, 1}));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->quorum_met);
  EXPECT_NE(v->why.find("group X-and-Y has 1 of the 2 it needs (missing: Y-witnesses)"), std::string::npos)
      << v->why;
  EXPECT_NE(v->why.find("group Y-witnesses has 0 of the 1 it needs (missing: Y1, Y2, Y3)"), std::string::npos)
      << v->why;
  EXPECT_EQ(v->why.find("group X-witnesses"), std::string::npos) << v->why;
  // One X witness and all of Y: the X group is short.
  v = p->Verify(Checkpoint(10, {1, 3, 4, 5}));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->quorum_met);
  EXPECT_NE(v->why.find("group X-witnesses has 1 of the 2"), std::string::npos) << v->why;
}

TEST_F(PolicyTest, VerifyChecksTheLogAndEveryKnownCosignature) {
  auto p = Policy::Parse(Example());
  ASSERT_TRUE(p.ok());
  // Signed by another key under the same origin: no listed log signed it.
  auto other = NewEd25519NoteSigner(kOrigin, NewKey());
  std::string text = FormatCheckpointBody(CheckpointBody{kOrigin, 3, HashLeaf("x"), {}});
  EXPECT_FALSE(p->Verify(*SignNote(text, {other.get()})).ok());
  // Another origin is not a log the policy lists.
  auto elsewhere = NewEd25519NoteSigner("elsewhere.example", log_key_);
  std::string text2 = FormatCheckpointBody(CheckpointBody{"elsewhere.example", 3, HashLeaf("x"), {}});
  auto r = p->Verify(*SignNote(text2, {elsewhere.get()}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no log with origin elsewhere.example"), std::string::npos);
  // A listed witness's line that does not verify fails the checkpoint.
  std::string bad = Checkpoint(10, {0, 3});
  bad.replace(bad.find("\n10\n"), 4, "\n11\n");
  EXPECT_FALSE(p->Verify(bad).ok());
  // A repeated line counts once; a line by a stranger or of another type is ignored.
  std::string note = Checkpoint(10, {0, 0, 3});
  CosignatureSigner stranger("w.example/X1", NewKey());
  note += *CosignatureLine(stranger, ParseNote(note)->text, 1);
  note += "\xe2\x80\x94 w.example/X2 " + crypto::Base64Encode(std::string(4 + 2420, 'q')) + "\n";
  auto v = p->Verify(note);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->cosigned, (std::vector<bool>{true, false, false, true, false, false}));
  EXPECT_FALSE(v->quorum_met);
}

TEST_F(PolicyTest, QuorumNoneAndSingleWitness) {
  auto none = Policy::Parse("log " + log_vkey_ + "\nquorum none\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->quorum_none());
  EXPECT_TRUE(none->Verify(Checkpoint(1, {}))->quorum_met);
  EXPECT_EQ(none->FlatThreshold(), 0u);
  auto one = Policy::Parse("log " + log_vkey_ + "\nwitness a " + W(0) + " https://w.example/a\nquorum a\n");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->witnesses()[0].url, "https://w.example/a");
  EXPECT_FALSE(one->Verify(Checkpoint(1, {1}))->quorum_met);
  EXPECT_NE(one->Verify(Checkpoint(1, {}))->why.find("witness a did not cosign"), std::string::npos);
  EXPECT_TRUE(one->Verify(Checkpoint(1, {0}))->quorum_met);
  EXPECT_EQ(one->FlatThreshold(), 1u);
}

TEST_F(PolicyTest, WhitespaceCommentsAndNamesAreAsTheSpecSays) {
  const std::string text = "  # a comment\n\t log\t" + log_vkey_ + "  https://l.example/  \n" + "witness K " +
                           W(0) + "\nwitness \xe2\x84\xaa " + W(1) + "\n" +
                           "group g all K \xe2\x84\xaa\nquorum g";  // no final newline
  auto p = Policy::Parse(text);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->logs()[0].url, "https://l.example/");
  EXPECT_EQ(p->witnesses()[1].name, "\xe2\x84\xaa");  // the Kelvin sign is not "K"
  EXPECT_EQ(p->FlatThreshold(), 2u);
}

TEST_F(PolicyTest, EveryMalformedPolicyIsRefusedNamingTheLine) {
  const std::string log = "log " + log_vkey_ + "\n";
  struct Case {
    std::string text, says;
  };
  for (const Case& c : std::vector<Case>{
           {log, "no quorum line"},
           {log + "quorum none\nquorum none\n", "line 3: a policy has exactly one quorum line"},
           {log + "quorum w\n", "line 2: the quorum names w"},
           {log + "witness a " + W(0) + "\nwitness a " + W(1) + "\nquorum a\n",
            "line 3: the name a is already defined"},
           {log + "witness none " + W(0) + "\nquorum none\n", "line 2: the name none"},
           {log + "witness a " + W(0) + "\nwitness b " + W(0) + "\nquorum a\n",
            "line 3: witness b has the key"},
           {log + "log " + log_vkey_ + "\nquorum none\n", "line 2: the same log key is listed twice"},
           {log + "witness a " + W(0) + "\ngroup g 2 a\nquorum g\n", "line 3: group g: the threshold"},
           {log + "witness a " + W(0) + "\ngroup g 0 a\nquorum g\n", "the threshold"},
           {log + "witness a " + W(0) + "\ngroup g 01 a\nquorum g\n", "the threshold"},
           {log + "witness a " + W(0) + "\ngroup g any b\nquorum g\n", "line 3: group g names b"},
           {log + "witness a " + W(0) + "\ngroup g any a a\nquorum g\n", "line 3: a is already a member"},
           {log + "witness a " + W(0) + "\ngroup g any a\ngroup h any a\nquorum h\n",
            "line 4: a is already a member"},
           {log + "witness a " + W(0) + "\ngroup g any none\nquorum g\n", "none cannot be a group member"},
           {log + "witness a " + W(0) + "\ngroup g any\nquorum g\n", "line 3: expected"},
           {log + "witness a " + log_vkey_ + "\nquorum a\n", "line 2: witness a:"},  // a 0x01 key
           {"log " + W(0) + "\nquorum none\n", "line 1: log key"},                   // a 0x04 key
           {log + "witnes a " + W(0) + "\nquorum none\n", "line 2: unknown keyword"},
           {log + "quorum none\r\n", "line 2: character 0x0d"},
           {log + "# rub\x7fout\nquorum none\n", "line 2: character 0x7f"},
           {log + "witness a " + W(0) + " url extra\nquorum a\n", "line 2: expected"},
       }) {
    auto p = Policy::Parse(c.text);
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.says), std::string::npos)
        << "wanted '" << c.says << "' in: " << p.status().message();
  }
}

TEST_F(PolicyTest, TheFlagShorthandIsAPolicyToo) {
  auto p = Policy::FromFlags(log_vkey_, {{W(0), "http://127.0.0.1:1"}, {W(1), ""}, {W(2), ""}}, 2);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->FlatThreshold(), 2u);
  EXPECT_EQ(p->witnesses()[0].url, "http://127.0.0.1:1");
  EXPECT_TRUE(p->Verify(Checkpoint(4, {0, 2}))->quorum_met);
  EXPECT_FALSE(p->Verify(Checkpoint(4, {1}))->quorum_met);
  // What it writes parses to the same policy.
  auto again = Policy::Parse(p->text());
  ASSERT_TRUE(again.ok()) << p->text();
  EXPECT_EQ(again->text(), p->text());
  EXPECT_FALSE(Policy::FromFlags(log_vkey_, {{W(0), ""}}, 2).ok());
  EXPECT_TRUE(Policy::FromFlags(log_vkey_, {}, 0)->quorum_none());
}

}  // namespace
}  // namespace ledger::tlog
