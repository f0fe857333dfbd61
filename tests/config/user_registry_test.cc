#include "config/user_registry.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "config/crypt_hash.h"

namespace drdaplex::config {
namespace {

std::vector<UserConfig> Users() {
  return {
      {"APP", HashPassword("app-secret"), false},
      {"ops", HashPassword("ops-secret"), true},   // password or none
      {"batch", "", true},                         // user id only
  };
}

TEST(UserRegistry, RightAndWrongPassword) {
  UserRegistry registry(Users());
  EXPECT_EQ(registry.CheckPassword("APP", "app-secret"), AuthResult::kOk);
  EXPECT_EQ(registry.CheckPassword("APP", "app-secreT"),
            AuthResult::kBadPassword);
  EXPECT_EQ(registry.CheckPassword("APP", ""), AuthResult::kBadPassword);
  EXPECT_EQ(registry.CheckPassword("APP", "ops-secret"),
            AuthResult::kBadPassword);
}

TEST(UserRegistry, RepeatedChecksStayCorrect) {
  // The second and later successes come from the in-memory cache; a wrong
  // password in between must neither pass nor spoil it.
  UserRegistry registry(Users());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(registry.CheckPassword("APP", "app-secret"), AuthResult::kOk);
    EXPECT_EQ(registry.CheckPassword("APP", "app-secret2"),
              AuthResult::kBadPassword);
    EXPECT_EQ(registry.CheckPassword("app", "ops-secret"),
              AuthResult::kBadPassword);
  }
}

TEST(UserRegistry, UnknownUser) {
  UserRegistry registry(Users());
  EXPECT_EQ(registry.CheckPassword("nobody", "app-secret"),
            AuthResult::kUnknownUser);
  EXPECT_EQ(registry.CheckUserOnly("nobody"), AuthResult::kUnknownUser);
  EXPECT_EQ(registry.CheckUserOnly(""), AuthResult::kUnknownUser);
}

TEST(UserRegistry, UserOnlyNeedsUsridonl) {
  UserRegistry registry(Users());
  EXPECT_EQ(registry.CheckUserOnly("APP"), AuthResult::kPasswordRequired);
  EXPECT_EQ(registry.CheckUserOnly("ops"), AuthResult::kOk);
  EXPECT_EQ(registry.CheckUserOnly("batch"), AuthResult::kOk);
  // A USRIDONL user with a PASSWORD may also sign on with it.
  EXPECT_EQ(registry.CheckPassword("ops", "ops-secret"), AuthResult::kOk);
  // A user without a PASSWORD has no password that could match.
  EXPECT_EQ(registry.CheckPassword("batch", ""), AuthResult::kBadPassword);
  EXPECT_EQ(registry.CheckPassword("batch", "anything"),
            AuthResult::kBadPassword);
}

TEST(UserRegistry, NamesIgnoreCase) {
  UserRegistry registry(Users());
  EXPECT_EQ(registry.CheckPassword("app", "app-secret"), AuthResult::kOk);
  EXPECT_EQ(registry.CheckPassword("aPp", "app-secret"), AuthResult::kOk);
  EXPECT_EQ(registry.CheckUserOnly("OPS"), AuthResult::kOk);
  EXPECT_EQ(registry.CheckUserOnly("Batch"), AuthResult::kOk);
}

TEST(UserRegistry, DuplicateNamesIgnoringCaseAreRejected) {
  std::vector<UserConfig> users = {{"app", "", true}, {"APP", "", true}};
  EXPECT_THROW(UserRegistry registry(users), std::invalid_argument);
}

TEST(UserRegistry, PasswordIsNotCutAtNul) {
  UserRegistry registry(Users());
  using namespace std::string_literals;
  EXPECT_EQ(registry.CheckPassword("APP", "app-secret\0junk"s),
            AuthResult::kBadPassword);
  EXPECT_THROW(HashPassword("a\0b"s), std::invalid_argument);
}

TEST(UserRegistry, VerifiesOtherCryptMethods) {
  const char* prefixes[] = {"$y$", "$5$", "$2b$", "$6$"};
  for (const char* prefix : prefixes) {
    std::string hash = HashPasswordWith("pw", prefix, 0);
    ASSERT_EQ(hash.rfind(prefix, 0), 0u) << hash;
    UserRegistry registry({{"u", hash, false}});
    EXPECT_EQ(registry.CheckPassword("u", "pw"), AuthResult::kOk) << hash;
    EXPECT_EQ(registry.CheckPassword("u", "pW"), AuthResult::kBadPassword)
        << hash;
  }
}

TEST(UserRegistry, MalformedHashNeverVerifies) {
  UserRegistry registry({{"u", "$6$saltsalt$...hash...", false},
                         {"v", "plaintext", false}});
  EXPECT_EQ(registry.CheckPassword("u", "...hash..."),
            AuthResult::kBadPassword);
  EXPECT_EQ(registry.CheckPassword("v", "plaintext"),
            AuthResult::kBadPassword);
}

TEST(HashPassword, FreshSaltEachCall) {
  std::string first = HashPassword("same");
  std::string second = HashPassword("same");
  EXPECT_NE(first, second);
  EXPECT_EQ(first.rfind("$6$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("same", first));
  EXPECT_TRUE(VerifyPassword("same", second));
  EXPECT_FALSE(VerifyPassword("Same", first));
}

TEST(UserRegistry, ConcurrentChecks) {
  UserRegistry registry(Users());
  std::atomic<int> wrong_answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&registry, &wrong_answers, t] {
      for (int i = 0; i < 12; ++i) {
        bool use_app = (t + i) % 2 == 0;
        const char* user = use_app ? "app" : "OPS";
        std::string right = use_app ? "app-secret" : "ops-secret";
        if (registry.CheckPassword(user, right) != AuthResult::kOk) {
          ++wrong_answers;
        }
        if (i % 3 == 0 && registry.CheckPassword(user, right + "x") !=
                              AuthResult::kBadPassword) {
          ++wrong_answers;
        }
        if (registry.CheckUserOnly("app") != AuthResult::kPasswordRequired) {
          ++wrong_answers;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong_answers.load(), 0);
}

}  // namespace
}  // namespace drdaplex::config
