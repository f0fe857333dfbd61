// SourceText: a configuration text with the name it is reported under.
// Turns byte offsets into 1-based line/column positions (a tab, like any
// other character, is one column; a UTF-8 sequence is one column) and raises
// ConfigError at an offset. Holds a view: the text must outlive it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "config/config_error.h"

namespace drdaplex::config {

class SourceText {
 public:
  SourceText(std::string_view text, std::string file_name)
      : text_(text), file_name_(std::move(file_name)) {}

  std::string_view text() const { return text_; }
  const std::string& file_name() const { return file_name_; }

  SourcePosition PositionOf(std::size_t offset) const;
  // The line holding offset, without its line terminator.
  std::string_view LineAt(std::size_t offset) const;

  [[noreturn]] void Fail(std::size_t offset, std::string_view message) const;

 private:
  std::string_view text_;
  std::string file_name_;
};

}  // namespace drdaplex::config
