// The write gate of a database file (odbm/write_gate.h): waiters are served
// in arrival order, a wait is bounded, and the CommandProcessor takes the
// gate before a write, parks the chain when another connection holds it,
// gives it back when the unit of work ends (commit, rollback, close, or a
// statement that wrote nothing), answers a timed-out wait with 40XL1, and
// never gates reads.
#include "odbm/write_gate.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sqlite3.h>

#include "drda/sqlca.h"
#include "tests/odbm/processor_fixture.h"
#include "tests/odbm/request_chains.h"

namespace drdaplex::odbm::testing {
namespace {

namespace asio = boost::asio;
namespace cp = drda::cp;
using drda::DssType;
using namespace std::chrono_literals;
using namespace chains;

// ---------------------------------------------------------------- the gate

TEST(WriteGateTest, WaitersAreServedInArrivalOrder) {
  asio::io_context io;
  WriteGate gate;
  ASSERT_TRUE(gate.TryAcquire());
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          const bool granted = co_await gate.Acquire(io.get_executor(), 5s);
          EXPECT_TRUE(granted);
          order.push_back(i);
          // Hold it across a turn of the loop, then pass it on.
          asio::steady_timer t(io, 1ms);
          co_await t.async_wait(asio::use_awaitable);
          gate.Release();
        },
        asio::detached);
  }
  // Everyone queues first; then the holder lets go.
  asio::post(io, [&] {
    EXPECT_EQ(gate.waiters(), 5u);
    EXPECT_FALSE(gate.TryAcquire()) << "a newcomer must not overtake the queue";
    gate.Release();
  });
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_FALSE(gate.held());
  EXPECT_EQ(gate.waiters(), 0u);
}

TEST(WriteGateTest, AWaitIsBoundedAndLeavesTheQueue) {
  asio::io_context io;
  WriteGate gate;
  ASSERT_TRUE(gate.TryAcquire());
  std::optional<bool> granted;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { granted = co_await gate.Acquire(io.get_executor(), 50ms); },
      asio::detached);
  io.run();
  ASSERT_TRUE(granted.has_value());
  EXPECT_FALSE(*granted);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(gate.waiters(), 0u);
  EXPECT_TRUE(gate.held()) << "the holder still has it";
  gate.Release();
  EXPECT_FALSE(gate.held());
}

TEST(WriteGateTest, AGrantToAWaiterThatIsGonePassesOn) {
  asio::io_context io;
  WriteGate gate;
  ASSERT_TRUE(gate.TryAcquire());
  {
    // A waiter whose coroutine is destroyed while it waits (its session
    // ended): the frame goes with the io_context.
    asio::io_context doomed;
    asio::co_spawn(
        doomed, [&]() -> asio::awaitable<void> { co_await gate.Acquire(doomed.get_executor(), 5s); },
        asio::detached);
    doomed.run_for(10ms);
    EXPECT_EQ(gate.waiters(), 1u);
  }
  EXPECT_EQ(gate.waiters(), 0u);
  gate.Release();
  EXPECT_FALSE(gate.held()) << "the gate must not be lost to a waiter that left";
}

TEST(WriteGateTest, DatastoresSharingAFileShareItsGate) {
  drdaplex::testing::TempDir dir;
  WriteGates gates;
  EXPECT_EQ(gates.For(dir.File("a.db")), gates.For(dir.path() + "/./a.db"));
  EXPECT_NE(gates.For(dir.File("a.db")), gates.For(dir.File("b.db")));
}

// ---------------------------------------------------------------- processors

// The SQLSTATEs of every SQLCARD of a reply, in order ("" for success).
std::vector<std::string> SqlStates(const drda::Bytes& reply) {
  std::vector<std::string> out;
  auto chains = SplitChains(reply);
  EXPECT_EQ(chains.size(), 1u) << "a reply must be exactly one chain";
  if (chains.empty()) return out;
  for (const auto& dss : chains[0]) {
    auto objects = drda::ReadObjects(dss.payload);
    if (!objects) continue;
    for (const auto& o : *objects) {
      if (o.code_point != cp::SQLCARD) continue;
      drda::ByteReader in(o.data);
      auto sqlca = drda::ReadSqlcaGroup(in);
      out.push_back(sqlca && *sqlca ? (*sqlca)->sqlstate : std::string());
    }
  }
  for (auto& s : out) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
  }
  return out;
}

