// The routing key a client sends and the name rules IMS applies to it.
//
// A client's RDBNAM carries the alias: a Derby client sends a database name
// ("IO1A", possibly followed by ";attr=value" connection attributes), IMS
// Universal drivers send "PSBNAME.ALIAS". Names are compared
// case-insensitively (IMS names are upper case; Derby clients may send lower
// case), and operator commands accept a trailing '*' wildcard ("IO*").
// Free functions, no state: safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::router {

struct RoutingKey {
  std::string psb_name;  // trimmed, as sent; empty for a plain database name
  std::string alias;     // trimmed and upper-cased; empty means blank
};

// Splits an RDBNAM into PSB name and alias. Anything from the first ';' on
// (Derby connection attributes) is dropped first. With a '.', the PSB name
// is before the first '.' and the alias after it; without one, the whole
// name is the alias. Both are trimmed of blanks; the alias is upper-cased.
RoutingKey ParseRoutingKey(std::string_view rdbnam);

// Trims blanks (spaces, tabs) from both ends.
std::string TrimBlanks(std::string_view text);

// Trims blanks (spaces, tabs) and upper-cases ASCII letters: the form in
// which every ODBM, datastore, alias and user name is compared.
std::string NormalizeName(std::string_view name);

// True when `pattern` ends with '*' (IMS-style trailing wildcard).
bool IsWildcard(std::string_view pattern);

// Whether `name` matches `pattern`, case-insensitively: a trailing '*'
// matches any rest (a lone "*" matches everything); otherwise the whole
// name must be equal. Both are normalized first.
bool NameMatches(std::string_view pattern, std::string_view name);

}  // namespace drdaplex::router
