// StatementState: what a PreparedStatement knows about its server-side
// statement -- its section, descriptions, bindings, and the cursor it
// opened last -- and PrepareStatement, the prepare round trip. Internal to
// the client library; one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/cursor.h"
#include "client/session.h"
#include "client/types.h"

namespace drdaplex::client::internal {

struct StatementState {
  std::shared_ptr<Session> session;
  std::shared_ptr<SectionLease> section;
  std::string sql;
  std::vector<ColumnInfo> columns;
  std::vector<ColumnInfo> parameters;
  std::vector<std::optional<Value>> bindings;
  std::weak_ptr<Cursor> last_cursor;
  bool closed = false;
};

// PRPSQLSTT + SQLATTR + SQLSTT + DSCSQLSTT in one chain. Throws SqlError.
std::shared_ptr<StatementState> PrepareStatement(const std::shared_ptr<Session>& session, std::string_view sql);

}  // namespace drdaplex::client::internal
