// ReconnectingClient: the connect / converse / back off loop; see
// reconnecting_client.h.
#include "net/reconnecting_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/endpoint.h"
#include "net/socket_options.h"

namespace drdaplex::net {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(std::max(initial, max)), next_(initial) {}

std::chrono::milliseconds Backoff::Next() {
  const auto now = next_;
  next_ = std::min(max_, next_ * 2);
  return now;
}

void Backoff::Reset() { next_ = initial_; }

void Backoff::AtLeast(std::chrono::milliseconds delay) {
  next_ = std::clamp(delay, next_, max_);
}

struct ReconnectingClient::State {
  State(asio::any_io_executor e, tcp::endpoint s, ReconnectOptions o, Callbacks c)
      : executor(e),
        server(s),
        options(o),
        callbacks(std::move(c)),
        backoff(o.initial_backoff, o.max_backoff),
        socket(e),
        timer(e) {}

  asio::any_io_executor executor;
  const tcp::endpoint server;
  const ReconnectOptions options;
  const Callbacks callbacks;
  Backoff backoff;
  tcp::socket socket;  // The connection being made.
  asio::steady_timer timer;  // Connect timeout, then back-off delay.
  std::shared_ptr<JsonLineChannel> channel;  // The connection made.
  bool started = false;
  bool running = false;
  bool stopped = false;
  std::function<void()> on_idle;  // StopAfterFlush's `done`.
};

ReconnectingClient::ReconnectingClient(asio::any_io_executor executor, tcp::endpoint server,
                                       ReconnectOptions options, Callbacks callbacks)
    : state_(std::make_shared<State>(executor, server, options, std::move(callbacks))) {}

ReconnectingClient::~ReconnectingClient() { Stop(); }

void ReconnectingClient::Start() {
  if (state_->started || state_->stopped) return;
  state_->started = true;
  state_->running = true;
  asio::co_spawn(state_->executor, Loop(state_), asio::detached);
}

void ReconnectingClient::Stop() {
  State& s = *state_;
  s.stopped = true;
  boost::system::error_code ignored;
  s.socket.close(ignored);
  s.timer.cancel();
  if (s.channel) s.channel->Close();
}

void ReconnectingClient::StopAfterFlush(std::function<void()> done) {
  State& s = *state_;
  if (!s.running) {
    s.stopped = true;
    if (done) asio::post(s.executor, std::move(done));
    return;
  }
  s.on_idle = std::move(done);
  s.stopped = true;
  if (s.channel) {
    s.channel->Finish();
  } else {
    boost::system::error_code ignored;
    s.socket.close(ignored);
    s.timer.cancel();
  }
}

JsonLineChannel* ReconnectingClient::channel() const { return state_->channel.get(); }

Backoff& ReconnectingClient::backoff() { return state_->backoff; }

bool ReconnectingClient::stopped() const { return state_->stopped; }

awaitable<void> ReconnectingClient::Loop(std::shared_ptr<State> state) {
  using namespace asio::experimental::awaitable_operators;
  State& s = *state;
  while (!s.stopped) {
    s.socket = tcp::socket(s.executor);
    s.timer.expires_after(s.options.connect_timeout);
    boost::system::error_code connect_error;
    boost::system::error_code timer_error;
    const auto first =
        co_await (s.socket.async_connect(s.server, asio::redirect_error(use_awaitable, connect_error)) ||
                  s.timer.async_wait(asio::redirect_error(use_awaitable, timer_error)));
    if (s.stopped) break;
    if (first.index() == 1) connect_error = asio::error::timed_out;
    if (!connect_error) {
      TuneConnection(s.socket);
      s.channel = std::make_shared<JsonLineChannel>(std::move(s.socket), s.options.channel);
      auto reason = JsonLineChannel::EndReason::kClosedLocally;
      try {
        reason = co_await s.channel->Run(s.callbacks.conversation(*s.channel));
      } catch (const std::exception& e) {
        spdlog::error("conversation with {} ended by an internal error: {}",
                      FormatEndpoint(s.server), e.what());
      }
      const std::string detail = s.channel->end_detail();
      s.channel.reset();
      if (s.callbacks.disconnected) s.callbacks.disconnected(reason, detail);
    } else if (s.callbacks.connect_failed) {
      s.callbacks.connect_failed(connect_error);
    }
    if (s.stopped) break;
    s.timer.expires_after(s.backoff.Next());
    boost::system::error_code ignored;
    co_await s.timer.async_wait(asio::redirect_error(use_awaitable, ignored));
  }
  s.running = false;
  if (s.on_idle) std::exchange(s.on_idle, nullptr)();
}

}  // namespace drdaplex::net
