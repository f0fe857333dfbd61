// The router's connect flow towards an ODBM, on behalf of one client.
//
// BuildOdbmOpening writes one chain: the client's own EXCSAT (so the ODBM
// grants the levels the router already granted), ACCSEC with SECMEC 3,
// SECCHK with the client's user id and a pass ticket as password (the
// ODBM trusts the router's authentication, config/pass_ticket.h), then the
// client's ACCRDB with RDBNAM replaced by the chosen datastore, under the
// client's correlator, and whatever the client chained after it. One round
// trip instead of the client's two. Correlators rise through the chain
// (1, 2, 3, 4) as DRDA expects; the reply to ACCRDB is handed back under
// the client's own correlator.
//
// OdbmOpeningReader takes the ODBM's replies to the router's three
// commands off the front of the reply stream and checks them; every byte
// after them (the reply to the client's ACCRDB and anything later) belongs
// to the client and is relayed unchanged.
//
// Pure: no sockets. Not thread-safe; one per connection.
#pragma once

#include <string>
#include <string_view>

#include "drda/bytes.h"
#include "drda/limits.h"
#include "router/server/client_connect_flow.h"

namespace drdaplex::router {

// With an empty pass_ticket the client's own credentials go to the ODBM
// (a plex without a plex key; the ODBM then checks them again).
drda::Bytes BuildOdbmOpening(const ConnectRequest& request, std::string_view datastore,
                             std::string_view pass_ticket);

// Replaces (or adds) parameter `code_point` of a DDM command's parameters,
// keeping every other parameter byte for byte.
drda::Bytes ReplaceParam(drda::ByteSpan params, drda::cp::CodePoint code_point,
                         drda::ByteSpan value);

class OdbmOpeningReader {
 public:
  enum class State { kNeedMore, kAccepted, kRefused };

  // `client_correlator`: the correlator of the client's ACCRDB, which the
  // ODBM's reply to it gets back (the router sent it under its own).
  explicit OdbmOpeningReader(uint16_t client_correlator, const drda::Limits& limits = {})
      : client_correlator_(client_correlator), limits_(limits) {}

  // Feeds bytes received from the ODBM. kAccepted comes once the router's
  // three replies checked out and the reply chain to ACCRDB is complete:
  // client_bytes() then holds that chain, under the client's correlator,
  // and whatever followed it. Once kRefused, reason() says why. Bytes fed
  // after either are ignored.
  State Feed(drda::ByteSpan received);

  const drda::Bytes& client_bytes() const { return client_bytes_; }
  const std::string& reason() const { return reason_; }

 private:
  State CheckReply(const drda::Dss& dss);

  const uint16_t client_correlator_;
  drda::Limits limits_;
  drda::Bytes buffer_;
  int replies_seen_ = 0;
  State state_ = State::kNeedMore;
  drda::Bytes client_bytes_;
  std::string reason_;
};

}  // namespace drdaplex::router
