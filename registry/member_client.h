// RegistryMember: keeps one registration in the plex registry alive for as
// long as the member runs. It connects, registers its MemberRecord,
// heartbeats at the interval the registry asks for, sends updates (health,
// status, attributes) as they happen, and when the registry goes away
// reconnects with back-off (net::ReconnectOptions) and registers again with
// the latest record.
//
// A refused registration ("already-registered": another member holds the
// name) is reported to on_result. The first refusal is a configuration
// error the owner should act on (drdaplex-odbm exits); refusals after that
// (a registry restart while a namesake came up) are logged and retried
// every max_backoff until the name is free.
//
// Ownership: the member owns its connection; on_result is called on the
// io_context thread and must not destroy the member.
// Thread-safety: Start, Update*, Stop may be called from any thread (they
// are dispatched to the io_context). Destroy the member on the io_context's
// thread or after the io_context has stopped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "net/reconnecting_client.h"
#include "registry/record.h"

namespace drdaplex::registry {

struct RegistrationResult {
  enum class Status {
    kRegistered,   // The registry took the record.
    kRefused,      // The registry said no; `reason` is the protocol reason.
    kUnreachable,  // No connection, or it ended before the registry answered.
  };
  Status status = Status::kUnreachable;
  std::string reason;   // "already-registered", "invalid", ...; or the I/O error
  std::string message;  // the registry's message, for logs
  std::string code;     // the registry's "code" ("0419" for a server), if any
  bool first = false;   // the first attempt of this RegistryMember
};

struct RegistryMemberOptions {
  boost::asio::ip::tcp::endpoint registry;
  MemberRecord record;  // what to register; since and peer are ignored
  net::ReconnectOptions reconnect;
  // How long the registry may take to answer a registration.
  std::chrono::milliseconds reply_timeout{5000};
  // After every registration attempt; optional.
  std::function<void(const RegistrationResult&)> on_result;
};

class RegistryMember {
 public:
  RegistryMember(boost::asio::io_context& io, RegistryMemberOptions options);
  ~RegistryMember();
  RegistryMember(const RegistryMember&) = delete;
  RegistryMember& operator=(const RegistryMember&) = delete;

  void Start();
  // Changes the record; sent at once when registered, else with the next
  // registration.
  void UpdateHealth(int health);
  void UpdateStatus(std::string status);
  void UpdateAttributes(nlohmann::ordered_json attributes);
  // Deregisters politely (when registered) and stops reconnecting; `done`
  // runs on the io_context thread once the connection is closed (bounded by
  // the channel's write timeout).
  void Stop(std::function<void()> done = nullptr);

 private:
  class State;
  std::shared_ptr<State> state_;
};

}  // namespace drdaplex::registry
