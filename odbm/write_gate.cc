#include "odbm/write_gate.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <filesystem>

namespace drdaplex::odbm {

namespace asio = boost::asio;

struct WriteGate::Waiter {
  explicit Waiter(asio::any_io_executor executor) : executor(executor), timer(executor) {}
  asio::any_io_executor executor;
  // Expires at the waiter's deadline; the grant cancels it (on `executor`:
  // timers are not thread-safe) to wake the waiter early.
  asio::steady_timer timer;
  bool granted = false;  // guarded by the gate's mutex
};

bool WriteGate::TryAcquire() {
  std::lock_guard lock(mutex_);
  if (held_ || !queue_.empty()) return false;
  held_ = true;
  return true;
}

asio::awaitable<bool> WriteGate::Acquire(asio::any_io_executor executor, std::chrono::milliseconds timeout) {
  auto waiter = std::make_shared<Waiter>(executor);
  {
    std::lock_guard lock(mutex_);
    if (!held_ && queue_.empty()) {
      held_ = true;
      co_return true;
    }
    waiter->timer.expires_after(timeout);
    queue_.push_back(waiter);
  }
  // Whatever ends the wait (grant, deadline, the session's cancellation, an
  // exception or the frame's destruction), the waiter leaves the queue, and
  // a grant it will not use passes on: a gate is never lost.
  struct Leave {
    WriteGate& gate;
    std::shared_ptr<Waiter> waiter;
    bool keep = false;  // the caller takes a granted gate
    ~Leave() {
      bool pass_on = false;
      {
        std::lock_guard lock(gate.mutex_);
        if (waiter->granted) {
          pass_on = !keep;
        } else {
          std::erase(gate.queue_, waiter);
        }
      }
      if (pass_on) gate.Release();
    }
  } leave{*this, waiter};
  boost::system::error_code ec;
  co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  bool granted;
  {
    std::lock_guard lock(mutex_);
    granted = waiter->granted;
  }
  leave.keep = granted;
  co_return granted;
}

void WriteGate::Release() {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      held_ = false;
      return;
    }
    // The gate stays held: it passes straight to the first waiter.
    next = std::move(queue_.front());
    queue_.pop_front();
    next->granted = true;
  }
  // Runs after the waiter's async_wait started: the waiter queued itself and
  // started waiting in one handler of its (serialised) executor.
  asio::post(next->executor, [next] { next->timer.cancel(); });
}

bool WriteGate::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

size_t WriteGate::waiters() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::shared_ptr<WriteGate> WriteGates::For(const std::string& path) {
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(path, ec).string();
  if (ec || key.empty()) key = path;
  std::lock_guard lock(mutex_);
  auto& gate = gates_[key];
  if (!gate) gate = std::make_shared<WriteGate>();
  return gate;
}

}  // namespace drdaplex::odbm
