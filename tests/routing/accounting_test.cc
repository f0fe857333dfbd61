// Connection leases, decision counters and history, and routing from
// several threads at once.
#include <gtest/gtest.h>

#include <map>
#include <thread>
#include <type_traits>
#include <utility>

#include "tests/routing/routing_fixture.h"

namespace drdaplex::router::routing_test {
namespace {

template <typename Row>
const Row* Find(const std::vector<Row>& rows, const std::string& odbm, const std::string& name) {
  for (const Row& row : rows) {
    if constexpr (std::is_same_v<Row, OdbmRow>) {
      if (row.name == odbm) return &row;
    } else if constexpr (std::is_same_v<Row, DatastoreRow>) {
      if (row.odbm == odbm && row.name == name) return &row;
    }
  }
  return nullptr;
}

const AliasRow* FindAlias(const PlexRows& rows, const std::string& alias,
                          const std::string& datastore) {
  for (const AliasRow& row : rows.aliases) {
    if (row.alias == alias && row.datastore == datastore) return &row;
  }
  return nullptr;
}

TEST_F(RoutingTableTest, LeasesCountConnectionsInAndOut) {
  RouteResult r = Route("IO1A");
  ASSERT_TRUE(r.ok);
  {
    ConnectionLease lease = table_.Acquire(r.target);
    EXPECT_FALSE(lease.empty());
    PlexRows rows = table_.Rows();
    EXPECT_EQ(Find(rows.odbms, "ODBMB1", "")->connections, 1u);
    EXPECT_EQ(Find(rows.odbms, "ODBMB1", "")->total, 1u);
    EXPECT_EQ(Find(rows.datastores, "ODBMB1", "IMS1")->connections, 1u);
    EXPECT_EQ(Find(rows.datastores, "ODBMB1", "IMS2")->connections, 0u);
    EXPECT_EQ(FindAlias(rows, "IO1A", "IMS1")->connections, 1u);
    EXPECT_EQ(FindAlias(rows, "IM1A", "IMS1")->connections, 0u);
    auto snap = table_.Snapshot();
    EXPECT_EQ(snap->FindOdbm("ODBMB1")->connections, 1u);
    EXPECT_EQ(snap->FindOdbm("ODBMB1")->datastores[0].connections, 1u);
    EXPECT_EQ(snap->FindOdbm("ODBMB2")->connections, 0u);

    // Moving keeps one count; the moved-from lease is empty.
    ConnectionLease moved = std::move(lease);
    EXPECT_TRUE(lease.empty());  // NOLINT(bugprone-use-after-move): checking the contract
    EXPECT_EQ(Find(table_.Rows().odbms, "ODBMB1", "")->connections, 1u);
    ConnectionLease assigned;
    assigned = std::move(moved);
    EXPECT_EQ(Find(table_.Rows().odbms, "ODBMB1", "")->connections, 1u);
  }
  PlexRows rows = table_.Rows();
  EXPECT_EQ(Find(rows.odbms, "ODBMB1", "")->connections, 0u);
  EXPECT_EQ(Find(rows.odbms, "ODBMB1", "")->total, 1u);
  EXPECT_EQ(Find(rows.datastores, "ODBMB1", "IMS1")->total, 1u);
  EXPECT_EQ(table_.Snapshot()->FindOdbm("ODBMB1")->connections, 0u);
}

TEST_F(RoutingTableTest, ReleaseIsIdempotentAndEmptyTargetsCountNothing) {
  ConnectionLease lease = table_.Acquire({"ODBMB2", "", "IMS4", ""});
  lease.Release();
  lease.Release();
  EXPECT_TRUE(lease.empty());
  PlexRows rows = table_.Rows();
  EXPECT_EQ(Find(rows.datastores, "ODBMB2", "IMS4")->connections, 0u);
  EXPECT_EQ(Find(rows.datastores, "ODBMB2", "IMS4")->total, 1u);
  EXPECT_TRUE(table_.Acquire({}).empty());
}

TEST_F(RoutingTableTest, CountersSurviveAnOdbmLeavingAndReturning) {
  ConnectionLease lease = table_.Acquire({"ODBMB2", "127.0.0.1:5002", "IMS3", "IO3A"});
  table_.MarkGone("ODBMB2", "left");
  EXPECT_EQ(Find(table_.Rows().odbms, "ODBMB2", "")->connections, 1u);
  table_.Upsert(SeedOdbmB2());
  lease.Release();
  const PlexRows rows = table_.Rows();
  const OdbmRow* row = Find(rows.odbms, "ODBMB2", "");
  EXPECT_EQ(row->connections, 0u);
  EXPECT_EQ(row->total, 1u);
}

TEST(ConnectionLeaseTest, LeaseMayOutliveItsTable) {
  ExitHolder exit;
  auto table = std::make_unique<RoutingTable>(exit);
  table->ReplaceAll(SeedPlex());
  ConnectionLease lease = table->Acquire({"ODBMB1", "127.0.0.1:5001", "IMS1", "IO1A"});
  table.reset();
  lease.Release();  // must not touch the destroyed table
  EXPECT_TRUE(lease.empty());
}

TEST_F(RoutingTableTest, DecisionCountersAndHistory) {
  for (int i = 0; i < 4; ++i) Route("IM1A");
  Route("");
  Route("ZZZZ");
  Route("ZZZZ");
  std::vector<DecisionCount> counts = table_.DecisionCounts();
  auto count_of = [&](const std::string& alias, const std::string& odbm,
                      const std::string& datastore, RouteFailure failure) -> uint64_t {
    for (const DecisionCount& c : counts) {
      if (c.alias == alias && c.odbm == odbm && c.datastore == datastore && c.failure == failure) {
        return c.count;
      }
    }
    return 0;
  };
  EXPECT_EQ(count_of("IM1A", "ODBMB1", "IMS1", RouteFailure::kNone), 2u);
  EXPECT_EQ(count_of("IM1A", "ODBMB1", "IMS2", RouteFailure::kNone), 2u);
  EXPECT_EQ(count_of("", "ODBMB1", "IMS1", RouteFailure::kNone), 1u);
  EXPECT_EQ(count_of("ZZZZ", "", "", RouteFailure::kUnknownAlias), 2u);
  EXPECT_EQ(counts.size(), 4u);

  std::vector<DecisionRecord> history = table_.History();
  ASSERT_EQ(history.size(), 7u);
  const DecisionRecord& last = history.back();
  EXPECT_EQ(last.alias, "ZZZZ");
  EXPECT_EQ(last.failure, RouteFailure::kUnknownAlias);
  EXPECT_EQ(last.user, "USER1");
  EXPECT_EQ(last.client, "192.0.2.7:50123");
  EXPECT_FALSE(last.reason.empty());
  EXPECT_EQ(history.front().alias, "IM1A");
  EXPECT_EQ(history.front().odbm, "ODBMB1");
  EXPECT_EQ(history.front().datastore, "IMS1");
  EXPECT_LT(history.front().connection_id, last.connection_id);

  // The ring keeps the newest 256.
  for (int i = 0; i < 300; ++i) Route("IO2A");
  history = table_.History();
  EXPECT_EQ(history.size(), DecisionLog::kDefaultHistory);
  EXPECT_EQ(history.front().alias, "IO2A");
}

TEST(DecisionLogTest, DistinctAliasNamesAreBounded) {
  DecisionLog log(/*history=*/4, /*max_aliases=*/2);
  for (const char* alias : {"A", "B", "C", "D", "A"}) {
    DecisionRecord record;
    record.alias = alias;
    record.failure = RouteFailure::kUnknownAlias;
    log.Record(record);
  }
  std::vector<DecisionCount> counts = log.Counts();
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].alias, DecisionLog::kOtherAlias);
  EXPECT_EQ(counts[0].count, 2u);
  EXPECT_EQ(counts[1].alias, "A");
  EXPECT_EQ(counts[1].count, 2u);
  EXPECT_EQ(log.History().size(), 4u);
  EXPECT_EQ(log.History().front().alias, "B");
}

