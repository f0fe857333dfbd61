// The router configuration's semantic layer: turns the syntax tree of an
// HWSCFGxx-style file into a RouterConfig and enforces everything the
// grammar leaves open (which keywords go where, required, single and
// repeatable statements, number ranges, names, host:port addresses, AUTH
// against USER, the SYSPLEX triplet and HANDOFF socket path). The first
// problem found throws ConfigError at the position of the offending node.
// Shares its building blocks with the ODBM and distributor layers
// (semantic_support.h).
#pragma once

#include <filesystem>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/router_config.h"

namespace drdaplex::config {

// Relative PLEXKEY, SYSPLEX HANDOFF and EXIT MODULE paths are resolved
// against base_dir.
RouterConfig BuildRouterConfig(const ast::ConfigFile& file,
                               const ErrorHandler& handler,
                               const std::filesystem::path& base_dir);

}  // namespace drdaplex::config
