// RegistryMember: the register / heartbeat / update conversation run by a
// net::ReconnectingClient; see member_client.h.
#include "registry/member_client.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

#include <optional>

#include "net/endpoint.h"
#include "net/sleep.h"
#include "registry/protocol.h"

namespace drdaplex::registry {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using nlohmann::ordered_json;
using ReadStatus = net::JsonLineChannel::ReadStatus;

class RegistryMember::State : public std::enable_shared_from_this<State> {
 public:
  State(asio::io_context& io, RegistryMemberOptions options)
      : io_(io), options_(std::move(options)), record_(options_.record) {
    record_.since.clear();
    record_.peer.clear();
  }

  void Start() {
    std::weak_ptr<State> weak = weak_from_this();
    net::ReconnectingClient::Callbacks callbacks;
    callbacks.conversation = [weak](net::JsonLineChannel& channel) {
      return Converse(weak.lock(), channel);
    };
    callbacks.disconnected = [weak](net::JsonLineChannel::EndReason, const std::string& detail) {
      if (auto self = weak.lock()) self->Disconnected(detail);
    };
    callbacks.connect_failed = [weak](const boost::system::error_code& error) {
      if (auto self = weak.lock()) self->Report({RegistrationResult::Status::kUnreachable,
                                                 error.message(), "cannot connect", "",
                                                 false});
    };
    client_.emplace(io_.get_executor(), options_.registry, options_.reconnect, std::move(callbacks));
    client_->Start();
  }

  // Applies `change` to the record and sends what changed when registered.
  void Change(const std::function<void(MemberRecord&)>& change) {
    change(record_);
    SendUpdate();
  }

  void Stop(std::function<void()> done) {
    stopping_ = true;
    if (!client_) {
      if (done) done();
      return;
    }
    if (registered_ && client_->channel()) {
      client_->channel()->Send(ordered_json{{"op", protocol::kDeregister}});
    }
    client_->StopAfterFlush(std::move(done));
  }

  void StopNow() {
    stopping_ = true;  // what the stop cancels is no news
    if (client_) client_->Stop();
  }

  asio::io_context& io() { return io_; }

 private:
  static awaitable<void> Converse(std::shared_ptr<State> self, net::JsonLineChannel& channel) {
    if (self) co_await self->Conversation(channel);
  }

  awaitable<void> Conversation(net::JsonLineChannel& channel) {
    using namespace asio::experimental::awaitable_operators;
    ordered_json request{{"op", protocol::kRegister}};
    request.update(MemberRecordToJson(record_));
    channel.Send(request);
    sent_ = record_;
    channel.ExpireAfter(options_.reply_timeout);
    const net::JsonLineChannel::ReadResult reply = co_await channel.Read();
    channel.ExpireNever();
    if (reply.status != ReadStatus::kMessage || reply.message.value("op", "") != protocol::kRegistered) {
      Report({RegistrationResult::Status::kUnreachable,
              reply.status == ReadStatus::kMessage ? "unexpected reply" : reply.error,
              reply.status == ReadStatus::kMessage ? reply.message.dump() : "", "", false});
      co_return;
    }
    if (!reply.message.value("ok", false)) {
      Report({RegistrationResult::Status::kRefused, reply.message.value("reason", ""),
              reply.message.value("message", ""), reply.message.value("code", ""), false});
      // A namesake holds the name; that does not pass in 100 ms.
      client_->backoff().AtLeast(client_->backoff().max());
      co_return;
    }
    registered_ = true;
    client_->backoff().Reset();
    Report({RegistrationResult::Status::kRegistered, "", "", "", false});
    SendUpdate();  // whatever changed while the registration was on its way
    const std::chrono::milliseconds interval(
        std::max<int64_t>(10, reply.message.value("heartbeat_ms", int64_t{1000})));
    co_await (ReadReplies(channel) || Heartbeats(channel, interval));
  }

