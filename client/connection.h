// Connection: one DRDA connection to an RDB (Apache Derby's network server,
// drdaplex-odbm, the drdaplex router, or any DRDA server that accepts the
// Derby network client), speaking exactly as the Derby client 10.14 does:
// EXCSAT+ACCSEC then SECCHK+ACCRDB to connect (SQLAM 7, SECMEC 3 or 4,
// TYPDEFNAM QTDSQLASC, UNICODEMGR 1208), a package section per statement,
// 32 KiB query blocks, and RDBCMM chained after each statement under
// autocommit (the default).
//
// Errors are SqlError. An SQL error leaves the connection usable; an I/O
// failure, a timeout, or a reply that breaks the protocol drops it, and
// every later call throws SqlError 08006. Statements and result sets share
// the connection's state and may outlive the Connection object; after
// Close() they throw 08003.
//
// Movable, not copyable. Not thread-safe: use a connection (and its
// statements and result sets) from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "client/prepared_statement.h"
#include "client/result_set.h"
#include "client/sql_error.h"
#include "client/types.h"

namespace drdaplex::client {

namespace internal {
class Session;
}

class Connection {
 public:
  // Connects and authenticates. Throws SqlError: 08001 when the server
  // cannot be reached, 08004 when it refuses the user or the database,
  // 58xxx when it does not speak the protocol this client needs.
  static Connection Open(const ConnectOptions& options);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Closes the connection (see Close).
  ~Connection();

  // Runs a statement that returns no rows (EXCSQLIMM); returns the update
  // count (0 for DDL).
  int64_t Execute(std::string_view sql);
  // Runs a query (PRPSQLSTT + OPNQRY in one chain).
  ResultSet Query(std::string_view sql);
  // The first column of the first row of a query; Null when there is no row.
  Value QueryScalar(std::string_view sql);
  // Prepares a statement with '?' parameters.
  PreparedStatement Prepare(std::string_view sql);

  // Switching autocommit on commits an open unit of work.
  void SetAutoCommit(bool on);
  bool auto_commit() const;
  void Commit();
  void Rollback();

  // Under autocommit sends a final RDBCMM, as the Derby client does; with
  // autocommit off, uncommitted work is rolled back by the server when the
  // connection goes. Closes the socket. Never throws.
  void Close() noexcept;
  bool is_closed() const;

  const ServerInfo& server() const;

 private:
  explicit Connection(std::shared_ptr<internal::Session> session);
  internal::Session& session() const;

  std::shared_ptr<internal::Session> session_;
};

}  // namespace drdaplex::client
