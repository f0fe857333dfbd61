#include "net/session_io.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace drdaplex::net {

namespace asio = boost::asio;

asio::awaitable<void> WriteAll(asio::ip::tcp::socket& socket, std::span<const uint8_t> data) {
  size_t sent = 0;
  while (sent < data.size()) {
    boost::system::error_code ec;
    const size_t n = socket.write_some(asio::buffer(data.data() + sent, data.size() - sent), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) throw boost::system::system_error(ec);
    sent += n;
  }
  if (sent < data.size()) {
    co_await asio::async_write(socket, asio::buffer(data.data() + sent, data.size() - sent),
                               asio::use_awaitable);
  }
}

asio::awaitable<void> RunUntil(const std::chrono::steady_clock::time_point& deadline) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    timer.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (std::chrono::steady_clock::now() >= deadline) co_return;
  }
}

void LogSessionEnd(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    // Peer resets and the like end one connection, nothing more.
    spdlog::debug("connection ended: {}", e.what());
  } catch (const std::exception& e) {
    spdlog::error("connection ended by an internal error: {}", e.what());
  }
}

}  // namespace drdaplex::net
