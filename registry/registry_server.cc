// RegistryServer: the member table, one session per connection, and the
// fan-out of events to subscribers; see registry_server.h.
#include "registry/registry_server.h"

#include <boost/asio/awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "net/json_line_server.h"
#include "registry/protocol.h"
#include "registry/wlm_weights.h"

namespace drdaplex::registry {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using nlohmann::ordered_json;
using EndReason = net::JsonLineChannel::EndReason;

namespace {

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// What a registration is unique by: (kind, scope, name), the scope being
// the system for servers and "" for every other kind (RegistrationScope).
struct Key {
  std::string kind, scope, name;
  auto operator<=>(const Key&) const = default;
};

Key KeyOf(const MemberRecord& record) {
  return {record.kind, RegistrationScope(record), record.name};
}

// "ODBM ODBMB1", "SERVER LOC.NET.LU on system SYS1".
std::string Describe(const MemberRecord& record) {
  std::string text = Upper(record.kind) + " " + record.name;
  if (!RegistrationScope(record).empty()) text += " on system " + record.system;
  return text;
}

// "2026-05-01T12:00:00.123Z"
std::string IsoNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

ordered_json Refusal(const char* op, const char* reason, const std::string& message) {
  return {{"op", op}, {"ok", false}, {"reason", reason}, {"message", message}};
}

// IWMSRSRG's answer to a second registration of a triplet on one system:
// RC 4, reason xxxx0419 (IwmRsnCodeServerAlreadyReg).
ordered_json ServerAlreadyRegistered(const std::string& message) {
  ordered_json refusal = Refusal(protocol::kRegistered, protocol::kAlreadyRegistered, message);
  refusal["code"] = protocol::kServerAlreadyRegisteredCode;
  return refusal;
}

// "kinds": absent or null means every kind. nullopt when malformed.
std::optional<std::set<std::string>> Kinds(const json& request) {
  const auto it = request.find("kinds");
  if (it == request.end() || it->is_null()) return std::set<std::string>{};
  if (!it->is_array()) return std::nullopt;
  std::set<std::string> kinds;
  for (const json& kind : *it) {
    if (!kind.is_string()) return std::nullopt;
    kinds.insert(kind.get<std::string>());
  }
  return kinds;
}

bool Wanted(const std::set<std::string>& kinds, const std::string& kind) {
  return kinds.empty() || kinds.count(kind) > 0;
}

}  // namespace

class RegistryServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, const asio::ip::tcp::endpoint& listen, RegistryOptions options)
      : options_(options), server_(io, listen, ServerOptions(options), SessionFactory()) {}

  // After construction: the session factory needs weak_from_this().
  void Start() { self_for_sessions_ = weak_from_this(); }

  asio::ip::tcp::endpoint endpoint() const { return server_.endpoint(); }
  void Stop() { server_.Stop(); }
  size_t connection_count() const { return server_.connection_count(); }

  std::vector<MemberRecord> Members() const {
    std::vector<MemberRecord> records;
    for (const auto& [key, entry] : members_) records.push_back(entry.record);
    return records;
  }

 private:
  // What the registry knows about one connection.
  struct Connection {
    explicit Connection(net::JsonLineChannel* c) : channel(c) {}
    net::JsonLineChannel* channel;
    std::optional<Key> member;  // the registration this connection holds
    bool subscribed = false;
    std::set<std::string> kinds;  // subscribed kinds; empty: all
    size_t consecutive_errors = 0;
  };
  struct Entry {
    MemberRecord record;
    Connection* owner;
  };

  static net::JsonLineServerOptions ServerOptions(const RegistryOptions& options) {
    net::JsonLineServerOptions server;
    server.max_connections = options.max_connections;
    server.channel = options.channel;
    server.overload_line =
        Refusal(protocol::kError, "too-many-connections", "the registry is at its connection limit")
            .dump();
    return server;
  }

  net::JsonLineServer::Session SessionFactory() {
    // The server is built in the constructor, before weak_from_this() works,
    // so the factory reads the weak pointer when a session starts.
    return [this](std::shared_ptr<net::JsonLineChannel> channel) {
      return Session(self_for_sessions_.lock(), std::move(channel));
    };
  }

  // One connection, start to end. Holds the Impl alive while it runs.
  static awaitable<void> Session(std::shared_ptr<Impl> self,
                                 std::shared_ptr<net::JsonLineChannel> channel) {
    if (!self) co_return;
    Connection connection(channel.get());
    channel->ExpireAfter(self->options_.idle_timeout);
    EndReason reason = EndReason::kClosedLocally;
    try {
      reason = co_await channel->Run(self->Converse(connection));
    } catch (...) {
      self->Drop(connection, reason);  // no pointer to this frame may outlive it
      throw;
    }
    self->Drop(connection, reason);
  }

  awaitable<void> Converse(Connection& connection) {
    net::JsonLineChannel& channel = *connection.channel;
    for (;;) {
      net::JsonLineChannel::ReadResult in = co_await channel.Read();
      if (in.status == net::JsonLineChannel::ReadStatus::kClosed) co_return;
      RefreshDeadline(connection);  // any line, good or bad, is a sign of life
      if (in.status == net::JsonLineChannel::ReadStatus::kTooLong) {
        channel.Send(Refusal(protocol::kError, protocol::kInvalid, in.error + "; closing"));
        co_return;
      }
      const bool valid = in.status == net::JsonLineChannel::ReadStatus::kMessage
                             ? Handle(connection, in.message)
                             : (channel.Send(Refusal(protocol::kError, protocol::kInvalid, in.error)),
                                false);
      connection.consecutive_errors = valid ? 0 : connection.consecutive_errors + 1;
      if (connection.consecutive_errors >= options_.max_consecutive_errors) {
        channel.Send(Refusal(protocol::kError, protocol::kInvalid,
                             fmt::format("{} invalid requests in a row; closing",
                                         connection.consecutive_errors)));
        co_return;
      }
      RefreshDeadline(connection);  // the request may have changed the role
    }
  }

  // Members must keep talking; subscribers may listen forever; a connection
  // that has done neither gets the idle timeout.
  void RefreshDeadline(Connection& connection) {
    if (connection.member) {
      connection.channel->ExpireAfter(options_.heartbeat_timeout);
    } else if (connection.subscribed) {
      connection.channel->ExpireNever();
    } else {
      connection.channel->ExpireAfter(options_.idle_timeout);
    }
  }

  // Dispatches one request; false when it was invalid (counts as an error).
  bool Handle(Connection& connection, const json& request) {
    const auto op = request.find("op");
    const std::string name = op != request.end() && op->is_string() ? op->get<std::string>() : "";
    if (name == protocol::kHeartbeat) return true;
    if (name == protocol::kRegister) return Register(connection, request);
    if (name == protocol::kUpdate) return Update(connection, request);
    if (name == protocol::kDeregister) return Deregister(connection);
    if (name == protocol::kSubscribe) return Subscribe(connection, request);
    if (name == protocol::kQuery) return Query(connection, request);
    if (name == protocol::kWlm) return Wlm(connection, request);
    connection.channel->Send(Refusal(
        protocol::kError, protocol::kInvalid,
        name.empty() ? std::string("missing \"op\"") : fmt::format("unknown op '{}'", name)));
    return false;
  }

  bool Register(Connection& connection, const json& request) {
    std::string error;
    std::optional<MemberRecord> record = MemberRecordFromJson(request, &error);
    if (!record) {
      connection.channel->Send(Refusal(protocol::kRegistered, protocol::kInvalid, error));
      return false;
    }
    const Key key = KeyOf(*record);
    const bool server = record->kind == kKindServer;
    if (connection.member) {
      // The one registration a connection may hold may be re-sent to change
      // its health (as IWMSRSRG allows); anything else needs a deregister.
      Entry& mine = members_.at(*connection.member);
      if (*connection.member != key || !DiffersOnlyInHealth(mine.record, *record)) {
        const std::string message = fmt::format(
            "this connection already registered {}; deregister first", Describe(mine.record));
        // A server registering its own triplet again with more than health
        // changed is IWMSRSRG's 0419; a different name is a second
        // registration on one connection, which the registry does not do.
        connection.channel->Send(
            server && *connection.member == key
                ? ServerAlreadyRegistered(message)
                : Refusal(protocol::kRegistered, protocol::kOnePerConnection, message));
        return true;
      }
      SendRegistered(connection);
      if (mine.record.health != record->health) {
        mine.record.health = record->health;
        Publish(key.kind, Event(protocol::kChanged, mine.record));
      }
      return true;
    }
    if (const auto existing = members_.find(key); existing != members_.end()) {
      const std::string message =
          fmt::format("{} is already registered from {}", Describe(existing->second.record),
                      existing->second.record.peer);
      connection.channel->Send(
          server ? ServerAlreadyRegistered(message)
                 : Refusal(protocol::kRegistered, protocol::kAlreadyRegistered, message));
      spdlog::warn("refused {} from {}: already registered from {}",
                   Describe(existing->second.record), connection.channel->peer(),
                   existing->second.record.peer);
      return true;
    }
    if (members_.size() >= options_.max_members) {
      connection.channel->Send(Refusal(
          protocol::kRegistered, protocol::kRegistryFull,
          fmt::format("the registry holds its maximum of {} members", options_.max_members)));
      return true;
    }
    record->since = IsoNow();
    record->peer = connection.channel->peer();
    const MemberRecord& stored = members_.emplace(key, Entry{std::move(*record), &connection})
                                     .first->second.record;
    connection.member = key;
    SendRegistered(connection);
    spdlog::info("joined: {} {} at {} (system {}, health {}, from {})", stored.kind, stored.name,
                 stored.address, stored.system, stored.health, stored.peer);
    Publish(key.kind, Event(protocol::kJoined, stored));
    return true;
  }

  void SendRegistered(Connection& connection) {
    const auto timeout = options_.heartbeat_timeout.count();
    connection.channel->Send(ordered_json{{"op", protocol::kRegistered},
                                          {"ok", true},
                                          {"heartbeat_ms", std::max<int64_t>(1, timeout / 3)},
                                          {"timeout_ms", timeout}});
  }

  bool Update(Connection& connection, const json& request) {
    if (!connection.member) {
      connection.channel->Send(Refusal(protocol::kUpdated, protocol::kNotRegistered,
                                       "update before register"));
      return true;
    }
    MemberRecord& record = members_.at(*connection.member).record;
    const MemberRecord before = record;
    std::string error;
    ApplyMemberUpdate(request, &record, &error);
    if (!error.empty()) {
      connection.channel->Send(Refusal(protocol::kUpdated, protocol::kInvalid, error));
      return false;
    }
    connection.channel->Send(ordered_json{{"op", protocol::kUpdated}, {"ok", true}});
    if (!(record == before)) {
      spdlog::info("changed: {} {} (status {}, health {})", record.kind, record.name, record.status,
                   record.health);
      Publish(record.kind, Event(protocol::kChanged, record));
    }
    return true;
  }

  bool Deregister(Connection& connection) {
    if (!connection.member) {
      connection.channel->Send(Refusal(protocol::kDeregistered, protocol::kNotRegistered,
                                       "nothing registered on this connection"));
      return true;
    }
    connection.channel->Send(ordered_json{{"op", protocol::kDeregistered}, {"ok", true}});
    Remove(connection, protocol::kDeregistered);
    return true;
  }

  bool Subscribe(Connection& connection, const json& request) {
    const auto kinds = Kinds(request);
    if (!kinds) {
      connection.channel->Send(Refusal(protocol::kError, protocol::kInvalid,
                                       "\"kinds\" must be an array of strings"));
      return false;
    }
    connection.subscribed = true;
    connection.kinds = *kinds;
    subscribers_.insert(&connection);
    connection.channel->Send(
        ordered_json{{"op", protocol::kSnapshot}, {"members", Records(*kinds)}});
    return true;
  }

  bool Query(Connection& connection, const json& request) {
    const auto kinds = Kinds(request);
    if (!kinds) {
      connection.channel->Send(Refusal(protocol::kError, protocol::kInvalid,
                                       "\"kinds\" must be an array of strings"));
      return false;
    }
    connection.channel->Send(
        ordered_json{{"op", protocol::kResult}, {"ok", true}, {"rows", Records(*kinds)}});
    return true;
  }

  ordered_json Records(const std::set<std::string>& kinds) const {
    ordered_json rows = ordered_json::array();
    for (const auto& [key, entry] : members_) {
      if (Wanted(kinds, key.kind)) rows.push_back(MemberRecordToJson(entry.record));
    }
    return rows;
  }

  // IWMSRSRS: the weighted list of eligible servers ("weighted", the
  // default) or every registered server with why it is not eligible
  // ("all"); both with the systems' weights.
  bool Wlm(Connection& connection, const json& request) {
    const auto list = request.find("list");
    const std::string which =
        list == request.end() || list->is_null() ? protocol::kWlmWeighted
        : list->is_string()                      ? list->get<std::string>()
                                                 : std::string();
    if (which != protocol::kWlmWeighted && which != protocol::kWlmAll) {
      connection.channel->Send(Refusal(protocol::kError, protocol::kInvalid,
                                       "\"list\" must be \"weighted\" or \"all\""));
      return false;
    }
    std::vector<MemberRecord> records;
    for (const auto& [key, entry] : members_) {
      if (key.kind == kKindServer || key.kind == kKindSystem) records.push_back(entry.record);
    }
    const WlmWeights weights = ComputeWlmWeights(records);
    const bool all = which == protocol::kWlmAll;
    ordered_json rows = ordered_json::array();
    for (const WlmServerWeight& server : weights.servers) {
      if (all || server.eligible) rows.push_back(WlmServerRow(server, all));
    }
    ordered_json systems = ordered_json::array();
    for (const WlmSystemWeight& system : weights.systems) systems.push_back(WlmSystemRow(system));
    connection.channel->Send(ordered_json{{"op", protocol::kResult},
                                          {"ok", true},
                                          {"list", which},
                                          {"systems", std::move(systems)},
                                          {"rows", std::move(rows)}});
    return true;
  }

  static ordered_json Event(const char* op, const MemberRecord& record) {
    return {{"op", op}, {"member", MemberRecordToJson(record)}};
  }

  // Sends one event to every subscriber of `kind`. Serialised once; a
  // subscriber whose queue overflows is closed by its channel and dropped
  // when its session ends.
  void Publish(const std::string& kind, const ordered_json& event) {
    const std::string line = event.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    for (Connection* subscriber : subscribers_) {
      if (Wanted(subscriber->kinds, kind)) subscriber->channel->SendLine(line);
    }
  }

  // Forgets the connection's registration and tells the subscribers why.
  void Remove(Connection& connection, const char* reason) {
    if (!connection.member) return;
    const Key key = *std::exchange(connection.member, std::nullopt);
    const auto it = members_.find(key);
    if (it == members_.end() || it->second.owner != &connection) return;
    const std::string system = it->second.record.system;
    spdlog::info("left: {} {} of system {} ({})", key.kind, key.name, system, reason);
    members_.erase(it);
    Publish(key.kind, ordered_json{{"op", protocol::kLeft},
                                   {"kind", key.kind},
                                   {"name", key.name},
                                   {"system", system},
                                   {"reason", reason}});
  }

  // The connection ended: it is no subscriber any more, and its member left.
  void Drop(Connection& connection, EndReason reason) {
    subscribers_.erase(&connection);
    if (connection.member && reason == EndReason::kTimedOut) {
      Remove(connection, protocol::kHeartbeatTimeout);
    } else {
      Remove(connection, protocol::kConnectionClosed);
    }
    spdlog::debug("connection from {} ended: {} {}", connection.channel->peer(),
                  net::JsonLineChannel::EndReasonName(reason), connection.channel->end_detail());
  }

  const RegistryOptions options_;
  std::map<Key, Entry> members_;
  std::set<Connection*> subscribers_;
  std::weak_ptr<Impl> self_for_sessions_;
  net::JsonLineServer server_;  // last: its sessions use the members above
};

RegistryServer::RegistryServer(asio::io_context& io, const asio::ip::tcp::endpoint& listen,
                               RegistryOptions options)
    : impl_(std::make_shared<Impl>(io, listen, options)) {
  impl_->Start();
}

RegistryServer::~RegistryServer() { impl_->Stop(); }

asio::ip::tcp::endpoint RegistryServer::endpoint() const { return impl_->endpoint(); }

void RegistryServer::Stop() { impl_->Stop(); }

std::vector<MemberRecord> RegistryServer::Members() const { return impl_->Members(); }

size_t RegistryServer::connection_count() const { return impl_->connection_count(); }

}  // namespace drdaplex::registry
