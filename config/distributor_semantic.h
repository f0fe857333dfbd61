// The distributor configuration's semantic layer: turns the syntax tree of a
// VIPADYNAMIC-style file into a DistributorConfig and enforces everything
// the grammar leaves open (which keywords go where, required and single
// statements, VIPADEFINE against VIPABACKUP, address literals, number
// ranges, the DISTMETHOD, SHAREPORT and MOVEABLE words, one DESTIP per
// system, HOTSTANDBY's roles and ranks). The first problem found throws
// ConfigError at the position of the offending node. Shares its building
// blocks with the ODBM and router layers (semantic_support.h).
#pragma once

#include "config/ast.h"
#include "config/distributor_config.h"
#include "config/error_handler.h"

namespace drdaplex::config {

DistributorConfig BuildDistributorConfig(const ast::ConfigFile& file,
                                         const ErrorHandler& handler);

}  // namespace drdaplex::config
