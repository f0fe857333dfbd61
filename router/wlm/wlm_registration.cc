// WlmServerRegistration: a RegistryMember for the router's WLM server
// record, a timer that keeps health and load current, and (optionally) a
// RegistryWatcher from which the router learns its own weight; see
// wlm_registration.h.
#include "router/wlm/wlm_registration.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "net/endpoint.h"
#include "registry/member_client.h"
#include "registry/watcher.h"
#include "registry/wlm_records.h"
#include "registry/wlm_weights.h"
#include "router/wlm/slot_health.h"

namespace drdaplex::router_wlm {

namespace asio = boost::asio;
using nlohmann::ordered_json;
using registry::MemberRecord;
using registry::RegistrationResult;
using registry::RegistryEvent;

const char* WlmRegistrationStatusName(WlmRegistrationStatus status) {
  switch (status) {
    case WlmRegistrationStatus::kNotYet:
      return "not-yet";
    case WlmRegistrationStatus::kRegistered:
      return "registered";
    case WlmRegistrationStatus::kRefused:
      return "refused";
    case WlmRegistrationStatus::kUnreachable:
      return "unreachable";
  }
  return "?";
}

MemberRecord WlmServerRecordFor(const config::RouterConfig& config, size_t active,
                                const ordered_json& extra_attributes) {
  const config::SysplexConfig& sysplex = config.sysplex;
  registry::WlmServer server;
  server.system = sysplex.system;
  server.triplet = registry::WlmTriplet(sysplex.location, sysplex.network_id,
                                        sysplex.luname.empty() ? config.name : sysplex.luname);
  server.host_name = sysplex.host_name;
  server.user_data = sysplex.user_data;
  const size_t max_sockets = static_cast<size_t>(std::max(config.max_sockets, 0));
  server.health = ServerHealthFromSlots(active, max_sockets);
  if (max_sockets > 0) server.max_sockets = static_cast<int64_t>(max_sockets);
  server.active = static_cast<int64_t>(active);
  server.agent = sysplex.agent_address;
  server.handoff = sysplex.handoff_path.string();
  if (extra_attributes.is_object()) {
    const auto drda = extra_attributes.find(registry::wlm_attr::kDrda);
    if (drda != extra_attributes.end() && drda->is_string())
      server.address = drda->get<std::string>();
  }
  MemberRecord record = registry::WlmServerRecord(server, extra_attributes);
  std::string error;
  auto checked = registry::MemberRecordFromJson(registry::MemberRecordToJson(record), &error);
  if (!checked) throw std::invalid_argument("WLM server registration: " + error);
  return *checked;
}

class WlmServerRegistration::State : public std::enable_shared_from_this<State> {
 public:
  State(asio::io_context& io, const asio::ip::tcp::endpoint& registry,
        const config::RouterConfig& config, std::function<size_t()> active_connections,
        ordered_json extra, WlmRegistrationOptions options)
      : io_(io),
        registry_(registry),
        options_(std::move(options)),
        max_sockets_(static_cast<size_t>(std::max(config.max_sockets, 0))),
        active_connections_(std::move(active_connections)),
        record_(WlmServerRecordFor(config, 0, extra)),
        timer_(io) {
    health_ = record_.health;
  }