// Two connections, one per datastore, to the one file IMS1 and IMS2 share,
// with the gates a Server would give them; table T exists.
class GatedProcessorTest : public ProcessorTest {
 protected:
  GatedProcessorTest() {
    context_.write_gates = &gates_;
    context_.busy_timeout_ms = 200;
    a_ = Connect("IO1A");
    b_ = Connect("IO2A");
    const drda::Bytes reply = Run(*a_, ExecuteImmediate("CREATE TABLE T (ID INTEGER PRIMARY KEY)", true));
    EXPECT_EQ(SqlStates(reply), (std::vector<std::string>{"", ""}));
    gate_ = gates_.For(dir_.File("shared.db"));
    EXPECT_FALSE(gate_->held());
  }

  std::unique_ptr<CommandProcessor> Connect(const std::string& rdbnam) {
    auto p = std::make_unique<CommandProcessor>(context_);
    EXPECT_TRUE(Run(*p, ExcsatAccsec(3)).size() > 0);
    Run(*p, SecchkAccrdb("app", "secret", rdbnam));
    EXPECT_FALSE(p->close_requested());
    return p;
  }

  // A chain that must complete without waiting.
  drda::Bytes Run(CommandProcessor& p, const std::vector<drda::Dss>& chain) {
    drda::Bytes reply;
    EXPECT_TRUE(p.ProcessChain(chain, reply)) << "the chain must not wait for the gate";
    return reply;
  }

  int64_t Count() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(dir_.File("shared.db").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM T", -1, &stmt, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    const int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }

  WriteGates gates_;
  std::shared_ptr<WriteGate> gate_;
  std::unique_ptr<CommandProcessor> a_, b_;
};

TEST_F(GatedProcessorTest, AWriteTakesTheGateAndCommitGivesItBack) {
  EXPECT_EQ(SqlStates(Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"))), (std::vector<std::string>{""}));
  EXPECT_TRUE(a_->holds_write_gate());
  EXPECT_TRUE(gate_->held());
  Run(*a_, Single(cp::RDBCMM));
  EXPECT_FALSE(a_->holds_write_gate());
  EXPECT_FALSE(gate_->held());
  EXPECT_EQ(Count(), 1);
}

TEST_F(GatedProcessorTest, AutocommitChainGivesTheGateBackAtItsEnd) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)", true));
  EXPECT_FALSE(gate_->held());
  Run(*a_, PrepareAndExecute("INSERT INTO T VALUES (2)", 2));
  EXPECT_TRUE(gate_->held()) << "a prepared INSERT writes too";
  Run(*a_, Single(cp::RDBCMM));
  EXPECT_FALSE(gate_->held());
  EXPECT_EQ(Count(), 2);
}

TEST_F(GatedProcessorTest, RollbackGivesTheGateBack) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"));
  EXPECT_TRUE(gate_->held());
  Run(*a_, Single(cp::RDBRLLBCK));
  EXPECT_FALSE(gate_->held());
  EXPECT_EQ(Count(), 0);
}

TEST_F(GatedProcessorTest, CloseGivesTheGateBackAfterRollingBack) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"));
  EXPECT_TRUE(gate_->held());
  a_.reset();  // the connection is lost mid unit of work
  EXPECT_FALSE(gate_->held());
  EXPECT_EQ(Count(), 0);
  // And the next writer finds SQLite's lock free.
  EXPECT_EQ(SqlStates(Run(*b_, ExecuteImmediate("INSERT INTO T VALUES (2)", true))),
            (std::vector<std::string>{"", ""}));
}

TEST_F(GatedProcessorTest, AStatementThatWroteNothingGivesTheGateBack) {
  auto states = SqlStates(Run(*a_, ExecuteImmediate("INSERT INTO NOPE VALUES (1)")));
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0], "42X05");
  EXPECT_FALSE(gate_->held());
}

