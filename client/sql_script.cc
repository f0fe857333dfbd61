#include "client/sql_script.h"

namespace drdaplex::client {
namespace {

std::string Trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

std::vector<std::string> SplitSqlScript(std::string_view script) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::string s = Trim(current);
    if (!s.empty()) out.push_back(std::move(s));
    current.clear();
  };
  char quote = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (quote != 0) {
      current.push_back(c);
      if (c == quote) quote = 0;  // a doubled quote re-opens at once
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      current.push_back(c);
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      const size_t end = script.find('\n', i);
      if (end == std::string_view::npos) break;
      i = end - 1;  // keep the newline as a separator
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      const size_t end = script.find("*/", i + 2);
      if (end == std::string_view::npos) break;
      current.push_back(' ');
      i = end + 1;
    } else if (c == ';') {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return out;
}

}  // namespace drdaplex::client
