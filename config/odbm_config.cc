#include "config/odbm_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/semantic.h"
#include "config/source_text.h"

namespace drdaplex::config {

OdbmConfig ParseOdbmConfig(std::string_view text, const std::string& file_name,
                           const std::filesystem::path& base_dir) {
  SourceText source(text, file_name);
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler);
  return BuildOdbmConfig(file, handler, base_dir);
}

OdbmConfig ParseOdbmConfig(std::string_view text,
                           const std::string& file_name) {
  return ParseOdbmConfig(text, file_name,
                         std::filesystem::path(file_name).parent_path());
}

OdbmConfig LoadOdbmConfig(const std::filesystem::path& file) {
  // An ifstream opens a directory and then reads nothing, without an error.
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    throw ConfigError(file.string(), "cannot read the file: it is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError(file.string(), fmt::format("cannot open the file: {}",
                                                 std::strerror(errno)));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    throw ConfigError(file.string(), "cannot read the file");
  }
  std::filesystem::path absolute = std::filesystem::absolute(file, error);
  if (error) {
    throw ConfigError(file.string(),
                      fmt::format("cannot resolve the file's directory: {}",
                                  error.message()));
  }
  return ParseOdbmConfig(contents.str(), file.string(),
                         absolute.parent_path());
}

}  // namespace drdaplex::config
