// The loader against one fixture per failure mode, decision validation,
// the deadline, the outstanding-call bound and reload with a call in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "tests/exit/seed_plex.h"

namespace drdaplex::router {
namespace {

using namespace std::chrono_literals;
using testing::MustLoad;
using testing::Req;
using testing::SeedPlex;
using testing::Snap;

std::string LoadError(const std::string& path, const std::string& config = "") {
  std::string error;
  auto module = ExitModule::Load({path, config, "HWS1"}, &error);
  EXPECT_EQ(module, nullptr) << path;
  return error;
}

TEST(ExitLoadTest, RefusesMissingFile) {
  std::string error = LoadError("/nonexistent/hwsr_x.so");
  EXPECT_NE(error.find("unable to open exit [/nonexistent/hwsr_x.so]"), std::string::npos)
      << error;
}

TEST(ExitLoadTest, RefusesBareNameSoDlopenDoesNotSearch) {
  EXPECT_NE(LoadError("hwsr_default_exit.so").find("must contain a '/'"), std::string::npos);
}

TEST(ExitLoadTest, RefusesModuleWithoutMagic) {
  std::string error = LoadError(HWSR_FIXTURE_NO_MAGIC_PATH);
  EXPECT_NE(error.find(std::string("no entry point [hwsr_exit_magic] in [") +
                       HWSR_FIXTURE_NO_MAGIC_PATH + "]"),
            std::string::npos)
      << error;
}

TEST(ExitLoadTest, RefusesMajorAbiMismatchBeforeCallingEntry) {
  // The fixture's entry calls abort(): reaching it would kill the test.
  std::string error = LoadError(HWSR_FIXTURE_ABI_MISMATCH_PATH);
  EXPECT_NE(error.find("ABI 99.0"), std::string::npos) << error;
  EXPECT_NE(error.find("ABI 1.0"), std::string::npos) << error;
}

TEST(ExitLoadTest, RefusesModuleWithoutEntry) {
  std::string error = LoadError(HWSR_FIXTURE_NO_ENTRY_PATH);
  EXPECT_NE(error.find(std::string("no entry point [hwsr_exit_entry] in [") +
                       HWSR_FIXTURE_NO_ENTRY_PATH + "]"),
            std::string::npos)
      << error;
}

TEST(ExitLoadTest, QuotesInitError) {
  std::string error = LoadError(HWSR_FIXTURE_INIT_FAILS_PATH);
  EXPECT_NE(error.find("error during initialization"), std::string::npos) << error;
  EXPECT_NE(error.find("\"cannot reach the routing policy server\""), std::string::npos)
      << error;
}

TEST(ExitLoadTest, SampleExitRejectsBadConfigInInit) {
  EXPECT_NE(LoadError(HWSR_DEFAULT_EXIT_PATH, "mode=bogus").find("mode must be"),
            std::string::npos);
  EXPECT_NE(LoadError(HWSR_WEIGHTED_EXIT_PATH, "seed=x").find("seed must be"),
            std::string::npos);
}

TEST(ExitLoadTest, LoadsModuleAndReadsMagic) {
  auto module = MustLoad(HWSR_DEFAULT_EXIT_PATH);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->name(), "default");
  EXPECT_EQ(module->version(), "1.0");
  EXPECT_EQ(module->abi_minor(), 0u);
}

TEST(ExitLoadTest, BuiltinDefaultGoesThroughTheSamePath) {
  auto module = MustLoad("builtin:default", "mode=rule");
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->name(), "default");
  EXPECT_NE(LoadError("builtin:nosuch").find("no builtin exit [nosuch]"), std::string::npos);
  EXPECT_NE(LoadError("builtin:default", "mode=bogus").find("mode must be"),
            std::string::npos);
}

TEST(ExitLoadTest, StaticRegistrationOfAnotherExit) {
  // Registering the module's own symbols under a builtin name: the loader
  // must treat it exactly like the built-in default.
  RegisterStaticExit("alias_of_default", [] {
    static const hwsr_magic_t magic = {sizeof(hwsr_magic_t), HWSR_ABI_VERSION_MAJOR, 0, 0,
                                       "alias_of_default", "2"};
    return &magic;
  }, [](uint32_t) -> const hwsr_exit_api_t* {
    static const hwsr_exit_api_t api = {
        sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, nullptr,
        [](void*, const hwsr_request_t*, const hwsr_table_t*, hwsr_decision_t* d) {
          d->action = HWSR_REJECT;
          std::strcpy(d->message, "static");
          return 0;
        },
        nullptr};
    return &api;
  });
  auto module = MustLoad("builtin:alias_of_default");
  ASSERT_NE(module, nullptr);
  RoutingExit exit(module, {.deadline = 0ms});
  ExitResult r = exit.Route(Req("IM1A"), Snap(SeedPlex()));
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.decision.action, HWSR_REJECT);
  EXPECT_EQ(r.decision.message, "static");
}

// ---- Decisions checked against the snapshot --------------------------------

