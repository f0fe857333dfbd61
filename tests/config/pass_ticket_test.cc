// Pass tickets: a router-issued ticket verifies once, for its user and ODBM,
// within its window; anything else is refused with the reason.
#include "config/pass_ticket.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace drdaplex::config {
namespace {

using std::chrono::seconds;
const auto kNow = std::chrono::system_clock::time_point(seconds(1'800'000'000));

TEST(PassTicket, VerifiesOnceForItsUserAndOdbm) {
  const PlexKey key = PlexKey::Generate();
  PassTicketVerifier odbm(key, "ODBMB1");
  const std::string ticket = MakePassTicket(key, "app", "odbmb1", kNow);
  EXPECT_TRUE(LooksLikePassTicket(ticket));
  // User ids and ODBM names compare without case, as DRDA sign-on does.
  EXPECT_EQ(odbm.Verify("APP", ticket, kNow + seconds(1)), TicketCheck::kOk);
  EXPECT_EQ(odbm.Verify("APP", ticket, kNow + seconds(2)), TicketCheck::kReplayed);
}

TEST(PassTicket, RefusesOtherUserOdbmKeyAndTime) {
  const PlexKey key = PlexKey::Generate();
  PassTicketVerifier b1(key, "ODBMB1", seconds(60));
  PassTicketVerifier b2(key, "ODBMB2", seconds(60));
  PassTicketVerifier other_key(PlexKey::Generate(), "ODBMB1", seconds(60));
  const std::string ticket = MakePassTicket(key, "app", "ODBMB1", kNow);
  EXPECT_EQ(b1.Verify("clerk", ticket, kNow), TicketCheck::kWrongMac);
  EXPECT_EQ(b2.Verify("app", ticket, kNow), TicketCheck::kWrongMac);
  EXPECT_EQ(other_key.Verify("app", ticket, kNow), TicketCheck::kWrongMac);
  EXPECT_EQ(b1.Verify("app", ticket, kNow + seconds(61)), TicketCheck::kExpired);
  EXPECT_EQ(b1.Verify("app", ticket, kNow - seconds(61)), TicketCheck::kExpired);
  EXPECT_EQ(b1.Verify("app", ticket, kNow + seconds(60)), TicketCheck::kOk);
}

TEST(PassTicket, TamperedOrForeignPasswordsAreNotTickets) {
  const PlexKey key = PlexKey::Generate();
  PassTicketVerifier odbm(key, "ODBMB1");
  std::string ticket = MakePassTicket(key, "app", "ODBMB1", kNow);
  EXPECT_EQ(odbm.Verify("app", "secret", kNow), TicketCheck::kMalformed);
  EXPECT_FALSE(LooksLikePassTicket("secret"));
  ticket[10] = ticket[10] == '0' ? '1' : '0';
  EXPECT_EQ(odbm.Verify("app", ticket, kNow), TicketCheck::kWrongMac);
  EXPECT_EQ(odbm.Verify("app", ticket.substr(0, ticket.size() - 1), kNow),
            TicketCheck::kMalformed);
}

TEST(PassTicket, TwoTicketsForOneUserInOneSecondBothWork) {
  const PlexKey key = PlexKey::Generate();
  PassTicketVerifier odbm(key, "ODBMB1");
  const std::string a = MakePassTicket(key, "app", "ODBMB1", kNow);
  const std::string b = MakePassTicket(key, "app", "ODBMB1", kNow);
  EXPECT_NE(a, b);
  EXPECT_EQ(odbm.Verify("app", a, kNow), TicketCheck::kOk);
  EXPECT_EQ(odbm.Verify("app", b, kNow), TicketCheck::kOk);
}

TEST(PassTicket, ReplayCacheIsBounded) {
  const PlexKey key = PlexKey::Generate();
  PassTicketVerifier odbm(key, "ODBMB1", seconds(60), 2);
  EXPECT_EQ(odbm.Verify("app", MakePassTicket(key, "app", "ODBMB1", kNow), kNow), TicketCheck::kOk);
  EXPECT_EQ(odbm.Verify("app", MakePassTicket(key, "app", "ODBMB1", kNow), kNow), TicketCheck::kOk);
  EXPECT_EQ(odbm.Verify("app", MakePassTicket(key, "app", "ODBMB1", kNow), kNow),
            TicketCheck::kReplayed);
  // Once the remembered tickets expire, room comes back.
  EXPECT_EQ(odbm.Verify("app", MakePassTicket(key, "app", "ODBMB1", kNow + seconds(120)),
                        kNow + seconds(120)),
            TicketCheck::kOk);
}

TEST(PlexKeyFile, SavesPrivatelyAndLoadsBack) {
  drdaplex::testing::TempDir dir;
  const std::filesystem::path file = dir.File("plex.key");
  const PlexKey key = PlexKey::Generate();
  std::string error;
  ASSERT_TRUE(key.Save(file, &error)) << error;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = PlexKey::Load(file, &error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->bytes(), key.bytes());
}

TEST(PlexKeyFile, RefusesReadableMissingOrMalformedFiles) {
  drdaplex::testing::TempDir dir;
  const std::filesystem::path file = dir.File("plex.key");
  std::string error;
  EXPECT_FALSE(PlexKey::Load(file, &error));
  EXPECT_NE(error.find("cannot be read"), std::string::npos) << error;
  ASSERT_TRUE(PlexKey::Generate().Save(file, &error));
  ::chmod(file.c_str(), 0644);
  EXPECT_FALSE(PlexKey::Load(file, &error));
  EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
  std::ofstream(file) << "not hex\n";
  ::chmod(file.c_str(), 0600);
  EXPECT_FALSE(PlexKey::Load(file, &error));
  EXPECT_NE(error.find("hex digits"), std::string::npos) << error;
}

}  // namespace
}  // namespace drdaplex::config
