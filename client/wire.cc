#include "client/wire.h"

#include <cstdio>
#include <utility>

#include "drda/connect.h"

namespace drdaplex::client::internal {
namespace {

namespace cp = drda::cp;

constexpr uint16_t kAnyCorrelator = 0xFFFF;

std::string Hex(unsigned v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*X", digits, v);
  return buf;
}

bool IsSeverity(uint16_t svrcod) {
  switch (svrcod) {
    case 0: case 4: case 8: case 16: case 32: case 64: case 128: return true;
    default: return false;
  }
}

// " (SRVDGN: text)" when the server sent a diagnostic.
std::string Diagnostic(const drda::DdmParams& params) {
  if (!params.Has(cp::SRVDGN)) return {};
  return " (" + drda::DecodeDdmString(params.Bytes(cp::SRVDGN), drda::DdmCharset::kUtf8) + ")";
}

std::string CodePointParam(const drda::DdmParams& params) {
  const drda::ByteSpan b = params.Bytes(cp::CODPNT);
  if (b.size() != 2) return {};
  return " at code point " + CodePointName(drda::LoadU16(b.data()));
}

}  // namespace

void ProtocolError(const std::string& what) {
  throw ConnectionFailure("58009", "DRDA protocol error: " + what);
}

std::string CodePointName(cp::CodePoint code_point) {
  return std::string(cp::Name(code_point)) + " (" + Hex(code_point, 4) + ")";
}

bool ReplyChainAssembler::Add(const drda::Dss& dss) {
  const drda::DssHeader& h = dss.header;
  if (h.type != drda::DssType::kReply && h.type != drda::DssType::kObject &&
      h.type != drda::DssType::kCommunication) {
    ProtocolError("DSS of type " + std::to_string(static_cast<int>(h.type)) + " in a reply chain");
  }
  if (++dsses_ > limits_.max_chain_dsses) ProtocolError("reply chain has too many DSSes");
  bytes_ += dss.payload.size() + drda::kDssHeaderSize;
  if (bytes_ > limits_.max_chain_bytes) ProtocolError("reply chain is too large");

  const uint16_t corr = h.correlator;
  if (corr != kAnyCorrelator) {
    const uint16_t current = groups_.empty() ? 0 : groups_.back().correlator;
    const bool same = previous_ && previous_->same_correlator;
    const uint16_t expected = same ? current : static_cast<uint16_t>(current + 1);
    if (corr != expected) {
      ProtocolError("reply correlator " + std::to_string(corr) + " where " + std::to_string(expected) +
                    " was expected");
    }
    if (corr > commands_) {
      ProtocolError("reply correlator " + std::to_string(corr) + " but only " + std::to_string(commands_) +
                    " commands were sent");
    }
  }
  if (groups_.empty() || (corr != kAnyCorrelator && corr != groups_.back().correlator)) {
    groups_.push_back({corr, {}});
  }
  drda::DdmObjectReader reader(dss.payload);
  for (;;) {
    auto next = reader.Next();
    if (!next) ProtocolError("malformed DDM object in a reply: " + next.error().message());
    if (!*next) break;
    const drda::DdmObject& o = **next;
    groups_.back().objects.push_back({o.code_point, h.type, drda::Bytes(o.data.begin(), o.data.end())});
  }
  previous_ = h;
  return !h.chained;
}

GroupReader::GroupReader(const ReplyGroup& group, drda::ByteOrder order, std::string context)
    : group_(group), order_(order), context_(std::move(context)) {}

const ReplyObject* GroupReader::Peek() {
  while (next_ < group_.objects.size()) {
    const ReplyObject& o = group_.objects[next_];
    if (o.code_point == cp::PBSD || o.code_point == cp::TYPDEFOVR) {
      ++next_;  // session data / CCSID overrides: the client needs neither
      continue;
    }
    if (o.code_point == cp::TYPDEFNAM) {
      order_ = drda::ByteOrderOf(drda::DecodeDdmString(o.data, drda::DdmCharset::kUtf8));
      ++next_;
      continue;
    }
    return &o;
  }
  return nullptr;
}

const ReplyObject* GroupReader::TakeIf(cp::CodePoint code_point) {
  const ReplyObject* o = Peek();
  if (o == nullptr || o->code_point != code_point) return nullptr;
  ++next_;
  return o;
}

const ReplyObject& GroupReader::Take(cp::CodePoint code_point) {
  const ReplyObject* o = Peek();
  if (o == nullptr) {
    ProtocolError("reply to " + context_ + " ended where " + CodePointName(code_point) + " was expected");
  }
  if (o->code_point != code_point) {
    ThrowIfFatalReplyMessage(*o);
    ProtocolError(CodePointName(o->code_point) + " in the reply to " + context_ + " where " +
                  CodePointName(code_point) + " was expected");
  }
  ++next_;
  return *o;
}

void GroupReader::ExpectEnd() {
  if (Peek() != nullptr) Unexpected();
}

void GroupReader::Unexpected() {
  const ReplyObject* o = Peek();
  if (o == nullptr) ProtocolError("reply to " + context_ + " ended early");
  ThrowIfFatalReplyMessage(*o);
  ProtocolError("unexpected " + CodePointName(o->code_point) + " in the reply to " + context_);
}

drda::DdmParams ParseReplyMessage(const ReplyObject& rm) {
  struct Rule {
    cp::CodePoint code_point;
    uint16_t min_svrcod, max_svrcod;
    std::vector<cp::CodePoint> required;
  };
  // Brief section 2.3: what the Derby client accepts.
  static const std::vector<Rule> kRules = {
      {cp::SECCHKRM, 0, 16, {cp::SECCHKCD}},
      {cp::ACCRDBRM, 0, 4, {cp::PRDID, cp::TYPDEFNAM, cp::TYPDEFOVR}},
      {cp::ENDUOWRM, 4, 4, {cp::UOWDSP}},
      {cp::RDBUPDRM, 0, 0, {}},
      {cp::OPNQRYRM, 0, 128, {cp::QRYPRCTYP, cp::QRYINSID}},
      {cp::ENDQRYRM, 4, 8, {}},
      {cp::OPNQFLRM, 8, 8, {cp::RDBNAM}},
      {cp::QRYNOPRM, 4, 8, {cp::RDBNAM, cp::PKGNAMCSN}},
      {cp::QRYPOPRM, 8, 8, {cp::RDBNAM, cp::PKGNAMCSN}},
      {cp::SQLERRRM, 8, 8, {}},
      {cp::ABNUOWRM, 8, 8, {cp::RDBNAM}},
      {cp::RDBNFNRM, 8, 8, {cp::RDBNAM}},
      {cp::RDBAFLRM, 8, 8, {cp::RDBNAM}},
      {cp::RDBATHRM, 8, 8, {cp::RDBNAM}},
      {cp::RDBACCRM, 8, 8, {cp::RDBNAM}},
  };
  auto params = drda::DdmParams::Parse(rm.data);
  if (!params) ProtocolError("malformed " + CodePointName(rm.code_point));
  auto svrcod = params->U16(cp::SVRCOD);
  if (!svrcod || !*svrcod) ProtocolError(CodePointName(rm.code_point) + " without a valid SVRCOD");
  const uint16_t s = **svrcod;
  uint16_t min_svrcod = 0, max_svrcod = 128;
  const std::vector<cp::CodePoint>* required = nullptr;
  for (const Rule& rule : kRules) {
    if (rule.code_point == rm.code_point) {
      min_svrcod = rule.min_svrcod;
      max_svrcod = rule.max_svrcod;
      required = &rule.required;
    }
  }
  if (!IsSeverity(s) || s < min_svrcod || s > max_svrcod) {
    ProtocolError(CodePointName(rm.code_point) + " with SVRCOD " + std::to_string(s) + " (expected " +
                  std::to_string(min_svrcod) + ".." + std::to_string(max_svrcod) + ")");
  }
  if (required != nullptr) {
    for (cp::CodePoint p : *required) {
      if (!params->Has(p)) ProtocolError(CodePointName(rm.code_point) + " without " + CodePointName(p));
    }
  }
  return std::move(*params);
}

void ThrowIfFatalReplyMessage(const ReplyObject& object) {
  auto parse = [&] {
    auto params = drda::DdmParams::Parse(object.data);
    return params ? std::move(*params) : drda::DdmParams{};
  };
  auto code = [](const drda::DdmParams& p, cp::CodePoint param) -> std::string {
    const drda::ByteSpan b = p.Bytes(param);
    return b.size() == 1 ? Hex(b[0], 2) : "?";
  };
  switch (object.code_point) {
    case cp::SYNTAXRM: {
      const auto p = parse();
      throw ConnectionFailure("58009", "the server reported a data stream syntax error (SYNTAXRM, SYNERRCD " +
                                           code(p, cp::SYNERRCD) + CodePointParam(p) + ")" + Diagnostic(p));
    }
    case cp::PRCCNVRM: {
      const auto p = parse();
      throw ConnectionFailure("58009", "the server reported a conversational protocol error (PRCCNVRM, "
                                       "PRCCNVCD " + code(p, cp::PRCCNVCD) + ")" + Diagnostic(p));
    }
    case cp::CMDNSPRM: {
      const auto p = parse();
      throw ConnectionFailure("58014", "the server does not support the command" + CodePointParam(p) +
                                           " (CMDNSPRM)" + Diagnostic(p));
    }
    case cp::OBJNSPRM: {
      const auto p = parse();
      throw ConnectionFailure("58015", "the server does not support the object" + CodePointParam(p) +
                                           " (OBJNSPRM)" + Diagnostic(p));
    }
    case cp::PRMNSPRM: {
      const auto p = parse();
      throw ConnectionFailure("58016", "the server does not support the parameter" + CodePointParam(p) +
                                           " (PRMNSPRM)" + Diagnostic(p));
    }
    case cp::VALNSPRM: {
      const auto p = parse();
      throw ConnectionFailure("58017", "the server does not support the value of the parameter" +
                                           CodePointParam(p) + " (VALNSPRM)" + Diagnostic(p));
    }
    case cp::CMDCHKRM: {
      const auto p = parse();
      throw ConnectionFailure("58009", "the server rejected the command (CMDCHKRM)" + Diagnostic(p));
    }
    case cp::AGNPRMRM: {
      const auto p = parse();
      throw ConnectionFailure("58009", "permanent error in the server's agent (AGNPRMRM)" + Diagnostic(p));
    }
    case cp::MGRLVLRM: {
      const auto p = parse();
      throw ConnectionFailure("58010", "the server does not support the requested manager levels (MGRLVLRM)" +
                                           Diagnostic(p));
    }
    case cp::RDBNACRM: {
      const auto p = parse();
      throw ConnectionFailure("58009", "the database is not accessed (RDBNACRM)" + Diagnostic(p));
    }
    case cp::RDBNFNRM:
    case cp::RDBAFLRM:
    case cp::RDBATHRM:
    case cp::RDBACCRM: {
      const auto p = parse();
      throw ConnectionFailure("08004", "database access refused (" + CodePointName(object.code_point) + ")" +
                                           Diagnostic(p));
    }
    default:
      return;
  }
}

std::optional<drda::Sqlca> ParseSqlcard(const ReplyObject& sqlcard, drda::ByteOrder order) {
  drda::ByteReader in(sqlcard.data, order);
  auto sqlca = drda::ReadSqlcaGroup(in);
  if (!sqlca || !in.ok()) ProtocolError("malformed SQLCARD");
  if (!in.empty()) ProtocolError("SQLCARD has " + std::to_string(in.remaining()) + " bytes after its SQLCA");
  return std::move(*sqlca);
}

std::string SqlcaMessage(const drda::Sqlca& sqlca) {
  std::string out;
  for (char c : sqlca.message) out.push_back(c == '\x14' ? ' ' : c);
  const size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

SqlError SqlErrorFromSqlca(const drda::Sqlca& sqlca) {
  std::string message = SqlcaMessage(sqlca);
  if (message.empty()) message = "SQL error, SQLCODE " + std::to_string(sqlca.sqlcode);
  return SqlError(sqlca.sqlstate, std::move(message), sqlca.sqlcode);
}

}  // namespace drdaplex::client::internal
