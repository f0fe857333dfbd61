#include "config/source_text.h"

#include <algorithm>

namespace drdaplex::config {
namespace {

bool IsLineEnd(char c) { return c == '\n' || c == '\r'; }

std::size_t LineStart(std::string_view text, std::size_t offset) {
  while (offset > 0 && text[offset - 1] != '\n') --offset;
  return offset;
}

}  // namespace

SourcePosition SourceText::PositionOf(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  SourcePosition position{file_name_, 1, 1};
  position.line += static_cast<int>(
      std::count(text_.begin(), text_.begin() + offset, '\n'));
  for (std::size_t i = LineStart(text_, offset); i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
      ++position.column;
    }
  }
  return position;
}

std::string_view SourceText::LineAt(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  std::size_t start = LineStart(text_, offset);
  std::size_t end = start;
  while (end < text_.size() && !IsLineEnd(text_[end])) ++end;
  return text_.substr(start, end - start);
}

void SourceText::Fail(std::size_t offset, std::string_view message) const {
  throw ConfigError(PositionOf(offset), message, LineAt(offset));
}

}  // namespace drdaplex::config
