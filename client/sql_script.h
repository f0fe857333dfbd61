// Splitting an SQL script into statements for drdaplex-sql: statements end
// at ';' outside quotes ('...', "...") and comments; "--" line comments and
// /* block */ comments are removed; blank statements are dropped. Pure
// functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drdaplex::client {

std::vector<std::string> SplitSqlScript(std::string_view script);

}  // namespace drdaplex::client
