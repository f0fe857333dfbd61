// An SQL-level failure as DRDA reports it: an SQLSTATE, a Derby-style SQLCODE
// and a message the client shows from SQLException.getMessage(). Errors of the
// SQLite engine are translated here into the SQLSTATEs Derby clients expect.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "drda/sqlca.h"

struct sqlite3;

namespace drdaplex::odbm {

struct SqlError {
  std::string sqlstate;
  int32_t sqlcode = -20001;  // Derby: -(severity + 1); 20000 = statement severity
  std::string message;       // the text a user reads
  // Message arguments as Derby sends them in SQLERRMC. The Derby client
  // builds typed exceptions from them (for constraint violations: the
  // constraint and the table), so they must be the arguments, not prose.
  // Empty: the message itself is the only argument.
  std::vector<std::string> arguments;

  // SQLERRMC = arguments separated by 0x14, then the SQLSTATE as message id.
  drda::Sqlca ToSqlca() const;
};

// Statement-level error with a Derby-like SQLCODE derived from the class.
SqlError MakeSqlError(std::string sqlstate, std::string message, std::vector<std::string> arguments = {});

// The text SYSIBM.SQLCAMESSAGE returns for an SQLCA that came from
// ToSqlca: the message of `sqlstate` with the arguments in SQLERRMC.
std::string MessageFromSqlerrmc(std::string_view sqlstate, std::string_view sqlerrmc);

// Translates the last error of `db` (after a failed sqlite3_* call that
// returned `rc`) into an SqlError. `sql` is the statement text, for context.
SqlError TranslateSqliteError(sqlite3* db, int rc);

}  // namespace drdaplex::odbm
