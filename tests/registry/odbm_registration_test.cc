// drdaplex-odbm registers itself: started with --registry it appears in a
// watcher's view with its datastores and aliases and the address it
// listens on, and is gone within a second of being SIGKILLed.
#include <gtest/gtest.h>

#include "registry/protocol.h"
#include "tests/registry/registry_fixture.h"
#include "tests/support/odbm_process.h"

namespace drdaplex::testing {
namespace {

using registry::DatastoreRecord;
using registry::RegistryEvent;

class OdbmRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    registry_ = RegistryProcess::Start(dir_, &error);
    ASSERT_TRUE(registry_) << error;
  }

  std::unique_ptr<OdbmProcess> StartOdbm(const std::string& subdir,
                                         std::vector<std::string> args) {
    OdbmOptions options;
    options.extra_args = std::move(args);
    std::string error;
    auto odbm = OdbmProcess::Start(OdbmConfig::SharedPair(), dir_.MakeSubdir(subdir), &error,
                                   options);
    EXPECT_TRUE(odbm) << error;
    return odbm;
  }

  TempDir dir_{"registry-odbm-"};
  std::unique_ptr<RegistryProcess> registry_;
};

TEST_F(OdbmRegistrationTest, AnOdbmAppearsWithItsDatastoresAndLeavesWhenKilled) {
  WatchLog watch(registry_->endpoint());
  auto odbm = StartOdbm("b1", {"--registry", registry_->address(), "--system", "sys1"});
  ASSERT_TRUE(odbm);
  // The port file is written once the first registration is answered.
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));
  const registry::MemberRecord record = watch.View().at("ODBMB1");
  EXPECT_EQ(record.kind, registry::kKindOdbm);
  EXPECT_EQ(record.system, "SYS1");
  EXPECT_EQ(record.address, "127.0.0.1:" + std::to_string(odbm->port()));
  EXPECT_EQ(record.status, registry::kStatusActive);
  EXPECT_EQ(registry::OdbmDatastores(record),
            (std::vector<DatastoreRecord>{{"IMS1", "active", {"IM1A", "IO1A"}},
                                          {"IMS2", "active", {"IM1A", "IO2A"}}}));

  const size_t seen = watch.size();
  ASSERT_TRUE(odbm->Kill());
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMB1", registry::protocol::kConnectionClosed),
                            kPushDeadline, seen))
      << "no left event within " << kPushDeadline.count() << " ms of SIGKILL";
}

TEST_F(OdbmRegistrationTest, AStoppedOdbmDeregistersAndAnAdvertisedAddressIsPublished) {
  WatchLog watch(registry_->endpoint());
  auto odbm = StartOdbm("b1", {"--registry", registry_->address(), "--advertise", "10.1.2.3:5555"});
  ASSERT_TRUE(odbm);
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));
  EXPECT_EQ(watch.View().at("ODBMB1").address, "10.1.2.3:5555");
  EXPECT_TRUE(odbm->Stop());
  EXPECT_TRUE(watch.WaitFor(IsLeft("ODBMB1", registry::protocol::kDeregistered), kPushDeadline));
}

TEST_F(OdbmRegistrationTest, ASecondOdbmWithTheSameNameExitsWithStatus3) {
  WatchLog watch(registry_->endpoint());
  auto first = StartOdbm("b1", {"--registry", registry_->address()});
  ASSERT_TRUE(first);
  ASSERT_TRUE(watch.WaitFor(IsJoined("ODBMB1"), kPushDeadline));

  OdbmOptions options;
  options.extra_args = {"--registry", registry_->address()};
  std::string error;
  auto second = OdbmProcess::Start(OdbmConfig::SharedPair(), dir_.MakeSubdir("b1-again"), &error,
                                   options);
  EXPECT_FALSE(second) << "a namesake ODBM started";
  EXPECT_NE(error.find("exit status 3"), std::string::npos) << error;
  EXPECT_NE(error.find("already-registered"), std::string::npos) << error;
  EXPECT_EQ(watch.View().at("ODBMB1").address, "127.0.0.1:" + std::to_string(first->port()));
}

TEST_F(OdbmRegistrationTest, WithoutARegistryNothingIsRegistered) {
  auto odbm = StartOdbm("b1", {});
  ASSERT_TRUE(odbm);
  auto client = LineClient::Connect(registry_->port());
  ASSERT_TRUE(client);
  EXPECT_TRUE(client->Call({{"op", "query"}}).value()["rows"].empty());
}

}  // namespace
}  // namespace drdaplex::testing
