#include "config/error_handler.h"

#include <fmt/format.h>

namespace drdaplex::config {
namespace {

// Moves past blanks and complete block comments, but not past the end of
// the line: "expected ')'" is clearest right after the last token when the
// next token is on a later line, and at the offending token otherwise.
std::size_t SkipBlanksOnLine(std::string_view text, std::size_t offset) {
  while (offset < text.size()) {
    if (text[offset] == ' ' || text[offset] == '\t') {
      ++offset;
    } else if (text.substr(offset, 2) == "/*") {
      std::size_t close = text.find("*/", offset + 2);
      if (close == std::string_view::npos ||
          text.substr(offset, close - offset).find('\n') !=
              std::string_view::npos) {
        break;
      }
      offset = close + 2;
    } else {
      break;
    }
  }
  return offset;
}

}  // namespace

void ErrorHandler::FailExpectation(Iterator where, Iterator next,
                                   std::string_view expected) const {
  std::string_view text = source_.text();
  std::size_t next_offset = static_cast<std::size_t>(next - Begin());
  // The skipper cannot consume a comment that is never closed, so parsing
  // stops in front of it; say that rather than what the grammar wanted.
  if (text.substr(next_offset, 2) == "/*") {
    source_.Fail(next_offset, "unterminated comment: '/*' without '*/'");
  }
  std::size_t offset =
      SkipBlanksOnLine(text, static_cast<std::size_t>(where - Begin()));
  if (next_offset == text.size()) {
    source_.Fail(offset,
                 fmt::format("unexpected end of file; expected {}", expected));
  }
  source_.Fail(offset, fmt::format("expected {}", expected));
}

}  // namespace drdaplex::config