TEST_F(GatedProcessorTest, ReadsNeverWaitForTheGate) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"));
  ASSERT_TRUE(gate_->held());
  // Queries, prepared and opened, while another connection writes.
  const drda::Bytes reply = Run(*b_, PrepareAndOpen("SELECT COUNT(*) FROM T", 3));
  EXPECT_NE(Describe(ObjectsOf(SplitChains(reply)[0])).find("QRYDTA"), std::string::npos);
  Run(*b_, PrepareAndExecute("SELECT ID FROM T", 4));
  Run(*b_, ExecuteImmediate("SET SCHEMA APP"));
  EXPECT_FALSE(b_->holds_write_gate());
  Run(*b_, Single(cp::RDBCMM));
  Run(*a_, Single(cp::RDBCMM));
}

TEST_F(GatedProcessorTest, AWriterWaitsForTheGateAndRunsOnceGranted) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"));
  ASSERT_TRUE(gate_->held());
  drda::Bytes reply;
  const auto chain = ExecuteImmediate("INSERT INTO T VALUES (2)", true);
  ASSERT_FALSE(b_->ProcessChain(chain, reply)) << "B must wait for A's unit of work";
  EXPECT_TRUE(reply.empty());
  Run(*a_, Single(cp::RDBCMM));
  ASSERT_TRUE(gate_->TryAcquire());  // what the session's wait gets
  ASSERT_TRUE(b_->ResumeChain(true));
  EXPECT_EQ(SqlStates(reply), (std::vector<std::string>{"", ""}));
  EXPECT_FALSE(gate_->held()) << "B's chained commit gives it back";
  EXPECT_EQ(Count(), 2);
}

TEST_F(GatedProcessorTest, AWaitThatTimesOutAnswers40XL1AndLeavesTheConnectionUsable) {
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (1)"));
  drda::Bytes reply;
  const auto chain = PrepareAndExecute("INSERT INTO T VALUES (2)", 2);
  ASSERT_FALSE(b_->ProcessChain(chain, reply));
  ASSERT_TRUE(b_->ResumeChain(false));
  const auto states = SqlStates(reply);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0], "") << "the prepare before the write ran";
  EXPECT_EQ(states[1], "40XL1");
  EXPECT_FALSE(b_->holds_write_gate());
  EXPECT_TRUE(a_->holds_write_gate());
  Run(*a_, Single(cp::RDBCMM));
  EXPECT_EQ(SqlStates(Run(*b_, ExecuteImmediate("INSERT INTO T VALUES (3)", true))),
            (std::vector<std::string>{"", ""}));
  EXPECT_EQ(Count(), 2);
}

// Through real waits: several writers queued behind a holder are served in
// the order they asked, each resuming its own chain.
TEST_F(GatedProcessorTest, ParkedWritersResumeInArrivalOrder) {
  asio::io_context io;
  Run(*a_, ExecuteImmediate("INSERT INTO T VALUES (0)"));
  std::vector<std::unique_ptr<CommandProcessor>> writers;
  std::vector<int> order;
  for (int i = 1; i <= 4; ++i) writers.push_back(Connect(i % 2 ? "IO1A" : "IO2A"));
  for (int i = 1; i <= 4; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          CommandProcessor& p = *writers[static_cast<size_t>(i - 1)];
          const auto chain = ExecuteImmediate("INSERT INTO T VALUES (" + std::to_string(i) + ")", true);
          drda::Bytes reply;
          bool done = p.ProcessChain(chain, reply);
          while (!done) {
            const bool granted = co_await p.write_gate()->Acquire(io.get_executor(), 5s);
            done = p.ResumeChain(granted);
          }
          order.push_back(i);
          EXPECT_EQ(SqlStates(reply), (std::vector<std::string>{"", ""}));
        },
        asio::detached);
  }
  asio::post(io, [&] {
    EXPECT_EQ(gate_->waiters(), 4u);
    Run(*a_, Single(cp::RDBCMM));
  });
  io.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_FALSE(gate_->held());
  EXPECT_EQ(Count(), 5);
}

}  // namespace
}  // namespace drdaplex::odbm::testing
