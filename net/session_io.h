// Pieces every connection-serving coroutine needs, shared by the ODBM's and
// the router's sessions:
//  - WriteAll: a write that tries the kernel at once (the socket must be
//    non-blocking) and only parks in async_write for what it did not take.
//    Nearly every DRDA reply goes out in the first write_some, which saves
//    asio's deferred completion: one scheduler round and one epoll_wait per
//    request (measured with strace on the ODBM);
//  - RunUntil: a watchdog that returns once a deadline the session keeps
//    moving has passed, for `co_await (Serve() || RunUntil(deadline))`;
//  - LogSessionEnd: the completion handler of a session's co_spawn; a peer
//    reset ends one connection and is logged at debug level, anything else
//    is an internal error worth an error line.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <span>

namespace drdaplex::net {

boost::asio::awaitable<void> WriteAll(boost::asio::ip::tcp::socket& socket,
                                      std::span<const uint8_t> data);

// Returns when steady_clock passes `deadline`, re-reading it each time the
// timer fires (the caller moves it as the connection makes progress).
boost::asio::awaitable<void> RunUntil(const std::chrono::steady_clock::time_point& deadline);

void LogSessionEnd(std::exception_ptr error);

}  // namespace drdaplex::net
