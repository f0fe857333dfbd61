// ConnectionLease: counts one routed connection in and out.
#include "router/routing/connection_lease.h"

#include <utility>

namespace drdaplex::router {

std::string CounterKey(std::string_view odbm, std::string_view datastore, std::string_view alias) {
  std::string key(odbm);
  if (!datastore.empty() || !alias.empty()) key.append("\x1f").append(datastore);
  if (!alias.empty()) key.append("\x1f").append(alias);
  return key;
}

const CounterBlock* FindCounters(const CounterMap& counters, const std::string& key) {
  auto it = counters.find(key);
  return it == counters.end() ? nullptr : it->second.get();
}

ConnectionLease::ConnectionLease(std::array<std::shared_ptr<CounterBlock>, kMaxBlocks> blocks,
                                 std::shared_ptr<CountsEpoch> epoch)
    : blocks_(std::move(blocks)), epoch_(std::move(epoch)) {
  for (const auto& block : blocks_) {
    if (block == nullptr) continue;
    block->live.fetch_add(1, std::memory_order_relaxed);
    block->total.fetch_add(1, std::memory_order_relaxed);
  }
  if (epoch_ != nullptr) epoch_->fetch_add(1, std::memory_order_release);
}

ConnectionLease& ConnectionLease::operator=(ConnectionLease&& other) noexcept {
  if (this != &other) {
    Release();
    blocks_ = std::move(other.blocks_);
    epoch_ = std::move(other.epoch_);
    other.blocks_ = {};
  }
  return *this;
}

void ConnectionLease::Release() {
  if (epoch_ == nullptr) return;
  for (auto& block : blocks_) {
    if (block != nullptr) block->live.fetch_sub(1, std::memory_order_relaxed);
    block.reset();
  }
  epoch_->fetch_add(1, std::memory_order_release);
  epoch_.reset();
}

}  // namespace drdaplex::router
