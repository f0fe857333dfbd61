// ErrorHandler: the bridge between X3 and the user-facing ConfigError.
//  - tag(): called by x3::annotate_on_success, remembers where each
//    position_tagged syntax node was parsed, so that the semantic checks can
//    report a position (OffsetOf / Fail).
//  - ReportSyntaxError: the on_error hook of the top grammar rule. It turns
//    an X3 expectation failure into a ConfigError "expected <rule name>",
//    so grammar rules are named for users ("')' to close ALIAS").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

// Not every X3 header is self-contained: core.hpp first.
#include <boost/spirit/home/x3/core.hpp>
#include <boost/spirit/home/x3/auxiliary/guard.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/utility/error_reporting.hpp>

#include "config/source_text.h"

namespace drdaplex::config {

class ErrorHandler {
 public:
  using Iterator = std::string_view::const_iterator;

  explicit ErrorHandler(const SourceText& source) : source_(source) {}
  ErrorHandler(const ErrorHandler&) = delete;
  ErrorHandler& operator=(const ErrorHandler&) = delete;

  const SourceText& source() const { return source_; }

  // X3 calls this for the attribute of every annotated rule; only nodes that
  // can carry a position keep one.
  template <typename Node>
  void tag(Node& node, Iterator first, Iterator /*last*/) {
    if constexpr (std::is_base_of_v<boost::spirit::x3::position_tagged,
                                    Node>) {
      node.id_first = node.id_last = static_cast<int>(offsets_.size());
      offsets_.push_back(static_cast<std::size_t>(first - Begin()));
    }
  }

  // Offset of a node the grammar tagged; 0 for an untagged node.
  std::size_t OffsetOf(const boost::spirit::x3::position_tagged& node) const {
    return node.id_first < 0 ? 0 : offsets_[node.id_first];
  }
  SourcePosition PositionOf(
      const boost::spirit::x3::position_tagged& node) const {
    return source_.PositionOf(OffsetOf(node));
  }

  [[noreturn]] void Fail(const boost::spirit::x3::position_tagged& node,
                         std::string_view message) const {
    source_.Fail(OffsetOf(node), message);
  }

  // Reports that `expected` is missing where X3 found it missing.
  [[noreturn]] void FailExpectation(Iterator where,
                                    std::string_view expected) const;

 private:
  Iterator Begin() const { return source_.text().begin(); }

  const SourceText& source_;
  std::vector<std::size_t> offsets_;  // indexed by position_tagged::id_first
};

// Base of the top rule's ID: X3 calls on_error when an expectation (a > b)
// fails anywhere below that rule.
struct ReportSyntaxError {
  template <typename Iterator, typename Exception, typename Context>
  boost::spirit::x3::error_handler_result on_error(Iterator& /*first*/,
                                                   Iterator const& /*last*/,
                                                   Exception const& failure,
                                                   Context const& context) {
    ErrorHandler& handler =
        boost::spirit::x3::get<boost::spirit::x3::error_handler_tag>(context)
            .get();
    handler.FailExpectation(failure.where(), failure.which());
    return boost::spirit::x3::error_handler_result::rethrow;  // not reached
  }
};

}  // namespace drdaplex::config
