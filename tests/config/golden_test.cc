// Golden tests: every fixtures/config/NAME.input is parsed under the file
// name "NAME.input"; the result (DumpConfig for ok_*, the ConfigError text
// for bad_*) must equal NAME.expect byte for byte. NAME says the dialect:
// ok_plex_* and bad_plex_* are plex files (DumpPlexConfig), the rest ODBM
// files. Run with
// DRDAPLEX_UPDATE_GOLDEN=1 to rewrite the .expect files, then review them.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/dump.h"
#include "config/odbm_config.h"
#include "config/plex_config.h"

namespace drdaplex::config {
namespace {

std::filesystem::path FixtureDir() {
  return std::filesystem::path(DRDAPLEX_SOURCE_DIR) / "fixtures" / "config";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    if (entry.path().extension() == ".input") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool StartsWith(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

class GoldenTest : public testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectation) {
  const std::string& name = GetParam();
  std::string input = ReadFile(FixtureDir() / (name + ".input"));
  std::filesystem::path expect_path = FixtureDir() / (name + ".expect");

  std::string actual;
  bool parsed = false;
  try {
    const bool plex = StartsWith(name, "ok_plex_") || StartsWith(name, "bad_plex_");
    actual = plex ? DumpPlexConfig(ParsePlexConfig(input, name + ".input"))
                  : DumpConfig(ParseOdbmConfig(input, name + ".input"));
    parsed = true;
  } catch (const ConfigError& error) {
    actual = std::string(error.what()) + "\n";
  }
  // The prefix says which way the fixture must go, so that rewriting the
  // expectations cannot silently turn an error case into a success.
  if (StartsWith(name, "ok_")) {
    EXPECT_TRUE(parsed) << actual;
  } else {
    ASSERT_TRUE(StartsWith(name, "bad_")) << "name fixtures ok_* or bad_*";
    EXPECT_FALSE(parsed) << actual;
  }

  if (std::getenv("DRDAPLEX_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expect_path, std::ios::binary) << actual;
  }
  ASSERT_TRUE(std::filesystem::exists(expect_path)) << expect_path;
  EXPECT_EQ(ReadFile(expect_path), actual);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, GoldenTest, testing::ValuesIn(FixtureNames()),
    [](const testing::TestParamInfo<std::string>& info) {
      std::string name = info.param;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(GoldenFixtures, AreAllPresent) {
  std::vector<std::string> names = FixtureNames();
  // Guards against a moved fixture directory turning the suite into a no-op.
  EXPECT_GE(names.size(), 30u);
  for (const auto& entry : std::filesystem::directory_iterator(FixtureDir())) {
    if (entry.path().extension() == ".expect") {
      EXPECT_TRUE(std::filesystem::exists(
          std::filesystem::path(entry.path()).replace_extension(".input")))
          << "orphan " << entry.path();
    }
  }
}

}  // namespace
}  // namespace drdaplex::config
