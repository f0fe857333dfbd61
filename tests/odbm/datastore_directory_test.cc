#include "odbm/datastore_directory.h"

#include <gtest/gtest.h>

#include <thread>

namespace drdaplex::odbm {
namespace {

DatastoreDirectory SeedOdbm() {
  return DatastoreDirectory("ODBMB1", {{"IMS1", {"IM1A", "IO1A"}, "a.db"}, {"IMS2", {"IM1A", "IO2A"}, "a.db"}});
}

TEST(DatastoreDirectory, AliasOfOneDatastoreAlwaysReachesIt) {
  auto d = SeedOdbm();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(d.Resolve("IO1A")->name, "IMS1");
  EXPECT_EQ(d.Resolve("io2a")->name, "IMS2");  // names ignore case
}

TEST(DatastoreDirectory, DatastoreNameWorksAsAlias) { EXPECT_EQ(SeedOdbm().Resolve("IMS2")->name, "IMS2"); }

TEST(DatastoreDirectory, SharedAliasRoundRobins) {
  auto d = SeedOdbm();
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) seen.push_back(d.Resolve("IM1A")->name);
  EXPECT_EQ(seen, (std::vector<std::string>{"IMS1", "IMS2", "IMS1", "IMS2"}));
}

TEST(DatastoreDirectory, BlankNameRoundRobinsOverAll) {
  auto d = SeedOdbm();
  EXPECT_EQ(d.Resolve("")->name, "IMS1");
  EXPECT_EQ(d.Resolve("")->name, "IMS2");
}

TEST(DatastoreDirectory, UnknownNameIsNull) { EXPECT_EQ(SeedOdbm().Resolve("IMSX"), nullptr); }

TEST(DatastoreDirectory, RoundRobinIsEvenUnderConcurrency) {
  auto d = SeedOdbm();
  std::atomic<int> ims1{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ims1 += d.Resolve("IM1A")->name == "IMS1";
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ims1.load(), 2000);
}

}  // namespace
}  // namespace drdaplex::odbm
