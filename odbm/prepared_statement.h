// A statement prepared in one package section of a DRDA connection, and the
// cursor that may be open on it. Owned by its session's CommandProcessor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drda/bytes.h"
#include "drda/fdoca.h"
#include "odbm/column_types.h"
#include "odbm/derby_dialect.h"
#include "odbm/sql_error.h"
#include "odbm/sqlite_database.h"

namespace drdaplex::odbm {

struct Cursor {
  enum class State { kClosed, kOpen, kEnded };
  State state = State::kClosed;
  uint64_t query_instance = 0;
  int64_t rows_sent = 0;
  size_t block_size = drda::kMaxQueryBlockPayload;
  int extra_blocks = 0;  // MAXBLKEXT: further blocks the requester accepts per reply
  // A row already fetched from SQLite that did not fit the previous block.
  std::optional<std::vector<drda::Value>> pending_row;
  // The rest of an encoded row larger than a whole block: such rows are
  // split across blocks, as Derby does; smaller rows never are (some
  // requesters cannot join them).
  drda::Bytes pending_bytes;
};

struct PreparedStatement {
  std::string sql;  // as the client sent it
  TranslatedStatement translated;
  StatementPtr stmt;  // null for statements the server answers itself
  std::optional<SqlError> prepare_error;
  std::vector<ColumnType> columns;
  Cursor cursor;

  bool is_query() const { return !columns.empty(); }
  int parameter_count() const;
};

}  // namespace drdaplex::odbm
