// Checkpoint bodies, tile paths, entry bundles, the entry envelope, base64.
#include <gtest/gtest.h>

#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {
namespace {

TEST(Base64, RoundTripAndStrictness) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto d = crypto::Base64Decode(crypto::Base64Encode(s));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(crypto::Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(crypto::Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(crypto::Base64Decode("Zm8").has_value());     // no padding
  EXPECT_FALSE(crypto::Base64Decode("Zm9=").has_value());    // non-zero trailing bits
  EXPECT_FALSE(crypto::Base64Decode("Zm 8=").has_value());
  EXPECT_FALSE(crypto::Base64Decode("Zm-_").has_value());    // URL alphabet
}

TEST(Checkpoint, FormatAndParse) {
  CheckpointBody c{"example.com/log", 20852163, HashLeaf("x"), {}};
  std::string text = FormatCheckpointBody(c);
  EXPECT_EQ(text, "example.com/log\n20852163\n" + crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n");
  auto back = ParseCheckpointBody(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->origin, c.origin);
  EXPECT_EQ(back->size, c.size);
  EXPECT_EQ(back->root, c.root);
  EXPECT_TRUE(ParseCheckpointBody(text + "ext line\n").ok());
  EXPECT_FALSE(ParseCheckpointBody("o\n012\n" + crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n").ok());
  EXPECT_FALSE(ParseCheckpointBody("o\n-1\n" + crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n").ok());
  EXPECT_FALSE(ParseCheckpointBody("o\n12\nAAAA\n").ok());
  EXPECT_FALSE(ParseCheckpointBody("o\n12\n").ok());
  EXPECT_FALSE(ParseCheckpointBody("o\n99999999999999999999\n" + crypto::Base64Encode(crypto::AsBytes(c.root)) + "\n").ok());
}

TEST(TilePath, SpecExamples) {
  EXPECT_EQ(FormatTilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(FormatTilePath({false, 1, 0, 7}), "tile/1/000.p/7");
  EXPECT_EQ(FormatTilePath({true, 0, 5, 256}), "tile/entries/005");
  auto t = ParseTilePath("tile/0/x001/x234/067");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->index, 1234067u);
  EXPECT_EQ(t->width, 256);
  t = ParseTilePath("tile/entries/x001/000.p/255");
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->entries);
  EXPECT_EQ(t->index, 1000u);
  EXPECT_EQ(t->width, 255);
  for (uint64_t i : {0ull, 1ull, 999ull, 1000ull, 123456789ull, 18446744073709551615ull / 256}) {
    for (int w : {1, 100, 256}) {
      TilePath p{false, 2, i, w};
      auto back = ParseTilePath(FormatTilePath(p));
      ASSERT_TRUE(back.ok()) << FormatTilePath(p);
      EXPECT_EQ(back->index, i);
      EXPECT_EQ(back->width, w);
    }
  }
}

TEST(TilePath, RejectsMalformed) {
  for (const char* bad :
       {"tile/0/1", "tile/0/0001", "tile/0/x000/001", "tile/0/001/002", "tile/00/001", "tile/64/001", "tile/08/001",
        "tile/0/001.p/0", "tile/0/001.p/256", "tile/0/001.p/007", "tile/0/001.p/", "tile/0/x01/001",
        "tile/entries/../001", "tile/0/001/", "tile//001", "tiles/0/001", "tile/0/abc",
        "tile/0/x001/x002/x003/x004/x005/x006/x007/008", "tile/-1/001", "tile/0/001.p/7/x"}) {
    EXPECT_FALSE(ParseTilePath(bad).ok()) << bad;
  }
}

TEST(EntryBundle, RoundTrip) {
  std::string bundle;
  std::vector<std::string> entries = {"", "a", std::string(300, 'x'), std::string(65535, 'y')};
  for (const auto& e : entries) AppendToBundle(e, &bundle);
  auto back = SplitBundle(bundle);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, entries);
  EXPECT_FALSE(SplitBundle(bundle.substr(0, bundle.size() - 1)).ok());
  EXPECT_FALSE(SplitBundle("\x01").ok());
}

TEST(Entry, CanonicalEnvelopeAndParse) {
  EntryFields f{7, HashLeaf("prev"), "2026-11-29T06:50:51Z", "donation", "recorder-1",
                R"({"amount":100,"prev":"x","seq":9})"};
  auto bytes = FormatEntry(f);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, R"({"body":{"amount":100,"prev":"x","seq":9},"by":"recorder-1","prev":")" +
                        crypto::Base64Encode(crypto::AsBytes(f.prev)) +
                        R"(","seq":7,"time":"2026-11-29T06:50:51Z","type":"donation","v":1})");
  auto back = ParseEntry(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seq, 7u);
  EXPECT_EQ(back->prev, f.prev);
  EXPECT_EQ(back->type, "donation");
  EXPECT_EQ(back->by, "recorder-1");
  EXPECT_EQ(back->time, f.time);
  EXPECT_EQ(back->body, f.body);
}

// Found by tests/fuzz/fuzz_entry.cc: an envelope whose string fields are not
// closed by their quotes, or whose time has another shape, is not one
// FormatEntry writes and must not parse.
TEST(Entry, RejectsNonCanonicalEnvelopes) {
  EntryFields f{1, HashLeaf("p"), "2026-11-29T06:50:51Z", "t.n", "r", R"({"n":3})"};
  const std::string good = *FormatEntry(f);
  ASSERT_TRUE(ParseEntry(good).ok());
  auto mutate = [&](const std::string& marker, int delta, char c) {
    std::string bad = good;
    bad[bad.find(marker) + delta] = c;
    return bad;
  };
  EXPECT_FALSE(ParseEntry(mutate(",\"seq\":", -1, 'x')).ok());   // prev not closed
  EXPECT_FALSE(ParseEntry(mutate(",\"prev\":", -1, 'x')).ok());  // by not closed
  EXPECT_FALSE(ParseEntry(mutate(",\"type\":", -1, 'x')).ok());  // time not closed
  EXPECT_FALSE(ParseEntry(mutate("T06:", 0, ' ')).ok());          // time shape
  std::string short_time = good;
  short_time.replace(short_time.find("2026-11-29"), 10, "2026-1-29");
  EXPECT_FALSE(ParseEntry(short_time).ok());
}

TEST(Entry, Limits) {
  EntryFields f{0, {}, "2026-11-29T06:50:51Z", "Bad", "r", "{}"};
  EXPECT_FALSE(FormatEntry(f).ok());
  f.type = "fund.open";
  f.by = "has space";
  EXPECT_FALSE(FormatEntry(f).ok());
  f.by = "r";
  f.body = "{\"x\":\"" + std::string(65535, 'a') + "\"}";
  auto r = FormatEntry(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(IsValidEntryType("lottery.allocation"));
  EXPECT_TRUE(IsValidEntryType("admin_cost"));
  EXPECT_FALSE(IsValidEntryType(".x"));
  EXPECT_FALSE(IsValidEntryType("a-b"));
  EXPECT_FALSE(IsValidEntryType(""));
}

}  // namespace
}  // namespace ledger::tlog
