// The built-in routing rule on the seed plex with no exit installed, the
// registry's reports (join, change, leave) and the operators' stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "router/routing/routing_key.h"
#include "tests/routing/routing_fixture.h"

namespace drdaplex::router::routing_test {
namespace {

using Counts = std::map<std::string, int>;

// A copy: the snapshot itself may go away with the next table change.
ExitOdbmInfo SnapOdbm(const RoutingTable& table, const std::string& name) {
  const ExitOdbmInfo* odbm = table.Snapshot()->FindOdbm(name);
  if (odbm == nullptr) {
    ADD_FAILURE() << name << " is not in the snapshot";
    return {};
  }
  return *odbm;
}

const OdbmRow* FindOdbmRow(const PlexRows& rows, const std::string& name) {
  for (const OdbmRow& row : rows.odbms) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

TEST_F(RoutingTableTest, AliasOwnedByOneDatastoreAlwaysGoesThere) {
  for (int i = 0; i < 6; ++i) {
    RouteResult r = Route("IO1A");
    ASSERT_TRUE(r.ok) << r.message;
    EXPECT_EQ(r.target.odbm, "ODBMB1");
    EXPECT_EQ(r.target.datastore, "IMS1");
    EXPECT_EQ(r.target.address, "127.0.0.1:5001");
    EXPECT_EQ(r.target.alias, "IO1A");
  }
  EXPECT_EQ(Where("IO2A"), "ODBMB1/IMS2");
  EXPECT_EQ(Where("IO3A"), "ODBMB2/IMS3");
}

TEST_F(RoutingTableTest, SharedAliasAlternates) {
  std::vector<std::string> seen;
  for (int i = 0; i < 6; ++i) seen.push_back(Where("IM1A"));
  EXPECT_EQ(seen, (std::vector<std::string>{"ODBMB1/IMS1", "ODBMB1/IMS2", "ODBMB1/IMS1",
                                            "ODBMB1/IMS2", "ODBMB1/IMS1", "ODBMB1/IMS2"}));
}

TEST_F(RoutingTableTest, OtherAliasesDoNotDisturbTheRotation) {
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    seen.push_back(Where("IM1A"));
    Where("IO1A");
    Where("");
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"ODBMB1/IMS1", "ODBMB1/IMS2", "ODBMB1/IMS1", "ODBMB1/IMS2"}));
}

TEST_F(RoutingTableTest, DatastoreNameWorksAsItsOwnAlias) {
  EXPECT_EQ(Spread("IMS4", 3), (Counts{{"ODBMB2/IMS4", 3}}));
  // IMS3 is also an explicit alias of IMS3: one candidate, not two.
  RouteResult r = Route("IMS3");
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(Describe(r), "ODBMB2/IMS3");
  EXPECT_NE(r.log_reason.find("(1 of 1)"), std::string::npos) << r.log_reason;
  PlexRows rows = table_.Rows();
  EXPECT_EQ(std::count_if(rows.aliases.begin(), rows.aliases.end(),
                          [](const AliasRow& a) { return a.alias == "IMS3"; }),
            1);
  // IMS1 has no alias IMS1: it is reachable by its name too.
  EXPECT_EQ(Where("IMS1"), "ODBMB1/IMS1");
}

TEST_F(RoutingTableTest, BlankAliasSpreadsOverEveryDatastore) {
  std::set<std::string> first_four;
  for (int i = 0; i < 4; ++i) first_four.insert(Where(""));
  EXPECT_EQ(first_four,
            (std::set<std::string>{"ODBMB1/IMS1", "ODBMB1/IMS2", "ODBMB2/IMS3", "ODBMB2/IMS4"}));
  EXPECT_EQ(
      Spread("", 40),
      (Counts{{"ODBMB1/IMS1", 10}, {"ODBMB1/IMS2", 10}, {"ODBMB2/IMS3", 10}, {"ODBMB2/IMS4", 10}}));
  // Blanks are blank.
  EXPECT_EQ(Spread("    ", 4).size(), 4u);
  RouteResult r = Route("");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.target.alias, "");
}

