// Unit tests of ParseOdbmConfig/LoadOdbmConfig beyond the golden files:
// the structure of the seed example, ConfigError's fields and layout,
// DATABASE path resolution, and reading files.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "config/odbm_config.h"

namespace drdaplex::config {
namespace {

namespace fs = std::filesystem;

constexpr char kSeedOdbm[] =
    "ODBM(NAME=ODBMB1 DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A, IO1A)) "
    "DATASTORE(NAME=IMS2, ALIAS(NAME=IM1A, IO2A)))";

constexpr char kRest[] =
    "\nDATABASE(DATASTORE=IMS1, FILE=data/shared.db)"
    "\nDATABASE(DATASTORE=IMS2, FILE=data/shared.db)"
    "\nUSER(NAME=app, PASSWORD='$6$saltsalt$...hash...')"
    "\nUSER(NAME=ops, USRIDONL=Y)\n";

ConfigError ParseError(std::string_view text,
                       const std::string& file = "odbm.cfg") {
  try {
    ParseOdbmConfig(text, file);
  } catch (const ConfigError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return ConfigError(file, "none");
}

TEST(ParseOdbmConfig, SeedFormParsesAsWritten) {
  OdbmConfig config = ParseOdbmConfig(std::string(kSeedOdbm) + kRest, "x.cfg");
  EXPECT_EQ(config.name, "ODBMB1");
  ASSERT_EQ(config.datastores.size(), 2u);
  EXPECT_EQ(config.datastores[0].name, "IMS1");
  EXPECT_EQ(config.datastores[0].aliases,
            (std::vector<std::string>{"IM1A", "IO1A"}));
  EXPECT_EQ(config.datastores[1].name, "IMS2");
  EXPECT_EQ(config.datastores[1].aliases,
            (std::vector<std::string>{"IM1A", "IO2A"}));
  EXPECT_EQ(config.datastores[0].database, fs::path("data/shared.db"));
  EXPECT_EQ(config.datastores[1].database, fs::path("data/shared.db"));
  EXPECT_EQ(config.datastores[1].position.file, "x.cfg");
  EXPECT_EQ(config.datastores[1].position.line, 1);
  EXPECT_EQ(config.datastores[1].position.column, 63);
  ASSERT_EQ(config.users.size(), 2u);
  EXPECT_EQ(config.users[0].name, "app");
  EXPECT_EQ(config.users[0].password_hash, "$6$saltsalt$...hash...");
  EXPECT_FALSE(config.users[0].user_only_allowed);
  EXPECT_TRUE(config.users[1].password_hash.empty());
  EXPECT_TRUE(config.users[1].user_only_allowed);
  EXPECT_EQ(config.threads, 0);
  EXPECT_EQ(config.busy_timeout_ms, 5000);
  // Without the plex options, nothing changes for the ODBM.
  EXPECT_EQ(config.registry_address, "");
  EXPECT_EQ(config.plex_key_file, fs::path());
  EXPECT_FALSE(config.router_only);
}

TEST(ParseOdbmConfig, PlexOptions) {
  std::string text = std::string(kSeedOdbm) + kRest +
                     "OPTIONS(REGISTRY=registry.local:7001, "
                     "PLEXKEY=../keys/plex.key, ROUTERONLY=Y)\n";
  OdbmConfig config = ParseOdbmConfig(text, "etc/drdaplex/odbm.cfg");
  EXPECT_EQ(config.registry_address, "registry.local:7001");
  EXPECT_EQ(config.plex_key_file, fs::path("etc/keys/plex.key"));
  EXPECT_TRUE(config.router_only);

  config = ParseOdbmConfig(text, "odbm.cfg", "/srv/conf");
  EXPECT_EQ(config.plex_key_file, fs::path("/srv/keys/plex.key"));

  config = ParseOdbmConfig(std::string(kSeedOdbm) + kRest +
                               "OPTIONS(PLEXKEY=/k/plex.key, ROUTERONLY=n)\n",
                           "odbm.cfg");
  EXPECT_EQ(config.plex_key_file, fs::path("/k/plex.key"));
  EXPECT_FALSE(config.router_only);
}

TEST(ParseOdbmConfig, RouterOnlyNeedsThePlexKey) {
  ConfigError error = ParseError(std::string(kSeedOdbm) + kRest +
                                 "OPTIONS(THREADS=2,\n"
                                 "        ROUTERONLY=Y)\n");
  EXPECT_EQ(error.line(), 7);
  EXPECT_EQ(error.column(), 20);
  EXPECT_EQ(error.message(),
            "ROUTERONLY=Y needs PLEXKEY=file: pass tickets are checked with "
            "the plex key");
}

TEST(ParseOdbmConfig, SeedStatementAloneFailsOnlyForWantOfDatabase) {
  ConfigError error = ParseError(kSeedOdbm);
  EXPECT_EQ(error.message(),
            "datastore 'IMS1' has no DATABASE; add DATABASE(DATASTORE=IMS1, "
            "FILE=...)");
  EXPECT_EQ(error.line(), 1);
  EXPECT_EQ(error.column(), 18);
}

TEST(ConfigError, CarriesPositionAndShowsTheLine) {
  ConfigError error = ParseError(
      "ODBM(NAME=ODBMB1\n"
      "     DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A IO1A]\n");
  EXPECT_EQ(error.file(), "odbm.cfg");
  EXPECT_EQ(error.line(), 2);
  EXPECT_EQ(error.column(), 47);
  EXPECT_EQ(error.message(), "expected ')' to close ALIAS");
  EXPECT_STREQ(error.what(),
               "odbm.cfg:2:47: error: expected ')' to close ALIAS\n"
               "     DATASTORE(NAME=IMS1, ALIAS(NAME=IM1A IO1A]\n"
               "                                              ^");
}

TEST(ConfigError, TabIsOneColumnAndCaretFollowsIt) {
  ConfigError error = ParseError("ODBM(\tNAME=ODBMB1\t]");
  EXPECT_EQ(error.column(), 19);
  EXPECT_STREQ(error.what(),
               "odbm.cfg:1:19: error: expected ')' to close ODBM\n"
               "ODBM(\tNAME=ODBMB1\t]\n"
               "     \t           \t^");
}

TEST(ConfigError, Utf8SequenceIsOneColumn) {
  ConfigError error = ParseError("ODBM(NAME='Zürich' ]");
  EXPECT_EQ(error.column(), 20);  // 'ü' is two bytes
}

// Bytes above 0x7F reach the keyword and bare-value parsers; they must be
// handled (X3's own character classes assert on them in debug builds).
TEST(ParseOdbmConfig, Utf8InBareValuesAndWhereKeywordsGo) {
  OdbmConfig config = ParseOdbmConfig(
      "ODBM(NAME=O DATASTORE(NAME=D))\n"
      "DATABASE(DATASTORE=D, FILE=données/été.db)\n"
      "USER(NAME=jürgen, USRIDONL=Y)\n",
      "t.cfg");
  EXPECT_EQ(config.datastores[0].database, fs::path("données/été.db"));
  EXPECT_EQ(config.users[0].name, "jürgen");

  ConfigError stray = ParseError("ODBM(NAME=O ünd DATASTORE(NAME=D))");
  EXPECT_EQ(stray.message(),
            "unexpected value 'ünd' in ODBM; expected KEYWORD=value");
  ConfigError top = ParseError("ÜDBM(NAME=O)");
  EXPECT_EQ(top.column(), 1);
  EXPECT_EQ(top.message(),
            "expected a statement (ODBM, DATABASE, USER or OPTIONS)");
  ConfigError run_on = ParseError("ODBMü(NAME=O)");
  EXPECT_EQ(run_on.column(), 5);
  EXPECT_EQ(run_on.message(), "expected '(' after ODBM");
  ConfigError dash = ParseError("ODBM-X(NAME=O)");
  EXPECT_EQ(dash.column(), 5);
  EXPECT_EQ(dash.message(), "expected '(' after ODBM");
}

TEST(ConfigError, LineEndingIsNotPartOfTheShownLine) {
  ConfigError error = ParseError("ODBM(NAME=ODBMB1 ]\r\n");
  EXPECT_EQ(error.line(), 1);
  EXPECT_EQ(error.column(), 18);
  EXPECT_NE(std::string(error.what()).find("ODBMB1 ]\n"), std::string::npos);
}

TEST(ParseOdbmConfig, ValuesAreCaseSensitiveKeywordsAreNot) {
  ConfigError error =
      ParseError("odbm(name=ODBMB1 datastore(name=IMS1))\n"
                 "database(datastore=ims1, file=x.db)\n");
  EXPECT_EQ(error.line(), 2);
  EXPECT_EQ(error.column(), 20);
  EXPECT_EQ(error.message(),
            "DATABASE for unknown datastore 'ims1'; ODBM ODBMB1 defines IMS1");
}

TEST(ParseOdbmConfig, RelativeDatabaseIsRelativeToTheConfigDirectory) {
  std::string text =
      "ODBM(NAME=O DATASTORE(NAME=A) DATASTORE(NAME=B) DATASTORE(NAME=C))\n"
      "DATABASE(DATASTORE=A, FILE=data/a.db)\n"
      "DATABASE(DATASTORE=B, FILE=../shared/b.db)\n"
      "DATABASE(DATASTORE=C, FILE=/abs/c.db)\n"
      "USER(NAME=u, USRIDONL=Y)\n";
  OdbmConfig config = ParseOdbmConfig(text, "etc/drdaplex/odbm.cfg");
  EXPECT_EQ(config.datastores[0].database, fs::path("etc/drdaplex/data/a.db"));
  EXPECT_EQ(config.datastores[1].database, fs::path("etc/shared/b.db"));
  EXPECT_EQ(config.datastores[2].database, fs::path("/abs/c.db"));

  config = ParseOdbmConfig(text, "/srv/odbm.cfg");
  EXPECT_EQ(config.datastores[0].database, fs::path("/srv/data/a.db"));

  config = ParseOdbmConfig(text, "odbm.cfg", "/base");
  EXPECT_EQ(config.datastores[1].database, fs::path("/shared/b.db"));
  EXPECT_EQ(config.datastores[2].database, fs::path("/abs/c.db"));
}

class LoadOdbmConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("drdaplex-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "conf");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
};

TEST_F(LoadOdbmConfigTest, ResolvesDatabaseToAnAbsolutePath) {
  fs::path file = Write("conf/odbm.cfg", std::string(kSeedOdbm) + kRest);
  OdbmConfig config = LoadOdbmConfig(file);
  EXPECT_EQ(config.datastores[0].database, dir_ / "conf/data/shared.db");
  EXPECT_TRUE(config.datastores[0].database.is_absolute());
  EXPECT_EQ(config.datastores[0].position.file, file.string());
}

TEST_F(LoadOdbmConfigTest, ResolvesPlexKeyToAnAbsolutePath) {
  fs::path file = Write("conf/odbm.cfg", std::string(kSeedOdbm) + kRest +
                                             "OPTIONS(PLEXKEY=plex.key)\n");
  EXPECT_EQ(LoadOdbmConfig(file).plex_key_file, dir_ / "conf/plex.key");
}

TEST_F(LoadOdbmConfigTest, RelativeFileNameIsResolvedFromTheWorkingDirectory) {
  Write("conf/odbm.cfg", std::string(kSeedOdbm) + kRest);
  fs::path old_cwd = fs::current_path();
  fs::current_path(dir_);
  OdbmConfig config;
  try {
    config = LoadOdbmConfig("conf/odbm.cfg");
  } catch (...) {
    fs::current_path(old_cwd);
    throw;
  }
  fs::current_path(old_cwd);
  EXPECT_EQ(config.datastores[1].database, dir_ / "conf/data/shared.db");
  EXPECT_EQ(config.datastores[1].position.file, "conf/odbm.cfg");
}

TEST_F(LoadOdbmConfigTest, ErrorsNameTheFileAsGiven) {
  fs::path file = Write("bad.cfg", "ODBM(NAME=TOOLONGNAME)");
  try {
    LoadOdbmConfig(file);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), file.string());
    EXPECT_EQ(error.line(), 1);
    EXPECT_EQ(error.column(), 11);
  }
}

TEST_F(LoadOdbmConfigTest, MissingFileIsAConfigError) {
  fs::path file = dir_ / "absent.cfg";
  try {
    LoadOdbmConfig(file);
    FAIL() << "no error";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.file(), file.string());
    EXPECT_EQ(error.line(), 0);
    EXPECT_EQ(std::string(error.what()),
              file.string() +
                  ": error: cannot open the file: No such file or directory");
  }
}

TEST_F(LoadOdbmConfigTest, DirectoryIsAConfigError) {
  EXPECT_THROW(LoadOdbmConfig(dir_ / "conf"), ConfigError);
}

}  // namespace
}  // namespace drdaplex::config
