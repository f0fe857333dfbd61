// ConfigError: a configuration problem reported to the user, compiler style:
//   odbm.cfg:3:22: error: expected ')' to close ALIAS
//        DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A IO1A]
//                                             ^
// what() is that whole text (no trailing newline); line and column are
// 1-based, and 0 when the problem has no place in the file (unreadable file).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace drdaplex::config {

struct SourcePosition {
  std::string file;
  int line = 0;
  int column = 0;
};

class ConfigError : public std::runtime_error {
 public:
  // An error at a place in the file; source_line is the text of that line
  // (without its newline), shown under the message with a caret.
  ConfigError(const SourcePosition& position, std::string_view message,
              std::string_view source_line);
  // An error about the file as a whole ("cannot read ...").
  ConfigError(const std::string& file, std::string_view message);

  const std::string& file() const { return position_.file; }
  int line() const { return position_.line; }
  int column() const { return position_.column; }
  const SourcePosition& position() const { return position_; }
  // The message alone, without position or source excerpt.
  const std::string& message() const { return message_; }

 private:
  SourcePosition position_;
  std::string message_;
};

}  // namespace drdaplex::config
