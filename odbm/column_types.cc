#include "odbm/column_types.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <string>

namespace drdaplex::odbm {
namespace {

using drda::FieldDesc;
namespace fdoca = drda::fdoca;
namespace sqltype = drda::sqltype;

// Derby's longest VARCHAR, used where a text column has no declared length.
constexpr int kMaxVarchar = 32672;
// UTF-8 may take up to 4 bytes per character; the wire length is in bytes.
constexpr int kMaxUtf8BytesPerChar = 4;

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// The numbers in "NAME(p, s)", or defaults.
std::pair<int, int> TypeArguments(const std::string& decl, int p_default, int s_default) {
  const size_t open = decl.find('(');
  if (open == std::string::npos) return {p_default, s_default};
  int p = p_default, s = s_default;
  if (sscanf(decl.c_str() + open, "(%d , %d", &p, &s) < 1) return {p_default, s_default};
  return {p, s};
}

ColumnType Make(uint8_t fd_type, uint16_t fd_length, int16_t sql_type, int64_t length, int16_t precision,
                int16_t scale, uint16_t ccsid) {
  ColumnType t;
  t.field = {fdoca::Nullable(fd_type), fd_length};
  t.description.sqltype = static_cast<int16_t>(sql_type | 1);
  t.description.length = length;
  t.description.precision = precision;
  t.description.scale = scale;
  t.description.ccsid = ccsid;
  return t;
}

ColumnType Integer() { return Make(fdoca::kInteger, 4, sqltype::kInteger, 4, 10, 0, 0); }
ColumnType Bigint() { return Make(fdoca::kBigint, 8, sqltype::kBigint, 8, 19, 0, 0); }
ColumnType Smallint() { return Make(fdoca::kSmallint, 2, sqltype::kSmallint, 2, 5, 0, 0); }
ColumnType Double() { return Make(fdoca::kFloat8, 8, sqltype::kFloat, 8, 15, 0, 0); }
ColumnType Varchar(int chars) {
  chars = std::clamp(chars, 1, kMaxVarchar);
  const int bytes = std::min(chars * kMaxUtf8BytesPerChar, kMaxVarchar);
  return Make(fdoca::kVarChar, static_cast<uint16_t>(bytes), sqltype::kVarchar, chars,
              static_cast<int16_t>(chars), 0, 1208);
}
ColumnType Char(int chars) {
  chars = std::clamp(chars, 1, 254);
  // Derby sends CHAR columns as variable mixed strings of the padded value.
  return Make(fdoca::kVarMix, static_cast<uint16_t>(chars * kMaxUtf8BytesPerChar), sqltype::kChar, chars,
              static_cast<int16_t>(chars), 0, 1208);
}
ColumnType Varbinary(int bytes) {
  bytes = std::clamp(bytes, 1, kMaxVarchar);
  return Make(fdoca::kVarBytes, static_cast<uint16_t>(bytes), sqltype::kVarchar, bytes,
              static_cast<int16_t>(bytes), 0, 0);
}
ColumnType Decimal(int precision, int scale) {
  precision = std::clamp(precision, 1, 31);
  scale = std::clamp(scale, 0, precision);
  const uint16_t ps = static_cast<uint16_t>(precision << 8 | scale);
  return Make(fdoca::kDecimal, ps, sqltype::kDecimal, ps, static_cast<int16_t>(precision),
              static_cast<int16_t>(scale), 0);
}
ColumnType Date() { return Make(fdoca::kDate, 10, sqltype::kDate, 10, 10, 0, 0); }
ColumnType Time() { return Make(fdoca::kTime, 8, sqltype::kTime, 8, 8, 0, 0); }
ColumnType Timestamp() { return Make(fdoca::kTimestamp, 29, sqltype::kTimestamp, 29, 29, 9, 0); }

bool Has(const std::string& s, std::string_view word) { return s.find(word) != std::string::npos; }

// 'yyyy-mm-dd hh:mm:ss[.f...]' (SQLite) -> 'yyyy-mm-dd-hh.mm.ss.fffffffff' (DRDA).
std::string IsoToDrdaTimestamp(const std::string& iso) {
  if (iso.size() < 19 || (iso[10] != ' ' && iso[10] != 'T')) return iso;
  std::string out = iso.substr(0, 10) + '-' + iso.substr(11, 2) + '.' + iso.substr(14, 2) + '.' +
                    iso.substr(17, 2) + '.';
  std::string fraction = iso.size() > 20 && iso[19] == '.' ? iso.substr(20) : "";
  fraction.resize(9, '0');
  return out + fraction;
}

}  // namespace

ColumnType TypeFromDeclaration(std::string_view declared, StorageClass first_row) {
  const std::string decl = Upper(declared);
  if (decl.empty()) {
    switch (first_row) {
      case StorageClass::kInteger: return Bigint();
      case StorageClass::kFloat: return Double();
      case StorageClass::kBlob: return Varbinary(kMaxVarchar);
      default: return Varchar(kMaxVarchar);
    }
  }
  if (Has(decl, "FOR BIT DATA") || Has(decl, "BINARY") || Has(decl, "BLOB") || Has(decl, "BYTEA")) {
    return Varbinary(TypeArguments(decl, kMaxVarchar, 0).first);
  }
  if (Has(decl, "BIGINT")) return Bigint();
  if (Has(decl, "SMALLINT") || Has(decl, "TINYINT") || Has(decl, "BOOL")) return Smallint();
  if (Has(decl, "INT")) return Integer();
  if (Has(decl, "DOUBLE") || Has(decl, "FLOAT") || Has(decl, "REAL")) return Double();
  if (Has(decl, "DEC") || Has(decl, "NUMERIC")) {
    auto [p, s] = TypeArguments(decl, 5, 0);
    return Decimal(p, s);
  }
  if (Has(decl, "TIMESTAMP") || Has(decl, "DATETIME")) return Timestamp();
  if (Has(decl, "DATE")) return Date();
  if (Has(decl, "TIME")) return Time();
  if (Has(decl, "VARCHAR") || Has(decl, "VARYING") || Has(decl, "CLOB") || Has(decl, "TEXT")) {
    return Varchar(TypeArguments(decl, kMaxVarchar, 0).first);
  }
  if (Has(decl, "CHAR")) return Char(TypeArguments(decl, 1, 0).first);
  // Any other declared name: follow SQLite's affinity of the first row.
  return TypeFromDeclaration({}, first_row);
}

StorageClass StorageClassOf(sqlite3_stmt* stmt, int index) {
  switch (sqlite3_column_type(stmt, index)) {
    case SQLITE_INTEGER: return StorageClass::kInteger;
    case SQLITE_FLOAT: return StorageClass::kFloat;
    case SQLITE_TEXT: return StorageClass::kText;
    case SQLITE_BLOB: return StorageClass::kBlob;
    default: return StorageClass::kNull;
  }
}

ColumnType DescribeColumn(sqlite3_stmt* stmt, int index, StorageClass first_row) {
  const char* decl = sqlite3_column_decltype(stmt, index);
  ColumnType t = TypeFromDeclaration(decl ? decl : "", first_row);
  const char* name = sqlite3_column_name(stmt, index);
  t.description.name = name ? name : "";
  t.description.label = t.description.name;
  // Debian's SQLite is built with SQLITE_ENABLE_COLUMN_METADATA.
  const char* table = sqlite3_column_table_name(stmt, index);
  const char* origin = sqlite3_column_origin_name(stmt, index);
  if (table) t.description.base_table = table;
  if (origin) t.description.column_name = origin;
  if (t.description.column_name.empty()) t.description.column_name = t.description.name;
  return t;
}

drda::Value ReadColumn(sqlite3_stmt* stmt, int index, const ColumnType& type) {
  switch (sqlite3_column_type(stmt, index)) {
    case SQLITE_NULL: return drda::Null{};
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(stmt, index));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt, index);
    case SQLITE_BLOB: {
      auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, index));
      return drda::Bytes(p, p + sqlite3_column_bytes(stmt, index));
    }
    default: break;
  }
  std::string text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, index)),
                   static_cast<size_t>(sqlite3_column_bytes(stmt, index)));
  switch (type.field.base()) {
    case drda::fdoca::kTimestamp: return IsoToDrdaTimestamp(text);
    case drda::fdoca::kTime:
      if (text.size() >= 8) text.resize(8);
      return text;
    case drda::fdoca::kVarMix:
      // CHAR(n): blank-padded to its declared length, as SQL says.
      if (type.description.sqltype == (drda::sqltype::kChar | 1) &&
          text.size() < static_cast<size_t>(type.description.length)) {
        text.resize(static_cast<size_t>(type.description.length), ' ');
      }
      return text;
    default: return text;
  }
}

