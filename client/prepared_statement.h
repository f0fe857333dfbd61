// PreparedStatement: an SQL statement prepared once on the server (one
// round trip: PRPSQLSTT + SQLATTR + SQLSTT + DSCSQLSTT, which also returns
// the descriptions of its result columns and parameters) and executed any
// number of times with bound parameters (EXCSQLSTT + SQLDTA, or OPNQRY +
// SQLDTA for queries).
//
// Parameter types follow the bound values: int64_t is sent as BIGINT,
// double as DOUBLE, std::string as LONG VARCHAR (UTF-8), Bytes as LONG
// VARBINARY -- each up to 32,767 bytes -- and Null as the type the server
// described for the parameter; the server converts to the column's type.
//
// The statement holds its package section until it and every ResultSet it
// returned are gone. Movable, not copyable; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "client/result_set.h"
#include "client/types.h"

namespace drdaplex::client {

namespace internal {
struct StatementState;
}

class PreparedStatement {
 public:
  PreparedStatement(PreparedStatement&&) noexcept;
  PreparedStatement& operator=(PreparedStatement&&) noexcept;
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  ~PreparedStatement();

  // Binds parameter `index` (1-based); 07009 when out of range. Bindings
  // stay until replaced or cleared.
  void Bind(int index, Value value);
  void ClearBindings();

  // Executes a statement that returns no rows; returns the update count.
  // Every parameter must be bound (07000). Under autocommit the commit
  // travels in the same chain.
  int64_t ExecuteUpdate();
  // Opens the query with the current bindings. A result set this statement
  // opened before is closed first.
  ResultSet ExecuteQuery();
  // Executes the statement once per row of `rows` (each a full parameter
  // list) in one request chain, as the Derby client's executeBatch does.
  // Returns the update counts; throws BatchError when any row failed.
  std::vector<int64_t> ExecuteBatch(const std::vector<std::vector<Value>>& rows);

  // Result columns (empty for statements that return no rows).
  const std::vector<ColumnInfo>& columns() const;
  // Parameters, one per '?'.
  const std::vector<ColumnInfo>& parameters() const;

  // Releases the statement (its section is reused by later statements).
  void Close();

 private:
  friend class Connection;
  explicit PreparedStatement(std::shared_ptr<internal::StatementState> state);
  internal::StatementState& state() const;
  std::vector<Value> BoundValues() const;

  std::shared_ptr<internal::StatementState> state_;
};

}  // namespace drdaplex::client