ExitResult RouteWith(const char* path, std::vector<ExitOdbmInfo> plex = SeedPlex()) {
  auto module = MustLoad(path);
  if (!module) return {ExitOutcome::kExitFailed, {}, "load failed"};
  RoutingExit exit(module);
  return exit.Route(Req("IM1A"), Snap(std::move(plex)));
}

TEST(ExitDecisionTest, UnknownOdbmIsRefused) {
  ExitResult r = RouteWith(HWSR_FIXTURE_RETURNS_UNKNOWN_ODBM_PATH);
  EXPECT_EQ(r.outcome, ExitOutcome::kInvalidDecision);
  EXPECT_NE(r.reason.find("unknown ODBM [NOSUCH]"), std::string::npos) << r.reason;
}

TEST(ExitDecisionTest, InactiveOdbmIsRefusedActiveOneAccepted) {
  auto plex = SeedPlex();
  plex[1].status = HWSR_ODBM_INACTIVE;
  ExitResult r = RouteWith(HWSR_FIXTURE_RETURNS_INACTIVE_ODBM_PATH, plex);
  EXPECT_EQ(r.outcome, ExitOutcome::kInvalidDecision);
  EXPECT_NE(r.reason.find("not active (status X'40')"), std::string::npos) << r.reason;

  r = RouteWith(HWSR_FIXTURE_RETURNS_INACTIVE_ODBM_PATH);  // ODBMB2 active
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.decision.action, HWSR_ROUTE_ODBM);
  EXPECT_EQ(r.decision.odbm, "ODBMB2");
}

TEST(ExitDecisionTest, GarbageActionIsRefused) {
  ExitResult r = RouteWith(HWSR_FIXTURE_RETURNS_GARBAGE_PATH);
  EXPECT_EQ(r.outcome, ExitOutcome::kInvalidDecision);
  EXPECT_NE(r.reason.find("action 1234"), std::string::npos) << r.reason;
}

TEST(ExitDecisionTest, RouteFailureIsReported) {
  ExitResult r = RouteWith(HWSR_FIXTURE_ROUTE_FAILS_PATH);
  EXPECT_EQ(r.outcome, ExitOutcome::kExitFailed);
  EXPECT_NE(r.reason.find("returned 7"), std::string::npos) << r.reason;
}

hwsr_decision_t Raw(hwsr_action_t action, const char* odbm = "", const char* ds = "") {
  hwsr_decision_t d{};
  d.size = sizeof(d);
  d.action = action;
  std::strcpy(d.odbm, odbm);
  std::strcpy(d.datastore, ds);
  return d;
}

TEST(ExitDecisionTest, ValidatesBuffersAndDatastores) {
  auto plex = SeedPlex();
  plex[0].datastores[1].status = HWSR_DATASTORE_INACTIVE;  // IMS2
  auto snap = Snap(plex);
  ExitDecision out;
  std::string reason;

  hwsr_decision_t d = Raw(HWSR_ROUTE_ODBM, "ODBMB1");
  std::memset(d.odbm, 'X', sizeof(d.odbm));
  EXPECT_FALSE(ValidateDecision(d, *snap, &out, &reason));
  EXPECT_NE(reason.find("odbm buffer unterminated"), std::string::npos) << reason;

  d = Raw(HWSR_REJECT);
  std::memset(d.message, 'M', sizeof(d.message));
  EXPECT_FALSE(ValidateDecision(d, *snap, &out, &reason));
  EXPECT_NE(reason.find("message buffer"), std::string::npos) << reason;

  EXPECT_FALSE(ValidateDecision(Raw(HWSR_ROUTE_ODBM), *snap, &out, &reason));
  EXPECT_NE(reason.find("without naming"), std::string::npos) << reason;

  EXPECT_FALSE(ValidateDecision(Raw(HWSR_ROUTE_ODBM, "ODBMB1", "IMS9"), *snap, &out, &reason));
  EXPECT_NE(reason.find("datastore [IMS9], unknown"), std::string::npos) << reason;

  EXPECT_FALSE(ValidateDecision(Raw(HWSR_ROUTE_ODBM, "ODBMB1", "IMS2"), *snap, &out, &reason));
  EXPECT_NE(reason.find("not active"), std::string::npos) << reason;

  ASSERT_TRUE(ValidateDecision(Raw(HWSR_ROUTE_ODBM, "ODBMB1", "IMS1"), *snap, &out, &reason));
  EXPECT_EQ(out.odbm, "ODBMB1");
  EXPECT_EQ(out.datastore, "IMS1");

  ASSERT_TRUE(ValidateDecision(Raw(HWSR_REJECT), *snap, &out, &reason));
  EXPECT_FALSE(out.message.empty());  // the client always gets a message

  hwsr_decision_t alias = Raw(HWSR_ROUTE_ALIAS);  // blank alias is allowed
  ASSERT_TRUE(ValidateDecision(alias, *snap, &out, &reason));
  EXPECT_EQ(out.action, HWSR_ROUTE_ALIAS);
  EXPECT_EQ(out.alias, "");
}

