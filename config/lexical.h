// Lexical rules of the configuration language that more than one part
// needs: the grammar's skipper and bare-value characters, error reporting
// (which re-scans tokens to place its caret) and value formatting. Keeping
// them here, in plain C++, is what keeps those parts in agreement.
#pragma once

#include <cstddef>
#include <string_view>

namespace drdaplex::config::lexical {

// Characters of a bare (unquoted) value: anything but blanks, control
// characters, quotes and the punctuation , ( ) = [ ] { } < > ; . The
// sequence "/*" also ends a bare value, since it opens a comment.
bool IsBareChar(char c);

// Keywords are ASCII: a letter or '_', then letters, digits and '_'.
bool IsKeywordStart(char c);
bool IsKeywordChar(char c);
// ASCII upper case; other bytes unchanged.
char ToUpper(char c);

// If a blank, a /* block comment */ or a comment line ('*' or '#' in column
// 1, up to the line break) starts at offset, the offset after it; otherwise
// offset itself. An unclosed block comment is not skipped.
std::size_t SkipOne(std::string_view text, std::size_t offset);

// Skips all blanks and comments from offset.
std::size_t SkipAll(std::string_view text, std::size_t offset);

// The end of the token that starts at offset (a quoted string, a bare value
// or keyword, or one punctuation character). For a quoted string that is not
// closed on its line, *unterminated is set and the end is the line break.
std::size_t TokenEnd(std::string_view text, std::size_t offset,
                     bool* unterminated);

}  // namespace drdaplex::config::lexical