  void Start() {
    if (started_) return;
    started_ = true;
    std::weak_ptr<State> weak = weak_from_this();
    // The first record already carries the load of the moment.
    MemberRecord first = record_;
    const size_t active = ReadActive();
    first.health = ServerHealthFromSlots(active, max_sockets_);
    first.attributes[registry::wlm_attr::kActive] = static_cast<int64_t>(active);
    sent_active_ = active;
    sent_health_ = first.health;
    active_ = active;
    health_ = first.health;
    attributes_ = first.attributes;

    registry::RegistryMemberOptions member;
    member.registry = registry_;
    member.record = std::move(first);
    member.reconnect = options_.reconnect;
    member.on_result = [weak](const RegistrationResult& result) {
      if (auto self = weak.lock()) self->Result(result);
    };
    member_ = std::make_unique<registry::RegistryMember>(io_, std::move(member));
    member_->Start();

    if (options_.learn_weight) {
      registry::RegistryWatcherOptions watch;
      watch.registry = registry_;
      watch.kinds = {registry::kKindServer, registry::kKindSystem};
      watch.reconnect = options_.reconnect;
      watcher_ = std::make_unique<registry::RegistryWatcher>(io_, std::move(watch),
                                                             [weak](const RegistryEvent& event) {
                                                               if (auto self = weak.lock())
                                                                 self->Watched(event);
                                                             });
      watcher_->Start();
    }
    Arm();
  }

  void Stop(std::function<void()> done) {
    stopped_ = true;
    timer_.cancel();
    if (watcher_) watcher_->Stop();
    if (member_) {
      member_->Stop(std::move(done));
    } else if (done) {
      done();
    }
  }

  // From the destructor: no deregistration, no callbacks any more.
  void StopNow() {
    stopped_ = true;
    timer_.cancel();
    watcher_.reset();
    member_.reset();
  }

  asio::io_context& io() { return io_; }
  const MemberRecord& record() const { return record_; }
  int health() const { return health_.load(); }
  size_t active() const { return active_.load(); }
  std::optional<int> server_weight() const {
    const int weight = weight_.load();
    return weight < 0 ? std::nullopt : std::optional<int>(weight);
  }
  WlmRegistrationStatus status() const { return status_.load(); }
  std::string refusal_code() const {
    std::lock_guard lock(mutex_);
    return refusal_code_;
  }
  size_t max_sockets() const { return max_sockets_; }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // kind, scope, name

  size_t ReadActive() {
    try {
      return active_connections_ ? active_connections_() : 0;
    } catch (const std::exception& e) {
      spdlog::error("WLM: reading the active connections failed: {}", e.what());
      return sent_active_;
    }
  }

