#include "odbm/event_loop_pool.h"

#include <spdlog/spdlog.h>

namespace drdaplex::odbm {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

EventLoopPool::EventLoopPool(Options options) : options_(options) {
  for (int i = 0; i < std::max(1, options_.loops); ++i) loops_.push_back(std::make_unique<Loop>());
}

EventLoopPool::~EventLoopPool() {
  Stop();
  std::lock_guard lock(helpers_mutex_);
  for (auto& h : helper_threads_) h.thread.join();
}

asio::io_context& EventLoopPool::Next() {
  return loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->io;
}

EventLoopPool::Loop* EventLoopPool::Find(asio::io_context& io) {
  for (auto& l : loops_) {
    if (&l->io == &io) return l.get();
  }
  return nullptr;
}

EventLoopPool::BusyScope::BusyScope(EventLoopPool& pool, asio::io_context& io) : loop_(pool.Find(io)) {
  if (loop_) loop_->busy.fetch_add(1, std::memory_order_relaxed);
}

EventLoopPool::BusyScope::~BusyScope() {
  if (loop_) loop_->busy.fetch_sub(1, std::memory_order_relaxed);
}

void EventLoopPool::Run() {
  std::vector<std::thread> threads;
  // Work guards keep idle loops running until Stop().
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& l : loops_) guards.push_back(asio::make_work_guard(l->io));
  for (auto& l : loops_) {
    threads.emplace_back([loop = l.get()] {
      loop->threads.fetch_add(1);
      loop->io.run();
      loop->threads.fetch_sub(1);
    });
  }
  Monitor();  // returns at Stop()
  guards.clear();
  for (auto& t : threads) t.join();
}

void EventLoopPool::Stop() {
  stopping_ = true;
  for (auto& l : loops_) l->io.stop();
}

void EventLoopPool::Monitor() {
  // Twice per threshold: a stall is noticed within 1.5 thresholds, and an
  // idle process wakes only a hundred times a second.
  const auto tick = std::max(options_.stall_threshold / 2, std::chrono::milliseconds(1));
  while (!stopping_.load()) {
    std::this_thread::sleep_for(tick);
    const auto now = Clock::now();
    for (auto& l : loops_) {
      Loop& loop = *l;
      const bool stalled = loop.busy.load() >= loop.threads.load() && loop.threads.load() > 0;
      if (!stalled) {
        loop.stalled_since = {};
        continue;
      }
      if (loop.stalled_since == Clock::time_point{}) {
        loop.stalled_since = now;
      } else if (now - loop.stalled_since >= options_.stall_threshold &&
                 helpers_.load() < options_.max_helpers) {
        loop.stalled_since = {};
        helpers_.fetch_add(1);
        helpers_started_.fetch_add(1);
        auto done = std::make_shared<std::atomic<bool>>(false);
        std::lock_guard lock(helpers_mutex_);
        helper_threads_.push_back({std::thread([this, &loop, done] {
                                     Help(loop);
                                     *done = true;
                                   }),
                                   done});
      }
    }
    // Join helpers that have finished.
    std::lock_guard lock(helpers_mutex_);
    std::erase_if(helper_threads_, [](Helper& h) {
      if (!h.done->load()) return false;
      h.thread.join();
      return true;
    });
  }
}

void EventLoopPool::Help(Loop& loop) {
  spdlog::debug("event loop stalled by long-running work: lending it a helper thread");
  loop.threads.fetch_add(1);
  // Serve the loop while the others stay busy; leave once a thread of the
  // loop other than this one is free again.
  while (!stopping_.load()) {
    loop.io.run_for(std::chrono::milliseconds(100));
    if (loop.io.stopped()) break;
    if (loop.busy.load() < loop.threads.load() - 1) break;
  }
  loop.threads.fetch_sub(1);
  helpers_.fetch_sub(1);
}

}  // namespace drdaplex::odbm
