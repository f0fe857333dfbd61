// RoutingTable with a routing exit: the sample exits and failure fixtures
// loaded as modules, the built-in default, and a scripted exit registered
// here as "builtin:routing_test" for the decisions no sample makes
// (override the alias, name a datastore, report what it was shown).
// Also the exit-failure policy and per-alias authorization.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "tests/routing/routing_fixture.h"

namespace drdaplex::router::routing_test {
namespace {

// ---- The scripted exit ------------------------------------------------------
// Config "action=alias;alias=IO2A", "action=odbm;odbm=X;datastore=Y",
// "action=reject;message=...", or "action=echo": reject with a message
// describing the request and the table it was given.

struct Script {
  std::string action, alias, odbm, datastore, message;
};

std::string ConfigValue(const std::string& config, const std::string& key) {
  size_t pos = 0;
  while (pos <= config.size()) {
    size_t end = config.find(';', pos);
    if (end == std::string::npos) end = config.size();
    const std::string item = config.substr(pos, end - pos);
    if (item.rfind(key + "=", 0) == 0) return item.substr(key.size() + 1);
    pos = end + 1;
  }
  return "";
}

int ScriptInit(const hwsr_init_args_t* args, void** user_data, char*, size_t) {
  const std::string config(args->config.ptr, args->config.len);
  *user_data = new Script{ConfigValue(config, "action"), ConfigValue(config, "alias"),
                          ConfigValue(config, "odbm"), ConfigValue(config, "datastore"),
                          ConfigValue(config, "message")};
  return 0;
}

std::string Str(hwsr_str_t s) { return std::string(s.ptr, s.len); }

void Copy(char* out, size_t size, const std::string& text) {
  std::snprintf(out, size, "%s", text.c_str());
}

int ScriptRoute(void* user_data, const hwsr_request_t* request, const hwsr_table_t* table,
                hwsr_decision_t* decision) {
  const Script& s = *static_cast<const Script*>(user_data);
  if (s.action == "alias") {
    decision->action = HWSR_ROUTE_ALIAS;
    Copy(decision->alias, sizeof decision->alias, s.alias);
  } else if (s.action == "odbm") {
    decision->action = HWSR_ROUTE_ODBM;
    Copy(decision->odbm, sizeof decision->odbm, s.odbm);
    Copy(decision->datastore, sizeof decision->datastore, s.datastore);
  } else if (s.action == "reject") {
    decision->action = HWSR_REJECT;
    Copy(decision->message, sizeof decision->message, s.message);
  } else if (s.action == "echo") {
    std::string text = "alias=[" + Str(request->alias) + "] psb=[" + Str(request->psb_name) +
                       "] user=[" + Str(request->user_id) + "]";
    for (size_t i = 0; i < table->odbm_count; ++i) {
      const hwsr_odbm_t* odbm = table->odbms[i];
      text += " " + Str(odbm->name) + "=" + std::to_string(odbm->status) + "/" +
              std::to_string(odbm->connections);
      for (size_t d = 0; d < odbm->datastore_count; ++d) {
        text += " " + Str(odbm->datastores[d]->name) + "=" +
                std::to_string(odbm->datastores[d]->connections);
      }
    }
    decision->action = HWSR_REJECT;
    Copy(decision->message, sizeof decision->message, text);
  }
  return 0;
}

void ScriptTerm(void* user_data) { delete static_cast<Script*>(user_data); }

const hwsr_exit_api_t kScriptApi = {sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, ScriptInit,
                                    ScriptRoute, ScriptTerm};

const hwsr_magic_t* ScriptMagic() {
  static const hwsr_magic_t magic = {
      sizeof(hwsr_magic_t), HWSR_ABI_VERSION_MAJOR, HWSR_ABI_VERSION_MINOR, 0, "routing_test", "1"};
  return &magic;
}

const hwsr_exit_api_t* ScriptEntry(uint32_t) { return &kScriptApi; }

class RoutingExitTest : public RoutingTableTest {
 protected:
  static void SetUpTestSuite() { RegisterStaticExit("routing_test", ScriptMagic, ScriptEntry); }

