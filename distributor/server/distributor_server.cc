#include "distributor/server/distributor_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/endpoint.h"
#include "registry/wlm_records.h"
#include "registry/wlm_weights.h"

namespace drdaplex::distributor {

namespace asio = boost::asio;
using asio::ip::tcp;
using nlohmann::ordered_json;

namespace {

// Hand-overs that failed outright are retried on another router this often.
constexpr int kHandOverAttempts = 3;
constexpr auto kTick = std::chrono::milliseconds(100);

std::string ServerId(const std::string& system, const std::string& triplet) {
  return system + "/" + triplet;
}

DistMethod MethodFrom(config::DistMethodConfig m) {
  switch (m) {
    case config::DistMethodConfig::kRoundRobin: return DistMethod::kRoundRobin;
    case config::DistMethodConfig::kBaseWlm: return DistMethod::kBaseWlm;
    case config::DistMethodConfig::kServerWlm: return DistMethod::kServerWlm;
    case config::DistMethodConfig::kWeightedActive: return DistMethod::kWeightedActive;
    case config::DistMethodConfig::kHotStandby: return DistMethod::kHotStandby;
  }
  return DistMethod::kBaseWlm;
}

VipaOwnerOptions OwnerOptions(const config::DistributorConfig& c) {
  VipaOwnerOptions o;
  o.name = c.name;
  o.dvipa = tcp::endpoint(asio::ip::make_address(c.dvipa), c.port);
  o.backup = c.backup;
  o.rank = c.backup_rank;
  o.moveable_when_idle = c.moveable_when_idle;
  if (!c.registry_address.empty()) {
    if (auto e = net::ParseEndpoint(c.registry_address)) o.registry = *e;
  }
  return o;
}

}  // namespace

DistributorPolicy PolicyFrom(const config::DistributorConfig& c) {
  DistributorPolicy p;
  p.method = MethodFrom(c.method);
  p.shareport_wlm = c.shareport_wlm;
  p.autoswitchback = c.autoswitchback;
  p.healthswitch = c.healthswitch;
  p.tsr_interval = c.tsr_interval;
  p.probe_interval = c.probe_interval;
  // DESTIP ALL (or none): every system that registers a router is a
  // target; a DESTIP list limits the targets to the systems it names.
  p.all_systems = c.destips.empty() ||
                  std::any_of(c.destips.begin(), c.destips.end(),
                              [](const config::DestIpConfig& d) { return d.system == "ALL"; });
  return p;
}

std::vector<TargetSystem> SystemsFrom(const config::DistributorConfig& c) {
  std::vector<TargetSystem> systems;
  for (const auto& d : c.destips) {
    if (d.system == "ALL") continue;  // DESTIP ALL: every system, defaults
    TargetSystem s;
    s.name = d.system;
    s.configured_weight = d.weight;
    s.role = d.role == config::DestIpConfig::Role::kPreferred ? HotStandbyRole::kPreferred
             : d.role == config::DestIpConfig::Role::kBackup  ? HotStandbyRole::kBackup
                                                              : HotStandbyRole::kNone;
    s.backup_rank = d.rank;
    systems.push_back(std::move(s));
  }
  return systems;
}

DistributorServer::DistributorServer(asio::io_context& io, config::DistributorConfig config)
    : io_(io),
      config_(std::move(config)),
      engine_(PolicyFrom(config_)),
      owner_(io, OwnerOptions(config_),
             {[this](tcp::acceptor* a) { OnOwner(a); },
              [this] { return static_cast<uint64_t>(open_.size() + pending_.size()); }}),
      ticker_(io) {
  engine_.SetSystems(SystemsFrom(config_));
}

DistributorServer::~DistributorServer() { Stop(); }

void DistributorServer::Start() {
  running_ = true;
  if (!config_.registry_address.empty()) {
    registry::RegistryWatcherOptions watch;
    watch.registry = OwnerOptions(config_).registry;
    watch.kinds = {registry::kKindServer, registry::kKindSystem};
    watcher_ = std::make_unique<registry::RegistryWatcher>(
        io_, std::move(watch), [this](const registry::RegistryEvent& e) { OnRegistry(e); });
    watcher_->Start();
  }
  owner_.Start();
  StartTicker();
}

void DistributorServer::Stop() {
  if (!running_) return;
  running_ = false;
  ticker_.cancel();
  if (watcher_) watcher_->Stop();
  owner_.Stop();
  for (auto& [id, channel] : channels_) channel->Stop();
}

void DistributorServer::StartTicker() {
  ticker_.expires_after(kTick);
  ticker_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    const auto now = Clock::now();
    engine_.Tick(now);
    // Hand-overs never acknowledged are forgotten after a while: they
    // counted as not accepted in their TSR interval already.
    const auto forget = std::max<Clock::duration>(config_.handoff_timeout * 10, std::chrono::seconds(10));
    std::erase_if(pending_, [&](const auto& p) { return now - p.second.sent > forget; });
    StartTicker();
  });
}

