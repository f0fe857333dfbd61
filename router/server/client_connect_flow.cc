#include "router/server/client_connect_flow.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "drda/ddm.h"
#include "drda/dss_writer.h"
#include "drdaplex/version.h"

namespace drdaplex::router {

namespace cp = drda::cp;
using drda::DssType;
using drda::Severity;
using Step = ClientConnectFlow::Step;

namespace {

// PRCCNVCD reason codes (DDM): an RQSDSS out of order, an object where none
// may be.
constexpr uint16_t kPrccnvOutOfOrder = 0x11;
constexpr uint16_t kPrccnvExcsatFirst = 0x06;
constexpr uint16_t kPrccnvObjectNotAllowed = 0x03;

// Writes a DSS back to the wire form: one segment when it fits, otherwise
// a first segment of 32,767 bytes and continuation segments, each with a
// 2-byte length whose high bit says another one follows.
void AppendDss(drda::Bytes& out, const drda::Dss& dss) {
  constexpr size_t kMaxSegment = 0x7FFF;
  const size_t first_data = std::min(dss.payload.size(), kMaxSegment - 6);
  size_t left = dss.payload.size() - first_data;
  const size_t at = out.size();
  out.resize(at + 6);
  drda::WriteDssHeader(out.data() + at, static_cast<uint16_t>(6 + first_data), dss.header);
  if (left > 0) out[at] |= 0x80;
  out.insert(out.end(), dss.payload.begin(), dss.payload.begin() + static_cast<long>(first_data));
  size_t pos = first_data;
  while (left > 0) {
    const size_t chunk = std::min(left, kMaxSegment - 2);
    left -= chunk;
    const uint16_t header = static_cast<uint16_t>((2 + chunk) | (left > 0 ? 0x8000 : 0));
    out.push_back(static_cast<uint8_t>(header >> 8));
    out.push_back(static_cast<uint8_t>(header));
    out.insert(out.end(), dss.payload.begin() + static_cast<long>(pos),
               dss.payload.begin() + static_cast<long>(pos + chunk));
    pos += chunk;
  }
}

}  // namespace

void MarkLastDssChained(drda::Bytes& bytes) {
  size_t at = 0, last = bytes.size();
  while (at + 6 <= bytes.size()) {
    const size_t raw = static_cast<size_t>(bytes[at]) << 8 | bytes[at + 1];
    if ((raw & 0x7FFF) < 6) break;
    last = at;
    at += raw & 0x7FFF;
    // Continuation segments belong to this DSS: skip them.
    bool continued = (raw & 0x8000) != 0;
    while (continued && at + 2 <= bytes.size()) {
      const size_t segment = static_cast<size_t>(bytes[at]) << 8 | bytes[at + 1];
      if ((segment & 0x7FFF) < 2) return;
      continued = (segment & 0x8000) != 0;
      at += segment & 0x7FFF;
    }
  }
  if (last < bytes.size()) bytes[last + 3] |= drda::kDssChained;
}

ClientConnectFlow::ClientConnectFlow(const config::UserRegistry& users, std::string server_name)
    : users_(users), server_name_(std::move(server_name)) {}

Step ClientConnectFlow::ProcessChain(const std::vector<drda::Dss>& chain, drda::Bytes& reply) {
  const size_t reply_start = reply.size();
  drda::DssWriter w(reply);
  Step step = Step::kReply;
  for (size_t i = 0; i < chain.size() && step == Step::kReply; ++i) {
    const drda::Dss& dss = chain[i];
    auto objects = drda::ReadObjects(dss.payload);
    if (!objects || objects->empty()) {
      // One reply chain: the replies so far, then SYNTAXRM for this DSS.
      w.BeginGroup();
      step = ProtocolError(w, dss.header.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                           static_cast<uint16_t>(drda::SyntaxErrorCode::kDssLengthMismatch));
      break;
    }
    if (dss.header.type != DssType::kRequest && dss.header.type != DssType::kRequestNoReply) {
      // The connect flow has no command data (encrypted SECTKN included).
      step = ProtocolError(w, dss.header.correlator, cp::PRCCNVRM, cp::PRCCNVCD,
                           kPrccnvObjectNotAllowed);
      break;
    }
    const Command c{(*objects)[0].code_point, dss.header.correlator, (*objects)[0].data};
    w.BeginGroup();
    switch (c.code_point) {
      case cp::EXCSAT: step = Excsat(c, w); break;
      case cp::ACCSEC: step = Accsec(c, w); break;
      case cp::SECCHK: step = Secchk(c, w); break;
      case cp::ACCRDB:
        step = Accrdb(c, w);
        if (step == Step::kRoute) {
          for (size_t j = i + 1; j < chain.size(); ++j) AppendDss(request_.trailing_dsses, chain[j]);
        }
        break;
      default:
        // Anything else needs a database: ACCRDB has not been done.
        w.BeginGroup();
        drda::BeginReplyMessage(w, c.correlator, cp::RDBNACRM, Severity::kError);
        drda::EndReplyMessage(w);
        step = Step::kClose;
        break;
    }
  }
  w.Finish();
  if (step == Step::kRoute) {
    // What the router answered in this chain (SECCHKRM) goes out ahead of
    // the ODBM's ACCRDB reply, chained to it.
    request_.reply_prefix.assign(reply.begin() + static_cast<long>(reply_start), reply.end());
    reply.resize(reply_start);
    if (!request_.reply_prefix.empty()) MarkLastDssChained(request_.reply_prefix);
  }
  return step;
}

void ClientConnectFlow::ReplyFramingError(boost::system::error_code error, drda::Bytes& reply) {
  spdlog::warn("DRDA framing error from client: {}", error.message());
  drda::DssWriter w(reply);
  drda::BeginReplyMessage(w, 1, cp::SYNTAXRM, Severity::kError);
  w.ParamU8(cp::SYNERRCD, static_cast<uint8_t>(drda::SyntaxErrorCode::kDssLengthMismatch));
  drda::EndReplyMessage(w);
  w.Finish();
}

Step ClientConnectFlow::Excsat(const Command& c, drda::DssWriter& w) {
  auto request = drda::ParseExcsat(c.data);
  if (!request) {
    return ProtocolError(w, c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                         static_cast<uint16_t>(drda::SyntaxErrorCode::kDssLengthMismatch));
  }
  drda::ExcsatReply reply;
  reply.extnam = "drdaplex-router " + server_name_;
  reply.srvclsnm = "drdaplex router";
  reply.srvnam = server_name_;
  reply.srvrlslv = std::string(drda::kProductId) + "/drdaplex " DRDAPLEX_VERSION_STRING;
  for (const auto& m : request->managers) {
    const uint16_t level = drda::GrantedManagerLevel(m);
    reply.managers.push_back({m.manager, level});
    if (m.manager == cp::UNICODEMGR && phase_ == Phase::kNew) unicode_ = level == 1208;
  }
  drda::WriteExcsatrd(w, c.correlator, reply);
  if (phase_ == Phase::kNew) {
    // The ODBM gets the client's own EXCSAT, so it grants the same levels.
    request_.excsat_params.assign(c.data.begin(), c.data.end());
    phase_ = Phase::kExchanged;
  }
  return Step::kReply;
}

Step ClientConnectFlow::Accsec(const Command& c, drda::DssWriter& w) {
  if (phase_ == Phase::kNew) {
    return ProtocolError(w, c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, kPrccnvExcsatFirst);
  }
  if (phase_ == Phase::kAuthenticated) {
    return ProtocolError(w, c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, kPrccnvOutOfOrder);
  }
  auto secmec = drda::DdmParams::Parse(c.data);
  std::optional<uint16_t> requested;
  if (secmec) {
    if (auto v = secmec->U16(cp::SECMEC); v && *v) requested = **v;
  }
  if (!requested) {
    return ProtocolError(w, c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                         static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing));
  }
  drda::AccsecReply reply;
  using Mechanism = drda::SecurityMechanism;
  if (*requested == static_cast<uint16_t>(Mechanism::kUserPassword) ||
      *requested == static_cast<uint16_t>(Mechanism::kUserOnly)) {
    reply.secmec = *requested;
    request_.secmec = *requested;
    phase_ = Phase::kSecurityAccepted;
  } else {
    reply.secmec = static_cast<uint16_t>(Mechanism::kUserPassword);
    reply.secchkcd = static_cast<uint8_t>(drda::SecurityCheckCode::kMechanismNotSupported);
  }
  drda::WriteAccsecrd(w, c.correlator, reply);
  if (unicode_) request_.charset = drda::DdmCharset::kUtf8;
  return Step::kReply;
}

