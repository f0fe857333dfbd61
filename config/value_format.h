// Writing values back in configuration syntax: bare when the grammar would
// read them back unchanged, otherwise as a '...' string with quotes doubled.
// Used by drdaplex-passwd to print USER statements users can paste.
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::config {

// True if text can be written without quotes.
bool IsBareValue(std::string_view text);

// text as a value; throws std::invalid_argument for text that no value can
// hold (a line break: quoted strings do not span lines).
std::string FormatValue(std::string_view text);

// USER(NAME=<user>, PASSWORD='<hash>'), e.g. for drdaplex-passwd --user.
std::string FormatUserStatement(std::string_view user,
                                std::string_view password_hash);

}  // namespace drdaplex::config
