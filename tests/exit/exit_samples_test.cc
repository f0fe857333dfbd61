// Behaviour of the sample exits in router/exits/ on the seed plex, loaded
// as modules through the same path the router uses.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include "tests/exit/seed_plex.h"

namespace drdaplex::router {
namespace {

using namespace std::chrono_literals;
using testing::MustLoad;
using testing::Req;
using testing::SeedPlex;
using testing::Snap;

// Sample exits run inline here; the deadline path is covered elsewhere.
std::unique_ptr<RoutingExit> Exit(const char* path, const std::string& config = "") {
  auto module = MustLoad(path, config);
  if (!module) return nullptr;
  return std::make_unique<RoutingExit>(module, RoutingExitOptions{.deadline = 0ms});
}

ExitDecision MustRoute(RoutingExit& exit, const ExitRequest& request,
                       const std::shared_ptr<const ExitSnapshot>& snap) {
  ExitResult r = exit.Route(request, snap);
  EXPECT_TRUE(r.ok()) << r.reason;
  return r.decision;
}

TEST(DefaultExitTest, PassThroughByDefault) {
  auto exit = Exit(HWSR_DEFAULT_EXIT_PATH);
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(MustRoute(*exit, Req("IO3A"), Snap(SeedPlex())).action, HWSR_ROUTE_DEFAULT);
}

TEST(DefaultExitTest, RuleModeAppliesTheBuiltInRule) {
  auto exit = Exit(HWSR_DEFAULT_EXIT_PATH, "mode=rule");
  ASSERT_NE(exit, nullptr);
  auto snap = Snap(SeedPlex());
  // One owner: always there.
  for (int i = 0; i < 4; ++i) {
    ExitDecision d = MustRoute(*exit, Req("IM1A"), snap);
    EXPECT_EQ(d.action, HWSR_ROUTE_ODBM);
    EXPECT_EQ(d.odbm, "ODBMB1");
    EXPECT_EQ(MustRoute(*exit, Req("IO3A"), snap).odbm, "ODBMB2");
  }
  // A datastore name with no alias is its own alias.
  EXPECT_EQ(MustRoute(*exit, Req("IMS4"), snap).odbm, "ODBMB2");
  // Trailing blanks do not count.
  EXPECT_EQ(MustRoute(*exit, Req("IO1A    "), snap).odbm, "ODBMB1");
  // Blank alias: round-robin across every ODBM.
  std::map<std::string, int> seen;
  for (int i = 0; i < 10; ++i) seen[MustRoute(*exit, Req(""), snap).odbm]++;
  EXPECT_EQ(seen["ODBMB1"], 5);
  EXPECT_EQ(seen["ODBMB2"], 5);
  // Unknown alias: refused.
  EXPECT_EQ(MustRoute(*exit, Req("ZZZZ"), snap).action, HWSR_REJECT);
}

TEST(DefaultExitTest, RuleModeSharedAliasAndInactiveParts) {
  auto exit = Exit(HWSR_DEFAULT_EXIT_PATH, "mode=rule");
  ASSERT_NE(exit, nullptr);
  auto plex = SeedPlex();
  plex[1].aliases.push_back({"IM1A", "IMS3"});  // IM1A now shared by both ODBMs
  auto shared = Snap(plex);
  std::set<std::string> seen;
  for (int i = 0; i < 4; ++i) seen.insert(MustRoute(*exit, Req("IM1A"), shared).odbm);
  EXPECT_EQ(seen, (std::set<std::string>{"ODBMB1", "ODBMB2"}));

  // An alias stopped in the router or in the ODBM is not routable.
  plex = SeedPlex();
  plex[0].aliases[1].active_in_router = false;  // IO1A
  plex[1].aliases[0].active_in_odbm = false;    // IO3A
  auto stopped = Snap(plex);
  EXPECT_EQ(MustRoute(*exit, Req("IO1A"), stopped).action, HWSR_REJECT);
  EXPECT_EQ(MustRoute(*exit, Req("IO3A"), stopped).action, HWSR_REJECT);

  // Never an inactive ODBM, even for the blank alias.
  plex = SeedPlex();
  plex[1].status = HWSR_ODBM_UNREACHABLE;
  auto one_down = Snap(plex);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(MustRoute(*exit, Req(""), one_down).odbm, "ODBMB1");
  EXPECT_EQ(MustRoute(*exit, Req("IMS4"), one_down).action, HWSR_REJECT);
}

TEST(AffinityExitTest, SameUserSameOdbmWhileActive) {
  auto exit = Exit(HWSR_AFFINITY_EXIT_PATH);
  ASSERT_NE(exit, nullptr);
  auto snap = Snap(SeedPlex());
  std::map<std::string, std::string> home;
  std::set<std::string> used;
  for (int u = 0; u < 40; ++u) {
    std::string user = "USER" + std::to_string(u);
    std::string first = MustRoute(*exit, Req("", user), snap).odbm;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(MustRoute(*exit, Req("", user), snap).odbm, first);
    home[user] = first;
    used.insert(first);
  }
  EXPECT_EQ(used.size(), 2u);  // users spread over both ODBMs

  // Take ODBMB1 down: its users move, ODBMB2's users stay; back up, they return.
  auto plex = SeedPlex();
  plex[0].status = HWSR_ODBM_DISCONNECTED;
  auto down = Snap(plex);
  for (const auto& [user, odbm] : home) {
    EXPECT_EQ(MustRoute(*exit, Req("", user), down).odbm, "ODBMB2");
    EXPECT_EQ(MustRoute(*exit, Req("", user), snap).odbm, odbm);
  }
}

TEST(AffinityExitTest, OnlyOdbmsServingTheAlias) {
  auto exit = Exit(HWSR_AFFINITY_EXIT_PATH);
  ASSERT_NE(exit, nullptr);
  auto snap = Snap(SeedPlex());
  for (int u = 0; u < 20; ++u) {
    EXPECT_EQ(MustRoute(*exit, Req("IO3A", "U" + std::to_string(u)), snap).odbm, "ODBMB2");
  }
  // No user id or nobody serving the alias: leave it to the router.
  EXPECT_EQ(MustRoute(*exit, Req("IM1A", ""), snap).action, HWSR_ROUTE_DEFAULT);
  EXPECT_EQ(MustRoute(*exit, Req("ZZZZ"), snap).action, HWSR_ROUTE_DEFAULT);
}

std::map<std::string, int> Spread(RoutingExit& exit, const std::shared_ptr<const ExitSnapshot>& snap,
                                  int calls) {
  std::map<std::string, int> seen;
  for (int i = 0; i < calls; ++i) seen[MustRoute(exit, Req(""), snap).odbm]++;
  return seen;
}

TEST(WeightedExitTest, SpreadFollowsHealthAndSeedIsDeterministic) {
  auto plex = SeedPlex();
  plex[0].health = 75;
  plex[1].health = 25;
  auto snap = Snap(plex);
  auto a = Exit(HWSR_WEIGHTED_EXIT_PATH, "seed=42");
  auto b = Exit(HWSR_WEIGHTED_EXIT_PATH, "seed=42");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::map<std::string, int> seen = Spread(*a, snap, 4000);
  EXPECT_GT(seen["ODBMB1"], 2900);  // expected 3000
  EXPECT_LT(seen["ODBMB1"], 3100);
  EXPECT_EQ(seen["ODBMB1"] + seen["ODBMB2"], 4000);
  EXPECT_EQ(Spread(*b, snap, 4000), seen);  // same seed, same picks
}

TEST(WeightedExitTest, ZeroHealthAndNonServingOdbmsGetNothing) {
  auto plex = SeedPlex();
  plex[1].health = 0;
  auto exit = Exit(HWSR_WEIGHTED_EXIT_PATH, "seed=7");
  ASSERT_NE(exit, nullptr);
  auto snap = Snap(plex);
  EXPECT_EQ(Spread(*exit, snap, 200), (std::map<std::string, int>{{"ODBMB1", 200}}));
  // IO3A is served only by ODBMB2, whose health is 0: router's rule decides.
  EXPECT_EQ(MustRoute(*exit, Req("IO3A"), snap).action, HWSR_ROUTE_DEFAULT);
}

TEST(DenylistExitTest, RejectsDeniedUsers) {
  auto exit = Exit(HWSR_DENYLIST_EXIT_PATH, "deny=BADUSER,INTRUDER");
  ASSERT_NE(exit, nullptr);
  auto snap = Snap(SeedPlex());
  ExitDecision d = MustRoute(*exit, Req("IM1A", "INTRUDER"), snap);
  EXPECT_EQ(d.action, HWSR_REJECT);
  EXPECT_NE(d.message.find("INTRUDER"), std::string::npos) << d.message;
  EXPECT_EQ(MustRoute(*exit, Req("IM1A", "BADUSER "), snap).action, HWSR_REJECT);
  EXPECT_EQ(MustRoute(*exit, Req("IM1A", "BADUSE"), snap).action, HWSR_ROUTE_DEFAULT);
  EXPECT_EQ(MustRoute(*exit, Req("IM1A", "GOODUSER"), snap).action, HWSR_ROUTE_DEFAULT);
}

TEST(DenylistExitTest, MaintenanceWindowClosesOneAlias) {
  auto snap = Snap(SeedPlex());
  auto in = Exit(HWSR_DENYLIST_EXIT_PATH, "maintenance=IM1A; window=02:00-04:00; clock=03:10");
  ASSERT_NE(in, nullptr);
  ExitDecision d = MustRoute(*in, Req("IM1A"), snap);
  EXPECT_EQ(d.action, HWSR_REJECT);
  EXPECT_NE(d.message.find("IM1A is in maintenance 02:00-04:00"), std::string::npos) << d.message;
  EXPECT_EQ(MustRoute(*in, Req("IO1A"), snap).action, HWSR_ROUTE_DEFAULT);

  auto after = Exit(HWSR_DENYLIST_EXIT_PATH, "maintenance=IM1A;window=02:00-04:00;clock=04:00");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(MustRoute(*after, Req("IM1A"), snap).action, HWSR_ROUTE_DEFAULT);

  auto wrap = Exit(HWSR_DENYLIST_EXIT_PATH, "maintenance=IM1A;window=22:00-02:00;clock=01:59");
  ASSERT_NE(wrap, nullptr);
  EXPECT_EQ(MustRoute(*wrap, Req("IM1A"), snap).action, HWSR_REJECT);
}

TEST(DenylistExitTest, BadConfigFailsInit) {
  std::string error;
  EXPECT_EQ(ExitModule::Load({HWSR_DENYLIST_EXIT_PATH, "maintenance=IM1A", "HWS1"}, &error),
            nullptr);
  EXPECT_NE(error.find("maintenance needs window"), std::string::npos) << error;
  EXPECT_EQ(ExitModule::Load({HWSR_DENYLIST_EXIT_PATH, "window=2:00-4:00", "HWS1"}, &error),
            nullptr);
  EXPECT_NE(error.find("HH:MM-HH:MM"), std::string::npos) << error;
}

}  // namespace
}  // namespace drdaplex::router
