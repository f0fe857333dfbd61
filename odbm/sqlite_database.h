// One SQLite connection serving one DRDA connection: opens the datastore's
// database in WAL mode with a busy timeout (several datastores and many
// connections share one file: data sharing), adds what Derby clients expect
// to find (SYSIBM.SYSDUMMY1, IDENTITY_VAL_LOCAL) and the drdaplex functions
// that tell which ODBM and datastore serve the connection. Not thread-safe:
// used by one session at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "odbm/sql_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace drdaplex::odbm {

struct StatementDeleter {
  void operator()(sqlite3_stmt* stmt) const;
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

struct DatabaseIdentity {
  std::string odbm;
  std::string datastore;
  std::string path;
  int busy_timeout_ms = 5000;
};

class SqliteDatabase {
 public:
  // Opens (creating if needed) the database; an SqlError says why not.
  static std::variant<std::unique_ptr<SqliteDatabase>, SqlError> Open(const DatabaseIdentity& identity);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  sqlite3* handle() const { return db_; }
  const DatabaseIdentity& identity() const { return identity_; }

  std::variant<StatementPtr, SqlError> Prepare(std::string_view sql);
  // Runs statements that return no rows.
  std::optional<SqlError> Exec(const char* sql);

  bool in_transaction() const;
  // Starts a unit of work if none is open (DRDA always has one).
  std::optional<SqlError> EnsureTransaction();
  std::optional<SqlError> Commit();
  std::optional<SqlError> Rollback();

 private:
  explicit SqliteDatabase(DatabaseIdentity identity) : identity_(std::move(identity)) {}

  // Runs one of the cached transaction statements below.
  std::optional<SqlError> Run(const StatementPtr& stmt);

  DatabaseIdentity identity_;
  sqlite3* db_ = nullptr;
  // BEGIN, COMMIT and ROLLBACK run around every unit of work; prepared once
  // they cost a step instead of a parse (about 9,000 instructions a request
  // for a Derby client in autocommit).
  StatementPtr begin_, commit_, rollback_;
};

}  // namespace drdaplex::odbm
