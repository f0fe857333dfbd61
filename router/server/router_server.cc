#include "router/server/router_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <thread>
#include <variant>

#include "drda/connect.h"
#include "drda/dss.h"
#include "net/endpoint.h"
#include "net/session_io.h"
#include "router/routing/routing_key.h"
#include "router/server/client_connect_flow.h"
#include "router/server/odbm_opening.h"
#include "router/server/relay_monitor.h"
#include "router/server/route_replies.h"

namespace drdaplex::router {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kRelayBuffer = 64 * 1024;
// Attempts to reach an ODBM for one client: the first choice and one more
// after excluding an ODBM that could not be reached.
constexpr int kRouteAttempts = 2;

AccessFailure AccessFailureFor(RouteFailure failure) {
  switch (failure) {
    case RouteFailure::kUnknownAlias: return AccessFailure::kUnknownDatabase;
    case RouteFailure::kNotAuthorized: return AccessFailure::kNotAuthorized;
    default: return AccessFailure::kAccessFailed;
  }
}

}  // namespace

// ------------------------------------------------------------------ loops

class RouterServer::Loops {
 public:
  explicit Loops(int count) {
    for (int i = 0; i < std::max(count, 1); ++i) loops_.push_back(std::make_unique<Loop>());
  }
  asio::io_context& Next() {
    return loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->io;
  }
  asio::io_context& first() { return loops_[0]->io; }
  void Run() {
    std::vector<std::thread> threads;
    for (size_t i = 1; i < loops_.size(); ++i) {
      threads.emplace_back([this, i] { loops_[i]->io.run(); });
    }
    loops_[0]->io.run();
    for (auto& t : threads) t.join();
  }
  void Stop() {
    for (auto& loop : loops_) loop->io.stop();
  }

 private:
  struct Loop {
    asio::io_context io{1};
    // Keeps run() going while the loop has no connection.
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_{0};
};

// ---------------------------------------------------------------- session

class RouterServer::Session {
 public:
  Session(RouterServer& server, tcp::socket client)
      : server_(server),
        context_(server.context_),
        client_(std::move(client)),
        odbm_(client_.get_executor()),
        flow_(*server.context_.users, server.options_.router_name),
        parser_(server.context_.limits),
        connection_id_(server.next_connection_id_.fetch_add(1)) {
    boost::system::error_code ec;
    const auto peer = client_.remote_endpoint(ec);
    client_address_ = ec ? "?" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
  }

  awaitable<void> Run() {
    client_.non_blocking(true);
    deadline_ = Clock::now() + server_.options_.connect_flow_timeout;
    co_await (Serve() || Watchdog());
    boost::system::error_code ignored;
    client_.shutdown(tcp::socket::shutdown_both, ignored);
    client_.close(ignored);
    odbm_.close(ignored);
  }

 private:
  awaitable<void> Serve() {
    if (!co_await ConnectFlow()) co_return;
    std::optional<RouteTarget> target = co_await OpenOdbm();
    if (!target) co_return;
    // From here on the connection belongs to its ODBM for its whole life.
    lease_ = context_.table->Acquire(*target);
    spdlog::debug("connection {} of user '{}' from {} relayed to {}/{}", connection_id_,
                  flow_.request().user, client_address_, target->odbm, target->datastore);
    co_await Relay();
  }

