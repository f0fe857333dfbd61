// ResultSet: a forward-only cursor over the rows of a query. Rows arrive in
// query blocks of up to 32 KiB; Next() asks the server for the next block
// (CNTQRY) when the decoded ones are used up, so memory stays bounded by a
// block whatever the size of the result.
//
// Close() releases the server's cursor (CLSQRY, only if the rows were not
// all read) and, under autocommit, commits -- as the Derby client does when
// a JDBC ResultSet closes. Reaching the end (Next() returning false) closes
// it implicitly; the destructor closes it too, ignoring errors.
//
// Owns its cursor; movable, not copyable. Not thread-safe; the connection
// it came from must be used by one thread at a time as a whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/types.h"

namespace drdaplex::client {

namespace internal {
struct Cursor;
}

class ResultSet {
 public:
  ResultSet(ResultSet&&) noexcept;
  ResultSet& operator=(ResultSet&&) noexcept;
  ResultSet(const ResultSet&) = delete;
  ResultSet& operator=(const ResultSet&) = delete;
  ~ResultSet();

  // Moves to the next row; false at the end. Throws SqlError for an error
  // the server reported while producing rows, or a failed fetch.
  bool Next();

  // Accessors of the current row; `index` is 1-based. Throw SqlError 24000
  // when there is no current row, 07009 for a bad index.
  const Value& Get(int index) const;
  bool IsNull(int index) const;
  // Conversions as JDBC's getters do them: null gives 0 / 0.0 / "";
  // numbers and numeric text convert (22018 when text is not a number,
  // 22003 when it does not fit); GetString of bytes gives lowercase hex.
  int64_t GetInt64(int index) const;
  double GetDouble(int index) const;
  std::string GetString(int index) const;

  const std::vector<ColumnInfo>& columns() const;
  // 1-based index of the column named `name` (case-insensitive); 07009
  // when there is none.
  int FindColumn(std::string_view name) const;

  void Close();
  bool is_closed() const;

 private:
  friend class Connection;
  friend class PreparedStatement;
  explicit ResultSet(std::shared_ptr<internal::Cursor> cursor);
  const std::vector<Value>& Row() const;

  std::shared_ptr<internal::Cursor> cursor_;
};

// Text form of a value as GetString gives it ("" for null).
std::string ValueToString(const Value& value);

}  // namespace drdaplex::client
