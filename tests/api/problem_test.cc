// The one place a Status becomes an HTTP answer (api/problem.cc): the codes
// a full disk and a write of unknown outcome bring (issue 16, section 6).
#include "api/problem.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ledger::api {
namespace {

using nlohmann::json;

TEST(ProblemTest, AWriteOfUnknownOutcomeHasItsOwnTypeAndNoRetryAfter) {
  httplib::Response res;
  WriteProblem(res, Status(Code::kOutcomeUnknown, "the outcome is unknown: ..."));
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/problem+json");
  EXPECT_FALSE(res.has_header("Retry-After")) << "a blind retry could record the entry twice";
  json j = json::parse(res.body);
  EXPECT_EQ(j["type"], "urn:charity-ledger:problem:outcome-unknown");
  EXPECT_EQ(j["title"], "Outcome unknown");
  EXPECT_EQ(j["status"], 500);
  EXPECT_EQ(j["detail"], "the outcome is unknown: ...");
}

TEST(ProblemTest, LowDiskIs507WithoutRetryAfterAndWritesStoppedIs503WithIt) {
  httplib::Response low;
  WriteProblem(low, Status(Code::kInsufficientStorage, "only 1.0 MiB is free"));
  EXPECT_EQ(low.status, 507);
  EXPECT_FALSE(low.has_header("Retry-After"));
  EXPECT_EQ(json::parse(low.body)["title"], "Insufficient Storage");
  EXPECT_EQ(json::parse(low.body)["type"], "about:blank");

  httplib::Response stopped;
  WriteProblem(stopped, Status(Code::kUnavailable, "writes stopped: ..."));
  EXPECT_EQ(stopped.status, 503);
  EXPECT_EQ(stopped.get_header_value("Retry-After"), "1");

  httplib::Response plain;
  WriteProblem(plain, IOError("reading entry 3: ..."));
  EXPECT_EQ(plain.status, 500);
  EXPECT_EQ(json::parse(plain.body)["type"], "about:blank");
}

}  // namespace
}  // namespace ledger::api