void DistributorServer::OnOwner(tcp::acceptor* acceptor) {
  acceptor_ = acceptor;
  if (acceptor_ != nullptr) AcceptNext();
}

void DistributorServer::AcceptNext() {
  if (acceptor_ == nullptr) return;
  acceptor_->async_accept(io_, [this, acceptor = acceptor_](boost::system::error_code ec, tcp::socket socket) {
    if (acceptor != acceptor_) return;  // the DVIPA moved away meanwhile
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("accept on the DVIPA failed: {}", ec.message());
    } else {
      Distribute(std::move(socket));
    }
    AcceptNext();
  });
}

void DistributorServer::Distribute(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  const auto local = socket.local_endpoint(ec);
  ClientKey key{peer.address().to_string(), peer.port(), local.address().to_string(), local.port()};
  for (int attempt = 0; attempt < kHandOverAttempts; ++attempt) {
    const auto now = Clock::now();
    auto choice = engine_.Pick(key, now);
    if (!choice) break;
    auto channel = channels_.find(choice->server_id);
    const uint64_t id = next_id_++;
    if (channel != channels_.end() && channel->second->HandOver(id, socket)) {
      engine_.Sent(choice->server_id);
      pending_[id] = {choice->server_id, now};
      ++accepted_;
      return;
    }
    // The channel is gone: count it against the server and try another.
    engine_.Sent(choice->server_id);
    engine_.Failed(choice->server_id);
    engine_.SetServerReady(choice->server_id, false);
  }
  ++refused_;
  spdlog::warn("no target for a new connection from {}:{}: closed", key.source_ip, key.source_port);
  socket.close(ec);
}

void DistributorServer::OnRegistry(const registry::RegistryEvent& event) {
  using Type = registry::RegistryEvent::Type;
  auto key = [](const registry::MemberRecord& m) { return m.kind + "/" + m.system + "/" + m.name; };
  switch (event.type) {
    case Type::kSnapshot:
      members_.clear();
      [[fallthrough]];
    case Type::kJoined:
    case Type::kChanged:
      for (const auto& m : event.members) members_[key(m)] = m;
      break;
    case Type::kLeft:
      // A server's key includes its system: the same triplet may be
      // registered on another system too.
      std::erase_if(members_, [&](const auto& entry) {
        return entry.second.kind == event.kind && entry.second.name == event.name &&
               (event.system.empty() || entry.second.system == event.system);
      });
      break;
    case Type::kRegistryLost:
      // Keep distributing on what we last knew, as routers keep routing.
      spdlog::warn("plex registry lost ({}); distributing on the last known targets", event.reason);
      return;
  }
  ApplyTargets();
}

