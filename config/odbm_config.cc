// ParseOdbmConfig/LoadOdbmConfig: source text -> syntax tree (ODBM dialect)
// -> OdbmConfig. Stateless; safe to call from any thread.
#include "config/odbm_config.h"

#include "config/config_file.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/semantic.h"
#include "config/source_text.h"

namespace drdaplex::config {

OdbmConfig ParseOdbmConfig(std::string_view text, const std::string& file_name,
                           const std::filesystem::path& base_dir) {
  SourceText source(text, file_name);
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler, Dialect::kOdbm);
  return BuildOdbmConfig(file, handler, base_dir);
}

OdbmConfig ParseOdbmConfig(std::string_view text,
                           const std::string& file_name) {
  return ParseOdbmConfig(text, file_name,
                         std::filesystem::path(file_name).parent_path());
}

OdbmConfig LoadOdbmConfig(const std::filesystem::path& file) {
  std::filesystem::path directory;
  std::string text = ReadConfigFile(file, &directory);
  return ParseOdbmConfig(text, file.string(), directory);
}

}  // namespace drdaplex::config
