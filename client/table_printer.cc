#include "client/table_printer.h"

#include <algorithm>

#include "client/result_set.h"
#include "drda/sqlca.h"

namespace drdaplex::client {
namespace {

bool IsNumeric(int16_t sqltype) {
  namespace t = drda::sqltype;
  return sqltype == t::kInteger || sqltype == t::kSmallint || sqltype == t::kBigint || sqltype == t::kFloat ||
         sqltype == t::kDecimal;
}

// Display width: UTF-8 code points (continuation bytes do not count).
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void Pad(std::string& out, const std::string& cell, size_t width, bool right) {
  const size_t fill = width - std::min(width, Width(cell));
  if (right) out.append(fill, ' ');
  out += cell;
  if (!right) out.append(fill, ' ');
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string RightTrim(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

TextTable MakeTextTable(const std::vector<ColumnInfo>& columns, const std::vector<std::vector<Value>>& rows) {
  TextTable t;
  for (size_t i = 0; i < columns.size(); ++i) {
    t.header.push_back(columns[i].name.empty() ? std::to_string(i + 1) : columns[i].name);
    t.right_aligned.push_back(IsNumeric(columns[i].sqltype));
  }
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const Value& v : row) cells.push_back(ValueToString(v));
    t.rows.push_back(std::move(cells));
  }
  return t;
}

std::string FormatAligned(const TextTable& t) {
  const size_t n = t.header.size();
  std::vector<size_t> width(n);
  for (size_t i = 0; i < n; ++i) width[i] = Width(t.header[i]);
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < n && i < row.size(); ++i) width[i] = std::max(width[i], Width(row[i]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < n; ++i) {
      l += i == 0 ? " " : " | ";
      const std::string& cell = i < cells.size() ? cells[i] : std::string();
      Pad(l, cell, width[i], t.right_aligned[i]);
    }
    out += RightTrim(std::move(l));
    out += '\n';
  };
  line(t.header);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += '+';
    out.append(width[i] + 2, '-');
  }
  out += '\n';
  for (const auto& row : t.rows) line(row);
  out += "(" + std::to_string(t.rows.size()) + (t.rows.size() == 1 ? " row)\n" : " rows)\n");
  return out;
}

std::string FormatCsvLine(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(cells[i]);
  }
  out += '\n';
  return out;
}

std::string FormatCsv(const TextTable& t) {
  std::string out = FormatCsvLine(t.header);
  for (const auto& row : t.rows) out += FormatCsvLine(row);
  return out;
}

}  // namespace drdaplex::client
