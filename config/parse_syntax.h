// ParseSyntax: runs the X3 grammar (grammar.cc) over handler.source() and
// returns the syntax tree, its nodes tagged in handler. Syntax errors throw
// ConfigError; nothing here checks meaning (semantic.h, router_semantic.h,
// distributor_semantic.h, plex_semantic.h).
#pragma once

#include "config/ast.h"
#include "config/error_handler.h"

namespace drdaplex::config {

// Which statements the grammar knows by name, and so names in syntax errors.
enum class Dialect {
  kOdbm,    // ODBM, DATABASE, USER, OPTIONS (CSLDCxxx style)
  kRouter,  // HWS, TCPIP, ODACCESS, SYSPLEX, EXIT, AUTH, USER (HWSCFGxx)
  // DISTRIBUTOR, VIPADEFINE, VIPABACKUP, VIPADISTRIBUTE, DESTIP, REGISTRY,
  // ADMIN (TCP/IP profile style, after z/OS VIPADYNAMIC)
  kDistributor,
  // PLEX, SYSTEM, DISTRIBUTOR, ROUTER, ODBM (with DATASTORE, ALIAS),
  // DATABASE, EXIT, AUTH, USER: a whole plex for the launcher (harness/plex)
  kPlex,
  // SCENARIO, LOAD, AT, EXPECT: a fault scenario (harness/faults)
  kScenario,
};

ast::ConfigFile ParseSyntax(ErrorHandler& handler,
                            Dialect dialect = Dialect::kOdbm);

}  // namespace drdaplex::config
