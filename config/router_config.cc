// ParseRouterConfig/LoadRouterConfig: source text -> syntax tree (router
// dialect) -> RouterConfig. Stateless; safe to call from any thread.
#include "config/router_config.h"

#include "config/config_file.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/router_semantic.h"
#include "config/source_text.h"

namespace drdaplex::config {

RouterConfig ParseRouterConfig(std::string_view text, const std::string& file_name,
                               const std::filesystem::path& base_dir) {
  SourceText source(text, file_name);
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler, Dialect::kRouter);
  return BuildRouterConfig(file, handler, base_dir);
}

RouterConfig ParseRouterConfig(std::string_view text, const std::string& file_name) {
  return ParseRouterConfig(text, file_name, std::filesystem::path(file_name).parent_path());
}

RouterConfig LoadRouterConfig(const std::filesystem::path& file) {
  std::filesystem::path directory;
  std::string text = ReadConfigFile(file, &directory);
  return ParseRouterConfig(text, file.string(), directory);
}

}  // namespace drdaplex::config
