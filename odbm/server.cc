#include "odbm/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <span>
#include <thread>
#include <vector>

#include "drda/dss.h"
#include "net/session_io.h"

namespace drdaplex::odbm {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

// One DRDA connection. Owns its socket and processor; lives in the frame of
// its coroutine, so it cannot outlive the connection.
class Server::Session {
 public:
  Session(Server& server, tcp::socket socket, asio::io_context& io)
      : server_(server), io_(io), socket_(std::move(socket)), processor_(server.context_),
        parser_(server.context_.limits) {}

  awaitable<void> Run() {
    // Non-blocking, so that the synchronous reads and writes (SpinRead,
    // Send) never block the loop.
    socket_.non_blocking(true);
    deadline_ = Clock::now() + server_.options_.idle_timeout;
    co_await (Serve() || Watchdog());
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  awaitable<void> Serve() {
    std::vector<drda::Dss> chain;
    drda::Bytes reply;
    size_t chain_bytes = 0;
    for (;;) {
      // Collect one request chain: DSSes until one that is not chained.
      chain.clear();
      chain_bytes = 0;
      for (;;) {
        auto next = parser_.Next();
        if (!next) {
          reply.clear();
          processor_.ReplyFramingError(next.error(), reply);
          co_await Send(reply);
          co_return;
        }
        if (*next) {
          chain_bytes += (*next)->payload.size();
          const bool last = !(*next)->header.chained;
          chain.push_back(std::move(**next));
          if (chain.size() > server_.context_.limits.max_chain_dsses ||
              chain_bytes > server_.context_.limits.max_chain_bytes) {
            reply.clear();
            processor_.ReplyFramingError(drda::make_error_code(drda::errc::too_large), reply);
            co_await Send(reply);
            co_return;
          }
          if (last) break;
          continue;
        }
        // Idle between chains; a shorter bound once a chain has started.
        const bool mid_request = !chain.empty() || !parser_.at_boundary();
        deadline_ = Clock::now() +
                    (mid_request ? server_.options_.request_timeout : server_.options_.idle_timeout);
        auto buffer = parser_.PrepareRead(16 * 1024);
        boost::system::error_code ec;
        size_t n = mid_request ? 0 : SpinRead(buffer, ec);
        if (n == 0 && !ec) {
          n = co_await socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                               asio::redirect_error(use_awaitable, ec));
        }
        if (ec) {
          // EOF at a DSS boundary is the normal end of a DRDA connection.
          if (ec != asio::error::eof || mid_request) {
            spdlog::debug("connection ended mid-request: {}", ec.message());
          }
          co_return;
        }
        parser_.CommitRead(n);
      }
      reply.clear();
      bool done;
      {
        EventLoopPool::BusyScope busy(server_.loops_, io_);
        done = processor_.ProcessChain(chain, reply);
      }
      while (!done) {
        // A write while another connection holds the database file's write
        // gate: wait in line for it here, parked, not in SQLite's busy
        // handler on the loop's thread (odbm/write_gate.h).
        const bool granted = co_await processor_.write_gate()->Acquire(
            socket_.get_executor(),  // the session's strand
            std::chrono::milliseconds(server_.context_.busy_timeout_ms));
        EventLoopPool::BusyScope busy(server_.loops_, io_);
        done = processor_.ResumeChain(granted);
      }
      // A requester that stops reading its replies is dropped, not waited for.
      deadline_ = Clock::now() + server_.options_.request_timeout;
      co_await Send(reply);
      if (processor_.close_requested()) co_return;
    }
  }

  // The socket is non-blocking, so a reply the kernel takes whole (nearly
  // all of them) goes out right here (net::WriteAll).
  awaitable<void> Send(const drda::Bytes& reply) { co_await net::WriteAll(socket_, reply); }

  // Polls the socket for up to options.spin while the reply's requester is
  // likely to answer at once. Returns the bytes read, or 0 (nothing came, or
  // spinning is not allowed now) with `ec` set only for real errors.
  size_t SpinRead(std::span<uint8_t> buffer, boost::system::error_code& ec) {
    const auto& options = server_.options_;
    if (options.spin.count() == 0) return 0;
    if (server_.spinners_.fetch_add(1, std::memory_order_relaxed) >= options.max_spinners) {
      server_.spinners_.fetch_sub(1, std::memory_order_relaxed);
      return 0;
    }
    size_t n = 0;
    const auto until = Clock::now() + options.spin;
    do {
      n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        ec.clear();
        n = 0;
        __builtin_ia32_pause();
        continue;
      }
      break;
    } while (Clock::now() < until);
    server_.spinners_.fetch_sub(1, std::memory_order_relaxed);
    return n;
  }

  // Ends the session when the deadline passes; Serve moves the deadline.
  awaitable<void> Watchdog() {
    co_await net::RunUntil(deadline_);
    spdlog::info("closing connection of user '{}': timed out", processor_.user());
  }

  Server& server_;
  asio::io_context& io_;  // the loop this session lives on
  tcp::socket socket_;
  CommandProcessor processor_;
  drda::DssStreamParser parser_;
  Clock::time_point deadline_;
};

Server::Server(OdbmContext& context, ServerOptions options)
    : context_(context),
      options_(std::move(options)),
      loops_({.loops = options_.threads}),
      acceptor_(loops_.loop(0)) {
  if (!context_.write_gates) context_.write_gates = &write_gates_;
}

Server::~Server() {
  // The sessions keep their gates alive themselves; the context must not
  // point at gates that are gone.
  if (context_.write_gates == &write_gates_) context_.write_gates = nullptr;
}

tcp::endpoint Server::Listen() {
  acceptor_.open(options_.listen.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(options_.listen);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  Accept();
  return acceptor_.local_endpoint();
}

void Server::Accept() {
  asio::io_context& io = loops_.Next();
  // A strand, because a stalled loop may briefly be run by a helper too.
  acceptor_.async_accept(asio::make_strand(io), [this, &io](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else if (active_.load() >= options_.max_connections) {
      spdlog::warn("refusing connection: {} connections already open", active_.load());
    } else {
      socket.set_option(tcp::no_delay(true));
      ++active_;
      auto executor = socket.get_executor();
      asio::co_spawn(
          executor,
          [this, s = std::move(socket), &io]() mutable -> awaitable<void> {
            Session session(*this, std::move(s), io);
            co_await session.Run();
          },
          [this](std::exception_ptr e) {
            --active_;
            net::LogSessionEnd(e);
          });
    }
    Accept();
  });
}

void Server::Run() { loops_.Run(); }

void Server::Stop() { loops_.Stop(); }

}  // namespace drdaplex::odbm
