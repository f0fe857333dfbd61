// Connection accounting. A CounterBlock counts the live and total
// connections of one ODBM, one datastore of an ODBM, or one alias on a
// datastore. A ConnectionLease stands for one routed connection: it was
// counted in when RoutingTable::Acquire made it and counts itself out when
// destroyed.
//
// Ownership: counter blocks are shared (std::shared_ptr) between the table
// and every lease, so a lease may outlive the table that made it; the
// change counter (CountsEpoch) is shared the same way.
// Thread-safety: counters are atomics. A ConnectionLease is a value owned by
// one connection; moving or destroying it needs no lock.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace drdaplex::router {

struct CounterBlock {
  std::atomic<int64_t> live{0};    // connections open now
  std::atomic<uint64_t> total{0};  // connections ever counted in

  uint64_t Live() const {
    const int64_t n = live.load(std::memory_order_relaxed);
    return n > 0 ? static_cast<uint64_t>(n) : 0;
  }
  uint64_t Total() const { return total.load(std::memory_order_relaxed); }
};

// Bumped on every count change so that the table knows its cached view of
// the counts is stale.
using CountsEpoch = std::atomic<uint64_t>;

// Counter blocks by key (CounterKey); owned by RoutingTable, shared with
// leases. Blocks are never removed, so a returning ODBM keeps its totals.
using CounterMap = std::map<std::string, std::shared_ptr<CounterBlock>>;

// Key of the block for an ODBM, a datastore of it, or an alias on that
// datastore (normalized names). '\x1f' cannot occur in a name sent by a
// sane registry, so keys of different levels never collide.
std::string CounterKey(std::string_view odbm, std::string_view datastore = {},
                       std::string_view alias = {});

// The block under `key`, or null.
const CounterBlock* FindCounters(const CounterMap& counters, const std::string& key);

class ConnectionLease {
 public:
  // At most: the ODBM, the datastore, the alias on the datastore.
  static constexpr size_t kMaxBlocks = 3;

  ConnectionLease() = default;  // empty: counts nothing
  // Counts one connection into every non-null block.
  ConnectionLease(std::array<std::shared_ptr<CounterBlock>, kMaxBlocks> blocks,
                  std::shared_ptr<CountsEpoch> epoch);
  ConnectionLease(ConnectionLease&& other) noexcept = default;
  ConnectionLease& operator=(ConnectionLease&& other) noexcept;
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;
  ~ConnectionLease() { Release(); }

  // Counts the connection out now (idempotent); the lease becomes empty.
  void Release();
  bool empty() const { return epoch_ == nullptr; }

 private:
  std::array<std::shared_ptr<CounterBlock>, kMaxBlocks> blocks_;
  std::shared_ptr<CountsEpoch> epoch_;  // null when empty
};

}  // namespace drdaplex::router
