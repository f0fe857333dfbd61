#include "odbm/sqlite_database.h"

#include <sqlite3.h>

namespace drdaplex::odbm {
namespace {

void ReturnText(sqlite3_context* ctx, int, sqlite3_value**) {
  const auto* text = static_cast<const std::string*>(sqlite3_user_data(ctx));
  sqlite3_result_text(ctx, text->c_str(), static_cast<int>(text->size()), SQLITE_STATIC);
}

void IdentityValLocal(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  const sqlite3_int64 id = sqlite3_last_insert_rowid(db);
  if (id == 0) {
    sqlite3_result_null(ctx);
  } else {
    sqlite3_result_int64(ctx, id);
  }
}

}  // namespace

void StatementDeleter::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

std::variant<std::unique_ptr<SqliteDatabase>, SqlError> SqliteDatabase::Open(const DatabaseIdentity& identity) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(identity));
  // NOMUTEX: each connection is used by one session at a time.
  const int rc = sqlite3_open_v2(identity.path.c_str(), &db->db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    SqlError e = MakeSqlError("08004", "Datastore '" + identity.datastore + "' cannot open its database '" +
                                           identity.path + "': " + sqlite3_errstr(rc) + ".");
    e.sqlcode = -40001;
    return e;
  }
  // Inside one ODBM process writers queue at the file's write gate
  // (odbm/write_gate.h) and find SQLite's lock free; the busy timeout is for
  // the other processes sharing the file (data sharing across ODBMs).
  sqlite3_busy_timeout(db->db_, identity.busy_timeout_ms);
  sqlite3_extended_result_codes(db->db_, 1);
  // WAL lets readers of one datastore run while another writes, and keeps
  // every committed transaction across a crash of any process using the file.
  // synchronous=FULL also keeps them across a power loss.
  if (auto err = db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                          "ATTACH DATABASE ':memory:' AS SYSIBM;"
                          "CREATE TABLE SYSIBM.SYSDUMMY1 (IBMREQD CHAR(1));"
                          "INSERT INTO SYSIBM.SYSDUMMY1 VALUES ('Y');")) {
    return *err;
  }
  for (auto [stmt, sql] : {std::pair{&db->begin_, "BEGIN"}, {&db->commit_, "COMMIT"}, {&db->rollback_, "ROLLBACK"}}) {
    auto prepared = db->Prepare(sql);
    if (auto* error = std::get_if<SqlError>(&prepared)) return *error;
    *stmt = std::move(std::get<StatementPtr>(prepared));
  }
  // The strings live in identity_, which lives as long as the connection.
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  sqlite3_create_function(db->db_, "DRDAPLEX_DATASTORE", 0, flags, &db->identity_.datastore, ReturnText,
                          nullptr, nullptr);
  sqlite3_create_function(db->db_, "DRDAPLEX_ODBM", 0, flags, &db->identity_.odbm, ReturnText, nullptr,
                          nullptr);
  sqlite3_create_function(db->db_, "IDENTITY_VAL_LOCAL", 0, SQLITE_UTF8, nullptr, IdentityValLocal, nullptr,
                          nullptr);
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  if (db_) {
    // Work never committed is rolled back, as DRDA requires at disconnect.
    sqlite3_close_v2(db_);
  }
}

std::variant<StatementPtr, SqlError> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, &tail);
  if (rc != SQLITE_OK) return TranslateSqliteError(db_, rc);
  StatementPtr ptr(stmt);
  if (!stmt) return MakeSqlError("42X01", "Syntax error: the statement is empty.");
  // Only blanks, semicolons and comments may follow the first statement.
  for (const char* p = tail; p && *p; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';') {
      return MakeSqlError("42X01", "Syntax error: more than one statement in one request.");
    }
  }
  return ptr;
}

std::optional<SqlError> SqliteDatabase::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return TranslateSqliteError(db_, rc);
  return std::nullopt;
}

bool SqliteDatabase::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::optional<SqlError> SqliteDatabase::Run(const StatementPtr& stmt) {
  const int rc = sqlite3_step(stmt.get());
  sqlite3_reset(stmt.get());
  if (rc != SQLITE_DONE) return TranslateSqliteError(db_, rc);
  return std::nullopt;
}

std::optional<SqlError> SqliteDatabase::EnsureTransaction() {
  if (in_transaction()) return std::nullopt;
  return Run(begin_);
}

std::optional<SqlError> SqliteDatabase::Commit() {
  if (!in_transaction()) return std::nullopt;
  return Run(commit_);
}

std::optional<SqlError> SqliteDatabase::Rollback() {
  if (!in_transaction()) return std::nullopt;
  return Run(rollback_);
}

}  // namespace drdaplex::odbm