TEST_F(RoutingTableTest, ConcurrentRoutingKeepsCountsExact) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 400;  // a multiple of 4 per alias kind
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      std::vector<ConnectionLease> held;
      for (int i = 0; i < kPerThread; ++i) {
        const std::string alias = i % 2 == 0 ? "IM1A" : "";
        RouteResult r = table_.Route(Req(alias));
        if (!r.ok) {
          ADD_FAILURE() << r.message;
          continue;
        }
        held.push_back(table_.Acquire(r.target));
        if (held.size() > 3) held.erase(held.begin());           // keep a few open
        if (t == 0 && i % 50 == 0) table_.Upsert(SeedOdbmB2());  // generations move too
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  PlexRows rows = table_.Rows();
  uint64_t total = 0;
  for (const OdbmRow& row : rows.odbms) {
    EXPECT_EQ(row.connections, 0u) << row.name;
    total += row.total;
  }
  EXPECT_EQ(total, static_cast<uint64_t>(kThreads * kPerThread));
  // Each cursor handed out every value once: exact halves and quarters.
  const uint64_t per_alias = kThreads * kPerThread / 2;
  EXPECT_EQ(FindAlias(rows, "IM1A", "IMS1")->connections, 0u);
  EXPECT_EQ(table_.History().size(), DecisionLog::kDefaultHistory);
  std::map<std::string, uint64_t> routed;  // by datastore
  for (const DecisionCount& c : table_.DecisionCounts()) {
    EXPECT_EQ(c.failure, RouteFailure::kNone);
    EXPECT_EQ(c.count, c.alias == "IM1A" ? per_alias / 2 : per_alias / 4)
        << c.alias << " " << c.datastore;
    routed[c.datastore] += c.count;
  }
  const std::vector<std::pair<std::string, std::string>> datastores = {
      {"ODBMB1", "IMS1"}, {"ODBMB1", "IMS2"}, {"ODBMB2", "IMS3"}, {"ODBMB2", "IMS4"}};
  for (const auto& [odbm, datastore] : datastores) {
    EXPECT_EQ(Find(rows.datastores, odbm, datastore)->total, routed[datastore]) << datastore;
  }
}

}  // namespace
}  // namespace drdaplex::router::routing_test
