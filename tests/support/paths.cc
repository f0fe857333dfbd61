#include "tests/support/paths.h"

#include <cstdlib>

// Compiled in by tests/support/CMakeLists.txt.
#ifndef DRDAPLEX_SOURCE_DIR
#error "DRDAPLEX_SOURCE_DIR must be defined by the build"
#endif
#ifndef DRDAPLEX_BINARY_DIR
#error "DRDAPLEX_BINARY_DIR must be defined by the build"
#endif
#ifndef DRDAPLEX_DERBY_JAR_DIR
#define DRDAPLEX_DERBY_JAR_DIR "/usr/share/java"
#endif
#ifndef DRDAPLEX_JAVA
#define DRDAPLEX_JAVA "java"
#endif

namespace drdaplex::testing {

namespace {

std::string FromEnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return (value != nullptr && *value != '\0') ? value : fallback;
}

std::string Join(const std::string& dir, std::string_view name) {
  std::string result = dir;
  result += '/';
  result += name;
  return result;
}

}  // namespace

std::string SourceDir() { return DRDAPLEX_SOURCE_DIR; }

std::string BinaryDir() {
  return FromEnvOr("DRDAPLEX_BINARY_DIR", DRDAPLEX_BINARY_DIR);
}

std::string BinaryPath(std::string_view name) {
  return Join(BinaryDir() + "/bin", name);
}

std::string JarPath(std::string_view name) {
  return Join(BinaryDir() + "/java", name);
}

std::string DerbyJar(std::string_view name) {
  return Join(FromEnvOr("DRDAPLEX_DERBY_JAR_DIR", DRDAPLEX_DERBY_JAR_DIR), name);
}

std::string JavaExecutable() { return FromEnvOr("DRDAPLEX_JAVA", DRDAPLEX_JAVA); }

}  // namespace drdaplex::testing
