// Text rendering of operator replies for people: a JSON array of flat
// objects becomes an aligned table (header in capitals, one row per
// object), other replies become "key: value" lines. Used by drdaplex-ctl;
// a library of its own so the layout is unit-tested.
//
// Cells: strings as they are (control characters shown as blanks so a row
// stays one line), numbers and booleans as JSON writes them, null as "-",
// arrays and objects as compact JSON. Columns are the keys of the first
// row, then any key a later row adds, in order of appearance; a row without
// a column's key shows "-". Columns whose cells are all numbers are
// right-aligned. Widths count UTF-8 characters, not bytes.
// Free functions, no state: safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace drdaplex::router::ctl {

std::string FormatCell(const nlohmann::ordered_json& value);

// `rows` must be an array; objects in it are rows, other elements become a
// one-column row ("VALUE"). An empty array renders as "(no rows)\n".
std::string FormatTable(const nlohmann::ordered_json& rows);

// A whole reply: its "rows" as a table when present; otherwise "message"
// alone when that is all there is, else one "key: value" line per field
// except "ok".
std::string FormatResponse(const nlohmann::ordered_json& response);

}  // namespace drdaplex::router::ctl
