#include "router/server/handoff_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <set>

#include "net/fd_passing.h"
#include "net/unix_seqpacket.h"

namespace drdaplex::router {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Protocol = net::SeqPacket;

namespace {

// One distributor's channel. Shared with the on_end callbacks of the
// connections it brought, which may outlive it.
struct Channel : std::enable_shared_from_this<Channel> {
  explicit Channel(Protocol::socket s) : socket(std::move(s)) {}

  // Sends one small control message; waits (bounded) when the buffer is full.
  awaitable<void> Send(const std::string& text) {
    for (int attempt = 0; attempt < 100 && open; ++attempt) {
      const int err = net::SendWithFd(socket.native_handle(), text, -1);
      if (err == 0) co_return;
      if (err != EAGAIN && err != EWOULDBLOCK) break;
      boost::system::error_code ec;
      co_await socket.async_wait(Protocol::socket::wait_write, asio::redirect_error(use_awaitable, ec));
      if (ec) break;
    }
    open = false;
  }

  Protocol::socket socket;
  bool open = true;
};

}  // namespace

struct HandoffListener::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_, std::filesystem::path path_, Adopt adopt_)
      : io(io_), path(std::move(path_)), adopt(std::move(adopt_)), acceptor(io_) {}

  awaitable<void> AcceptLoop() {
    auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      Protocol::socket socket = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        spdlog::warn("hand-over channel: accept failed: {}", ec.message());
        continue;
      }
      auto channel = std::make_shared<Channel>(std::move(socket));
      channels.insert(channel);
      asio::co_spawn(io, Serve(channel), asio::detached);
    }
  }

  awaitable<void> Serve(std::shared_ptr<Channel> channel) {
    auto self = shared_from_this();
    spdlog::info("hand-over channel: a distributor connected");
    while (channel->open) {
      boost::system::error_code ec;
      co_await channel->socket.async_wait(Protocol::socket::wait_read,
                                          asio::redirect_error(use_awaitable, ec));
      if (ec) break;
      int error = 0;
      auto message = net::ReceiveWithFd(channel->socket.native_handle(), &error);
      if (!message) {
        if (error == EAGAIN || error == EWOULDBLOCK) continue;
        if (error == EMSGSIZE) {
          spdlog::warn("hand-over channel: over-long message dropped");
          continue;
        }
        break;  // end of stream or a hard error
      }
      co_await Handle(channel, std::move(*message));
    }
    channel->open = false;
    channels.erase(channel);
    spdlog::info("hand-over channel: a distributor went away");
  }

  awaitable<void> Handle(std::shared_ptr<Channel> channel, net::ReceivedMessage message) {
    const auto json = nlohmann::json::parse(message.text, nullptr, false);
    const bool valid = json.is_object() && json.value("op", "") == "conn" &&
                       json.contains("id") && json["id"].is_number_unsigned();
    if (!valid || message.fd < 0) {
      spdlog::warn("hand-over channel: bad message '{}'", message.text.substr(0, 200));
      if (message.fd >= 0) ::close(message.fd);
      co_return;
    }
    const uint64_t id = json["id"].get<uint64_t>();
    // The end notice travels back on this channel's executor, from
    // whichever loop the connection ran on.
    std::weak_ptr<Channel> weak = channel;
    auto on_end = [weak, id, io = &io] {
      asio::post(*io, [weak, id] {
        auto c = weak.lock();
        if (!c || !c->open) return;
        asio::co_spawn(c->socket.get_executor(), c->Send(EndNotice(id)), asio::detached);
      });
    };
    const bool taken = adopt(message.fd, std::move(on_end));
    if (taken) ++adopted;
    co_await channel->Send(Verdict(id, taken));
  }

  // Built outside the coroutine: GCC 12 cannot take braced JSON literals
  // inside one.
  static std::string Verdict(uint64_t id, bool taken) {
    nlohmann::json reply = {{"op", taken ? "ack" : "nack"}, {"id", id}};
    if (!taken) reply["reason"] = "no free connection slot";
    return reply.dump();
  }

  static std::string EndNotice(uint64_t id) { return nlohmann::json{{"op", "end"}, {"id", id}}.dump(); }

  asio::io_context& io;
  const std::filesystem::path path;
  const Adopt adopt;
  net::SeqPacketAcceptor acceptor;
  std::set<std::shared_ptr<Channel>> channels;
  std::atomic<size_t> adopted{0};
};

HandoffListener::HandoffListener(asio::io_context& io, std::filesystem::path path, Adopt adopt)
    : state_(std::make_shared<State>(io, std::move(path), std::move(adopt))) {}

HandoffListener::~HandoffListener() = default;

void HandoffListener::Start() {
  std::error_code ignored;
  // A socket file left by a router that died: nobody listens on it.
  std::filesystem::remove(state_->path, ignored);
  const Protocol::endpoint endpoint = net::UnixSeqPacketEndpoint(state_->path);
  state_->acceptor.open(endpoint.protocol());
  state_->acceptor.bind(endpoint);
  state_->acceptor.listen();
  asio::co_spawn(state_->io, state_->AcceptLoop(), asio::detached);
}

void HandoffListener::Stop() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& channel : state_->channels) {
    channel->open = false;
    channel->socket.close(ignored);
  }
  state_->channels.clear();
  std::error_code ignored_fs;
  std::filesystem::remove(state_->path, ignored_fs);
}

size_t HandoffListener::adopted() const { return state_->adopted.load(); }

}  // namespace drdaplex::router
