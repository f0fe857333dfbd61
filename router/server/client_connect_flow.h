// ClientConnectFlow: the router's side of a client's DRDA connect flow, up
// to the point where it knows who the user is and which database (alias)
// they want. Like IMS Connect, the router answers EXCSAT, ACCSEC and SECCHK
// itself (it authenticates before it routes), and stops at ACCRDB, whose
// RDBNAM is the routing key; the session then routes, opens the ODBM and
// relays. Bytes in, bytes out: no sockets here, so every path is testable.
//
// Not thread-safe: one per client connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/user_registry.h"
#include "drda/bytes.h"
#include "drda/connect.h"
#include "drda/dss.h"

namespace drdaplex::router {

// What the flow learned by the time the client sent ACCRDB.
struct ConnectRequest {
  std::string user;
  uint16_t secmec = 0;
  // The client's password, kept only until the ODBM connection is set up
  // and only used when the router has no plex key to issue pass tickets
  // (then the ODBM checks the client's credentials again).
  std::optional<std::string> password;
  std::string rdbnam;  // as the client sent it in ACCRDB
  drda::DdmCharset charset = drda::DdmCharset::kEbcdic;  // of the session
  drda::Bytes excsat_params;  // the client's EXCSAT, passed on to the ODBM
  uint16_t accrdb_correlator = 0;
  drda::Bytes accrdb_params;   // the client's ACCRDB parameters, undecoded
  // Whole DSSes that followed ACCRDB in its chain, passed on unchanged.
  drda::Bytes trailing_dsses;
  // Router replies that go to the client before the ODBM's reply to ACCRDB
  // (the SECCHKRM when SECCHK and ACCRDB came in one chain). Its last DSS
  // is already marked chained.
  drda::Bytes reply_prefix;
};

class ClientConnectFlow {
 public:
  enum class Step {
    kReply,  // send the reply, read the next chain
    kClose,  // send the reply, then close (security or protocol failure)
    kRoute,  // ACCRDB arrived: route with request(), then talk to the ODBM
  };

  ClientConnectFlow(const config::UserRegistry& users, std::string server_name);

  // Processes one complete request chain; appends the router's replies.
  Step ProcessChain(const std::vector<drda::Dss>& chain, drda::Bytes& reply);
  // The reply to a chain the transport could not frame.
  void ReplyFramingError(boost::system::error_code error, drda::Bytes& reply);

  const ConnectRequest& request() const { return request_; }
  bool authenticated() const { return phase_ >= Phase::kAuthenticated; }

 private:
  enum class Phase { kNew, kExchanged, kSecurityAccepted, kAuthenticated };
  struct Command {
    drda::cp::CodePoint code_point = 0;
    uint16_t correlator = 0;
    drda::ByteSpan data;
  };

  Step Excsat(const Command& c, drda::DssWriter& w);
  Step Accsec(const Command& c, drda::DssWriter& w);
  Step Secchk(const Command& c, drda::DssWriter& w);
  Step Accrdb(const Command& c, drda::DssWriter& w);
  Step ProtocolError(drda::DssWriter& w, uint16_t correlator, drda::cp::CodePoint rm,
                     drda::cp::CodePoint param, uint16_t value);

  const config::UserRegistry& users_;
  const std::string server_name_;
  Phase phase_ = Phase::kNew;
  bool unicode_ = false;
  ConnectRequest request_;
};

// Sets the "chained" bit of the last DSS in `bytes`, which must hold whole
// DSSes written by a DssWriter: used to chain router replies in front of
// the ODBM's.
void MarkLastDssChained(drda::Bytes& bytes);

}  // namespace drdaplex::router