  void Script(const std::string& config) { InstallExit("builtin:routing_test", config); }
  void UsePolicy(RoutingPolicy::OnExitFailure on_failure) {
    RoutingPolicy policy;
    policy.on_exit_failure = on_failure;
    table_.SetPolicy(policy);
  }
};

// ---- Sample exits and the built-in default -----------------------------------

TEST_F(RoutingExitTest, BuiltinDefaultLeavesTheChoiceToTheRouter) {
  InstallExit("builtin:default");
  EXPECT_EQ(Where("IO1A"), "ODBMB1/IMS1");
  EXPECT_EQ(Spread("IM1A", 4),
            (std::map<std::string, int>{{"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}}));
  EXPECT_EQ(Where("ZZZZ"), "!unknown-alias");
}

TEST_F(RoutingExitTest, ExitRoutingToAnOdbmAppliesTheRuleInsideIt) {
  // mode=rule names the ODBM only; the datastore follows the alias there.
  InstallExit(HWSR_DEFAULT_EXIT_PATH, "mode=rule");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Where("IO3A"), "ODBMB2/IMS3");
  EXPECT_EQ(Where("IMS4"), "ODBMB2/IMS4");
  EXPECT_EQ(Spread("IM1A", 4),
            (std::map<std::string, int>{{"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}}));
  // Blank: the exit alternates ODBMs, the router the datastores in each.
  EXPECT_EQ(Spread("", 8),
            (std::map<std::string, int>{
                {"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}, {"ODBMB2/IMS3", 2}, {"ODBMB2/IMS4", 2}}));
  RouteResult r = Route("ZZZZ");
  EXPECT_EQ(r.failure, RouteFailure::kRejected);  // this exit refuses what nobody serves
  EXPECT_NE(r.message.find("no active ODBM serves the requested alias"), std::string::npos)
      << r.message;
}

TEST_F(RoutingExitTest, AffinityExitPinsAUserToAnOdbmAndRespectsExclusion) {
  InstallExit(HWSR_AFFINITY_EXIT_PATH);
  const std::string home = Route("", "ALICE").target.odbm;
  ASSERT_FALSE(home.empty());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Route("", "ALICE").target.odbm, home);
  // A connect to `home` failed: route again without it; the exit sees it
  // UNREACHABLE and chooses the other ODBM.
  RouteRequest retry = Req("", "ALICE");
  retry.exclude = {home};
  RouteResult r = table_.Route(retry);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_NE(r.target.odbm, home);
}

TEST_F(RoutingExitTest, DenylistExitRejectsWithItsMessage) {
  InstallExit(HWSR_DENYLIST_EXIT_PATH, "deny=INTRUDER");
  RouteResult r = Route("IO1A", "INTRUDER");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, RouteFailure::kRejected);
  EXPECT_NE(r.message.find("IO1A"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("user INTRUDER is not allowed to connect through this router"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(Where("IO1A", "FRIEND"), "ODBMB1/IMS1");
}

// ---- Scripted decisions ---------------------------------------------------------

TEST_F(RoutingExitTest, ExitOverridesTheAlias) {
  Script("action=alias;alias=io2a");
  RouteResult r = Route("IO1A");
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(Describe(r), "ODBMB1/IMS2");
  EXPECT_EQ(r.target.alias, "IO2A");
  std::vector<DecisionRecord> history = table_.History();
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().alias, "IO1A");
  EXPECT_EQ(history.back().effective, "IO2A");
}

TEST_F(RoutingExitTest, ExitOverridesToABlankAlias) {
  Script("action=alias;alias=");
  EXPECT_EQ(Spread("IO1A", 8),
            (std::map<std::string, int>{
                {"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}, {"ODBMB2/IMS3", 2}, {"ODBMB2/IMS4", 2}}));
}

TEST_F(RoutingExitTest, ExitOverrideToAnUnknownAlias) {
  Script("action=alias;alias=NONE");
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kUnknownAlias);
  EXPECT_NE(r.message.find("NONE"), std::string::npos) << r.message;
}

TEST_F(RoutingExitTest, ExitNamesADatastore) {
  Script("action=odbm;odbm=ODBMB2;datastore=IMS4");
  EXPECT_EQ(Spread("IO1A", 3), (std::map<std::string, int>{{"ODBMB2/IMS4", 3}}));
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.target.alias, "IO1A");  // no override: the client's alias stays
}

TEST_F(RoutingExitTest, ExitNamesAnOdbmThatDoesNotServeTheAlias) {
  Script("action=odbm;odbm=ODBMB1");
  RouteResult r = Route("IO3A");
  EXPECT_EQ(r.failure, RouteFailure::kNotRoutable);
  EXPECT_NE(r.message.find("IO3A"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("ODBMB1 does not serve it"), std::string::npos) << r.message;
  EXPECT_EQ(Where("ZZZZ"), "!unknown-alias");
  EXPECT_EQ(Spread("", 4), (std::map<std::string, int>{{"ODBMB1/IMS1", 2}, {"ODBMB1/IMS2", 2}}));
}

TEST_F(RoutingExitTest, ExitNamingAStoppedOdbmIsRefused) {
  Script("action=odbm;odbm=ODBMB1");
  table_.StopOdbm("ODBMB1");
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kExitFailed);
  EXPECT_NE(r.log_reason.find("not active"), std::string::npos) << r.log_reason;
}

TEST_F(RoutingExitTest, ExitSeesTheNormalizedRequestAndTheTable) {
  Script("action=echo");
  RouteRequest request = Req(" io1a ", "bob");
  request.psb_name = "PSB1";
  RouteResult r = table_.Route(request);
  EXPECT_EQ(r.failure, RouteFailure::kRejected);
  EXPECT_NE(r.message.find("alias=[IO1A] psb=[PSB1] user=[bob]"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("ODBMB1=128/0 IMS1=0 IMS2=0 ODBMB2=128/0"), std::string::npos)
      << r.message;

  // Live connections show up in the next snapshot, and leave it again.
  ConnectionLease a = table_.Acquire({"ODBMB1", "127.0.0.1:5001", "IMS1", "IO1A"});
  ConnectionLease b = table_.Acquire({"ODBMB1", "127.0.0.1:5001", "IMS2", "IM1A"});
  r = Route("IO1A");
  EXPECT_NE(r.message.find("ODBMB1=128/2 IMS1=1 IMS2=1 ODBMB2=128/0"), std::string::npos)
      << r.message;
  a.Release();
  r = Route("IO1A");
  EXPECT_NE(r.message.find("ODBMB1=128/1 IMS1=0 IMS2=1"), std::string::npos) << r.message;

  table_.MarkGone("ODBMB2", "left");
  r = Route("IO1A");
  EXPECT_NE(r.message.find("ODBMB2=32/0"), std::string::npos) << r.message;
}

// ---- Exit failures and the policy -----------------------------------------------

TEST_F(RoutingExitTest, FailingExitRejectsByDefault) {
  InstallExit(HWSR_FIXTURE_ROUTE_FAILS_PATH);
  RouteResult r = Route("IO1A");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, RouteFailure::kExitFailed);
  EXPECT_NE(r.message.find("IO1A"), std::string::npos) << r.message;
  EXPECT_NE(r.log_reason.find("returned 7"), std::string::npos) << r.log_reason;
}

TEST_F(RoutingExitTest, FailingExitFallsBackToTheRuleWhenConfigured) {
  InstallExit(HWSR_FIXTURE_ROUTE_FAILS_PATH);
  UsePolicy(RoutingPolicy::OnExitFailure::kUseDefaultRule);
  RouteResult r = Route("IO1A");
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(Describe(r), "ODBMB1/IMS1");
  EXPECT_NE(r.log_reason.find("returned 7"), std::string::npos) << r.log_reason;
  EXPECT_EQ(Where("ZZZZ"), "!unknown-alias");
}

TEST_F(RoutingExitTest, UnknownOdbmFromTheExitIsRefused) {
  InstallExit(HWSR_FIXTURE_RETURNS_UNKNOWN_ODBM_PATH);
  RouteResult r = Route("IO1A");
  EXPECT_EQ(r.failure, RouteFailure::kExitFailed);
  EXPECT_NE(r.log_reason.find("NOSUCH"), std::string::npos) << r.log_reason;

  UsePolicy(RoutingPolicy::OnExitFailure::kUseDefaultRule);
  r = Route("IO1A");
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(Describe(r), "ODBMB1/IMS1");
  EXPECT_NE(r.log_reason.find("NOSUCH"), std::string::npos) << r.log_reason;
}

// ---- Authorization ---------------------------------------------------------------

TEST_F(RoutingExitTest, PerAliasUserLists) {
  RoutingPolicy policy;
  policy.alias_users["io1a"] = {"alice", "Carol"};
  table_.SetPolicy(policy);
  EXPECT_EQ(Where("IO1A", "ALICE"), "ODBMB1/IMS1");
  EXPECT_EQ(Where("io1a", "carol"), "ODBMB1/IMS1");
  RouteResult r = Route("IO1A", "bob");
  EXPECT_EQ(r.failure, RouteFailure::kNotAuthorized);
  EXPECT_NE(r.message.find("bob"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("IO1A"), std::string::npos) << r.message;
  EXPECT_EQ(Where("IO2A", "bob"), "ODBMB1/IMS2");  // no list: open to all

  // The effective alias counts: an override onto IO1A is checked too.
  Script("action=alias;alias=IO1A");
  EXPECT_EQ(Where("IO2A", "bob"), "!not-authorized");
  EXPECT_EQ(Where("IO2A", "alice"), "ODBMB1/IMS1");
}

}  // namespace
}  // namespace drdaplex::router::routing_test