void DistributorServer::ApplyTargets() {
  std::vector<registry::MemberRecord> records;
  for (const auto& [key, m] : members_) records.push_back(m);
  const registry::WlmWeights weights = registry::ComputeWlmWeights(records);
  for (const auto& system : weights.systems) {
    // A system without a capacity record has no WLM weight (BASEWLM then
    // falls back to round-robin, as z/OS does without WLM advice).
    engine_.SetSystemWeight(system.system, system.has_record ? system.weight : kNoWeight);
  }
  std::map<std::string, bool> seen;
  for (const auto& w : weights.servers) {
    if (w.server.handoff.empty()) continue;  // not reachable by hand-over
    const std::string id = ServerId(w.server.system, w.server.triplet);
    seen[id] = true;
    auto& channel = channels_[id];
    if (!channel) {
      HandoffChannel::Callbacks callbacks;
      callbacks.on_ack = [this, id](uint64_t conn) {
        pending_.erase(conn);
        open_[conn] = id;
        engine_.Accepted(id);
      };
      callbacks.on_nack = [this, id](uint64_t conn, const std::string& reason) {
        pending_.erase(conn);
        engine_.Failed(id);
        spdlog::info("router {} refused a connection: {}", id, reason);
      };
      callbacks.on_end = [this](uint64_t conn) {
        auto it = open_.find(conn);
        if (it == open_.end()) return;
        engine_.Ended(it->second);
        open_.erase(it);
      };
      callbacks.on_state = [this, id](bool connected) { engine_.SetServerReady(id, connected); };
      channel = std::make_unique<HandoffChannel>(io_, w.server.handoff, std::move(callbacks));
      channel->Start();
    }
    TargetServer server;
    server.id = id;
    server.system = w.server.system;
    server.ready = channel->connected();
    server.health = w.server.health;
    server.server_weight = w.eligible ? w.weight : 0;
    engine_.UpsertServer(std::move(server));
  }
  for (auto it = channels_.begin(); it != channels_.end();) {
    if (seen.count(it->first) != 0) {
      ++it;
      continue;
    }
    // Deregistered or dead: no new connections; its open ones go on.
    it->second->Stop();
    engine_.RemoveServer(it->first);
    it = channels_.erase(it);
  }
}

ordered_json DistributorServer::Vdpt() const {
  ordered_json rows = ordered_json::array();
  for (const TargetRow& r : engine_.Rows()) {
    ordered_json row;
    row["dvipa"] = fmt::format("{}..{}", config_.dvipa, config_.port);
    row["system"] = r.system;
    row["server"] = r.server_id.substr(r.server_id.find('/') + 1);
    row["distmethod"] = r.method;
    row["w"] = r.weight;
    row["flg"] = r.flag;
    row["tsr"] = r.tsr;
    row["health"] = r.health;
    row["rdy"] = r.ready ? 1 : 0;
    row["actconn"] = r.active;
    row["totalconn"] = r.total;
    row["probes"] = r.probes;
    rows.push_back(std::move(row));
  }
  ordered_json out;
  out["ok"] = true;
  out["owner"] = owner_.owner();
  out["distributed"] = accepted_;
  out["no_target"] = refused_;
  out["rows"] = std::move(rows);
  return out;
}

ordered_json DistributorServer::Vipa() const {
  ordered_json rows = ordered_json::array();
  ordered_json me;
  me["distributor"] = config_.name;
  me["dvipa"] = fmt::format("{}:{}", config_.dvipa, config_.port);
  me["role"] = config_.backup ? "backup" : "primary";
  me["rank"] = config_.backup ? config_.backup_rank : kPrimaryRank;
  me["owner"] = owner_.owner();
  me["self"] = true;
  rows.push_back(me);
  for (const auto& peer : owner_.Peers()) {
    if (peer.name == config_.name) continue;
    ordered_json row;
    row["distributor"] = peer.name;
    row["dvipa"] = peer.attributes.value("dvipa", "");
    row["role"] = peer.attributes.value("role", "");
    row["rank"] = peer.attributes.value("rank", 0);
    row["owner"] = peer.attributes.value("owner", false);
    row["self"] = false;
    rows.push_back(std::move(row));
  }
  ordered_json out;
  out["ok"] = true;
  out["rows"] = std::move(rows);
  return out;
}

}  // namespace drdaplex::distributor
