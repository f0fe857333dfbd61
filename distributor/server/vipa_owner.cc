#include "distributor/server/vipa_owner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <optional>

#include "net/endpoint.h"
#include "net/sleep.h"
#include "registry/member_client.h"
#include "registry/watcher.h"

namespace drdaplex::distributor {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr char kKindDistributor[] = "distributor";

nlohmann::ordered_json Attributes(const VipaOwnerOptions& o, bool owner) {
  nlohmann::ordered_json a;
  a["dvipa"] = net::FormatEndpoint(o.dvipa);
  a["role"] = o.backup ? "backup" : "primary";
  a["rank"] = o.backup ? o.rank : kPrimaryRank;
  a["moveable"] = o.moveable_when_idle ? "whenidle" : "immediate";
  a["owner"] = owner;
  return a;
}
}  // namespace

struct VipaOwner::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_, VipaOwnerOptions options_, Callbacks callbacks_)
      : io(io_), options(std::move(options_)), callbacks(std::move(callbacks_)) {}

  int my_rank() const { return options.backup ? options.rank : kPrimaryRank; }

  // The highest-ranked other distributor of this DVIPA that is registered.
  std::optional<registry::MemberRecord> Better() const {
    std::optional<registry::MemberRecord> best;
    const std::string dvipa = net::FormatEndpoint(options.dvipa);
    for (const auto& [name, peer] : peers) {
      if (name == options.name) continue;
      if (peer.attributes.value("dvipa", "") != dvipa) continue;
      const int rank = peer.attributes.value("rank", 0);
      if (rank <= my_rank()) continue;
      if (!best || rank > best->attributes.value("rank", 0)) best = peer;
    }
    return best;
  }

  bool ShouldContend() const {
    if (!options.backup) return true;
    return registry_lost || !Better().has_value();
  }

  bool ShouldYield() const {
    if (!options.backup || registry_lost) return false;
    auto better = Better();
    if (!better) return false;
    if (better->attributes.value("moveable", "immediate") == "whenidle") {
      return !callbacks.open_connections || callbacks.open_connections() == 0;
    }
    return true;
  }

  asio::awaitable<void> Loop() {
    auto self = shared_from_this();
    while (running) {
      if (acceptor == nullptr && ShouldContend()) TryBind();
      if (acceptor != nullptr && ShouldYield()) Release("a higher-ranked distributor is back");
      if (!co_await net::SleepFor(options.retry)) break;
    }
  }

  void TryBind() {
    auto candidate = std::make_unique<tcp::acceptor>(io);
    boost::system::error_code ec;
    candidate->open(options.dvipa.protocol(), ec);
    if (!ec) candidate->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) candidate->bind(options.dvipa, ec);
    if (!ec) candidate->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      if (!logged_wait) {
        spdlog::info("DVIPA {} is held elsewhere ({}); waiting", net::FormatEndpoint(options.dvipa),
                     ec.message());
        logged_wait = true;
      }
      return;
    }
    logged_wait = false;
    acceptor = std::move(candidate);
    spdlog::info("distributor {} now owns DVIPA {}", options.name, net::FormatEndpoint(options.dvipa));
    Publish();
    if (callbacks.on_owner_change) callbacks.on_owner_change(acceptor.get());
  }

  void Release(const char* why) {
    spdlog::info("distributor {} gives DVIPA {} up: {}", options.name,
                 net::FormatEndpoint(options.dvipa), why);
    if (callbacks.on_owner_change) callbacks.on_owner_change(nullptr);
    boost::system::error_code ignored;
    acceptor->close(ignored);
    acceptor.reset();
    Publish();
  }

  void Publish() {
    if (member) member->UpdateAttributes(Attributes(options, acceptor != nullptr));
  }

  void OnEvent(const registry::RegistryEvent& event) {
    using Type = registry::RegistryEvent::Type;
    switch (event.type) {
      case Type::kSnapshot:
        peers.clear();
        registry_lost = false;
        [[fallthrough]];
      case Type::kJoined:
      case Type::kChanged:
        for (const auto& m : event.members) {
          if (m.kind == kKindDistributor) peers[m.name] = m;
        }
        break;
      case Type::kLeft:
        if (event.kind == kKindDistributor) peers.erase(event.name);
        break;
      case Type::kRegistryLost:
        registry_lost = true;
        break;
    }
  }

  asio::io_context& io;
  VipaOwnerOptions options;
  Callbacks callbacks;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<registry::RegistryMember> member;
  std::unique_ptr<registry::RegistryWatcher> watcher;
  std::map<std::string, registry::MemberRecord> peers;
  bool registry_lost = true;  // until the first snapshot
  bool running = false;
  bool logged_wait = false;
};

VipaOwner::VipaOwner(asio::io_context& io, VipaOwnerOptions options, Callbacks callbacks)
    : state_(std::make_shared<State>(io, std::move(options), std::move(callbacks))) {}

VipaOwner::~VipaOwner() { Stop(); }

void VipaOwner::Start() {
  State& s = *state_;
  s.running = true;
  if (s.options.registry.port() != 0) {
    registry::RegistryMemberOptions member;
    member.registry = s.options.registry;
    member.record.kind = kKindDistributor;
    member.record.name = s.options.name;
    member.record.address = net::FormatEndpoint(s.options.dvipa);
    member.record.attributes = Attributes(s.options, false);
    s.member = std::make_unique<registry::RegistryMember>(s.io, std::move(member));
    s.member->Start();
    registry::RegistryWatcherOptions watch;
    watch.registry = s.options.registry;
    watch.kinds = {kKindDistributor};
    std::weak_ptr<State> weak = state_;
    s.watcher = std::make_unique<registry::RegistryWatcher>(
        s.io, std::move(watch), [weak](const registry::RegistryEvent& event) {
          if (auto self = weak.lock()) self->OnEvent(event);
        });
    s.watcher->Start();
  }
  asio::co_spawn(s.io, s.Loop(), asio::detached);
}

void VipaOwner::Stop() {
  State& s = *state_;
  if (!s.running) return;
  s.running = false;
  if (s.acceptor) {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
    s.acceptor.reset();
  }
  if (s.watcher) s.watcher->Stop();
  if (s.member) s.member->Stop();
}

bool VipaOwner::owner() const { return state_->acceptor != nullptr; }

std::vector<registry::MemberRecord> VipaOwner::Peers() const {
  std::vector<registry::MemberRecord> out;
  for (const auto& [name, peer] : state_->peers) out.push_back(peer);
  return out;
}

const VipaOwnerOptions& VipaOwner::options() const { return state_->options; }

}  // namespace drdaplex::distributor
