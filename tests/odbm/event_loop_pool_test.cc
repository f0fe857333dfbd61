#include "odbm/event_loop_pool.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <future>
#include <thread>

namespace drdaplex::odbm {
namespace {

using namespace std::chrono_literals;

// Runs the pool on a thread of its own for the length of a test.
class RunningPool {
 public:
  explicit RunningPool(EventLoopPool::Options options) : pool_(options), thread_([this] { pool_.Run(); }) {}
  ~RunningPool() {
    pool_.Stop();
    thread_.join();
  }
  EventLoopPool& pool() { return pool_; }

 private:
  EventLoopPool pool_;
  std::thread thread_;
};

TEST(EventLoopPool, StalledLoopGetsAHelperSoOtherWorkRuns) {
  RunningPool running({.loops = 1, .stall_threshold = 5ms});
  EventLoopPool& pool = running.pool();
  auto& io = pool.loop(0);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> other_ran;
  // Work that blocks its loop until the other work has run: without a
  // helper thread the loop could never run the other work.
  boost::asio::post(io, [&] {
    EventLoopPool::BusyScope busy(pool, io);
    released.wait_for(20s);
  });
  boost::asio::post(io, [&] {
    other_ran.set_value();
    release.set_value();
  });
  EXPECT_EQ(other_ran.get_future().wait_for(20s), std::future_status::ready);
  EXPECT_GE(pool.helpers_started(), 1);
}

TEST(EventLoopPool, IdleLoopsGetNoHelpers) {
  RunningPool running({.loops = 2, .stall_threshold = 1ms});
  std::promise<void> done;
  boost::asio::post(running.pool().Next(), [&] { done.set_value(); });
  done.get_future().wait();
  std::this_thread::sleep_for(20ms);  // several monitor ticks
  EXPECT_EQ(running.pool().helpers_started(), 0);
}

TEST(EventLoopPool, NextSpreadsConnectionsRoundRobin) {
  EventLoopPool pool({.loops = 3});
  EXPECT_EQ(&pool.Next(), &pool.loop(0));
  EXPECT_EQ(&pool.Next(), &pool.loop(1));
  EXPECT_EQ(&pool.Next(), &pool.loop(2));
  EXPECT_EQ(&pool.Next(), &pool.loop(0));
}

}  // namespace
}  // namespace drdaplex::odbm