  // Reads request chains and lets ClientConnectFlow answer them until the
  // client sends ACCRDB. False when the connection is done.
  awaitable<bool> ConnectFlow() {
    std::vector<drda::Dss> chain;
    drda::Bytes reply;
    for (;;) {
      chain.clear();
      size_t chain_bytes = 0;
      for (;;) {
        auto next = parser_.Next();
        if (!next) {
          reply.clear();
          flow_.ReplyFramingError(next.error(), reply);
          co_await net::WriteAll(client_, reply);
          co_return false;
        }
        if (*next) {
          chain_bytes += (*next)->payload.size();
          const bool last = !(*next)->header.chained;
          chain.push_back(std::move(**next));
          if (chain.size() > context_.limits.max_chain_dsses ||
              chain_bytes > context_.limits.max_chain_bytes) {
            reply.clear();
            flow_.ReplyFramingError(drda::make_error_code(drda::errc::too_large), reply);
            co_await net::WriteAll(client_, reply);
            co_return false;
          }
          if (last) break;
          continue;
        }
        auto buffer = parser_.PrepareRead(16 * 1024);
        boost::system::error_code ec;
        const size_t n = co_await client_.async_read_some(
            asio::buffer(buffer.data(), buffer.size()), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return false;
        parser_.CommitRead(n);
      }
      reply.clear();
      const auto step = flow_.ProcessChain(chain, reply);
      if (!reply.empty()) co_await net::WriteAll(client_, reply);
      if (step == ClientConnectFlow::Step::kClose) co_return false;
      if (step == ClientConnectFlow::Step::kRoute) co_return true;
    }
  }

  // Routes the connection and signs on to the chosen ODBM; on failure the
  // client has had its DRDA error. Returns the target on success, with the
  // ODBM's first reply bytes already passed to the client.
  awaitable<std::optional<RouteTarget>> OpenOdbm() {
    const ConnectRequest& request = flow_.request();
    const RoutingKey key = ParseRoutingKey(drda::DatabaseNameFromRdbnam(request.rdbnam));
    RouteRequest route;
    route.alias = key.alias;
    route.psb_name = key.psb_name;
    // User ids reach the exit as RACF would give them: upper case.
    route.user_id = NormalizeName(request.user);
    route.client_address = client_address_;
    route.router_name = server_.options_.router_name;
    route.connection_id = connection_id_;
    std::string last_failure;
    for (int attempt = 0; attempt < kRouteAttempts; ++attempt) {
      RouteResult result = context_.table->Route(route);
      if (!result.ok) {
        spdlog::info("connection {} of user '{}' not routed: {}", connection_id_, request.user,
                     result.log_reason);
        // After a failed attempt the true cause is the unreachable ODBM.
        co_await Refuse(attempt == 0 ? AccessFailureFor(result.failure) : AccessFailure::kAccessFailed,
                        attempt == 0 ? result.message : last_failure);
        co_return std::nullopt;
      }
      std::string failure;
      if (co_await SignOn(result.target, &failure)) co_return result.target;
      spdlog::warn("connection {}: {}", connection_id_, failure);
      if (failure_is_final_) {
        co_await Refuse(AccessFailure::kAccessFailed, failure);
        co_return std::nullopt;
      }
      last_failure = failure;
      route.exclude.insert(result.target.odbm);
    }
    co_await Refuse(AccessFailure::kAccessFailed, last_failure);
    co_return std::nullopt;
  }

  awaitable<void> Refuse(AccessFailure failure, const std::string& message) {
    drda::Bytes reply;
    WriteAccessFailure(flow_.request(), failure, message, reply);
    co_await net::WriteAll(client_, reply);
  }

  // Connects to the target ODBM and runs the router's sign-on, all within
  // ODBMTMOT. True once the ODBM accepted; its reply to the client's ACCRDB
  // has then been forwarded.
  awaitable<bool> SignOn(const RouteTarget& target, std::string* failure) {
    // A hung ODBM (stopped, not dead) accepts TCP in its kernel backlog
    // and then says nothing: ODBMTMOT bounds the whole sign-on, after which
    // the connection is routed elsewhere.
    asio::steady_timer timer(client_.get_executor(), server_.options_.odbm_timeout);
    deadline_ = Clock::now() + 2 * server_.options_.odbm_timeout;  // backstop only
    const auto outcome = co_await (TrySignOn(target, failure) ||
                                   timer.async_wait(asio::redirect_error(use_awaitable, timer_error_)));
    if (outcome.index() == 0) co_return std::get<0>(outcome);
    failure_is_final_ = false;
    *failure = fmt::format("alias {}: ODBM {} at {} did not answer within ODBMTMOT ({} ms)",
                           target.alias.empty() ? "(blank)" : target.alias, target.odbm,
                           target.address, server_.options_.odbm_timeout.count());
    co_return false;
  }

  awaitable<bool> TrySignOn(const RouteTarget& target, std::string* failure) {
    failure_is_final_ = false;
    const ConnectRequest& request = flow_.request();
    const std::string alias = target.alias.empty() ? "(blank)" : target.alias;
    auto endpoint = net::ParseEndpoint(target.address);
    if (!endpoint) {
      *failure = fmt::format("alias {}: ODBM {} has no usable address '{}'", alias, target.odbm,
                             target.address);
      co_return false;
    }
    boost::system::error_code ec;
    odbm_ = tcp::socket(client_.get_executor());
    co_await odbm_.async_connect(*endpoint, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      *failure = fmt::format("alias {}: ODBM {} at {} cannot be reached ({})", alias, target.odbm,
                             target.address, ec.message());
      co_return false;
    }
    odbm_.set_option(tcp::no_delay(true));
    odbm_.non_blocking(true);
    const std::string ticket =
        context_.plex_key ? config::MakePassTicket(*context_.plex_key, request.user, target.odbm,
                                                   std::chrono::system_clock::now())
                          : std::string();
    monitor_.ExpectReply(request.accrdb_correlator);
    co_await net::WriteAll(odbm_, BuildOdbmOpening(request, target.datastore, ticket));
    OdbmOpeningReader reader(request.accrdb_correlator, context_.limits);
    std::array<uint8_t, 16 * 1024> buffer;
    for (;;) {
      const size_t n = co_await odbm_.async_read_some(asio::buffer(buffer),
                                                      asio::redirect_error(use_awaitable, ec));
      if (ec) {
        *failure = fmt::format("alias {}: ODBM {} closed the connection during sign-on ({})", alias,
                               target.odbm, ec.message());
        co_return false;
      }
      const auto state = reader.Feed(drda::ByteSpan(buffer.data(), n));
      if (state == OdbmOpeningReader::State::kNeedMore) continue;
      if (state == OdbmOpeningReader::State::kRefused) {
        // A refusal is the ODBM's considered answer; another ODBM with the
        // same key would refuse too.
        *failure = fmt::format("alias {}: ODBM {} refused the router: {}", alias, target.odbm,
                               reader.reason());
        failure_is_final_ = true;
        co_return false;
      }
      drda::Bytes to_client = request.reply_prefix;
      to_client.insert(to_client.end(), reader.client_bytes().begin(), reader.client_bytes().end());
      monitor_.FromServer(reader.client_bytes());
      co_await net::WriteAll(client_, to_client);
      // Bytes the client sent ahead (none for the Derby client) follow.
      const drda::ByteSpan ahead = parser_.buffered_bytes();
      if (!ahead.empty()) {
        monitor_.FromClient(ahead);
        co_await net::WriteAll(odbm_, ahead);
      }
      co_return true;
    }
  }

  // Copies bytes both ways until either side ends or the connection idles
  // out. No DRDA parsing beyond RelayMonitor's glance at DSS headers.
  awaitable<void> Relay() {
    deadline_ = Clock::now() + server_.options_.idle_timeout;
    const auto ended = co_await (Pump(client_, odbm_, true) || Pump(odbm_, client_, false));
    const bool odbm_failed = std::visit([](bool odbm_side) { return odbm_side; }, ended);
    if (!odbm_failed) co_return;
    // The ODBM is gone. Its client gets that in DRDA terms (CMDCHKRM,
    // session damage) as the reply to the request it is waiting for, or,
    // when idle, to the next request it sends, rather than a bare close.
    if (!monitor_.awaiting_reply() && !co_await ReadUntilRequestComplete()) co_return;
    drda::Bytes reply;
    monitor_.WriteSessionLost(reply);
    boost::system::error_code ignored;
    asio::write(client_, asio::buffer(reply), ignored);
    spdlog::info("connection {} of user '{}': its ODBM went away; told the client", connection_id_,
                 flow_.request().user);
  }

  // Reads (and drops) client bytes until a request chain is complete. False
  // when the client goes away first; the idle deadline still applies.
  awaitable<bool> ReadUntilRequestComplete() {
    std::array<uint8_t, 16 * 1024> buffer;
    while (!monitor_.awaiting_reply()) {
      boost::system::error_code ec;
      const size_t n = co_await client_.async_read_some(asio::buffer(buffer),
                                                        asio::redirect_error(use_awaitable, ec));
      if (ec) co_return false;
      monitor_.FromClient(drda::ByteSpan(buffer.data(), n));
    }
    co_return true;
  }

  // Returns true when the ODBM side ended it (EOF or error reading from or
  // writing to the ODBM), false when the client did.
  awaitable<bool> Pump(tcp::socket& from, tcp::socket& to, bool from_client) {
    // Not zeroed: every byte read is written before it is used, and
    // clearing 2 x 64 KiB per connection showed in connect-heavy profiles.
    std::unique_ptr<uint8_t[]> storage(new uint8_t[kRelayBuffer]);
    const asio::mutable_buffer buffer(storage.get(), kRelayBuffer);
    for (;;) {
      boost::system::error_code ec;
      const size_t n = co_await from.async_read_some(buffer, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return !from_client;
      const drda::ByteSpan data(storage.get(), n);
      if (from_client) {
        monitor_.FromClient(data);
      } else {
        monitor_.FromServer(data);
      }
      deadline_ = Clock::now() + server_.options_.idle_timeout;
      try {
        co_await net::WriteAll(to, data);
      } catch (const boost::system::system_error&) {
        co_return from_client;
      }
    }
  }

  // Ends the session when the deadline passes; the phases move it.
  awaitable<void> Watchdog() {
    co_await net::RunUntil(deadline_);
    spdlog::info("closing connection {} of user '{}' from {}: timed out", connection_id_,
                 flow_.request().user, client_address_);
  }

  RouterServer& server_;
  RouterContext& context_;
  tcp::socket client_;
  tcp::socket odbm_;
  ClientConnectFlow flow_;
  drda::DssStreamParser parser_;
  RelayMonitor monitor_;
  ConnectionLease lease_;
  const uint64_t connection_id_;
  std::string client_address_;
  Clock::time_point deadline_;
  bool failure_is_final_ = false;
  boost::system::error_code timer_error_;
};

// ----------------------------------------------------------------- server

RouterServer::RouterServer(RouterContext& context, RouterServerOptions options)
    : context_(context), options_(std::move(options)), loops_(std::make_unique<Loops>(options_.threads)) {}

RouterServer::~RouterServer() = default;

asio::io_context& RouterServer::control_context() { return loops_->first(); }

std::vector<tcp::endpoint> RouterServer::Listen() {
  std::vector<tcp::endpoint> bound;
  for (const tcp::endpoint& endpoint : options_.drda_ports) {
    tcp::acceptor acceptor(loops_->first());
    try {
      acceptor.open(endpoint.protocol());
      acceptor.set_option(tcp::acceptor::reuse_address(true));
      // SHAREPORT: every router bound with SO_REUSEPORT (same user) shares
      // the port; the kernel spreads new connections over them.
      const int one = 1;
      if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
        throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
      }
      acceptor.bind(endpoint);
      acceptor.listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
      throw boost::system::system_error(
          e.code(), fmt::format("DRDA port {}:{}", endpoint.address().to_string(), endpoint.port()));
    }
    bound.push_back(acceptor.local_endpoint());
    acceptors_.push_back(std::move(acceptor));
  }
  for (size_t i = 0; i < acceptors_.size(); ++i) Accept(i);
  return bound;
}

void RouterServer::Accept(size_t listener) {
  asio::io_context& io = loops_->Next();
  acceptors_[listener].async_accept(io, [this, listener](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else if (active_.load() >= options_.max_sockets) {
      // MAXSOC reached: refuse, as IMS Connect does (HWSS0771W).
      ++refused_;
      spdlog::warn("refusing connection: MAXSOC {} reached", options_.max_sockets);
    } else {
      StartSession(std::move(socket), nullptr);
    }
    Accept(listener);
  });
}

void RouterServer::StartSession(tcp::socket socket, std::function<void()> on_end) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (options_.keepalive.count() > 0) socket.set_option(asio::socket_base::keep_alive(true), ignored);
  ++active_;
  ++total_;
  auto executor = socket.get_executor();
  asio::co_spawn(
      executor,
      [this, s = std::move(socket)]() mutable -> awaitable<void> {
        Session session(*this, std::move(s));
        co_await session.Run();
      },
      [this, on_end = std::move(on_end)](std::exception_ptr e) {
        --active_;
        net::LogSessionEnd(e);
        if (on_end) on_end();
      });
}

bool RouterServer::Adopt(int fd, std::function<void()> on_end) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (active_.load() >= options_.max_sockets ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      (address.ss_family != AF_INET && address.ss_family != AF_INET6)) {
    if (active_.load() >= options_.max_sockets) {
      ++refused_;
      spdlog::warn("refusing a handed-over connection: MAXSOC {} reached", options_.max_sockets);
    }
    ::close(fd);
    return false;
  }
  asio::io_context& io = loops_->Next();
  boost::system::error_code ec;
  tcp::socket socket(io);
  socket.assign(address.ss_family == AF_INET ? tcp::v4() : tcp::v6(), fd, ec);
  if (ec) {
    ::close(fd);
    return false;
  }
  // The session's first steps belong on its own loop.
  asio::post(io, [this, s = std::move(socket), on_end = std::move(on_end)]() mutable {
    StartSession(std::move(s), std::move(on_end));
  });
  return true;
}

void RouterServer::Run() { loops_->Run(); }

void RouterServer::Stop() {
  // Posted, so that Stop may come from any thread.
  asio::post(loops_->first(), [this] {
    for (auto& acceptor : acceptors_) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    }
    loops_->Stop();
  });
}

}  // namespace drdaplex::router
