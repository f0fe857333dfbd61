// An SQL-level failure as DRDA reports it: an SQLSTATE, a Derby-style SQLCODE
// and a message the client shows from SQLException.getMessage(). Errors of the
// SQLite engine are translated here into the SQLSTATEs Derby clients expect.
#pragma once

#include <string>

#include "drda/sqlca.h"

struct sqlite3;

namespace drdaplex::odbm {

struct SqlError {
  std::string sqlstate;
  int32_t sqlcode = -20001;  // Derby: -(severity + 1); 20000 = statement severity
  std::string message;

  drda::Sqlca ToSqlca() const;
};

// Statement-level error with a Derby-like SQLCODE derived from the class.
SqlError MakeSqlError(std::string sqlstate, std::string message);

// Translates the last error of `db` (after a failed sqlite3_* call that
// returned `rc`) into an SqlError. `sql` is the statement text, for context.
SqlError TranslateSqliteError(sqlite3* db, int rc);

}  // namespace drdaplex::odbm
