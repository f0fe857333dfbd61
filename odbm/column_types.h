// How SQLite's dynamically typed columns are presented to DRDA clients.
// The description must be fixed before the first row goes out, so a column's
// DRDA type comes from its declared type (CREATE TABLE ... VARCHAR(250)),
// and for expressions with no declared type from the first row's storage
// class. Every column is described nullable: SQLite does not say otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "drda/fdoca.h"
#include "drda/sqlca.h"
#include "odbm/sql_error.h"

struct sqlite3_stmt;

namespace drdaplex::odbm {

struct ColumnType {
  drda::FieldDesc field;          // FD:OCA type and wire length (QRYDSC)
  drda::SqldaColumn description;  // SQLTYPE, precision, scale, length, CCSID (SQLDARD)
};

// The storage class seen in a first row, or kUnknown when there is none.
enum class StorageClass { kUnknown, kInteger, kFloat, kText, kBlob, kNull };

ColumnType TypeFromDeclaration(std::string_view declared, StorageClass first_row);

// Describes column `index` of a prepared statement (declared type, names,
// base table). `first_row` refines expressions.
ColumnType DescribeColumn(sqlite3_stmt* stmt, int index, StorageClass first_row);

StorageClass StorageClassOf(sqlite3_stmt* stmt, int index);

// Reads column `index` of the current row as a value the column type can
// carry (DRDA dates, times and timestamps in their wire format).
drda::Value ReadColumn(sqlite3_stmt* stmt, int index, const ColumnType& type);

// The error for a `value` that cannot be sent as `type` describes it: 22001
// for a string or binary longer than the column's wire length, 22003 for an
// integer out of the column's range; nullopt when it fits. Values are never
// cut silently.
std::optional<SqlError> ValueDoesNotFit(const drda::Value& value, const ColumnType& type);

// Describes a parameter the way Derby does for untyped parameters; SQLite
// does not know parameter types, so this is VARCHAR unless `hint` says more.
drda::SqldaColumn DescribeParameter();

// Converts an incoming DRDA timestamp 'yyyy-mm-dd-hh.mm.ss.ffffff' to the ISO
// form SQLite's date functions understand; other text is returned as is.
std::string TimestampToIso(std::string_view drda_timestamp);

}  // namespace drdaplex::odbm
