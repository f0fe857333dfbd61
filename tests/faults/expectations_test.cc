// The EXPECT rules on made-up observations: each passes on what it should
// accept and fails, with a telling detail, on what it should not.
#include "harness/faults/expectations.h"

#include <gtest/gtest.h>

namespace drdaplex::faults {
namespace {

Landing On(double opened, const std::string& odbm, const std::string& end = "run-end",
           std::optional<double> closed = std::nullopt) {
  Landing c;
  c.opened_s = opened;
  c.closed_s = closed;
  c.end = end;
  c.system = "SYS1";
  c.router = "HWS1";
  c.odbm = odbm;
  c.datastore = odbm == "ODBMB1" ? "IMS1" : "IMS3";
  return c;
}

Expectation NoNew(const std::string& target, double from, double until) {
  Expectation e;
  e.kind = ExpectKind::kNoNew;
  e.target = target;
  e.from_s = from;
  e.until_s = until;
  return e;
}

TEST(Expectations, NoNewFailsOnALandingInsideTheWindowOnly) {
  Observations seen;
  seen.connections = {On(1, "ODBMB2"), On(4, "ODBMB1"), On(8, "ODBMB2")};
  EXPECT_TRUE(Judge(NoNew("ODBMB2", 3, 7), seen).ok);
  seen.connections.push_back(On(5, "ODBMB2"));
  Verdict v = Judge(NoNew("ODBMB2", 3, 7), seen);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.detail, "1 of 2 new connections 3-7 s on ODBMB2 (first at 5.00 s)");
  EXPECT_EQ(v.statement, "NONEW=ODBMB2 FROM=3 UNTIL=7");
}

TEST(Expectations, TargetsMatchAnyLevelOfWhereAConnectionLanded) {
  Observations seen;
  seen.connections = {On(5, "ODBMB2")};
  EXPECT_FALSE(Judge(NoNew("IMS3", 3, 7), seen).ok);   // datastore
  EXPECT_FALSE(Judge(NoNew("HWS1", 3, 7), seen).ok);   // router
  EXPECT_FALSE(Judge(NoNew("SYS1", 3, 7), seen).ok);   // system
  EXPECT_TRUE(Judge(NoNew("IMS1", 3, 7), seen).ok);
}

TEST(Expectations, NewNeedsALandingAfterTheTime) {
  Expectation e;
  e.kind = ExpectKind::kNew;
  e.target = "ODBMB2";
  e.from_s = 7;
  Observations seen;
  seen.connections = {On(2, "ODBMB2"), On(8, "ODBMB1")};
  EXPECT_FALSE(Judge(e, seen).ok);
  seen.connections.push_back(On(7.5, "ODBMB2"));
  Verdict v = Judge(e, seen);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.detail, "1 of 2 new connections after 7 s on ODBMB2, the first 0.50 s after 7 s");
}

TEST(Expectations, ReconnectBoundsEveryOutageAndCountsTheUnrecovered) {
  Expectation e;
  e.kind = ExpectKind::kReconnect;
  e.seconds = 2;
  Observations seen;
  seen.run_end_s = 12;
  seen.outages = {{1, 3.0, 3.4, "08006"}, {2, 3.0, 4.9, "58009"}};
  EXPECT_TRUE(Judge(e, seen).ok);
  seen.outages.push_back({3, 3.0, 5.5, "08006"});
  EXPECT_FALSE(Judge(e, seen).ok);
  seen.outages.pop_back();
  seen.outages.push_back({4, 11.0, std::nullopt, "08001"});  // ends with the run: not counted
  EXPECT_TRUE(Judge(e, seen).ok);
  seen.outages.push_back({5, 6.0, std::nullopt, "08001"});
  Verdict v = Judge(e, seen);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.detail.find("1 never reconnected"), std::string::npos) << v.detail;
}

TEST(Expectations, UnmovedLooksAtConnectionsOpenAtTheTimeOnly) {
  Expectation e;
  e.kind = ExpectKind::kUnmoved;
  e.from_s = 7;
  Observations seen;
  seen.connections = {On(1, "ODBMB1"), On(2, "ODBMB2", "08006", 3.0),  // broke before 7
                      On(3, "ODBMB1", "per-transaction", 7.2), On(8, "ODBMB1", "58009", 9.0)};
  EXPECT_TRUE(Judge(e, seen).ok);
  seen.connections.push_back(On(4, "ODBMB1", "08006", 7.4));
  Verdict v = Judge(e, seen);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.detail, "1 of 3 connections open at 7 s broke afterwards (08006)");
}

TEST(Expectations, OutagesCountsWithinTheWindow) {
  Expectation e;
  e.kind = ExpectKind::kOutages;
  e.count = 0;
  Observations seen;
  EXPECT_TRUE(Judge(e, seen).ok);
  seen.outages = {{1, 3.0, 3.1, "08001"}};
  EXPECT_FALSE(Judge(e, seen).ok);
  e.from_s = 4;
  EXPECT_TRUE(Judge(e, seen).ok);
}

}  // namespace
}  // namespace drdaplex::faults
