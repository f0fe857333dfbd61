// ParseSyntax: runs the X3 grammar (grammar.cc) over handler.source() and
// returns the syntax tree, its nodes tagged in handler. Syntax errors throw
// ConfigError; nothing here checks meaning (that is semantic.h).
#pragma once

#include "config/ast.h"
#include "config/error_handler.h"

namespace drdaplex::config {

ast::ConfigFile ParseSyntax(ErrorHandler& handler);

}  // namespace drdaplex::config
