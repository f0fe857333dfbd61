// Text renderings of a query result for drdaplex-sql: an aligned table in
// the style of psql (header, separator, rows, "(N rows)") and CSV (RFC
// 4180 quoting, header line first). Nulls print as empty fields. Pure
// functions over values the caller collected.
#pragma once

#include <string>
#include <vector>

#include "client/types.h"

namespace drdaplex::client {

struct TextTable {
  std::vector<std::string> header;
  std::vector<bool> right_aligned;  // per column: numbers align right
  std::vector<std::vector<std::string>> rows;
};

// Builds the text cells of a table from column descriptions and rows.
TextTable MakeTextTable(const std::vector<ColumnInfo>& columns, const std::vector<std::vector<Value>>& rows);

std::string FormatAligned(const TextTable& table);
std::string FormatCsv(const TextTable& table);
// One CSV line (with its newline), for printing rows as they arrive.
std::string FormatCsvLine(const std::vector<std::string>& cells);

}  // namespace drdaplex::client
