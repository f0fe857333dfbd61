// DistributorServer: drdaplex-distributor, the Sysplex Distributor.
//
// While it owns the DVIPA:port (VipaOwner), it accepts each new client
// connection, asks the DistributionEngine (distributor/core) for a target
// system and router by the configured DISTMETHOD, and hands the accepted
// socket to that router over its hand-over channel (HandoffChannel): from
// then on client and router talk directly and the distributor holds
// nothing of the connection (the seed's data path: setup through the
// distributor, the rest direct). A hand-over that cannot be made (the
// channel broke) is tried on another router; when no target is available
// the client's connection is closed at once.
//
// Targets come from the plex registry: WLM server records (routers, with
// their hand-over socket) and system records (capacities), whose weights
// are computed with registry/wlm_weights.h exactly as the registry's own
// WLM query does. The routers' acknowledgements measure TSR; their end
// notices keep the active counts WEIGHTEDACTIVE balances.
//
// Single-threaded: everything runs on the io_context given (connection
// setup is all the distributor does, a few microseconds each).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>

#include "config/distributor_config.h"
#include "distributor/core/distribution_engine.h"
#include "distributor/server/handoff_channel.h"
#include "distributor/server/vipa_owner.h"
#include "registry/record.h"
#include "registry/watcher.h"

namespace drdaplex::distributor {

class DistributorServer {
 public:
  DistributorServer(boost::asio::io_context& io, config::DistributorConfig config);
  ~DistributorServer();
  DistributorServer(const DistributorServer&) = delete;
  DistributorServer& operator=(const DistributorServer&) = delete;

  void Start();
  void Stop();

  bool owns_dvipa() const { return owner_.owner(); }
  // The operator displays: NETSTAT VDPT DETAIL-like rows per target
  // server, and the DVIPA's distributors and WLM registrations.
  nlohmann::ordered_json Vdpt() const;
  nlohmann::ordered_json Vipa() const;

 private:
  struct Pending {
    std::string server;
    Clock::time_point sent;
  };

  void OnOwner(boost::asio::ip::tcp::acceptor* acceptor);
  void AcceptNext();
  void Distribute(boost::asio::ip::tcp::socket socket);
  void OnRegistry(const registry::RegistryEvent& event);
  void ApplyTargets();
  void StartTicker();

  boost::asio::io_context& io_;
  const config::DistributorConfig config_;
  DistributionEngine engine_;
  VipaOwner owner_;
  boost::asio::ip::tcp::acceptor* acceptor_ = nullptr;  // owned by owner_
  std::unique_ptr<registry::RegistryWatcher> watcher_;
  std::map<std::string, registry::MemberRecord> members_;  // "kind/system/name"
  // Per target server id: its hand-over channel.
  std::map<std::string, std::unique_ptr<HandoffChannel>> channels_;
  std::map<uint64_t, Pending> pending_;        // handed over, not yet acknowledged
  std::map<uint64_t, std::string> open_;       // acknowledged, not yet ended
  uint64_t next_id_ = 1;
  uint64_t accepted_ = 0, refused_ = 0;        // setups: handed over / no target
  boost::asio::steady_timer ticker_;
  bool running_ = false;
};

DistributorPolicy PolicyFrom(const config::DistributorConfig& config);
std::vector<TargetSystem> SystemsFrom(const config::DistributorConfig& config);

}  // namespace drdaplex::distributor
