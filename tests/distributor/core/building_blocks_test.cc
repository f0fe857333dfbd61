// The decision core's building blocks on their own: method names and input
// checks, smooth weighted round-robin, the SHAREPORT hash, the TSR meter
// and the HOTSTANDBY selector.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "distributor/core/dist_types.h"
#include "distributor/core/hot_standby.h"
#include "distributor/core/shareport_hash.h"
#include "distributor/core/smooth_wrr.h"
#include "distributor/core/tsr_meter.h"
#include "engine_fixture.h"

namespace drdaplex::distributor {
namespace {

using testing::At;
using testing::KeyFor;

// ---- names and checks ------------------------------------------------------

TEST(DistTypesTest, MethodNamesRoundTrip) {
  for (DistMethod m : {DistMethod::kRoundRobin, DistMethod::kBaseWlm, DistMethod::kServerWlm,
                       DistMethod::kWeightedActive, DistMethod::kHotStandby}) {
    EXPECT_EQ(ParseDistMethod(DistMethodName(m)), m);
  }
  EXPECT_EQ(ParseDistMethod("basewlm"), DistMethod::kBaseWlm);
  EXPECT_EQ(ParseDistMethod("WEIGHTEDA"), DistMethod::kWeightedActive);
  EXPECT_EQ(ParseDistMethod("weightedact"), DistMethod::kWeightedActive);
  EXPECT_EQ(ParseDistMethod("WEIGHTED"), std::nullopt);
  EXPECT_EQ(ParseDistMethod("TARGCONTROLLED"), std::nullopt);
  EXPECT_EQ(ParseDistMethod(""), std::nullopt);
}

TEST(DistTypesTest, ChecksNameTheProblem) {
  TargetServer s = testing::Server("SYS1/HWS1", "SYS1");
  EXPECT_EQ(CheckServer(s), std::nullopt);
  s.health = 120;
  EXPECT_EQ(CheckServer(s), "server SYS1/HWS1: health 120 is out of range 0..100");
  s.health = 100;
  s.server_weight = 65;
  EXPECT_NE(CheckServer(s)->find("server weight 65"), std::string::npos);
  s.system.clear();
  EXPECT_NE(CheckServer(s)->find("names no system"), std::string::npos);

  TargetSystem sys = testing::Backup("SYS2", 255);
  EXPECT_EQ(CheckSystem(sys), "system SYS2: BACKUP rank 255 is out of range 1..254");
  sys = testing::Weighted("SYS2", 0);
  EXPECT_EQ(CheckSystem(sys), "system SYS2: WEIGHT 0 is out of range 1..99");
  EXPECT_EQ(CheckSystem(testing::System("SYS3", 64)), std::nullopt);

  DistributorPolicy p;
  EXPECT_EQ(CheckPolicy(p), std::nullopt);
  p.tsr_interval = std::chrono::milliseconds(0);
  EXPECT_TRUE(CheckPolicy(p).has_value());
}

// ---- smooth weighted round-robin -------------------------------------------

std::string Sequence(SmoothWrr& wrr, const std::vector<WrrCandidate>& candidates, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::optional<size_t> pick = wrr.Pick(candidates);
    out += pick ? std::string(candidates[*pick].key) : "-";
  }
  return out;
}

TEST(SmoothWrrTest, InterleavesByWeight) {
  SmoothWrr wrr;
  EXPECT_EQ(Sequence(wrr, {{"A", 3}, {"B", 1}}, 8), "AABAAABA");
  SmoothWrr scaled;  // the same sequence at any scale: no need to normalise
  EXPECT_EQ(Sequence(scaled, {{"A", 1200}, {"B", 400}}, 8), "AABAAABA");
  SmoothWrr three;
  EXPECT_EQ(Sequence(three, {{"A", 5}, {"B", 1}, {"C", 1}}, 7), "AABACAA");
}

TEST(SmoothWrrTest, EqualWeightsTakeExactTurns) {
  SmoothWrr wrr;
  EXPECT_EQ(Sequence(wrr, {{"A", 1}, {"B", 1}, {"C", 1}}, 9), "ABCABCABC");
}

TEST(SmoothWrrTest, ZeroWeightsAndEmptySetsPickNothing) {
  SmoothWrr wrr;
  EXPECT_EQ(Sequence(wrr, {}, 2), "--");
  EXPECT_EQ(Sequence(wrr, {{"A", 0}, {"B", -3}}, 2), "--");
  EXPECT_EQ(Sequence(wrr, {{"A", 0}, {"B", 2}}, 3), "BBB");
}

TEST(SmoothWrrTest, CandidatesMayComeAndGo) {
  SmoothWrr wrr;
  EXPECT_EQ(Sequence(wrr, {{"A", 1}, {"B", 1}}, 3), "ABA");
  EXPECT_EQ(Sequence(wrr, {{"B", 1}, {"C", 1}}, 4), "BCBC");
  EXPECT_EQ(Sequence(wrr, {{"A", 1}, {"B", 1}, {"C", 1}}, 6).size(), 6u);
}

// ---- SHAREPORT hash ----------------------------------------------------------

TEST(ShareportHashTest, SameKeySameServerAndAnEvenSpread) {
  const std::vector<std::string_view> ids = {"SYS1/HWS1", "SYS1/HWS2", "SYS1/HWS3"};
  std::map<size_t, int> counts;
  for (int n = 0; n < 3000; ++n) {
    const std::optional<size_t> first = PickByHash(KeyFor(n), ids);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(PickByHash(KeyFor(n), ids), first);
    ++counts[*first];
  }
  for (const auto& [i, count] : counts) {
    std::printf("server %zu: %d of 3000\n", i, count);
    EXPECT_GT(count, 800);  // 1000 expected; a hash, not exact
    EXPECT_LT(count, 1200);
  }
  EXPECT_EQ(PickByHash(KeyFor(1), {}), std::nullopt);
}

TEST(ShareportHashTest, AServerLeavingMovesOnlyItsOwnKeys) {
  const std::vector<std::string_view> three = {"A", "B", "C"};
  const std::vector<std::string_view> two = {"A", "C"};
  for (int n = 0; n < 2000; ++n) {
    const std::string_view before = three[*PickByHash(KeyFor(n), three)];
    const std::string_view after = two[*PickByHash(KeyFor(n), two)];
    if (before != "B") {
      EXPECT_EQ(after, before) << "key " << n;
    }
  }
}

TEST(ShareportHashTest, EveryFieldOfTheTupleCounts) {
  const ClientKey base = KeyFor(7);
  ClientKey other = base;
  other.dest_port = 5556;
  EXPECT_NE(HashClientKey(base), HashClientKey(other));
  other = base;
  other.dest_ip = "127.0.0.101";
  EXPECT_NE(HashClientKey(base), HashClientKey(other));
  other = base;
  other.source_port = static_cast<uint16_t>(base.source_port + 1);
  EXPECT_NE(HashClientKey(base), HashClientKey(other));
}

// ---- TSR meter -----------------------------------------------------------------

TEST(TsrMeterTest, NewServerIsAtFullAndIdleIntervalsChangeNothing) {
  TsrMeter m;
  EXPECT_EQ(m.tsr(), 100);
  EXPECT_EQ(m.CloseInterval(At(60000)), 100);
  EXPECT_FALSE(m.ProbeDue(At(60000)));
}

TEST(TsrMeterTest, StopsAcceptingThenRecovers) {
  TsrMeter m;
  m.Sent();
  m.Sent();
  EXPECT_EQ(m.CloseInterval(At(60000)), 25);  // (3*0 + 100 + 2) / 4
  m.Sent();
  EXPECT_EQ(m.CloseInterval(At(120000)), 0);
  EXPECT_TRUE(m.ProbeDue(At(120000)));  // the first probe at once
  EXPECT_EQ(m.CloseInterval(At(180000)), 0);  // nothing sent: no evidence
  m.Sent();
  m.Accepted();
  EXPECT_EQ(m.CloseInterval(At(240000)), 75);
  EXPECT_FALSE(m.ProbeDue(At(240000)));
  EXPECT_EQ(m.CloseInterval(At(300000)), 100);
}

TEST(TsrMeterTest, PartialAcceptanceAndLateAcknowledgements) {
  TsrMeter m;
  for (int i = 0; i < 4; ++i) m.Sent();
  for (int i = 0; i < 3; ++i) m.Accepted();
  EXPECT_EQ(m.CloseInterval(At(1)), 81);  // r = 75: (225 + 100 + 2) / 4
  m.Accepted();  // an acknowledgement of the last interval's hand-over
  EXPECT_EQ(m.CloseInterval(At(2)), 94);  // r = 100: (300 + 75 + 2) / 4
  m.Sent();
  m.Accepted();
  m.Accepted();  // more acks than sends: capped at 100
  EXPECT_EQ(m.CloseInterval(At(3)), 100);
}

TEST(TsrMeterTest, FailedWithoutAnyAcceptanceIsZeroAtOnce) {
  TsrMeter m;
  m.Sent();
  m.Failed();
  EXPECT_EQ(m.CloseInterval(At(1)), 0);
  // Failures mixed with acceptances only lower the ratio.
  TsrMeter mixed;
  mixed.Sent();
  mixed.Sent();
  mixed.Accepted();
  mixed.Failed();
  EXPECT_EQ(mixed.CloseInterval(At(1)), 63);  // r = 50: (150 + 100 + 2) / 4
}

TEST(TsrMeterTest, OneProbePerInterval) {
  TsrMeter m;
  m.Sent();
  m.Failed();
  m.CloseInterval(At(1000));
  EXPECT_TRUE(m.ProbeDue(At(1000)));
  m.ProbeSent(At(1500), std::chrono::milliseconds(10000));
  EXPECT_FALSE(m.ProbeDue(At(11499)));
  EXPECT_TRUE(m.ProbeDue(At(11500)));
  EXPECT_EQ(m.probes(), 1u);
}

// ---- HOTSTANDBY selector ---------------------------------------------------------

std::vector<StandbyCandidate> Plex(bool p, bool b50, bool b100) {
  return {{"SYSP", HotStandbyRole::kPreferred, 0, p},
          {"SYS050", HotStandbyRole::kBackup, 50, b50},
          {"SYS100", HotStandbyRole::kBackup, 100, b100}};
}

TEST(HotStandbySelectorTest, AutoSwitchBack) {
  HotStandbySelector s(/*autoswitchback=*/true);
  EXPECT_EQ(s.Update(Plex(true, true, true)), "SYSP");
  EXPECT_EQ(s.Update(Plex(false, true, true)), "SYS100");
  EXPECT_EQ(s.Update(Plex(false, true, false)), "SYS050");
  EXPECT_EQ(s.Update(Plex(false, true, true)), "SYS100");
  EXPECT_EQ(s.Update(Plex(true, true, true)), "SYSP");
  EXPECT_EQ(s.Update(Plex(false, false, false)), std::nullopt);
  EXPECT_EQ(s.switches(), 4u);
}

TEST(HotStandbySelectorTest, NoAutoSwitchBackKeepsTheFirstAvailable) {
  HotStandbySelector s(/*autoswitchback=*/false);
  EXPECT_EQ(s.Update(Plex(false, true, false)), "SYS050");  // first ready
  EXPECT_EQ(s.Update(Plex(true, true, true)), "SYS050");    // stays
  EXPECT_EQ(s.Update(Plex(true, false, true)), "SYSP");     // fails: best available
  EXPECT_EQ(s.Update(Plex(true, true, true)), "SYSP");
}

TEST(HotStandbySelectorTest, UnconfiguredSystemsRankBelowBackups) {
  StandbyCandidate none{"AAA", HotStandbyRole::kNone, 0, true};
  StandbyCandidate backup{"ZZZ", HotStandbyRole::kBackup, 1, true};
  EXPECT_TRUE(MorePreferred(backup, none));
  HotStandbySelector s(true);
  EXPECT_EQ(s.Update({none, backup}), "ZZZ");
}

}  // namespace
}  // namespace drdaplex::distributor
