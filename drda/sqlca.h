// The SQL communications area as DRDA carries it at SQLAM 7 (SQLCAGRP inside
// SQLCARD, SQLDARD, QRYDTA) and the SQL descriptor area (SQLDARD) that
// describes result columns and statement parameters. Layouts follow what the
// Derby network client parses; numbers use the writer's byte order.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "drda/bytes.h"
#include "drda/errc.h"

namespace drdaplex::drda {

// The product id every SQLCA names as the procedure that raised it, and that
// ACCRDBRM reports: 'CSS' + version 10.14.0, which switches the Derby client
// to the feature set our captures show.
inline constexpr std::string_view kProductId = "CSS10140";

struct Sqlca {
  int32_t sqlcode = 0;
  std::string sqlstate = "00000";  // exactly 5 characters
  std::string sqlerrproc = std::string(kProductId);
  std::array<int32_t, 6> sqlerrd{};
  std::string sqlwarn = std::string(11, ' ');
  std::string rdbname;
  // SQLERRMC: message tokens, separated by 0x14 (Derby) or the whole text.
  std::string message;

  // Update count as the Derby client reads it: SQLERRD3 | SQLERRD4 << 32.
  int64_t update_count() const;
  void set_update_count(int64_t n);
  bool is_error() const { return sqlcode < 0; }
  friend bool operator==(const Sqlca&, const Sqlca&) = default;
};

// Writes an SQLCAGRP; nullptr writes the null SQLCA (0xFF, success).
void WriteSqlcaGroup(ByteWriter& out, const Sqlca* sqlca);
// Reads an SQLCAGRP; std::nullopt for the null SQLCA.
Result<std::optional<Sqlca>> ReadSqlcaGroup(ByteReader& in);

// One column (or parameter) of an SQLDA.
struct SqldaColumn {
  int16_t precision = 0;
  int16_t scale = 0;
  int64_t length = 0;
  int16_t sqltype = 0;    // DB2 SQLTYPE; odd = nullable
  uint16_t ccsid = 0;     // 1208 for text, 0 otherwise
  std::string name;
  std::string label;
  std::string base_table;
  std::string schema;
  std::string column_name;  // SQLXNAME: the base column
  int16_t updatable = 0;
  int16_t parameter_mode = 0;  // 1 = IN, for parameter descriptions
  friend bool operator==(const SqldaColumn&, const SqldaColumn&) = default;
};

struct Sqldard {
  std::optional<Sqlca> sqlca;
  int16_t holdability = 0;
  std::vector<SqldaColumn> columns;
};

// Writes the data of an SQLDARD object (SQLCAGRP, SQLDHROW, count, one
// SQLDAGRP per column) as the Derby client asks for it (extended SQLDA).
void WriteSqldard(ByteWriter& out, const Sqlca* sqlca, const std::vector<SqldaColumn>& columns,
                  int16_t holdability = 1);
Result<Sqldard> ReadSqldard(ByteReader& in);

// DB2 SQLTYPE values (non-null form; +1 for nullable).
namespace sqltype {
inline constexpr int16_t kDate = 384;
inline constexpr int16_t kTime = 388;
inline constexpr int16_t kTimestamp = 392;
inline constexpr int16_t kBlob = 404;
inline constexpr int16_t kClob = 408;
inline constexpr int16_t kVarchar = 448;
inline constexpr int16_t kChar = 452;
inline constexpr int16_t kLongVarchar = 456;
inline constexpr int16_t kFloat = 480;
inline constexpr int16_t kDecimal = 484;
inline constexpr int16_t kBigint = 492;
inline constexpr int16_t kInteger = 496;
inline constexpr int16_t kSmallint = 500;
inline constexpr int16_t kBoolean = 2436;
}  // namespace sqltype

}  // namespace drdaplex::drda