std::optional<SqlError> ValueDoesNotFit(const drda::Value& value, const ColumnType& type) {
  const uint8_t base = type.field.base();
  auto too_long = [&](size_t size) -> std::optional<SqlError> {
    if (size <= type.field.length) return std::nullopt;
    return MakeSqlError("22001", "a value of " + std::to_string(size) + " bytes is longer than the " +
                                     std::to_string(type.field.length) + " bytes its result column can carry");
  };
  if (const auto* s = std::get_if<std::string>(&value)) {
    // Numbers, dates and decimals given as text are converted, not cut.
    const bool converted = base == fdoca::kDate || base == fdoca::kTime || base == fdoca::kTimestamp ||
                           base == fdoca::kDecimal || base == fdoca::kBigint || base == fdoca::kInteger ||
                           base == fdoca::kSmallint || base == fdoca::kFloat8;
    if (!converted) return too_long(s->size());
  } else if (const auto* b = std::get_if<drda::Bytes>(&value)) {
    return too_long(b->size());
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    const int64_t limit = base == fdoca::kInteger ? INT32_MAX : base == fdoca::kSmallint ? INT16_MAX : INT64_MAX;
    if (*i > limit || *i < -limit - 1) {
      return MakeSqlError("22003", "the integer " + std::to_string(*i) + " is out of range for its result column");
    }
  }
  return std::nullopt;
}

drda::SqldaColumn DescribeParameter() {
  ColumnType t = Varchar(kMaxVarchar);
  t.description.parameter_mode = 1;  // IN
  return t.description;
}

std::string TimestampToIso(std::string_view ts) {
  // yyyy-mm-dd-hh.mm.ss[.ffffff...]
  if (ts.size() < 19 || ts[10] != '-' || ts[13] != '.' || ts[16] != '.') return std::string(ts);
  std::string out = std::string(ts.substr(0, 10)) + ' ' + std::string(ts.substr(11, 2)) + ':' +
                    std::string(ts.substr(14, 2)) + ':' + std::string(ts.substr(17, 2));
  if (ts.size() > 20 && ts[19] == '.') {
    std::string fraction(ts.substr(20));
    while (fraction.size() > 3 && fraction.back() == '0') fraction.pop_back();
    out += '.' + fraction;
  }
  return out;
}

}  // namespace drdaplex::odbm
