// Reading configuration files (see config_file.h). Stateless.
#include "config/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "config/config_error.h"

namespace drdaplex::config {

std::string ReadConfigFile(const std::filesystem::path& file,
                           std::filesystem::path* directory) {
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
  *directory = absolute.parent_path();
  return contents.str();
}

}  // namespace drdaplex::config
