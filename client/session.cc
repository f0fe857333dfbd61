#include "client/session.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "drda/ebcdic.h"

namespace drdaplex::client::internal {
namespace {

namespace cp = drda::cp;
using drda::DdmCharset;

// We speak as the Derby network client 10.14 would: its manager levels, its
// product id (Derby's server refuses requesters whose PRDID is not DNC...),
// its TYPDEFNAM and CCSIDs, its package naming.
constexpr uint16_t kAgentLevel = 7;
constexpr uint16_t kSqlamLevel = 7;
constexpr uint16_t kRdbLevel = 7;
constexpr uint16_t kSecmgrLevel = 7;
constexpr uint16_t kUnicodeMgrLevel = 1208;
constexpr const char* kProductId = "DNC10140";
constexpr const char* kTypdefnam = "QTDSQLASC";
constexpr const char* kCollection = "NULLID";
constexpr const char* kPackage = "SYSLH000";  // the Derby client's package for WITH HOLD cursors
constexpr const char* kConsistencyToken = "SYSLVL01";
constexpr size_t kRdbnamPadding = 18;
constexpr size_t kMaxRdbnam = 1024;
constexpr uint16_t kMaxSection = 32767;

drda::Bytes Ebcdic(std::string_view s) { return drda::EncodeDdmString(s, DdmCharset::kEbcdic); }

// PRDDTA as the Derby client lays it out: a length byte, then EBCDIC product
// id, platform and application name in fixed fields, ending with 0x00.
drda::Bytes ProductData() {
  drda::Bytes out(56, 0x40);
  out[0] = static_cast<uint8_t>(out.size() - 1);
  auto put = [&](size_t at, std::string_view s) {
    const drda::Bytes e = Ebcdic(s);
    std::copy(e.begin(), e.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  };
  put(1, kProductId);
  put(9, "JVM");
  put(27, "drdaplex-client");
  out.back() = 0x00;
  return out;
}

// CRRTKN: "NETID.LU" in EBCDIC plus six instance bytes; only its shape
// matters to servers (Derby accepts 9..23 bytes).
drda::Bytes CorrelationToken() {
  char lu[8];
  std::snprintf(lu, sizeof lu, "%04X", static_cast<unsigned>(::getpid()) & 0xFFFF);
  drda::Bytes out = Ebcdic(std::string("NF000001.") + lu);
  const auto now = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  for (int i = 5; i >= 0; --i) out.push_back(static_cast<uint8_t>(now >> (8 * i)));
  return out;
}

std::string SecurityCheckReason(uint8_t code) {
  switch (code) {
    case 0x01: return "security mechanism not supported";
    case 0x0A: case 0x0B: return "local security service error";
    case 0x0E: return "password expired";
    case 0x0F: return "password invalid";
    case 0x10: return "password missing";
    case 0x12: return "userid missing";
    case 0x13: return "userid or password invalid";
    case 0x14: return "userid revoked";
    case 0x15: return "new password invalid";
    default: return "security check failed";
  }
}

std::string HexByte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

}  // namespace

SectionLease::~SectionLease() {
  if (auto s = session_.lock()) s->ReleaseSection(number_);
}

Session::Session(const ConnectOptions& options) : options_(options), parser_(limits_) {}

Session::~Session() { socket_.Close(); }

std::shared_ptr<Session> Session::Open(const ConnectOptions& options) {
  std::shared_ptr<Session> s(new Session(options));
  s->Connect();
  return s;
}

void Session::CheckUsable() const {
  switch (state_) {
    case State::kOpen: return;
    case State::kClosed: throw SqlError("08003", "the connection is closed");
    case State::kBroken: throw SqlError("08006", "the connection is broken: " + broken_reason_);
  }
}

void Session::MarkBroken(const SqlError& why) {
  if (state_ == State::kOpen) {
    state_ = State::kBroken;
    broken_reason_ = why.what();
  }
  socket_.Close();
}

std::vector<ReplyGroup> Session::RoundTrip(RequestChain& chain) {
  return RoundTripUntil(chain, TcpSocket::Clock::now() + options_.io_timeout);
}

std::vector<ReplyGroup> Session::RoundTripUntil(RequestChain& chain, TcpSocket::Clock::time_point deadline) {
  CheckUsable();
  try {
    const drda::Bytes& request = chain.Finish();
    // Replies of an earlier exchange never linger: every chain is read to
    // its end, and bytes after it are a protocol error.
    if (!parser_.at_boundary()) ProtocolError("unsolicited data from the server");
    socket_.WriteAll(request, deadline);
    ReplyChainAssembler assembler(chain.commands(), limits_);
    for (;;) {
      auto next = parser_.Next();
      if (!next) ProtocolError("malformed DSS in a reply: " + next.error().message());
      if (*next) {
        if (assembler.Add(**next)) break;
        continue;
      }
      auto buffer = parser_.PrepareRead(16 * 1024);
      const size_t n = socket_.ReadSome(buffer, deadline);
      if (n == 0) throw ConnectionFailure("08006", "the server closed the connection");
      parser_.CommitRead(n);
    }
    if (!parser_.at_boundary()) ProtocolError("data after the end of a reply chain");
    return assembler.Take();
  } catch (const ConnectionFailure& e) {
    MarkBroken(e);
    throw;
  } catch (const SqlError& e) {  // socket errors
    ConnectionFailure f(e.sqlstate(), e.message());
    MarkBroken(f);
    throw f;
  }
}

void Session::Connect() {
  const auto deadline = TcpSocket::Clock::now() + options_.connect_timeout;
  if (options_.database.size() > kMaxRdbnam) throw SqlError("08001", "database name is too long");
  rdbnam_ = options_.database;
  if (rdbnam_.size() < kRdbnamPadding) rdbnam_.resize(kRdbnamPadding, ' ');
  const uint16_t secmec = static_cast<uint16_t>(options_.password ? drda::SecurityMechanism::kUserPassword
                                                                  : drda::SecurityMechanism::kUserOnly);
  socket_ = TcpSocket::Connect(options_.host, options_.port, options_.connect_timeout);

  try {
    // Flight 1: EXCSAT + ACCSEC. Strings are EBCDIC until ACCSECRD.
    const std::vector<drda::ManagerLevel> requested = {{cp::AGENT, kAgentLevel},
                                                       {cp::SQLAM, kSqlamLevel},
                                                       {cp::RDB, kRdbLevel},
                                                       {cp::SECMGR, kSecmgrLevel},
                                                       {cp::UNICODEMGR, kUnicodeMgrLevel}};
    {
      RequestChain chain;
      drda::ExcsatCommand excsat;
      excsat.extnam = "drdaplex-client";
      excsat.srvnam = "drdaplex";
      excsat.srvrlslv = std::string(kProductId) + "/drdaplex-client 0.1.0";
      excsat.srvclsnm = "QDERBY/JVM";
      excsat.managers = requested;
      drda::WriteExcsat(chain.writer(), chain.NextCommand(), excsat);
      drda::WriteAccsec(chain.writer(), chain.NextCommand(), {secmec, rdbnam_, {}}, DdmCharset::kEbcdic);
      auto groups = RoundTripUntil(chain, deadline);

      if (groups.empty()) ProtocolError("no reply to EXCSAT");
      GroupReader excsat_reply(groups[0], drda::ByteOrder::kBig, "EXCSAT");
      auto attributes = drda::ParseExcsatrd(excsat_reply.Take(cp::EXCSATRD).data);
      if (!attributes) ProtocolError("malformed EXCSATRD");
      excsat_reply.ExpectEnd();
      server_.external_name = attributes->extnam;
      server_.server_name = attributes->srvnam;
      server_.release_level = attributes->srvrlslv;
      server_.server_class = attributes->srvclsnm;
      bool unicode = false;
      for (const drda::ManagerLevel& m : attributes->managers) {
        auto asked = std::find_if(requested.begin(), requested.end(),
                                  [&](const drda::ManagerLevel& r) { return r.manager == m.manager; });
        const std::string name = CodePointName(m.manager);
        if (asked == requested.end()) {
          throw ConnectionFailure("58010", "the server returned manager " + name + ", which was not requested");
        }
        if (m.manager == cp::UNICODEMGR) {
          if (m.level != 0 && m.level != kUnicodeMgrLevel) {
            throw ConnectionFailure("58010", "the server returned UNICODEMGR level " + std::to_string(m.level));
          }
          unicode = m.level == kUnicodeMgrLevel;
          continue;
        }
        // This client implements the SQLAM 7 formats only.
        const uint16_t minimum = m.manager == cp::SQLAM ? kSqlamLevel : m.manager == cp::SECMGR ? 5 : 3;
        if (m.level < minimum || m.level > asked->level) {
          throw ConnectionFailure("58010", "manager level conflict: the server returned " + name + " level " +
                                               std::to_string(m.level) + ", this client needs " +
                                               std::to_string(minimum) + ".." + std::to_string(asked->level));
        }
      }

      if (groups.size() < 2) ProtocolError("no reply to ACCSEC");
      GroupReader accsec_reply(groups[1], drda::ByteOrder::kBig, "ACCSEC");
      const ReplyObject& accsecrd = accsec_reply.Take(cp::ACCSECRD);
      accsec_reply.ExpectEnd();
      auto params = drda::DdmParams::Parse(accsecrd.data);
      if (!params) ProtocolError("malformed ACCSECRD");
      std::vector<uint16_t> offered;
      for (const drda::DdmObject& p : params->all()) {
        if (p.code_point == cp::SECMEC) {
          if (p.data.size() % 2 != 0 || p.data.empty()) ProtocolError("malformed SECMEC in ACCSECRD");
          for (size_t i = 0; i < p.data.size(); i += 2) offered.push_back(drda::LoadU16(&p.data[i]));
        }
      }
      if (offered.empty()) ProtocolError("ACCSECRD without SECMEC");
      auto secchkcd = params->U8(cp::SECCHKCD);
      if (!secchkcd) ProtocolError("malformed SECCHKCD in ACCSECRD");
      if ((*secchkcd && **secchkcd != 0) || offered.size() != 1 || offered[0] != secmec) {
        std::string list;
        for (uint16_t m : offered) list += (list.empty() ? "" : ", ") + std::to_string(m);
        throw ConnectionFailure("08004", "Connection authorization failure occurred. Reason: security "
                                         "mechanism " + std::to_string(secmec) +
                                             " not supported (the server offers " + list + ")");
      }
      // Both sides switch to UTF-8 for DDM strings right after ACCSECRD.
      if (unicode) charset_ = DdmCharset::kUtf8;
    }

    // Flight 2: SECCHK + ACCRDB.
    {
      RequestChain chain;
      drda::WriteSecchk(chain.writer(), chain.NextCommand(),
                        {secmec, rdbnam_, options_.user, options_.password}, charset_);
      drda::AccrdbCommand accrdb;
      accrdb.rdbnam = rdbnam_;
      accrdb.prdid = kProductId;
      accrdb.typdefnam = kTypdefnam;
      accrdb.prddta = ProductData();
      accrdb.crrtkn = CorrelationToken();
      drda::WriteAccrdb(chain.writer(), chain.NextCommand(), accrdb, charset_);
      auto groups = RoundTripUntil(chain, deadline);
      if (groups.empty()) ProtocolError("no reply to SECCHK");

      GroupReader secchk_reply(groups[0], drda::ByteOrder::kBig, "SECCHK");
      const ReplyObject& secchkrm = secchk_reply.Take(cp::SECCHKRM);
      const drda::DdmParams p = ParseReplyMessage(secchkrm);
      auto code = p.U8(cp::SECCHKCD);
      if (!code || !*code) ProtocolError("SECCHKRM with a malformed SECCHKCD");
      if (**code != 0) {
        throw ConnectionFailure("08004", "Connection authentication failure occurred. Reason: " +
                                             SecurityCheckReason(**code) + " (SECCHKCD " + HexByte(**code) + ")");
      }
      secchk_reply.ExpectEnd();

      if (groups.size() < 2) ProtocolError("no reply to ACCRDB");
      GroupReader accrdb_reply(groups[1], drda::ByteOrder::kBig, "ACCRDB");
      const ReplyObject* first = accrdb_reply.Peek();
      if (first == nullptr) ProtocolError("empty reply to ACCRDB");
      if (first->code_point != cp::ACCRDBRM) {
        // RDBNFNRM, RDBAFLRM, RDBATHRM...: the SQLCARD after it has the reason.
        const ReplyObject rm = *first;
        if (rm.code_point == cp::RDBNFNRM || rm.code_point == cp::RDBAFLRM || rm.code_point == cp::RDBATHRM ||
            rm.code_point == cp::RDBACCRM) {
          ParseReplyMessage(rm);
          accrdb_reply.TakeIf(rm.code_point);
          std::string database = drda::DatabaseNameFromRdbnam(options_.database);
          std::string message = rm.code_point == cp::RDBNFNRM   ? "Database '" + database + "' not found."
                                : rm.code_point == cp::RDBATHRM ? "Not authorized to access database '" +
                                                                      database + "'."
                                                                : "Access to database '" + database + "' failed.";
          // The state is 08004 whatever the SQLCA says (Derby puts its own
          // XJ004 there), as the Derby client reports it.
          std::string detail = cp::Name(rm.code_point);
          int32_t sqlcode = 0;
          while (const ReplyObject* o = accrdb_reply.Peek()) {
            if (o->code_point != cp::SQLCARD) accrdb_reply.Unexpected();
            auto sqlca = ParseSqlcard(accrdb_reply.Take(cp::SQLCARD), accrdb_reply.order());
            if (sqlca && sqlca->is_error()) {
              if (std::string m = SqlcaMessage(*sqlca); !m.empty()) message = m;
              detail += ", SQLSTATE " + sqlca->sqlstate;
              sqlcode = sqlca->sqlcode;
            }
          }
          throw ConnectionFailure("08004", message + " (" + detail + ")", sqlcode);
        }
        accrdb_reply.Unexpected();
      }
      const ReplyObject& accrdbrm = accrdb_reply.Take(cp::ACCRDBRM);
      ParseReplyMessage(accrdbrm);  // SVRCOD 0..4; PRDID, TYPDEFNAM, TYPDEFOVR present
      auto reply = drda::ParseAccrdbrm(accrdbrm.data, charset_);
      if (!reply) ProtocolError("malformed ACCRDBRM");
      // The Derby client parses PRDID as XXXvvrrm and fails the connect
      // when that is impossible.
      const std::string& prdid = reply->prdid;
      if (prdid.size() < 8 ||
          !std::all_of(prdid.begin() + 3, prdid.begin() + 8, [](char c) { return std::isdigit(c) != 0; })) {
        ProtocolError("ACCRDBRM PRDID '" + prdid + "' is not of the form XXXvvrrm");
      }
      server_.product_id = prdid;
      server_.version = std::stoi(prdid.substr(3, 2));
      server_.release = std::stoi(prdid.substr(5, 2));
      server_.modification = prdid[7] - '0';
      server_.typdefnam = reply->typdefnam;
      reply_order_ = drda::ByteOrderOf(reply->typdefnam);
      // Optional: Derby's PBSD (skipped by the reader) and a warning SQLCARD.
      while (accrdb_reply.NextIs(cp::SQLCARD)) {
        auto sqlca = ParseSqlcard(accrdb_reply.Take(cp::SQLCARD), reply_order_);
        if (sqlca && sqlca->is_error()) {
          const SqlError e = SqlErrorFromSqlca(*sqlca);
          throw ConnectionFailure(e.sqlstate(), e.message(), e.sqlcode());
        }
      }
      accrdb_reply.ExpectEnd();
    }
  } catch (const ConnectionFailure& e) {
    MarkBroken(e);
    throw;
  }
}

std::shared_ptr<SectionLease> Session::AcquireSection() {
  uint16_t n;
  if (!free_sections_.empty()) {
    n = free_sections_.back();
    free_sections_.pop_back();
  } else if (next_section_ <= kMaxSection) {
    n = next_section_++;
  } else {
    throw SqlError("54000", "too many open statements on this connection");
  }
  return std::make_shared<SectionLease>(weak_from_this(), n);
}

void Session::ReleaseSection(uint16_t number) { free_sections_.push_back(number); }

drda::PackageSection Session::Package(uint16_t section) const {
  drda::PackageSection p;
  // PKGNAMCSN names the RDB exactly as ACCRDB did, attributes included,
  // without the padding (WritePkgnamcsn pads to the fixed form itself).
  p.rdbnam = options_.database;
  p.collection = kCollection;
  p.package = kPackage;
  p.token.assign(kConsistencyToken, kConsistencyToken + 8);
  p.section = section;
  return p;
}

void Session::AddCommit(RequestChain& chain) {
  drda::DssWriter& w = chain.writer();
  w.BeginDss(drda::DssType::kRequest, chain.NextCommand());
  w.BeginObject(cp::RDBCMM);
  w.EndObject();
  w.EndDss();
}

std::optional<SqlError> Session::ReadEndOfUnitOfWork(const ReplyGroup& group, const char* command) {
  GroupReader r(group, reply_order_, command);
  if (const ReplyObject* rm = r.TakeIf(cp::ENDUOWRM)) {
    const drda::DdmParams p = ParseReplyMessage(*rm);
    auto uowdsp = p.U8(cp::UOWDSP);
    if (!uowdsp || !*uowdsp || (**uowdsp != 1 && **uowdsp != 2)) ProtocolError("ENDUOWRM without a valid UOWDSP");
  }
  auto sqlca = ParseSqlcard(r.Take(cp::SQLCARD), r.order());
  r.ExpectEnd();
  uow_open_ = false;
  if (sqlca && sqlca->is_error()) return SqlErrorFromSqlca(*sqlca);
  return std::nullopt;
}

void Session::Commit() {
  Guard([&] {
    RequestChain chain;
    AddCommit(chain);
    auto groups = RoundTrip(chain);
    if (groups.size() != 1) ProtocolError("no reply to RDBCMM");
    if (auto e = ReadEndOfUnitOfWork(groups[0], "RDBCMM")) throw *e;
  });
}

void Session::Rollback() {
  Guard([&] {
    RequestChain chain;
    drda::DssWriter& w = chain.writer();
    w.BeginDss(drda::DssType::kRequest, chain.NextCommand());
    w.BeginObject(cp::RDBRLLBCK);
    w.EndObject();
    w.EndDss();
    auto groups = RoundTrip(chain);
    if (groups.size() != 1) ProtocolError("no reply to RDBRLLBCK");
    if (auto e = ReadEndOfUnitOfWork(groups[0], "RDBRLLBCK")) throw *e;
  });
}

void Session::SetAutoCommit(bool on) {
  CheckUsable();
  if (on == auto_commit_) return;
  // JDBC semantics: switching autocommit on commits the open unit of work.
  if (on && uow_open_) Commit();
  auto_commit_ = on;
}

void Session::Close() noexcept {
  if (state_ != State::kOpen) {
    state_ = State::kClosed;
    socket_.Close();
    return;
  }
  if (auto_commit_) {
    try {
      Commit();
    } catch (...) {
      // Closing anyway; the server ends the unit of work when the socket goes.
    }
  }
  state_ = State::kClosed;
  socket_.Close();
}

}  // namespace drdaplex::client::internal
