#include "config/value_format.h"

#include <stdexcept>

#include "config/lexical.h"

namespace drdaplex::config {
namespace {

std::string Quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      throw std::invalid_argument("a configuration value cannot hold a "
                                  "line break");
    }
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  quoted += '\'';
  return quoted;
}

}  // namespace

bool IsBareValue(std::string_view text) {
  if (text.empty() || text.find("/*") != std::string_view::npos) return false;
  // At the start of a line these would begin a comment.
  if (text[0] == '*' || text[0] == '#') return false;
  for (char c : text) {
    if (!lexical::IsBareChar(c)) return false;
  }
  return true;
}

std::string FormatValue(std::string_view text) {
  return IsBareValue(text) ? std::string(text) : Quote(text);
}

std::string FormatUserStatement(std::string_view user,
                                std::string_view password_hash) {
  return "USER(NAME=" + FormatValue(user) +
         ", PASSWORD=" + Quote(password_hash) + ")";
}

}  // namespace drdaplex::config
