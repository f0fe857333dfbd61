// The DRDA replies a router sends when it cannot give a client a database:
// the routing failed (no active ODBM has the alias, the exit rejected it,
// the user may not use it) or the chosen ODBM could not be reached. The
// client gets its SECCHKRM (if SECCHK came in the ACCRDB's chain), then
// RDBNFNRM, RDBATHRM or RDBAFLRM with an SQLCARD whose message names the
// alias and the reason: the Derby client turns it into an SQLException
// (SQLSTATE 08004), never a hang or a bare close.
#pragma once

#include <string_view>

#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "router/server/client_connect_flow.h"

namespace drdaplex::router {

enum class AccessFailure {
  kUnknownDatabase,  // RDBNFNRM: no ODBM has (or had) that alias
  kNotAuthorized,    // RDBATHRM: the user may not use the alias
  kAccessFailed,     // RDBAFLRM: known, but nothing can serve it now
};

drda::cp::CodePoint ReplyMessageFor(AccessFailure failure);

// Appends request.reply_prefix and the failure reply for its ACCRDB.
void WriteAccessFailure(const ConnectRequest& request, AccessFailure failure,
                        std::string_view message, drda::Bytes& out);

}  // namespace drdaplex::router
