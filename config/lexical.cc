#include "config/lexical.h"

namespace drdaplex::config::lexical {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

bool IsLineBreak(char c) { return c == '\n' || c == '\r'; }

}  // namespace

bool IsBareChar(char c) {
  constexpr std::string_view kStops = " \t\r\n\f\v,()'\"=[]{}<>;";
  unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x20 && u != 0x7F && kStops.find(c) == std::string_view::npos;
}

bool IsKeywordStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsKeywordChar(char c) { return IsKeywordStart(c) || (c >= '0' && c <= '9'); }

char ToUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::size_t SkipOne(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) return offset;
  char c = text[offset];
  if (IsBlank(c)) return offset + 1;
  if (text.substr(offset, 2) == "/*") {
    std::size_t close = text.find("*/", offset + 2);
    return close == std::string_view::npos ? offset : close + 2;
  }
  if ((c == '*' || c == '#') && (offset == 0 || text[offset - 1] == '\n')) {
    std::size_t end = text.find('\n', offset);
    return end == std::string_view::npos ? text.size() : end;
  }
  return offset;
}

std::size_t SkipAll(std::string_view text, std::size_t offset) {
  for (std::size_t next = SkipOne(text, offset); next != offset;
       next = SkipOne(text, offset)) {
    offset = next;
  }
  return offset;
}

std::size_t TokenEnd(std::string_view text, std::size_t offset,
                     bool* unterminated) {
  *unterminated = false;
  if (offset >= text.size()) return offset;
  if (text[offset] == '\'') {
    std::size_t i = offset + 1;
    while (i < text.size() && !IsLineBreak(text[i])) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          i += 2;  // '' stands for one quote
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    *unterminated = true;
    return i;
  }
  std::size_t i = offset;
  while (i < text.size() && IsBareChar(text[i]) &&
         text.substr(i, 2) != "/*") {
    ++i;
  }
  return i == offset ? offset + 1 : i;
}

}  // namespace drdaplex::config::lexical
