// Replays what the real Derby network client sent to Derby Network Server
// (fixtures/drda-captures) through our protocol engine and checks that every
// request chain gets the reply objects Derby answered with, in order and
// under the same correlators: the shape the Derby client validates.
#include <sqlite3.h>

#include <fstream>
#include <iterator>

#include "tests/odbm/processor_fixture.h"

namespace drdaplex::odbm::testing {
namespace {

drda::Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Capture(const std::string& name) {
  return std::string(DRDAPLEX_SOURCE_DIR) + "/fixtures/drda-captures/derby-client/" + name;
}

class CaptureReplay : public ProcessorTest {
 protected:
  // Feeds every client chain and compares our reply objects with Derby's.
  void Replay(const std::string& stem) {
    const drda::Bytes requests = ReadFile(Capture(stem + ".1.c2s.bin"));
    const drda::Bytes replies = ReadFile(Capture(stem + ".1.s2c.bin"));
    auto request_chains = SplitChains(requests);
    auto reply_chains = SplitChains(replies);
    ASSERT_EQ(request_chains.size(), reply_chains.size());
    for (size_t i = 0; i < request_chains.size(); ++i) {
      auto ours = ObjectsOf(Process(request_chains[i]));
      auto derbys = ObjectsOf(reply_chains[i]);
      EXPECT_EQ(Describe(ours), Describe(derbys))
          << "reply to request chain " << i << " of " << stem << ": " << Describe(ObjectsOf(request_chains[i]));
    }
  }
};

TEST_F(CaptureReplay, GoldenScenarioGetsDerbysReplyShapes) { Replay("golden"); }

TEST_F(CaptureReplay, LongRdbnamScenarioGetsDerbysReplyShapes) {
  // That run began by dropping the table an earlier run had left; leave one
  // there for it too, so that the DROP succeeds here as it did on Derby.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("shared.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE GOLDEN (ID INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Replay("long-rdbnam");
}

TEST_F(CaptureReplay, SelectLoopGetsDerbysReplyShapes) { Replay("select1-loop"); }

}  // namespace
}  // namespace drdaplex::odbm::testing
