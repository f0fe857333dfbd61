#include "config/error_handler.h"

#include <fmt/format.h>

#include "config/lexical.h"

namespace drdaplex::config {

// X3 reports an expectation failure either at the end of the last token or
// after the blanks that follow it, depending on the parser that failed.
// Re-scanning the tokens up to there gives one consistent answer: point at
// the next token when it is on the same line ("expected ')'" under a stray
// ']'), otherwise just after the last token, where the statement stopped;
// and name unclosed strings and comments at their start.
void ErrorHandler::FailExpectation(Iterator where,
                                   std::string_view expected) const {
  std::string_view text = source_.text();
  const std::size_t failed_at = static_cast<std::size_t>(where - Begin());

  std::size_t last_end = 0;
  for (std::size_t pos = lexical::SkipAll(text, 0); pos < failed_at;
       pos = lexical::SkipAll(text, pos)) {
    if (text.substr(pos, 2) == "/*") break;  // unclosed: handled below
    bool unterminated = false;
    std::size_t end = lexical::TokenEnd(text, pos, &unterminated);
    if (unterminated) {
      source_.Fail(pos, "unterminated quoted string: no closing ' on this "
                        "line");
    }
    if (end > failed_at) {
      // X3 stopped inside what the scan sees as one token ("ODBM-X("):
      // the failure position itself is the best answer.
      last_end = failed_at;
      break;
    }
    last_end = pos = end;
  }

  std::size_t next = lexical::SkipAll(text, last_end);
  if (text.substr(next, 2) == "/*") {
    source_.Fail(next, "unterminated comment: '/*' without '*/'");
  }
  if (next >= text.size()) {
    source_.Fail(last_end,
                 fmt::format("unexpected end of file; expected {}", expected));
  }
  std::string hint;
  if (text[next] == '"') hint = " (strings are quoted with ', not \")";
  bool same_line =
      text.substr(last_end, next - last_end).find('\n') == std::string::npos;
  source_.Fail(same_line ? next : last_end,
               fmt::format("expected {}{}", expected, hint));
}

}  // namespace drdaplex::config