TEST_F(RoutingTableTest, LowerCaseAndPsbForm) {
  EXPECT_EQ(Where("io1a"), "ODBMB1/IMS1");
  EXPECT_EQ(Where(" io2a  "), "ODBMB1/IMS2");
  RoutingKey key = ParseRoutingKey("PSB1.io3a");
  RouteRequest request = Req(key.alias);
  request.psb_name = key.psb_name;
  RouteResult r = table_.Route(request);
  EXPECT_EQ(Describe(r), "ODBMB2/IMS3");
  EXPECT_EQ(r.target.alias, "IO3A");
}

TEST_F(RoutingTableTest, UnknownAlias) {
  RouteResult r = Route("ZZZZ");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, RouteFailure::kUnknownAlias);
  EXPECT_NE(r.message.find("ZZZZ"), std::string::npos) << r.message;
  EXPECT_TRUE(r.target.odbm.empty());
}

TEST_F(RoutingTableTest, DepartedOdbmIsNeverChosenAndComesBack) {
  const uint64_t before = table_.generation();
  table_.MarkGone("ODBMB2", "heartbeat-timeout");
  EXPECT_GT(table_.generation(), before);

  RouteResult r = Route("IO3A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("IO3A"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("ODBMB2 is DISCONNECTED (heartbeat-timeout)"), std::string::npos)
      << r.message;
  EXPECT_EQ(Where("IMS4"), "!not-routable");  // still known: ODBMB2 stays listed
  EXPECT_EQ(Spread("", 10), (Counts{{"ODBMB1/IMS1", 5}, {"ODBMB1/IMS2", 5}}));

  PlexRows rows = table_.Rows();
  ASSERT_EQ(rows.odbms.size(), 2u);
  const OdbmRow* b2 = FindOdbmRow(rows, "ODBMB2");
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(b2->status, "DISCONNECTED");
  EXPECT_EQ(b2->reason, "heartbeat-timeout");
  EXPECT_EQ(SnapOdbm(table_, "ODBMB2").status, HWSR_ODBM_DISCONNECTED);

  table_.Upsert(SeedOdbmB2());
  EXPECT_EQ(Where("IO3A"), "ODBMB2/IMS3");
  EXPECT_EQ(Spread("", 4).size(), 4u);
  EXPECT_EQ(FindOdbmRow(table_.Rows(), "ODBMB2")->status, "ACTIVE");
}

TEST_F(RoutingTableTest, ReplaceAllKeepsMissingOdbmsListedAsDisconnected) {
  table_.ReplaceAll({SeedOdbmB1()});
  PlexRows rows = table_.Rows();
  ASSERT_EQ(rows.odbms.size(), 2u);
  EXPECT_EQ(FindOdbmRow(rows, "ODBMB1")->status, "ACTIVE");
  EXPECT_EQ(FindOdbmRow(rows, "ODBMB2")->status, "DISCONNECTED");
  EXPECT_EQ(Where("IO3A"), "!not-routable");
  table_.ReplaceAll(SeedPlex());
  EXPECT_EQ(Where("IO3A"), "ODBMB2/IMS3");
  // A changed description replaces the old one: IO3A moves to IMS4.
  OdbmDescription b2 = SeedOdbmB2();
  b2.datastores = {{"IMS3", true, {"IMS3"}}, {"IMS4", true, {"IO3A"}}};
  table_.Upsert(b2);
  EXPECT_EQ(Where("IO3A"), "ODBMB2/IMS4");
}

TEST_F(RoutingTableTest, MarkGoneOfUnknownOdbmChangesNothing) {
  const uint64_t before = table_.generation();
  table_.MarkGone("NOSUCH", "left");
  EXPECT_EQ(table_.generation(), before);
  EXPECT_EQ(table_.Rows().odbms.size(), 2u);
}

TEST_F(RoutingTableTest, InactiveDatastoreAndOdbmInTheDescription) {
  OdbmDescription b1 = SeedOdbmB1();
  b1.datastores[1].active = false;  // IMS2
  table_.Upsert(b1);
  EXPECT_EQ(Spread("IM1A", 4), (Counts{{"ODBMB1/IMS1", 4}}));
  RouteResult r = Route("IO2A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("datastore IMS2 of ODBMB1 is INACTIVE"), std::string::npos) << r.message;
  EXPECT_EQ(Spread("", 6), (Counts{{"ODBMB1/IMS1", 2}, {"ODBMB2/IMS3", 2}, {"ODBMB2/IMS4", 2}}));

  OdbmDescription b2 = SeedOdbmB2();
  b2.active = false;
  table_.Upsert(b2);
  EXPECT_EQ(Where("IO3A"), "!not-routable");
  EXPECT_EQ(SnapOdbm(table_, "ODBMB2").status, HWSR_ODBM_INACTIVE);
}

TEST_F(RoutingTableTest, DescriptionsAreNormalized) {
  table_.Upsert({"", "127.0.0.1:9", 100, true, {{"IMS9", true, {"IO9A"}}}});  // no name
  EXPECT_EQ(table_.Rows().odbms.size(), 2u);
  table_.Upsert(
      {" ODBMB3 ",
       "127.0.0.1:5003",
       100,
       true,
       {{"IMS5", true, {"io5a", "IO5A", " ", ""}}, {"ims5", true, {"XXXX"}}, {"", true, {}}}});
  PlexRows rows = table_.Rows();
  ASSERT_NE(FindOdbmRow(rows, "ODBMB3"), nullptr);
  EXPECT_EQ(FindOdbmRow(rows, "ODBMB3")->datastores, 1u);  // repeated and empty names dropped
  const ExitOdbmInfo b3 = SnapOdbm(table_, "ODBMB3");
  ASSERT_EQ(b3.aliases.size(), 1u);
  EXPECT_EQ(b3.aliases[0].name, "IO5A");
  EXPECT_EQ(Where("io5a"), "ODBMB3/IMS5");
  EXPECT_EQ(Where("XXXX"), "!unknown-alias");
  // Names compare case-insensitively; the registry's spelling is kept.
  table_.MarkGone("odbmb3", "left");
  EXPECT_EQ(Where("IO5A"), "!not-routable");
}

TEST_F(RoutingTableTest, StopRouteOfAnAlias) {
  EXPECT_EQ(table_.StopAliasRoute("IO1A"), 1u);
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("route stopped on ODBMB1"), std::string::npos) << r.message;
  EXPECT_EQ(Where("IO2A"), "ODBMB1/IMS2");
  EXPECT_EQ(Spread("IM1A", 2).size(), 2u);
  // The exit sees it too.
  const ExitOdbmInfo b1 = SnapOdbm(table_, "ODBMB1");
  for (const ExitAliasInfo& alias : b1.aliases) {
    EXPECT_EQ(alias.active_in_router, alias.name != "IO1A") << alias.name;
  }
  EXPECT_EQ(table_.StartAliasRoute("io1a"), 1u);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
}

TEST_F(RoutingTableTest, StopRouteInOneOdbmOnly) {
  OdbmDescription b2 = SeedOdbmB2();
  b2.datastores[0].aliases.push_back("IM1A");  // IM1A now also on ODBMB2's IMS3
  table_.Upsert(b2);
  EXPECT_EQ(Spread("IM1A", 6),
            (Counts{{"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}, {"ODBMB2/IMS3", 2}}));

  EXPECT_EQ(table_.StopAliasRoute("IM1A", {"ODBMB1"}), 1u);
  EXPECT_EQ(Spread("IM1A", 3), (Counts{{"ODBMB2/IMS3", 3}}));
  EXPECT_EQ(table_.StartAliasRoute("IM1A", {"ODBMB1"}), 1u);
  EXPECT_EQ(Spread("IM1A", 3).size(), 3u);

  // Stopped everywhere, then started in ODBMB2 only.
  EXPECT_EQ(table_.StopAliasRoute("IM1A"), 2u);
  EXPECT_EQ(Where("IM1A"), "!not-routable");
  EXPECT_EQ(table_.StartAliasRoute("IM1A", {"odbmb2"}), 1u);
  EXPECT_EQ(Spread("IM1A", 3), (Counts{{"ODBMB2/IMS3", 3}}));
  EXPECT_EQ(table_.StartAliasRoute("IM1A"), 2u);
  EXPECT_EQ(Spread("IM1A", 3).size(), 3u);
}

TEST_F(RoutingTableTest, StopForAnAliasNoOdbmHasYetIsRemembered) {
  EXPECT_EQ(table_.StopAliasRoute("IO5A"), 0u);
  PlexRows rows = table_.Rows();
  auto remembered = std::find_if(rows.aliases.begin(), rows.aliases.end(),
                                 [](const AliasRow& a) { return a.alias == "IO5A"; });
  ASSERT_NE(remembered, rows.aliases.end());
  EXPECT_EQ(remembered->odbm, "*");
  EXPECT_FALSE(remembered->in_odbm);
  EXPECT_FALSE(remembered->in_router);

  table_.Upsert({"ODBMB3", "127.0.0.1:5003", 100, true, {{"IMS5", true, {"IO5A"}}}});
  EXPECT_EQ(Where("IO5A"), "!not-routable");
  EXPECT_EQ(table_.StartAliasRoute("IO5A"), 1u);
  EXPECT_EQ(Where("IO5A"), "ODBMB3/IMS5");
}

TEST_F(RoutingTableTest, StopsSurviveLeavingAndRejoining) {
  table_.StopAliasRoute("IO3A");
  table_.StopOdbm("ODBMB1");
  table_.MarkGone("ODBMB2", "connection-closed");
  table_.ReplaceAll({});
  table_.ReplaceAll(SeedPlex());
  EXPECT_EQ(Where("IO3A"), "!not-routable");
  EXPECT_EQ(Where("IO1A"), "!not-routable");
  EXPECT_EQ(Where("IMS3"), "ODBMB2/IMS3");
}

TEST_F(RoutingTableTest, WildcardStops) {
  EXPECT_EQ(table_.StopAliasRoute("IO*"), 3u);  // IO1A, IO2A, IO3A
  EXPECT_EQ(Where("IO1A"), "!not-routable");
  EXPECT_EQ(Where("IO2A"), "!not-routable");
  EXPECT_EQ(Where("IO3A"), "!not-routable");
  EXPECT_EQ(Spread("IM1A", 2).size(), 2u);
  // A concrete START after a wildcard STOP undoes just that alias.
  EXPECT_EQ(table_.StartAliasRoute("IO1A"), 1u);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
  EXPECT_EQ(Where("IO2A"), "!not-routable");
  // Counts entries matched, not entries changed: IO1A matches again.
  EXPECT_EQ(table_.StartAliasRoute("io*"), 3u);
  EXPECT_EQ(Where("IO2A"), "ODBMB1/IMS2");

  // A wildcard that matches nothing changes nothing and is not remembered.
  const uint64_t before = table_.generation();
  EXPECT_EQ(table_.StopAliasRoute("ZZ*"), 0u);
  EXPECT_EQ(table_.generation(), before);
  table_.Upsert({"ODBMB3", "127.0.0.1:5003", 100, true, {{"IMS5", true, {"ZZ5A"}}}});
  EXPECT_EQ(Where("ZZ5A"), "ODBMB3/IMS5");
  // An ODBM list whose wildcard matches nothing does not widen to every ODBM.
  EXPECT_EQ(table_.StopAliasRoute("IO1A", {"NOPE*"}), 0u);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
  EXPECT_EQ(table_.StopAliasRoute("", {}), 0u);
}

TEST_F(RoutingTableTest, StopAndStartAnOdbm) {
  EXPECT_EQ(table_.StopOdbm("odbmb1"), 1u);
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("ODBMB1 is INACTIVE (stopped by operator)"), std::string::npos)
      << r.message;
  EXPECT_EQ(Where("IM1A"), "!not-routable");
  EXPECT_EQ(Spread("", 4), (Counts{{"ODBMB2/IMS3", 2}, {"ODBMB2/IMS4", 2}}));
  EXPECT_EQ(SnapOdbm(table_, "ODBMB1").status, HWSR_ODBM_INACTIVE);
  const PlexRows rows = table_.Rows();
  const OdbmRow* row = FindOdbmRow(rows, "ODBMB1");
  EXPECT_EQ(row->status, "INACTIVE");
  EXPECT_TRUE(row->stopped);

  EXPECT_EQ(table_.StartOdbm("ODBMB1"), 1u);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
  EXPECT_EQ(table_.StopOdbm("ODBM*"), 2u);
  EXPECT_EQ(Where(""), "!not-routable");
  EXPECT_EQ(table_.StartOdbm("*"), 2u);
  EXPECT_EQ(Where(""), "ODBMB1/IMS1");  // the blank cursor was not moved by failures
  // An ODBM not registered yet: remembered.
  EXPECT_EQ(table_.StopOdbm("ODBMB3"), 0u);
  table_.Upsert({"ODBMB3", "127.0.0.1:5003", 100, true, {{"IMS5", true, {"IO5A"}}}});
  EXPECT_EQ(Where("IO5A"), "!not-routable");
}

TEST_F(RoutingTableTest, StopAndStartADatastore) {
  EXPECT_EQ(table_.StopDatastore("ODBMB1", "ims1"), 1u);
  EXPECT_EQ(Spread("IM1A", 4), (Counts{{"ODBMB1/IMS2", 4}}));
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("IMS1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("stopped by operator"), std::string::npos) << r.message;
  EXPECT_EQ(Spread("", 3), (Counts{{"ODBMB1/IMS2", 1}, {"ODBMB2/IMS3", 1}, {"ODBMB2/IMS4", 1}}));
  EXPECT_EQ(table_.StartDatastore("ODBMB1", "IMS1"), 1u);
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");

  // No ODBM named: that datastore wherever it is.
  EXPECT_EQ(table_.StopDatastore("", "IMS4"), 1u);
  EXPECT_EQ(Where("IMS4"), "!not-routable");
  EXPECT_EQ(table_.StartDatastore("*", "IMS*"), 4u);
  EXPECT_EQ(Where("IMS4"), "ODBMB2/IMS4");
  // Without an ODBM, a datastore nobody has cannot be remembered...
  EXPECT_EQ(table_.StopDatastore("", "IMS5"), 0u);
  // ...with one, it is.
  EXPECT_EQ(table_.StopDatastore("ODBMB3", "IMS5"), 0u);
  table_.Upsert({"ODBMB3", "127.0.0.1:5003", 100, true, {{"IMS5", true, {"IO5A"}}}});
  EXPECT_EQ(Where("IO5A"), "!not-routable");
  EXPECT_EQ(table_.StartDatastore("ODBMB3", "IMS5"), 1u);
  EXPECT_EQ(Where("IO5A"), "ODBMB3/IMS5");
}

TEST_F(RoutingTableTest, ExcludedOdbmIsSkippedForThatRequestOnly) {
  RouteRequest request = Req("IM1A");
  request.exclude = {"odbmb1"};
  RouteResult r = table_.Route(request);
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("UNREACHABLE"), std::string::npos) << r.message;

  OdbmDescription b2 = SeedOdbmB2();
  b2.datastores[0].aliases.push_back("IM1A");
  table_.Upsert(b2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Describe(table_.Route(request)), "ODBMB2/IMS3");

  RouteRequest blank = Req("");
  blank.exclude = {"ODBMB2"};
  std::set<std::string> seen;
  for (int i = 0; i < 4; ++i) seen.insert(Describe(table_.Route(blank)));
  EXPECT_EQ(seen, (std::set<std::string>{"ODBMB1/IMS1", "ODBMB1/IMS2"}));
  // Nothing sticks: the next request without exclusions may go anywhere.
  EXPECT_EQ(Spread("", 4).size(), 4u);
  EXPECT_EQ(SnapOdbm(table_, "ODBMB1").status, HWSR_ODBM_ACTIVE);
}

}  // namespace
}  // namespace drdaplex::router::routing_test
