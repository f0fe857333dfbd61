// VipaOwner: who listens on the distributed DVIPA:port — this distributor
// or another — the VIPA takeover of z/OS (VIPADEFINE primary, VIPABACKUP
// rank, MOVEABLE IMMEDIATE/WHENIDLE).
//
// The listening socket itself is the arbiter: it is bound without
// SO_REUSEPORT, so only one distributor on the machine holds the DVIPA:port
// at a time, and the kernel frees it the moment its owner dies. Every
// distributor registers with the plex registry (kind "distributor", with
// its DVIPA, rank and whether it owns it), which is how a backup knows
// when to step back:
//  - the primary (VIPADEFINE) tries to bind every `retry` until it owns;
//  - a backup tries only while no distributor of a higher rank for the same
//    DVIPA is registered (or the registry cannot be reached), so the best
//    backup takes over when the primary dies;
//  - an owning backup gives the DVIPA back when a higher-ranked distributor
//    registers: at once (the primary's MOVEABLE IMMEDIATE) or once none of
//    the connections it distributed is still open (MOVEABLE WHENIDLE).
// Connections already distributed never depend on the owner: they were
// handed to routers and go on without any distributor.
//
// Runs on one io_context; call everything on its thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "registry/record.h"

namespace drdaplex::distributor {

struct VipaOwnerOptions {
  std::string name;                   // DISTRIBUTOR NAME
  boost::asio::ip::tcp::endpoint dvipa;  // DVIPA:port
  bool backup = false;
  int rank = 0;                       // backups 1..254; the primary ranks above all
  bool moveable_when_idle = false;    // the primary's MOVEABLE (published)
  std::chrono::milliseconds retry{200};
  // The registry; unspecified (port 0) = none: backups then contend by bind.
  boost::asio::ip::tcp::endpoint registry;
};

class VipaOwner {
 public:
  struct Callbacks {
    // Called with the listening acceptor when this distributor starts
    // owning the DVIPA; with nullptr when it stops.
    std::function<void(boost::asio::ip::tcp::acceptor*)> on_owner_change;
    // Connections distributed and still open (for WHENIDLE).
    std::function<uint64_t()> open_connections;
  };

  VipaOwner(boost::asio::io_context& io, VipaOwnerOptions options, Callbacks callbacks);
  ~VipaOwner();
  VipaOwner(const VipaOwner&) = delete;
  VipaOwner& operator=(const VipaOwner&) = delete;

  void Start();
  void Stop();
  bool owner() const;
  // The distributors the registry knows for this DVIPA (for the display).
  std::vector<registry::MemberRecord> Peers() const;
  const VipaOwnerOptions& options() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// The rank a distributor competes with: backups their VIPABACKUP rank, the
// primary above every backup.
inline constexpr int kPrimaryRank = 255;

}  // namespace drdaplex::distributor
