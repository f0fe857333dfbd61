// ParseDistributorConfig/LoadDistributorConfig: source text -> syntax tree
// (distributor dialect) -> DistributorConfig. Stateless; safe to call from
// any thread.
#include "config/distributor_config.h"

#include "config/config_file.h"
#include "config/distributor_semantic.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/source_text.h"

namespace drdaplex::config {

DistributorConfig ParseDistributorConfig(std::string_view text,
                                         const std::string& file_name) {
  SourceText source(text, file_name);
  ErrorHandler handler(source);
  ast::ConfigFile file = ParseSyntax(handler, Dialect::kDistributor);
  return BuildDistributorConfig(file, handler);
}

DistributorConfig LoadDistributorConfig(const std::filesystem::path& file) {
  std::filesystem::path directory;  // unused: the file names no paths
  std::string text = ReadConfigFile(file, &directory);
  return ParseDistributorConfig(text, file.string());
}

}  // namespace drdaplex::config
