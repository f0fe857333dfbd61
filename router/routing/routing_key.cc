// Name parsing and matching for routing keys and operator commands.
#include "router/routing/routing_key.h"

namespace drdaplex::router {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string TrimBlanks(std::string_view text) { return std::string(Trim(text)); }

std::string NormalizeName(std::string_view name) {
  std::string out(Trim(name));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

RoutingKey ParseRoutingKey(std::string_view rdbnam) {
  rdbnam = rdbnam.substr(0, rdbnam.find(';'));
  RoutingKey key;
  const size_t dot = rdbnam.find('.');
  if (dot == std::string_view::npos) {
    key.alias = NormalizeName(rdbnam);
  } else {
    key.psb_name = std::string(Trim(rdbnam.substr(0, dot)));
    key.alias = NormalizeName(rdbnam.substr(dot + 1));
  }
  return key;
}

bool IsWildcard(std::string_view pattern) {
  pattern = Trim(pattern);
  return !pattern.empty() && pattern.back() == '*';
}

bool NameMatches(std::string_view pattern, std::string_view name) {
  const std::string p = NormalizeName(pattern);
  const std::string n = NormalizeName(name);
  if (!p.empty() && p.back() == '*') {
    const std::string_view prefix(p.data(), p.size() - 1);
    return std::string_view(n).substr(0, prefix.size()) == prefix;
  }
  return p == n;
}

}  // namespace drdaplex::router
