// UserRegistry: the configured USERs, answering DRDA sign-on checks
// (SECMEC 3: user id + password; SECMEC 4: user id only, where USRIDONL=Y).
// User names match case-insensitively (ASCII), because Derby clients send
// "app" for a user configured as APP.
//
// Cost and caching: verifying a SHA-512-crypt hash at the default 5000
// rounds costs a few milliseconds of CPU (about 3.5 ms on the development
// machine), which would dominate connection setup. After a password
// verifies, the registry keeps, per user, a cheap salted hash of it
// ($5$rounds=1000$, about a fifth of the cost) in memory and checks that
// first; a password that does not match it always pays for the full check,
// so guessing gets no faster. An unknown user also costs a full check, so
// response times do not reveal which users exist. All checks are
// thread-safe.
#pragma once

#include <array>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/crypt_hash.h"
#include "config/odbm_config.h"

namespace drdaplex::config {

enum class AuthResult {
  kOk,
  kUnknownUser,
  kBadPassword,       // also: a user with no PASSWORD sent one
  kPasswordRequired,  // user-only sign-on for a user without USRIDONL=Y
};

std::string_view ToString(AuthResult result);

class UserRegistry {
 public:
  // Throws std::invalid_argument if two users have the same name (ignoring
  // case); ParseOdbmConfig already rejects that.
  explicit UserRegistry(std::vector<UserConfig> users);

  UserRegistry(const UserRegistry&) = delete;
  UserRegistry& operator=(const UserRegistry&) = delete;

  // Checks user + password (DRDA SECMEC 3). Thread-safe.
  AuthResult CheckPassword(std::string_view user,
                           std::string_view password) const;
  // Checks user alone (DRDA SECMEC 4): ok only where USRIDONL=Y for that user.
  AuthResult CheckUserOnly(std::string_view user) const;

 private:
  bool MatchesVerified(const std::string& key,
                       std::string_view password) const;
  void RememberVerified(const std::string& key,
                        std::string_view password) const;

  std::unordered_map<std::string, UserConfig> users_;  // key: upper case
  mutable std::shared_mutex verified_mutex_;
  // Per user key, a keyed MAC of the password that last verified.
  mutable std::unordered_map<std::string, std::array<unsigned char, 32>> verified_;
  // The MAC key, random per process.
  std::array<unsigned char, 32> cache_key_{};
};

}  // namespace drdaplex::config
