// Session: the state of one DRDA connection shared by a Connection and the
// PreparedStatements and ResultSets it made -- the socket and its stream
// parser, the negotiated encodings, the package sections in use, the
// transaction state -- and the connect handshake itself.
//
// Connection, PreparedStatement and ResultSet each hold a shared_ptr to the
// Session, so any of them may outlive the Connection object; after
// Connection::Close every use throws SqlError 08003. Once the connection
// is broken (I/O failure, timeout, protocol error, DDM error reply) every
// use throws 08006. Not thread-safe: one thread at a time, like the public
// classes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/tcp_socket.h"
#include "client/types.h"
#include "client/wire.h"
#include "drda/connect.h"
#include "drda/dss.h"
#include "drda/limits.h"
#include "drda/sql_commands.h"

namespace drdaplex::client::internal {

class Session;

// A package section (the server's key for one prepared statement or
// cursor) held by a statement and the result sets it opened. The number
// returns to the session for reuse when the last holder drops it.
class SectionLease {
 public:
  SectionLease(std::weak_ptr<Session> session, uint16_t number)
      : session_(std::move(session)), number_(number) {}
  ~SectionLease();
  SectionLease(const SectionLease&) = delete;
  SectionLease& operator=(const SectionLease&) = delete;

  uint16_t number() const { return number_; }

 private:
  std::weak_ptr<Session> session_;
  uint16_t number_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Connects and runs the handshake (EXCSAT+ACCSEC, SECCHK+ACCRDB), both
  // bounded by options.connect_timeout. Throws SqlError.
  static std::shared_ptr<Session> Open(const ConnectOptions& options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Throws 08003 after Close, 08006 once broken.
  void CheckUsable() const;

  // Runs `f` after CheckUsable; a ConnectionFailure escaping from it marks
  // the session broken (the socket is closed) before it propagates.
  template <typename F>
  decltype(auto) Guard(F&& f) {
    CheckUsable();
    try {
      return f();
    } catch (const ConnectionFailure& e) {
      MarkBroken(e);
      throw;
    }
  }

  // Sends the chain with one write and reads its whole reply chain, within
  // io_timeout. Throws ConnectionFailure.
  std::vector<ReplyGroup> RoundTrip(RequestChain& chain);

  // Package sections.
  std::shared_ptr<SectionLease> AcquireSection();
  drda::PackageSection Package(uint16_t section) const;

  // Transactions. NoteWork records that SQL ran with autocommit off, so a
  // unit of work may be open.
  bool auto_commit() const { return auto_commit_; }
  void SetAutoCommit(bool on);
  void NoteWork() {
    if (!auto_commit_) uow_open_ = true;
  }
  void Commit();
  void Rollback();
  // Appends RDBCMM to a chain, and reads its reply group (ENDUOWRM is
  // optional, SQLCARD required); the second returns the SQL error, if any.
  static void AddCommit(RequestChain& chain);
  std::optional<SqlError> ReadEndOfUnitOfWork(const ReplyGroup& group, const char* command);

  // Sends RDBCMM when autocommit is on (as the Derby client does), then
  // closes the socket. Never throws.
  void Close() noexcept;
  bool closed() const { return state_ == State::kClosed; }
  bool broken() const { return state_ == State::kBroken; }

  const ServerInfo& server() const { return server_; }
  // Byte order of FD:OCA numbers in the server's replies (its TYPDEFNAM).
  drda::ByteOrder reply_order() const { return reply_order_; }
  const drda::Limits& limits() const { return limits_; }
  const ConnectOptions& options() const { return options_; }

 private:
  friend class SectionLease;
  enum class State { kOpen, kBroken, kClosed };

  explicit Session(const ConnectOptions& options);
  void Connect();
  std::vector<ReplyGroup> RoundTripUntil(RequestChain& chain, TcpSocket::Clock::time_point deadline);
  void MarkBroken(const SqlError& why);
  void ReleaseSection(uint16_t number);

  ConnectOptions options_;
  drda::Limits limits_;
  TcpSocket socket_;
  drda::DssStreamParser parser_;
  State state_ = State::kOpen;
  std::string broken_reason_;

  std::string rdbnam_;  // as sent in ACCSEC/SECCHK/ACCRDB (18+ bytes)
  drda::DdmCharset charset_ = drda::DdmCharset::kEbcdic;
  drda::ByteOrder reply_order_ = drda::ByteOrder::kBig;
  ServerInfo server_;

  std::vector<uint16_t> free_sections_;
  uint16_t next_section_ = 1;

  bool auto_commit_ = true;
  bool uow_open_ = false;
};

}  // namespace drdaplex::client::internal
