// Cursor: the requester's side of one open query -- its section and
// QRYINSID, the row description, the rows decoded from query blocks that
// the application has not read yet, and whether the server still holds the
// cursor open. ResultSet is a thin public face over it; PreparedStatement
// keeps a weak reference to close a cursor it is about to re-open.
//
// Rows may be split across query blocks (Derby splits a row that does not
// fit the rest of a block): undecodable trailing bytes are kept until the
// next block completes them. Internal; one thread at a time.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "client/session.h"
#include "client/sql_error.h"
#include "client/types.h"
#include "client/wire.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"

namespace drdaplex::client::internal {

struct Cursor {
  std::shared_ptr<Session> session;
  std::shared_ptr<SectionLease> section;
  drda::PackageSection package;
  drda::Bytes qryinsid;
  std::vector<drda::FieldDesc> fields;
  std::vector<ColumnInfo> columns;
  drda::ByteOrder order = drda::ByteOrder::kBig;

  std::deque<std::vector<Value>> rows;  // decoded, not yet read
  drda::Bytes pending;                  // the start of a row split across blocks
  std::optional<SqlError> error;        // raised after the rows before it
  bool server_open = false;             // the server still holds the cursor
  bool end_of_data = false;             // no more rows will come

  std::vector<Value> current;
  bool on_row = false;
  bool closed = false;
};

// Reads the reply group of OPNQRY into a new cursor. `columns` is the
// output description from PRPSQLSTT (may be empty: then the QRYDSC types
// describe the columns). Throws SqlError when the query could not be
// opened, ConnectionFailure on protocol errors.
std::shared_ptr<Cursor> OpenCursor(std::shared_ptr<Session> session, std::shared_ptr<SectionLease> section,
                                   std::vector<ColumnInfo> columns, GroupReader& reply);

// Moves to the next row, fetching further query blocks with CNTQRY when the
// decoded ones are used up. Returns false at the end (the cursor is then
// closed, which commits under autocommit). Throws SqlError.
bool CursorNext(Cursor& cursor);

// CLSQRY when the server still holds the cursor, RDBCMM under autocommit,
// in one chain. Idempotent; quietly does nothing when the connection is
// already closed or broken.
void CursorClose(Cursor& cursor);

}  // namespace drdaplex::client::internal
