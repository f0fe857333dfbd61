// The semantic layer: turns the syntax tree into an OdbmConfig and enforces
// everything the grammar leaves open (which keywords go where, required and
// duplicate keywords, name rules, cross references between statements,
// password hashes). The first problem found throws ConfigError at the
// position of the offending node.
#pragma once

#include <filesystem>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/odbm_config.h"

namespace drdaplex::config {

// Relative DATABASE FILEs are resolved against base_dir.
OdbmConfig BuildOdbmConfig(const ast::ConfigFile& file,
                           const ErrorHandler& handler,
                           const std::filesystem::path& base_dir);

}  // namespace drdaplex::config