  awaitable<void> ReadReplies(net::JsonLineChannel& channel) {
    for (;;) {
      const net::JsonLineChannel::ReadResult in = co_await channel.Read();
      if (in.status == ReadStatus::kClosed || in.status == ReadStatus::kTooLong) co_return;
      if (in.status == ReadStatus::kMessage && !in.message.value("ok", true)) {
        spdlog::warn("registry refused a request of {} {}: {} {}", record_.kind, record_.name,
                     in.message.value("reason", ""), in.message.value("message", ""));
      }
    }
  }

  static awaitable<void> Heartbeats(net::JsonLineChannel& channel,
                                    std::chrono::milliseconds interval) {
    const std::string heartbeat = ordered_json{{"op", protocol::kHeartbeat}}.dump();
    while (co_await net::SleepFor(interval)) {
      if (!channel.SendLine(heartbeat)) co_return;
    }
  }

  // Sends the fields in which record_ differs from what the registry has.
  void SendUpdate() {
    net::JsonLineChannel* channel = client_ ? client_->channel() : nullptr;
    if (!registered_ || !channel) return;
    ordered_json update{{"op", protocol::kUpdate}};
    if (record_.health != sent_.health) update["health"] = record_.health;
    if (record_.status != sent_.status) update["status"] = record_.status;
    if (record_.attributes != sent_.attributes) update["attributes"] = record_.attributes;
    if (update.size() == 1) return;
    channel->Send(update);
    sent_ = record_;
  }

  void Disconnected(const std::string& detail) {
    if (registered_ && !stopping_) {
      spdlog::warn("lost the registry at {} ({}); registering again",
                   net::FormatEndpoint(options_.registry), detail);
    }
    registered_ = false;
  }

  void Report(RegistrationResult result) {
    result.first = attempts_++ == 0;
    const std::string registry = net::FormatEndpoint(options_.registry);
    switch (result.status) {
      case RegistrationResult::Status::kRegistered:
        spdlog::info("registered {} {} with the registry at {}", record_.kind, record_.name,
                     registry);
        unreachable_logged_ = false;
        break;
      case RegistrationResult::Status::kRefused:
        spdlog::error("registry at {} refused {} {}: {}{} ({})", registry, record_.kind,
                      record_.name, result.reason,
                      result.code.empty() ? "" : " (reason code " + result.code + ")",
                      result.message);
        break;
      case RegistrationResult::Status::kUnreachable:
        // Once per outage at warning level; the retries every few seconds
        // after that are not news.
        if (unreachable_logged_) {
          spdlog::debug("registry at {} still unreachable: {}", registry, result.reason);
        } else {
          spdlog::warn("registry at {} unreachable: {}; retrying", registry, result.reason);
          unreachable_logged_ = true;
        }
        break;
    }
    if (options_.on_result) options_.on_result(result);
  }

  asio::io_context& io_;
  const RegistryMemberOptions options_;
  MemberRecord record_;  // what the member wants registered
  MemberRecord sent_;    // what the registry has been sent
  bool registered_ = false;
  bool unreachable_logged_ = false;
  bool stopping_ = false;
  size_t attempts_ = 0;
  std::optional<net::ReconnectingClient> client_;
};

RegistryMember::RegistryMember(asio::io_context& io, RegistryMemberOptions options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

RegistryMember::~RegistryMember() { state_->StopNow(); }

void RegistryMember::Start() {
  asio::dispatch(state_->io(), [state = state_] { state->Start(); });
}

void RegistryMember::UpdateHealth(int health) {
  asio::dispatch(state_->io(), [state = state_, health] {
    state->Change([&](MemberRecord& record) { record.health = health; });
  });
}

void RegistryMember::UpdateStatus(std::string status) {
  asio::dispatch(state_->io(), [state = state_, status = std::move(status)] {
    state->Change([&](MemberRecord& record) { record.status = status; });
  });
}

void RegistryMember::UpdateAttributes(ordered_json attributes) {
  asio::dispatch(state_->io(), [state = state_, attributes = std::move(attributes)] {
    state->Change([&](MemberRecord& record) { record.attributes = attributes; });
  });
}

void RegistryMember::Stop(std::function<void()> done) {
  asio::dispatch(state_->io(), [state = state_, done = std::move(done)]() mutable {
    state->Stop(std::move(done));
  });
}

}  // namespace drdaplex::registry
