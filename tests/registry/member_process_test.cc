// Members as processes (registry-member-tool): a registration lives as long
// as the member's connection. SIGKILL deregisters at once (the kernel closes
// the socket), SIGSTOP after the heartbeat timeout, and a member whose
// registry restarts registers again by itself. Also RegistryMember and
// RegistryWatcher across a registry restart.
#include <gtest/gtest.h>

#include <csignal>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/polling.h"

namespace drdaplex::testing {
namespace {

using registry::RegistryEvent;
namespace protocol = registry::protocol;

class MemberProcessTest : public ::testing::Test {
 protected:
  void StartRegistry(std::vector<std::string> args = {}, int port = 0) {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error, std::move(args), port);
    ASSERT_TRUE(registry_) << error;
  }

  TempDir dir_{"registry-members-"};
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(MemberProcessTest, AKilledMemberLeavesAtOnce) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = StartMemberTool(dir_, registry_->address(), "ODBMK1",
                                {"--datastore", "IMS1=IM1A,IO1A", "--address", "127.0.0.1:4000"});
  ASSERT_TRUE(member);
  const auto joined = watch.WaitFor(IsJoined("ODBMK1"), kStartDeadline);
  ASSERT_TRUE(joined);
  EXPECT_EQ(registry::OdbmDatastores(joined->members[0]),
            (std::vector<registry::DatastoreRecord>{{"IMS1", "active", {"IM1A", "IO1A"}}}));

  const size_t seen = watch.size();
  ASSERT_TRUE(member->Kill(SIGKILL));
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMK1", protocol::kConnectionClosed), kPushDeadline, seen))
      << "no left/connection-closed within " << kPushDeadline.count() << " ms of SIGKILL";
}

TEST_F(MemberProcessTest, ATerminatedMemberDeregisters) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto member = StartMemberTool(dir_, registry_->address(), "ODBMT1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMT1"), kStartDeadline));
  const ExitStatus status = member->Stop(SIGTERM, 10s);
  EXPECT_TRUE(status.Success()) << status.ToString();
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMT1", protocol::kDeregistered), kPushDeadline));
}

TEST_F(MemberProcessTest, AStoppedMemberTimesOutAndComesBackWhenContinued) {
  StartRegistry({"--heartbeat-timeout-ms", "600"});
  WatchLog watch(registry_->endpoint());
  auto member = StartMemberTool(dir_, registry_->address(), "ODBMS1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMS1"), kStartDeadline));

  // Heartbeats every 200 ms keep it registered well past the timeout.
  const size_t before = watch.size();
  const auto alive_until = std::chrono::steady_clock::now() + 1500ms;
  while (std::chrono::steady_clock::now() < alive_until) {
    ASSERT_FALSE(watch.WaitFor(IsType(RegistryEvent::kLeft), 50ms, before));
  }

  ASSERT_TRUE(member->Kill(SIGSTOP));
  const auto stopped_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(watch.WaitFor(IsLeft("ODBMS1", protocol::kHeartbeatTimeout), 600ms + kPushDeadline,
                            before))
      << "a SIGSTOPped member was not dropped after the heartbeat timeout";
  // Not before the timeout: the registry waits for 600 ms of silence, and
  // the last heartbeat went out at most 200 ms before the stop.
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, 600ms - 200ms);

  const size_t left = watch.size();
  ASSERT_TRUE(member->Kill(SIGCONT));
  EXPECT_TRUE(watch.WaitFor(IsJoined("ODBMS1"), kStartDeadline, left))
      << "the continued member did not register again";
  EXPECT_TRUE(member->IsRunning());
}

TEST_F(MemberProcessTest, AFirstRegistrationRefusedEndsTheMemberWithStatus3) {
  StartRegistry();
  WatchLog watch(registry_->endpoint());
  auto first = StartMemberTool(dir_, registry_->address(), "ODBMD1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMD1"), kStartDeadline));
  auto second = StartMemberTool(dir_, registry_->address(), "ODBMD1");
  const auto status = second->Wait(kStartDeadline);
  ASSERT_TRUE(status) << "the namesake kept running";
  EXPECT_TRUE(status->exited && status->code == 3) << status->ToString();
  EXPECT_TRUE(first->IsRunning());
  EXPECT_EQ(watch.View().count("ODBMD1"), 1u);
}

TEST_F(MemberProcessTest, MembersAndWatchersSurviveARegistryRestart) {
  StartRegistry();
  const int port = registry_->port();
  WatchLog watch(registry_->endpoint());
  auto member = StartMemberTool(dir_, registry_->address(), "ODBMR1");
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMR1"), kStartDeadline));

  const size_t before = watch.size();
  ASSERT_TRUE(registry_->process().Kill(SIGKILL));
  ASSERT_TRUE(watch.WaitFor(IsType(RegistryEvent::kRegistryLost), kStartDeadline, before));
  registry_.reset();
  // Same port: members and watchers know the registry by its address.
  StartRegistry({}, port);
  // The watcher resubscribes and gets a fresh snapshot; the member
  // registers again and is in it, or joins right after it.
  EXPECT_TRUE(watch.WaitFor(IsType(RegistryEvent::kSnapshot), kStartDeadline, before));
  EXPECT_TRUE(PollUntil([&] { return watch.View().count("ODBMR1") == 1; }, kStartDeadline))
      << "the member did not register with the new registry";
  EXPECT_TRUE(member->IsRunning());
}

}  // namespace
}  // namespace drdaplex::testing