Step ClientConnectFlow::Secchk(const Command& c, drda::DssWriter& w) {
  auto parsed = drda::ParseSecchk(c.data, request_.charset);
  if (!parsed) {
    return ProtocolError(w, c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                         static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing));
  }
  if (phase_ != Phase::kSecurityAccepted || parsed->secmec != request_.secmec) {
    return ProtocolError(w, c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, kPrccnvOutOfOrder);
  }
  using Code = drda::SecurityCheckCode;
  Code code = Code::kOk;
  if (parsed->usrid.empty()) {
    code = Code::kUserIdMissing;
  } else if (request_.secmec == static_cast<uint16_t>(drda::SecurityMechanism::kUserPassword)) {
    if (!parsed->password) {
      code = Code::kPasswordMissing;
    } else if (users_.CheckPassword(parsed->usrid, *parsed->password) != config::AuthResult::kOk) {
      code = Code::kUserIdInvalid;
    }
  } else if (users_.CheckUserOnly(parsed->usrid) != config::AuthResult::kOk) {
    code = Code::kUserIdInvalid;
  }
  drda::SecchkReply reply;
  reply.secchkcd = static_cast<uint8_t>(code);
  reply.svrcod = code == Code::kOk ? 0 : static_cast<uint16_t>(Severity::kError);
  drda::WriteSecchkrm(w, c.correlator, reply);
  if (code != Code::kOk) {
    spdlog::info("security check failed for user '{}' (SECCHKCD 0x{:02X})", parsed->usrid,
                 static_cast<int>(code));
    return Step::kClose;  // like Derby: a chained ACCRDB gets no reply
  }
  request_.user = parsed->usrid;
  request_.password = parsed->password;
  phase_ = Phase::kAuthenticated;
  return Step::kReply;
}

Step ClientConnectFlow::Accrdb(const Command& c, drda::DssWriter& w) {
  if (phase_ != Phase::kAuthenticated) {
    return ProtocolError(w, c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, kPrccnvOutOfOrder);
  }
  auto params = drda::DdmParams::Parse(c.data);
  if (!params || !params->Has(cp::RDBNAM)) {
    return ProtocolError(w, c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                         static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing));
  }
  request_.rdbnam = drda::DecodeDdmString(params->Bytes(cp::RDBNAM), request_.charset);
  request_.accrdb_correlator = c.correlator;
  request_.accrdb_params.assign(c.data.begin(), c.data.end());
  return Step::kRoute;
}

Step ClientConnectFlow::ProtocolError(drda::DssWriter& w, uint16_t correlator, cp::CodePoint rm,
                                      cp::CodePoint param, uint16_t value) {
  spdlog::warn("client protocol error: replying {} ({} 0x{:X})", cp::Name(rm), cp::Name(param), value);
  drda::BeginReplyMessage(w, correlator, rm, Severity::kError);
  w.ParamU8(param, static_cast<uint8_t>(value));
  drda::EndReplyMessage(w);
  return Step::kClose;
}

}  // namespace drdaplex::router
