#include "distributor/server/handoff_channel.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <deque>

#include "net/fd_passing.h"
#include "net/sleep.h"
#include "net/unix_seqpacket.h"

namespace drdaplex::distributor {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {
constexpr auto kInitialBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);
// A full channel is back-pressure: a router busy accepting a storm of
// connections reads its hand-overs late, and the socket buffer holds only
// a couple of hundred. Hand-overs then wait here, in order, up to this many
// per router; a router that has not taken the oldest of them for
// kStallLimit has stopped reading and is treated as broken.
constexpr size_t kMaxQueued = 4096;
constexpr auto kStallLimit = std::chrono::milliseconds(2000);
constexpr auto kRetryInterval = std::chrono::milliseconds(2);

// Built outside coroutines (GCC 12 and braced JSON literals in them).
std::string ConnMessage(uint64_t id, const std::string& client) {
  return nlohmann::json{{"op", "conn"}, {"id", id}, {"client", client}}.dump();
}
}  // namespace

struct HandoffChannel::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_, std::filesystem::path path_, Callbacks callbacks_)
      : io(io_), path(std::move(path_)), callbacks(std::move(callbacks_)), socket(io_) {}

  awaitable<void> Run() {
    auto self = shared_from_this();
    auto backoff = kInitialBackoff;
    while (running) {
      boost::system::error_code ec;
      socket = net::SeqPacket::socket(io);
      co_await socket.async_connect(net::UnixSeqPacketEndpoint(path), asio::redirect_error(use_awaitable, ec));
      if (!running) break;
      if (ec) {
        if (!co_await net::SleepFor(backoff)) break;
        backoff = std::min(backoff * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
        continue;
      }
      backoff = kInitialBackoff;
      SetConnected(true);
      co_await ReadReplies();
      SetConnected(false);
      boost::system::error_code ignored;
      socket.close(ignored);
    }
  }

  awaitable<void> ReadReplies() {
    while (running && connected) {
      boost::system::error_code ec;
      co_await socket.async_wait(net::SeqPacket::socket::wait_read, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      int error = 0;
      auto message = net::ReceiveWithFd(socket.native_handle(), &error);
      if (!message) {
        if (error == EAGAIN || error == EWOULDBLOCK || error == EMSGSIZE) continue;
        co_return;  // the router went away
      }
      if (message->fd >= 0) ::close(message->fd);  // routers send none
      Dispatch(message->text);
    }
  }

  void Dispatch(const std::string& text) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object() || !json.contains("id") || !json["id"].is_number_unsigned()) {
      spdlog::warn("hand-over channel {}: bad reply '{}'", path.string(), text.substr(0, 200));
      return;
    }
    const uint64_t id = json["id"].get<uint64_t>();
    const std::string op = json.value("op", "");
    if (op == "ack" && callbacks.on_ack) callbacks.on_ack(id);
    if (op == "nack" && callbacks.on_nack) callbacks.on_nack(id, json.value("reason", ""));
    if (op == "end" && callbacks.on_end) callbacks.on_end(id);
  }

  // Sends what waits in `queue`, oldest first, as the router makes room.
  awaitable<void> DrainQueue() {
    auto self = shared_from_this();
    draining = true;
    std::string failure = "hand-over channel closed";
    while (running && connected && !queue.empty()) {
      int err = 0;
      while (!queue.empty()) {
        Queued& next = queue.front();
        err = net::SendWithFd(socket.native_handle(), next.message, next.client.native_handle());
        if (err != 0) break;
        boost::system::error_code ignored;
        next.client.close(ignored);
        queue.pop_front();
      }
      if (queue.empty()) break;
      if (err != EAGAIN && err != EWOULDBLOCK) {
        failure = std::string("hand-over failed: ") + std::strerror(err);
        break;
      }
      if (std::chrono::steady_clock::now() - queue.front().since > kStallLimit) {
        failure = "the router stopped taking hand-overs";
        break;
      }
      if (!co_await net::SleepFor(kRetryInterval)) break;
    }
    draining = false;
    if (!queue.empty()) {
      spdlog::warn("hand-over to {}: {}; {} waiting connections closed", path.string(), failure, queue.size());
      FailQueued(failure);
      boost::system::error_code ignored;
      socket.close(ignored);  // ReadReplies ends; Run reconnects
    }
  }

  // The waiting connections cannot be handed over: they are closed (their
  // clients see the connection drop and connect again) and reported.
  void FailQueued(const std::string& reason) {
    std::deque<Queued> failed;
    failed.swap(queue);
    for (Queued& q : failed) {
      boost::system::error_code ignored;
      q.client.close(ignored);
      if (callbacks.on_nack) callbacks.on_nack(q.id, reason);
    }
  }

  void SetConnected(bool value) {
    if (connected == value) return;
    connected = value;
    if (callbacks.on_state) callbacks.on_state(value);
  }

  asio::io_context& io;
  const std::filesystem::path path;
  const Callbacks callbacks;
  net::SeqPacket::socket socket;
  bool running = false;
  bool connected = false;

  struct Queued {
    uint64_t id;
    asio::ip::tcp::socket client;
    std::string message;
    std::chrono::steady_clock::time_point since;
  };
  std::deque<Queued> queue;  // hand-overs waiting for room, oldest first
  bool draining = false;     // DrainQueue is running
};

HandoffChannel::HandoffChannel(asio::io_context& io, std::filesystem::path path, Callbacks callbacks)
    : state_(std::make_shared<State>(io, std::move(path), std::move(callbacks))) {}

HandoffChannel::~HandoffChannel() { Stop(); }

void HandoffChannel::Start() {
  if (state_->running) return;
  state_->running = true;
  asio::co_spawn(state_->io, state_->Run(), asio::detached);
}

void HandoffChannel::Stop() {
  state_->running = false;
  state_->connected = false;
  state_->FailQueued("distributor stopping");
  boost::system::error_code ignored;
  state_->socket.close(ignored);
}

bool HandoffChannel::connected() const { return state_->connected; }

bool HandoffChannel::HandOver(uint64_t id, asio::ip::tcp::socket& socket) {
  State& state = *state_;
  if (!state.connected || state.queue.size() >= kMaxQueued) return false;
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  const std::string client = ec ? "?" : fmt::format("{}:{}", peer.address().to_string(), peer.port());
  std::string message = ConnMessage(id, client);
  if (state.queue.empty()) {
    const int err = net::SendWithFd(state.socket.native_handle(), message, socket.native_handle());
    if (err == 0) {
      socket.close(ec);
      return true;
    }
    if (err != EAGAIN && err != EWOULDBLOCK) {
      spdlog::warn("hand-over to {} failed: {}", state.path.string(), std::strerror(err));
      boost::system::error_code ignored;
      state.socket.close(ignored);
      return false;
    }
  }
  // The router is behind: the connection waits its turn (see kMaxQueued).
  state.queue.push_back({id, std::move(socket), std::move(message), std::chrono::steady_clock::now()});
  if (!state.draining) {
    state.draining = true;
    asio::co_spawn(state.io, state.DrainQueue(), asio::detached);
  }
  return true;
}

}  // namespace drdaplex::distributor