TEST(ExitSnapshotTest, RoutableFlagsFollowOdbmDatastoreAndRouterState) {
  auto plex = SeedPlex();
  plex[0].aliases[1].active_in_router = false;            // IO1A: STOP(ROUTE)
  plex[0].datastores[1].status = HWSR_DATASTORE_INACTIVE;  // IMS2 down
  auto snap = Snap(plex);
  const hwsr_table_t* t = snap->table();
  ASSERT_EQ(t->odbm_count, 2u);
  const hwsr_odbm_t* b1 = t->odbms[0];
  ASSERT_EQ(b1->alias_count, 4u);
  EXPECT_EQ(b1->aliases[0]->routable, 1u);  // IM1A on IMS1
  EXPECT_EQ(b1->aliases[1]->routable, 0u);  // IO1A stopped in router
  EXPECT_EQ(b1->aliases[1]->flags, HWSR_ALIAS_ACTIVE_IN_ODBM);
  EXPECT_EQ(b1->aliases[2]->routable, 0u);  // IM1A on IMS2: datastore down
  EXPECT_EQ(t->odbms[1]->datastore_count, 2u);
  EXPECT_EQ(std::string(t->odbms[1]->datastores[1]->name.ptr,
                        t->odbms[1]->datastores[1]->name.len),
            "IMS4");
}

// ---- Deadline, overload, reload ----------------------------------------------

TEST(ExitDeadlineTest, SlowExitTimesOutAndLateResultIsDiscarded) {
  auto module = MustLoad(HWSR_FIXTURE_SLOW_ROUTE_PATH, "ms=300");
  ASSERT_NE(module, nullptr);
  RoutingExit exit(module, {.deadline = 30ms});
  auto start = std::chrono::steady_clock::now();
  ExitResult r = exit.Route(Req("IM1A"), Snap(SeedPlex()));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.outcome, ExitOutcome::kTimedOut);
  EXPECT_NE(r.reason.find("within 30 ms"), std::string::npos) << r.reason;
  EXPECT_LT(elapsed, 250ms);
  EXPECT_EQ(exit.OutstandingForTest(), 1u);  // the worker is still inside the exit
  for (int i = 0; i < 200 && exit.OutstandingForTest() != 0; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(exit.OutstandingForTest(), 0u);
}

TEST(ExitDeadlineTest, OutstandingCallsAreBounded) {
  auto module = MustLoad(HWSR_FIXTURE_SLOW_ROUTE_PATH, "ms=300");
  ASSERT_NE(module, nullptr);
  RoutingExit exit(module, {.deadline = 10ms, .workers = 1, .max_outstanding = 2});
  auto snap = Snap(SeedPlex());
  EXPECT_EQ(exit.Route(Req("IM1A"), snap).outcome, ExitOutcome::kTimedOut);
  EXPECT_EQ(exit.Route(Req("IM1A"), snap).outcome, ExitOutcome::kTimedOut);  // queued
  ExitResult r = exit.Route(Req("IM1A"), snap);
  EXPECT_EQ(r.outcome, ExitOutcome::kOverloaded);
  EXPECT_NE(r.reason.find("limit 2"), std::string::npos) << r.reason;
}

TEST(ExitReloadTest, SwapWhileCallInFlightFinishesOnOldModule) {
  std::weak_ptr<ExitModule> old_module;
  ExitHolder holder;
  {
    auto slow = MustLoad(HWSR_FIXTURE_SLOW_ROUTE_PATH, "ms=200");
    ASSERT_NE(slow, nullptr);
    old_module = slow;
    holder.Swap(std::make_shared<RoutingExit>(slow, RoutingExitOptions{.deadline = 5000ms}));
  }
  auto snap = Snap(SeedPlex());
  ExitResult in_flight;
  std::thread caller([&] { in_flight = holder.Route(Req("IM1A"), snap); });
  for (int i = 0; i < 200 && holder.Get()->OutstandingForTest() == 0; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(holder.Get()->OutstandingForTest(), 1u);

  auto fresh = MustLoad("builtin:default");
  ASSERT_NE(fresh, nullptr);
  holder.Swap(std::make_shared<RoutingExit>(fresh));  // old RoutingExit released here
  ExitResult now = holder.Route(Req("IM1A"), snap);
  ASSERT_TRUE(now.ok()) << now.reason;
  EXPECT_EQ(now.decision.action, HWSR_ROUTE_DEFAULT);
  EXPECT_FALSE(old_module.expired());  // the call in flight still holds it

  caller.join();
  ASSERT_TRUE(in_flight.ok()) << in_flight.reason;
  EXPECT_EQ(in_flight.decision.action, HWSR_REJECT);
  EXPECT_EQ(in_flight.decision.message, "late");
  for (int i = 0; i < 200 && !old_module.expired(); ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(old_module.expired());  // term() and dlclose ran after the last call
}

TEST(ExitReloadTest, NoExitInstalledMeansDefault) {
  ExitHolder holder;
  ExitResult r = holder.Route(Req("IM1A"), Snap(SeedPlex()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.decision.action, HWSR_ROUTE_DEFAULT);
}

}  // namespace
}  // namespace drdaplex::router
