// The plex file's semantic layer: turns the syntax tree of a plex file
// (Dialect::kPlex) into a PlexConfig and enforces everything the grammar
// leaves open: which keywords go where; exactly one PLEX; at least one
// SYSTEM, ROUTER and ODBM; member names (IMS names) unique over systems,
// distributors, routers and ODBMs; ROUTER and ODBM SYSTEM naming a SYSTEM;
// datastore names unique over the plex and a DATABASE for each; at most one
// primary DISTRIBUTOR, backups with distinct ranks and no settings of their
// own, and a distributor only with a system that has a router; EXIT once;
// AUTH against USER. ODBM/DATASTORE/ALIAS/DATABASE, EXIT and AUTH are read
// by the code of the ODBM and router files (shared_statements.h). The first
// problem found throws ConfigError at the offending node.
#pragma once

#include <filesystem>

#include "config/ast.h"
#include "config/error_handler.h"
#include "config/plex_config.h"

namespace drdaplex::config {

// A relative EXIT MODULE is resolved against base_dir; DATABASE FILEs stay
// as written.
PlexConfig BuildPlexConfig(const ast::ConfigFile& file, const ErrorHandler& handler,
                           const std::filesystem::path& base_dir);

}  // namespace drdaplex::config
