// Cancellation-aware waiting for coroutines that run as operands of the
// awaitable operators (a || b): when one operand finishes, the others are
// cancelled, and a coroutine parked on a timer must be able to tell that
// apart from a timer it was woken from on purpose (cancel() as a signal).
// Both functions run on the calling coroutine's executor; neither throws
// for cancellation.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace drdaplex::net {

// True when the calling coroutine has been asked to stop by its parent.
boost::asio::awaitable<bool> IsCancelled();

// Waits `delay`; false when cancelled before it passed.
boost::asio::awaitable<bool> SleepFor(std::chrono::steady_clock::duration delay);

}  // namespace drdaplex::net
