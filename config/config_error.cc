#include "config/config_error.h"

#include <fmt/format.h>

namespace drdaplex::config {
namespace {

// The caret must sit under the reported column in a terminal: copy tabs from
// the source line so that they expand alike, and let a UTF-8 sequence take
// one column, as the column number counts it.
std::string CaretLine(std::string_view source_line, int column) {
  std::string caret;
  int current = 1;
  for (char c : source_line) {
    if (current >= column) break;
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    caret += (c == '\t') ? '\t' : ' ';
    ++current;
  }
  caret.append(column > current ? column - current : 0, ' ');
  caret += '^';
  return caret;
}

}  // namespace

ConfigError::ConfigError(const SourcePosition& position,
                         std::string_view message,
                         std::string_view source_line)
    : std::runtime_error(fmt::format("{}:{}:{}: error: {}\n{}\n{}",
                                     position.file, position.line,
                                     position.column, message, source_line,
                                     CaretLine(source_line, position.column))),
      position_(position),
      message_(message) {}

ConfigError::ConfigError(const std::string& file, std::string_view message)
    : std::runtime_error(fmt::format("{}: error: {}", file, message)),
      position_{file, 0, 0},
      message_(message) {}

}  // namespace drdaplex::config
