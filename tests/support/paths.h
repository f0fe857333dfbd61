// Where the programs and jars under test are.
//
// Paths come from the build (the CMake source and binary directories are
// compiled in), never from the working directory, so tests run the same from
// ctest, from the build tree or by hand. The environment can point elsewhere:
// DRDAPLEX_BINARY_DIR (a build directory whose bin/ and java/ to use),
// DRDAPLEX_DERBY_JAR_DIR (where derbyclient.jar and friends are) and
// DRDAPLEX_JAVA (the java launcher).
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::testing {

// The project's source tree (for fixtures).
std::string SourceDir();

// The build tree holding bin/ and java/.
std::string BinaryDir();

// BinaryDir()/bin/<name>: drdaplex-odbm, drdaplex-passwd, ...
std::string BinaryPath(std::string_view name);

// BinaryDir()/java/<name>: the jars built from tests/java and bench/java.
std::string JarPath(std::string_view name);

// <Derby jar dir>/<name>: derbyclient.jar, derbytools.jar, derby.jar, derbynet.jar.
std::string DerbyJar(std::string_view name);

// The java launcher found by CMake (or $DRDAPLEX_JAVA).
std::string JavaExecutable();

}  // namespace drdaplex::testing
