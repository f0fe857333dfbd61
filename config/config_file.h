// ReadConfigFile: reads a configuration file for LoadOdbmConfig and
// LoadRouterConfig, turning every way that can fail into a ConfigError that
// names the file as given. Stateless.
#pragma once

#include <filesystem>
#include <string>

namespace drdaplex::config {

// The file's contents; *directory is set to its absolute parent directory,
// against which relative paths in the file are resolved.
std::string ReadConfigFile(const std::filesystem::path& file,
                           std::filesystem::path* directory);

}  // namespace drdaplex::config
