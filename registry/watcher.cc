// RegistryWatcher: the subscribe conversation run by a
// net::ReconnectingClient; see watcher.h.
#include "registry/watcher.h"

#include <boost/asio/dispatch.hpp>
#include <spdlog/spdlog.h>

#include <optional>

#include "net/endpoint.h"
#include "registry/protocol.h"

namespace drdaplex::registry {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using ReadStatus = net::JsonLineChannel::ReadStatus;

class RegistryWatcher::State : public std::enable_shared_from_this<State> {
 public:
  State(asio::io_context& io, RegistryWatcherOptions options, Callback on_event)
      : io_(io), options_(std::move(options)), on_event_(std::move(on_event)) {}

  void Start() {
    if (stopped_) return;
    std::weak_ptr<State> weak = weak_from_this();
    net::ReconnectingClient::Callbacks callbacks;
    callbacks.conversation = [weak](net::JsonLineChannel& channel) {
      return Converse(weak.lock(), channel);
    };
    callbacks.disconnected = [weak](net::JsonLineChannel::EndReason reason,
                                    const std::string& detail) {
      if (auto self = weak.lock()) {
        self->Lost(detail.empty() ? net::JsonLineChannel::EndReasonName(reason) : detail);
      }
    };
    callbacks.connect_failed = [weak](const boost::system::error_code& error) {
      if (auto self = weak.lock()) self->Lost("cannot connect: " + error.message());
    };
    client_.emplace(io_.get_executor(), options_.registry, options_.reconnect, std::move(callbacks));
    client_->Start();
  }

  void Stop() {
    stopped_ = true;
    if (client_) client_->Stop();
  }

  asio::io_context& io() { return io_; }

 private:
  static awaitable<void> Converse(std::shared_ptr<State> self, net::JsonLineChannel& channel) {
    if (self) co_await self->Conversation(channel);
  }

  awaitable<void> Conversation(net::JsonLineChannel& channel) {
    channel.Send(json{{"op", protocol::kSubscribe}, {"kinds", options_.kinds}});
    for (;;) {
      const net::JsonLineChannel::ReadResult in = co_await channel.Read();
      if (in.status == ReadStatus::kClosed || in.status == ReadStatus::kTooLong) co_return;
      if (in.status == ReadStatus::kInvalid) {
        spdlog::warn("registry sent a line that is not a JSON object: {}", in.error);
        continue;
      }
      Dispatch(in.message);
    }
  }

  void Dispatch(const json& message) {
    const std::string op = message.value("op", "");
    RegistryEvent event;
    if (op == protocol::kSnapshot) {
      event.type = RegistryEvent::kSnapshot;
      for (const json& member : message.value("members", json::array())) {
        if (auto record = Record(member)) event.members.push_back(std::move(*record));
      }
      // A view again: the next loss is news, and reconnects start quick.
      lost_reported_ = false;
      client_->backoff().Reset();
    } else if (op == protocol::kJoined || op == protocol::kChanged) {
      event.type = op == protocol::kJoined ? RegistryEvent::kJoined : RegistryEvent::kChanged;
      auto record = Record(message.value("member", json::object()));
      if (!record) return;
      event.members.push_back(std::move(*record));
    } else if (op == protocol::kLeft) {
      event.type = RegistryEvent::kLeft;
      event.kind = message.value("kind", "");
      event.name = message.value("name", "");
      event.system = message.value("system", "");
      event.reason = message.value("reason", "");
    } else {
      if (!message.value("ok", true)) {
        spdlog::warn("registry refused the subscription: {}", message.value("message", ""));
      }
      return;
    }
    Deliver(event);
  }

  std::optional<MemberRecord> Record(const json& member) {
    std::string error;
    auto record = MemberRecordFromJson(member, &error);
    if (!record) spdlog::warn("registry sent an invalid member record: {}", error);
    return record;
  }

  void Lost(const std::string& why) {
    if (lost_reported_ || stopped_) return;
    lost_reported_ = true;
    spdlog::warn("registry at {} lost: {}", net::FormatEndpoint(options_.registry), why);
    RegistryEvent event;
    event.type = RegistryEvent::kRegistryLost;
    event.reason = why;
    Deliver(event);
  }

  void Deliver(const RegistryEvent& event) {
    if (!stopped_ && on_event_) on_event_(event);
  }

  asio::io_context& io_;
  const RegistryWatcherOptions options_;
  const Callback on_event_;
  bool lost_reported_ = false;
  bool stopped_ = false;
  std::optional<net::ReconnectingClient> client_;
};

RegistryWatcher::RegistryWatcher(asio::io_context& io, RegistryWatcherOptions options,
                                 Callback on_event)
    : state_(std::make_shared<State>(io, std::move(options), std::move(on_event))) {}

RegistryWatcher::~RegistryWatcher() { state_->Stop(); }

void RegistryWatcher::Start() {
  asio::dispatch(state_->io(), [state = state_] { state->Start(); });
}

void RegistryWatcher::Stop() {
  asio::dispatch(state_->io(), [state = state_] { state->Stop(); });
}

}  // namespace drdaplex::registry
