// Boost.Fusion adaptation of the syntax tree so that X3 sequences can fill
// the structs member by member. Included only by the grammar.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "config/ast.h"

BOOST_FUSION_ADAPT_STRUCT(drdaplex::config::ast::Value, text, quoted)
BOOST_FUSION_ADAPT_STRUCT(drdaplex::config::ast::Setting, keyword, value)
BOOST_FUSION_ADAPT_STRUCT(drdaplex::config::ast::ValueList, items)
BOOST_FUSION_ADAPT_STRUCT(drdaplex::config::ast::Statement, keyword, params)