  void Arm() {
    if (stopped_) return;
    timer_.expires_after(options_.interval);
    timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->stopped_) return;
      self->Tick();
      self->Arm();
    });
  }

  // Health and load now; the registry hears only of changes.
  void Tick() {
    const size_t active = ReadActive();
    const int health = ServerHealthFromSlots(active, max_sockets_);
    active_ = active;
    health_ = health;
    if (health != sent_health_) {
      spdlog::info("WLM: server {} health {} -> {} ({} of {} slots in use)", record_.name,
                   sent_health_, health, active, max_sockets_);
      member_->UpdateHealth(health);
      sent_health_ = health;
    }
    if (active != sent_active_) {
      attributes_[registry::wlm_attr::kActive] = static_cast<int64_t>(active);
      member_->UpdateAttributes(attributes_);
      sent_active_ = active;
    }
  }

  void Result(const RegistrationResult& result) {
    using Status = RegistrationResult::Status;
    switch (result.status) {
      case Status::kRegistered:
        status_ = WlmRegistrationStatus::kRegistered;
        {
          std::lock_guard lock(mutex_);
          refusal_code_.clear();
        }
        spdlog::info("WLM: registered server {} on system {}", record_.name, record_.system);
        break;
      case Status::kRefused:
        status_ = WlmRegistrationStatus::kRefused;
        {
          std::lock_guard lock(mutex_);
          refusal_code_ = result.code;
        }
        if (result.first) {
          spdlog::error(
              "WLM: registration of server {} on system {} refused: {} (reason code {}): {}; "
              "serving without sysplex routing, retrying",
              record_.name, record_.system, result.reason,
              result.code.empty() ? "none" : result.code, result.message);
        }
        break;
      case Status::kUnreachable:
        if (status_ != WlmRegistrationStatus::kRefused) {
          status_ = WlmRegistrationStatus::kUnreachable;
        }
        break;
    }
    Reweigh();
  }

  void Watched(const RegistryEvent& event) {
    switch (event.type) {
      case RegistryEvent::kSnapshot:
        records_.clear();
        [[fallthrough]];
      case RegistryEvent::kJoined:
      case RegistryEvent::kChanged:
        for (const MemberRecord& member : event.members) {
          records_[Key{member.kind, registry::RegistrationScope(member), member.name}] = member;
        }
        break;
      case RegistryEvent::kLeft:
        records_.erase(
            Key{event.kind, event.kind == registry::kKindServer ? event.system : "", event.name});
        break;
      case RegistryEvent::kRegistryLost:
        records_.clear();
        break;
    }
    Reweigh();
  }

  // The router's own weight, from the records it watches; unknown unless
  // the registry took its registration (a refused router would otherwise
  // read its namesake's weight).
  void Reweigh() {
    if (!watcher_) return;
    int weight = -1;
    if (status_ == WlmRegistrationStatus::kRegistered) {
      std::vector<MemberRecord> members;
      members.reserve(records_.size());
      for (const auto& [key, member] : records_) members.push_back(member);
      const registry::WlmWeights weights = registry::ComputeWlmWeights(members);
      if (const auto* mine = weights.FindServer(record_.system, record_.name)) {
        weight = mine->weight;
      }
    }
    weight_ = weight;
  }

  asio::io_context& io_;
  const asio::ip::tcp::endpoint registry_;
  const WlmRegistrationOptions options_;
  const size_t max_sockets_;
  const std::function<size_t()> active_connections_;
  const MemberRecord record_;
  asio::steady_timer timer_;
  std::unique_ptr<registry::RegistryMember> member_;
  std::unique_ptr<registry::RegistryWatcher> watcher_;
  std::map<Key, MemberRecord> records_;  // what the watcher sees
  ordered_json attributes_;              // as last sent
  size_t sent_active_ = 0;
  int sent_health_ = 100;
  bool started_ = false;
  bool stopped_ = false;

  // Read from other threads.
  std::atomic<int> health_{100};
  std::atomic<size_t> active_{0};
  std::atomic<int> weight_{-1};
  std::atomic<WlmRegistrationStatus> status_{WlmRegistrationStatus::kNotYet};
  mutable std::mutex mutex_;
  std::string refusal_code_;
};

WlmServerRegistration::WlmServerRegistration(asio::io_context& io,
                                             const asio::ip::tcp::endpoint& registry,
                                             const config::RouterConfig& config,
                                             std::function<size_t()> active_connections,
                                             ordered_json extra_attributes,
                                             WlmRegistrationOptions options)
    : state_(std::make_shared<State>(io, registry, config, std::move(active_connections),
                                     std::move(extra_attributes), std::move(options))) {}

WlmServerRegistration::~WlmServerRegistration() { state_->StopNow(); }

void WlmServerRegistration::Start() {
  asio::dispatch(state_->io(), [state = state_] { state->Start(); });
}

void WlmServerRegistration::Stop(std::function<void()> done) {
  asio::dispatch(state_->io(), [state = state_, done = std::move(done)]() mutable {
    state->Stop(std::move(done));
  });
}

const MemberRecord& WlmServerRegistration::record() const { return state_->record(); }
int WlmServerRegistration::health() const { return state_->health(); }
size_t WlmServerRegistration::active() const { return state_->active(); }
std::optional<int> WlmServerRegistration::server_weight() const { return state_->server_weight(); }
WlmRegistrationStatus WlmServerRegistration::status() const { return state_->status(); }
std::string WlmServerRegistration::refusal_code() const { return state_->refusal_code(); }

AgentState WlmServerRegistration::Agent(bool draining) const {
  AgentState agent;
  agent.health = health();
  agent.server_weight = server_weight();
  agent.draining = draining;
  agent.max_connections = state_->max_sockets();
  return agent;
}

}  // namespace drdaplex::router_wlm
