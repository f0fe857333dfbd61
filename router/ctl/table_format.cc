// Aligned text tables from JSON rows.
#include "router/ctl/table_format.h"

#include <algorithm>
#include <vector>

namespace drdaplex::router::ctl {
namespace {

using nlohmann::ordered_json;

// Characters, not bytes: UTF-8 continuation bytes do not count.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

void Pad(std::string* out, size_t n) { out->append(n, ' '); }

}  // namespace

std::string FormatCell(const ordered_json& value) {
  std::string text;
  if (value.is_null()) {
    text = "-";
  } else if (value.is_string()) {
    text = value.get<std::string>();
  } else {
    // Compact JSON; invalid UTF-8 in nested strings must not throw.
    text = value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  }
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return text;
}

std::string FormatTable(const ordered_json& rows) {
  if (!rows.is_array() || rows.empty()) return "(no rows)\n";
  std::vector<std::string> columns;
  auto add_column = [&](const std::string& key) {
    if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
  };
  for (const ordered_json& row : rows) {
    if (!row.is_object()) {
      add_column("value");
      continue;
    }
    for (auto it = row.begin(); it != row.end(); ++it) add_column(it.key());
  }

  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  std::vector<bool> numeric(columns.size(), true);
  for (const std::string& column : columns) widths.push_back(DisplayWidth(column));
  for (const ordered_json& row : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      const ordered_json* value = nullptr;
      if (row.is_object()) {
        auto it = row.find(columns[i]);
        if (it != row.end()) value = &*it;
      } else if (columns[i] == "value") {
        value = &row;
      }
      if (value == nullptr || !value->is_number()) numeric[i] = false;
      line.push_back(value == nullptr ? "-" : FormatCell(*value));
      widths[i] = std::max(widths[i], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }

  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      const size_t gap = widths[i] - DisplayWidth(line[i]);
      const bool last = i + 1 == line.size();
      if (i > 0) text += "  ";
      if (numeric[i]) {
        Pad(&text, gap);
        text += line[i];
      } else {
        text += line[i];
        if (!last) Pad(&text, gap);
      }
    }
    out += text;
    out += '\n';
  };
  std::vector<std::string> header;
  for (const std::string& column : columns) header.push_back(Upper(column));
  emit(header);
  for (const auto& line : cells) emit(line);
  return out;
}

std::string FormatResponse(const ordered_json& response) {
  if (!response.is_object()) return FormatCell(response) + "\n";
  auto rows = response.find("rows");
  if (rows != response.end() && rows->is_array()) return FormatTable(*rows);
  std::string out;
  size_t fields = 0;
  for (auto it = response.begin(); it != response.end(); ++it) {
    if (it.key() != "ok") ++fields;
  }
  auto message = response.find("message");
  if (fields == 1 && message != response.end()) return FormatCell(*message) + "\n";
  for (auto it = response.begin(); it != response.end(); ++it) {
    if (it.key() == "ok") continue;
    out += it.key() + ": " + FormatCell(it.value()) + "\n";
  }
  return out;
}

}  // namespace drdaplex::router::ctl
