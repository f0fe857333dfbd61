// Chain dispatch, the connect flow and the reply writers of CommandProcessor.
// The SQL commands are in sql_processing.cc.
#include "odbm/command_processor.h"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "drdaplex/version.h"

#include "drda/codepoints.h"
#include "drda/sqlca.h"

namespace drdaplex::odbm {

using drda::DssType;
using drda::Severity;
namespace cp = drda::cp;

namespace {

// Manager levels we support; a requester gets min(requested, ours), and 0
// (not supported) for managers we do not know, as Derby answers.
// PRDID "DNCvvrrm": a Derby network client, version vv.rr.m. Those since
// 10.6 append a status byte to every EXTDTA they send.
bool RequesterSendsExtdtaStatus(const std::string& prdid) {
  if (prdid.size() < 8 || prdid.compare(0, 3, "DNC") != 0) return false;
  const int version = std::atoi(prdid.substr(3, 2).c_str());
  const int release = std::atoi(prdid.substr(5, 2).c_str());
  return version > 10 || (version == 10 && release >= 6);
}

drda::SyntaxErrorCode SyntaxCodeFor(boost::system::error_code ec) {
  using drda::errc;
  using drda::SyntaxErrorCode;
  if (ec == errc::dss_too_short) return SyntaxErrorCode::kDssLessThanSix;
  if (ec == errc::bad_gds_id) return SyntaxErrorCode::kInvalidGdsId;
  if (ec == errc::bad_format) return SyntaxErrorCode::kInvalidFormat;
  if (ec == errc::too_large) return SyntaxErrorCode::kTooBig;
  if (ec == errc::bad_extended_length) return SyntaxErrorCode::kInvalidExtendedLength;
  if (ec == errc::missing_parameter) return SyntaxErrorCode::kRequiredObjectMissing;
  if (ec == errc::protocol_violation) return SyntaxErrorCode::kInvalidCorrelator;
  return SyntaxErrorCode::kObjectLengthLessThanFour;
}

}  // namespace

const drda::DdmObject* CommandProcessor::Command::Object(drda::cp::CodePoint code_point) const {
  for (const auto& o : objects) {
    if (o.code_point == code_point) return &o;
  }
  return nullptr;
}

std::string CommandProcessor::datastore() const { return datastore_ ? datastore_->name : std::string(); }

CommandProcessor::~CommandProcessor() {
  // The database first: closing it rolls back what was not committed, and
  // only then may the next waiter write.
  statements_.clear();
  db_.reset();
  if (gate_held_) gate_->Release();
}

bool CommandProcessor::ProcessChain(const std::vector<drda::Dss>& chain, drda::Bytes& reply) {
  reply_ = &reply;
  writer_ = std::make_unique<drda::DssWriter>(reply);
  skip_rest_of_chain_ = false;
  next_command_ = 0;

  // Group the chain into commands: a request DSS and the object DSSes that
  // follow it under the same correlator.
  std::vector<Command>& commands = commands_;
  commands.clear();
  for (const drda::Dss& dss : chain) {
    auto objects = drda::ReadObjects(dss.payload);
    if (!objects || objects->empty()) {
      ReplyFramingError(objects ? drda::make_error_code(drda::errc::bad_object_length) : objects.error(), reply);
      return true;
    }
    if (dss.header.type == DssType::kRequest || dss.header.type == DssType::kRequestNoReply) {
      Command c;
      c.code_point = (*objects)[0].code_point;
      c.correlator = dss.header.correlator;
      c.data = (*objects)[0].data;
      auto params = drda::DdmParams::Parse((*objects)[0].data);
      if (!params) {
        ReplyFramingError(params.error(), reply);
        return true;
      }
      c.params = std::move(*params);
      c.objects.assign(objects->begin() + 1, objects->end());
      commands.push_back(std::move(c));
    } else if (dss.header.type == DssType::kObject && !commands.empty() &&
               commands.back().correlator == dss.header.correlator) {
      commands.back().objects.insert(commands.back().objects.end(), objects->begin(), objects->end());
    } else {
      // An object with no command, or an encrypted object we cannot read.
      WriteProtocolError(dss.header.correlator, cp::PRCCNVRM, cp::PRCCNVCD, 0x03);
      close_requested_ = true;
      writer_->Finish();
      return true;
    }
  }
  return RunCommands();
}

bool CommandProcessor::RunCommands() {
  for (; next_command_ < commands_.size(); ++next_command_) {
    if (skip_rest_of_chain_) break;
    const Command& c = commands_[next_command_];
    if (NeedsWriteGate(c)) {
      if (!gate_->TryAcquire()) return false;  // the caller waits, then ResumeChain
      gate_held_ = true;
    }
    Dispatch(c);
  }
  writer_->Finish();
  commands_.clear();
  return true;
}

bool CommandProcessor::ResumeChain(bool granted) {
  if (granted) {
    gate_held_ = true;
  } else {
    gate_error_ = MakeSqlError("40XL1", "A lock could not be obtained within the time requested (waited " +
                                            std::to_string(context_.busy_timeout_ms) +
                                            " ms for the datastore's write gate).");
  }
  Dispatch(commands_[next_command_]);
  gate_error_.reset();
  ++next_command_;
  return RunCommands();
}

bool CommandProcessor::NeedsWriteGate(const Command& c) {
  if (!gate_ || gate_held_ || phase_ != Phase::kConnected) return false;
  switch (c.code_point) {
    case cp::EXCSQLIMM: {
      // Executes at once whatever it gets: everything but the SET
      // statements the server answers itself goes to SQLite. (Requesters
      // send queries with OPNQRY; an EXCSQLIMM of a query takes the gate
      // for nothing, and gives it back when the command is done.)
      const drda::DdmObject* sqlstt = c.Object(cp::SQLSTT);
      if (!sqlstt) return false;
      auto text = drda::ParseStatementText(sqlstt->data, context_.limits);
      return text && TranslateStatement(*text, {UpperAscii(user_), "RR"}).kind == StatementKind::kSql;
    }
    case cp::EXCSQLSTT:
    case cp::OPNQRY: {
      const PreparedStatement* st = FindStatement(c, nullptr);
      return st && !st->prepare_error && st->stmt && !sqlite3_stmt_readonly(st->stmt.get());
    }
    default: return false;
  }
}

void CommandProcessor::ReleaseWriteGateIfDone() {
  // SQLITE_TXN_WRITE: the connection holds SQLite's write lock, which the
  // gate stands for. Anything less (no transaction, or one that only read:
  // a statement that failed before writing) frees the gate.
  if (!gate_held_ || (db_ && sqlite3_txn_state(db_->handle(), nullptr) == SQLITE_TXN_WRITE)) return;
  gate_held_ = false;
  gate_->Release();
}

void CommandProcessor::Dispatch(const Command& c) {
  writer_->BeginGroup();
  switch (c.code_point) {
    case cp::EXCSAT: Excsat(c); break;
    case cp::ACCSEC: Accsec(c); break;
    case cp::SECCHK: Secchk(c); break;
    case cp::ACCRDB: Accrdb(c); break;
    case cp::PRPSQLSTT: Prpsqlstt(c); break;
    case cp::DSCSQLSTT: Dscsqlstt(c); break;
    case cp::EXCSQLIMM: Excsqlimm(c); break;
    case cp::EXCSQLSTT: Excsqlstt(c); break;
    case cp::EXCSQLSET: Excsqlset(c); break;
    case cp::OPNQRY: Opnqry(c); break;
    case cp::CNTQRY: Cntqry(c); break;
    case cp::CLSQRY: Clsqry(c); break;
    case cp::RDBCMM: Rdbcmm(c); break;
    case cp::RDBRLLBCK: Rdbrllbck(c); break;
    case cp::BGNBND:
    case cp::BNDSQLSTT:
    case cp::ENDBND:
    case cp::DRPPKG:
    case cp::REBIND:
    case cp::DSCRDBTBL:
      // Static SQL packages mean nothing to a dynamic SQL engine; accept
      // them the way Derby does, with a plain success SQLCARD.
      if (RequireConnected(c)) WriteSuccessCard(c.correlator);
      break;
    default:
      spdlog::warn("unsupported command {} (0x{:04X})", cp::Name(c.code_point), c.code_point);
      WriteProtocolError(c.correlator, cp::CMDNSPRM, cp::CODPNT, c.code_point);
      close_requested_ = true;
      skip_rest_of_chain_ = true;
      break;
  }
  ReleaseWriteGateIfDone();
}

void CommandProcessor::ReplyFramingError(boost::system::error_code error, drda::Bytes& reply) {
  spdlog::warn("DRDA framing error from requester: {}", error.message());
  drda::DssWriter w(reply);
  drda::BeginReplyMessage(w, 1, cp::SYNTAXRM, Severity::kError);
  w.ParamU8(cp::SYNERRCD, static_cast<uint8_t>(SyntaxCodeFor(error)));
  drda::EndReplyMessage(w);
  w.Finish();
  close_requested_ = true;
}

// ---------------------------------------------------------------- connect flow

void CommandProcessor::Excsat(const Command& c) {
  auto request = drda::ParseExcsat(c.data);
  if (!request) {
    WriteProtocolError(c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                       static_cast<uint16_t>(drda::SyntaxErrorCode::kDssLengthMismatch), cp::MGRLVLLS);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  drda::ExcsatReply reply;
  reply.extnam = "drdaplex-odbm " + context_.directory->odbm_name();
  reply.srvclsnm = "drdaplex ODBM";
  reply.srvnam = context_.directory->odbm_name();
  // The part after '/' is what JDBC's getDatabaseProductVersion() shows.
  reply.srvrlslv = std::string(drda::kProductId) + "/drdaplex " DRDAPLEX_VERSION_STRING;
  for (const auto& m : request->managers) {
    const uint16_t level = drda::GrantedManagerLevel(m);
    reply.managers.push_back({m.manager, level});
    // Only the first EXCSAT negotiates the character set of the session.
    if (m.manager == cp::UNICODEMGR && phase_ == Phase::kNew) unicode_ = level == 1208;
  }
  drda::WriteExcsatrd(*writer_, c.correlator, reply);
  if (phase_ == Phase::kNew) phase_ = Phase::kExchanged;
}

void CommandProcessor::Accsec(const Command& c) {
  if (phase_ == Phase::kNew) {
    // EXCSAT must come first.
    WriteProtocolError(c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, 0x06);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  auto secmec = c.params.U16(cp::SECMEC);
  drda::AccsecReply reply;
  if (!secmec || !*secmec) {
    WriteProtocolError(c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                       static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing), cp::SECMEC);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  const uint16_t requested = **secmec;
  if (requested == static_cast<uint16_t>(drda::SecurityMechanism::kUserPassword) ||
      requested == static_cast<uint16_t>(drda::SecurityMechanism::kUserOnly)) {
    reply.secmec = requested;
    secmec_ = requested;
    phase_ = Phase::kSecurityAccepted;
  } else {
    // One SECMEC in the reply: the one we prefer, with the reason code.
    reply.secmec = static_cast<uint16_t>(drda::SecurityMechanism::kUserPassword);
    reply.secchkcd = static_cast<uint8_t>(drda::SecurityCheckCode::kMechanismNotSupported);
  }
  drda::WriteAccsecrd(*writer_, c.correlator, reply);
  // From here on both sides speak UTF-8 if UNICODEMGR 1208 was agreed.
  if (unicode_) charset_ = drda::DdmCharset::kUtf8;
}

void CommandProcessor::Secchk(const Command& c) {
  auto parsed = drda::ParseSecchk(c.data, charset_);
  if (!parsed) {
    WriteProtocolError(c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                       static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing), cp::SECMEC);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  const drda::SecchkCommand& secchk = *parsed;

  drda::SecchkReply reply;
  using Code = drda::SecurityCheckCode;
  if (phase_ != Phase::kSecurityAccepted || secchk.secmec != secmec_) {
    WriteProtocolError(c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, 0x11);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  const Code code = CheckSignOn(secchk);
  reply.secchkcd = static_cast<uint8_t>(code);
  reply.svrcod = code == Code::kOk ? 0 : static_cast<uint16_t>(Severity::kError);
  drda::WriteSecchkrm(*writer_, c.correlator, reply);
  if (code != Code::kOk) {
    spdlog::info("security check failed for user '{}' (SECCHKCD 0x{:02X})", secchk.usrid,
                 static_cast<int>(code));
    // Like Derby: the rest of the chain (ACCRDB) gets no reply.
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  user_ = secchk.usrid;
  phase_ = Phase::kAuthenticated;
}

// A router signs its users on with a pass ticket as the password; anyone
// else signs on with their own password (or user id alone where USRIDONL=Y),
// unless ROUTERONLY=Y says only routers may connect.
drda::SecurityCheckCode CommandProcessor::CheckSignOn(const drda::SecchkCommand& secchk) const {
  using Code = drda::SecurityCheckCode;
  if (secchk.usrid.empty()) return Code::kUserIdMissing;
  const bool with_password =
      secmec_ == static_cast<uint16_t>(drda::SecurityMechanism::kUserPassword);
  if (with_password && !secchk.password) return Code::kPasswordMissing;
  if (with_password && context_.tickets != nullptr && config::LooksLikePassTicket(*secchk.password)) {
    const auto check =
        context_.tickets->Verify(secchk.usrid, *secchk.password, std::chrono::system_clock::now());
    if (check == config::TicketCheck::kOk) return Code::kOk;
    spdlog::warn("pass ticket for user '{}' refused: {}", secchk.usrid, config::ToString(check));
    return Code::kUserIdInvalid;
  }
  if (context_.router_only) {
    spdlog::warn("sign-on of user '{}' refused: ROUTERONLY=Y admits only the plex's routers",
                 secchk.usrid);
    return Code::kUserIdInvalid;
  }
  const config::AuthResult result = with_password
                                        ? context_.users->CheckPassword(secchk.usrid, *secchk.password)
                                        : context_.users->CheckUserOnly(secchk.usrid);
  return result == config::AuthResult::kOk ? Code::kOk : Code::kUserIdInvalid;
}

void CommandProcessor::Accrdb(const Command& c) {
  if (phase_ != Phase::kAuthenticated) {
    WriteProtocolError(c.correlator, cp::PRCCNVRM, cp::PRCCNVCD, phase_ == Phase::kConnected ? 0x12 : 0x11);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  rdbnam_ = drda::DecodeDdmString(c.params.Bytes(cp::RDBNAM), charset_);
  const std::string typdefnam = drda::DecodeDdmString(c.params.Bytes(cp::TYPDEFNAM), charset_);
  client_order_ = drda::ByteOrderOf(typdefnam);
  extdta_status_byte_ = RequesterSendsExtdtaStatus(drda::DecodeDdmString(c.params.Bytes(cp::PRDID), charset_));
  const std::string name = drda::DatabaseNameFromRdbnam(rdbnam_);
  datastore_ = context_.directory->Resolve(name);
  if (!datastore_) {
    spdlog::info("ACCRDB for '{}': no datastore has that name or alias", name);
    drda::Sqlca sqlca = MakeSqlError("08004", "Database '" + name + "' not found: ODBM " +
                                                  context_.directory->odbm_name() +
                                                  " has no datastore or alias of that name.")
                            .ToSqlca();
    sqlca.sqlcode = -40001;
    drda::WriteRdbAccessFailure(*writer_, c.correlator, cp::RDBNFNRM, rdbnam_, sqlca, charset_);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  DatabaseIdentity identity{context_.directory->odbm_name(), datastore_->name, datastore_->database.string(),
                            context_.busy_timeout_ms};
  auto opened = SqliteDatabase::Open(identity);
  if (auto* error = std::get_if<SqlError>(&opened)) {
    spdlog::error("ACCRDB for '{}': {}", name, error->message);
    drda::WriteRdbAccessFailure(*writer_, c.correlator, cp::RDBAFLRM, rdbnam_, error->ToSqlca(), charset_);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  db_ = std::move(std::get<std::unique_ptr<SqliteDatabase>>(opened));
  if (context_.write_gates) gate_ = context_.write_gates->For(datastore_->database.string());
  phase_ = Phase::kConnected;

  drda::AccrdbReply reply;
  reply.prdid = std::string(drda::kProductId);
  reply.typdefnam = "QTDSQLASC";  // we always answer big-endian
  drda::WriteAccrdbrm(*writer_, c.correlator, reply, charset_);
  // Derby's piggy-backed session data: isolation (JDBC constant; SQLite
  // transactions are serializable) and current schema, which the Derby
  // client caches instead of asking with extra round trips.
  writer_->BeginDss(DssType::kReply, c.correlator);
  writer_->BeginObject(cp::PBSD);
  writer_->ParamU8(cp::PBSD_ISO, 8);
  writer_->Param(cp::PBSD_SCHEMA, drda::AsBytes(UpperAscii(user_)));
  writer_->EndObject();
  writer_->EndDss();
  spdlog::debug("user '{}' connected to datastore {} ({})", user_, datastore_->name, rdbnam_);
}

// ---------------------------------------------------------------- replies

void CommandProcessor::WriteSqlcard(uint16_t correlator, const drda::Sqlca* sqlca) {
  writer_->BeginDss(DssType::kObject, correlator);
  writer_->BeginObject(cp::SQLCARD);
  drda::WriteSqlcaGroup(writer_->body(), sqlca);
  writer_->EndObject();
  writer_->EndDss();
}

void CommandProcessor::WriteSqlError(uint16_t correlator, const SqlError& error) {
  drda::Sqlca sqlca = error.ToSqlca();
  WriteSqlcard(correlator, &sqlca);
}

void CommandProcessor::WriteSuccessCard(uint16_t correlator, int64_t update_count) {
  drda::Sqlca sqlca;
  sqlca.sqlstate = "     ";
  sqlca.set_update_count(update_count);
  WriteSqlcard(correlator, &sqlca);
}

void CommandProcessor::WriteSqldard(uint16_t correlator, const std::vector<drda::SqldaColumn>& columns) {
  writer_->BeginDss(DssType::kObject, correlator);
  writer_->BeginObject(cp::SQLDARD);
  drda::WriteSqldard(writer_->body(), nullptr, columns);
  writer_->EndObject();
  writer_->EndDss();
}

void CommandProcessor::WriteRdbReplyMessage(uint16_t correlator, drda::cp::CodePoint code_point,
                                            Severity svrcod) {
  drda::BeginReplyMessage(*writer_, correlator, code_point, svrcod);
  writer_->Param(cp::RDBNAM, drda::EncodeDdmString(rdbnam_.empty() ? std::string(18, ' ') : rdbnam_, charset_));
  drda::EndReplyMessage(*writer_);
}

void CommandProcessor::WriteProtocolError(uint16_t correlator, drda::cp::CodePoint rm, drda::cp::CodePoint param,
                                          uint16_t value, drda::cp::CodePoint code_point) {
  spdlog::warn("protocol error: replying {} ({} 0x{:X})", cp::Name(rm), cp::Name(param), value);
  drda::BeginReplyMessage(*writer_, correlator, rm, Severity::kError);
  if (param == cp::CODPNT) {
    writer_->ParamU16(cp::CODPNT, value);
  } else {
    writer_->ParamU8(param, static_cast<uint8_t>(value));
    if (code_point) writer_->ParamU16(cp::CODPNT, code_point);
  }
  if (!rdbnam_.empty()) writer_->Param(cp::RDBNAM, drda::EncodeDdmString(rdbnam_, charset_));
  drda::EndReplyMessage(*writer_);
}

void CommandProcessor::WriteUpdateNotice(uint16_t correlator, bool changed) {
  // RDBUPDRM once per unit of work, before the SQLCARD, when data changed.
  if (!changed || uow_updated_) return;
  uow_updated_ = true;
  WriteRdbReplyMessage(correlator, cp::RDBUPDRM, Severity::kInfo);
}

bool CommandProcessor::RequireConnected(const Command& c) {
  if (phase_ == Phase::kConnected) return true;
  WriteRdbReplyMessage(c.correlator, cp::RDBNACRM, Severity::kError);
  close_requested_ = skip_rest_of_chain_ = true;
  return false;
}

}  // namespace drdaplex::odbm
