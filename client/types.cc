#include "client/types.h"

#include "drda/sqlca.h"

namespace drdaplex::client {

std::string ColumnInfo::TypeName() const {
  namespace t = drda::sqltype;
  const bool binary = ccsid == 0;
  switch (sqltype) {
    case t::kInteger: return "INTEGER";
    case t::kSmallint: return "SMALLINT";
    case t::kBigint: return "BIGINT";
    case t::kFloat: return length == 4 ? "REAL" : "DOUBLE";
    case t::kDecimal: return "DECIMAL";
    case t::kDate: return "DATE";
    case t::kTime: return "TIME";
    case t::kTimestamp: return "TIMESTAMP";
    case t::kBoolean: return "BOOLEAN";
    case t::kBlob: return "BLOB";
    case t::kClob: return "CLOB";
    case t::kVarchar: return binary ? "VARCHAR FOR BIT DATA" : "VARCHAR";
    case t::kChar: return binary ? "CHAR FOR BIT DATA" : "CHAR";
    case t::kLongVarchar: return binary ? "LONG VARCHAR FOR BIT DATA" : "LONG VARCHAR";
    case 464: return "VARGRAPHIC";
    case 468: return "GRAPHIC";
    default: return "SQLTYPE " + std::to_string(sqltype);
  }
}

}  // namespace drdaplex::client
