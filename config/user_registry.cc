#include "config/user_registry.h"

#include <mutex>
#include <stdexcept>

namespace drdaplex::config {
namespace {

// SHA-256-crypt at its minimum rounds: the in-memory cache's hash.
constexpr const char* kCachePrefix = "$5$";
constexpr unsigned long kCacheRounds = 1000;

std::string FoldCase(std::string_view name) {
  std::string folded(name);
  for (char& c : folded) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return folded;
}

// A hash no password is known for, checked against when there is no hash to
// check, so that the answer takes as long as for a real check.
const std::string& DecoyHash() {
  static const std::string hash = HashPassword("drdaplex decoy password");
  return hash;
}

}  // namespace

std::string_view ToString(AuthResult result) {
  switch (result) {
    case AuthResult::kOk:
      return "ok";
    case AuthResult::kUnknownUser:
      return "unknown user";
    case AuthResult::kBadPassword:
      return "bad password";
    case AuthResult::kPasswordRequired:
      return "password required";
  }
  return "?";
}

UserRegistry::UserRegistry(std::vector<UserConfig> users) {
  for (UserConfig& user : users) {
    std::string key = FoldCase(user.name);
    std::string name = user.name;
    if (!users_.emplace(std::move(key), std::move(user)).second) {
      throw std::invalid_argument("duplicate user " + name);
    }
  }
}

AuthResult UserRegistry::CheckPassword(std::string_view user,
                                       std::string_view password) const {
  std::string key = FoldCase(user);
  auto it = users_.find(key);
  if (it == users_.end()) {
    VerifyPassword(password, DecoyHash());
    return AuthResult::kUnknownUser;
  }
  const UserConfig& config = it->second;
  if (config.password_hash.empty()) {  // USRIDONL only: nothing can match
    VerifyPassword(password, DecoyHash());
    return AuthResult::kBadPassword;
  }
  if (MatchesVerified(key, password)) return AuthResult::kOk;
  if (!VerifyPassword(password, config.password_hash)) {
    return AuthResult::kBadPassword;
  }
  RememberVerified(key, password);
  return AuthResult::kOk;
}

AuthResult UserRegistry::CheckUserOnly(std::string_view user) const {
  auto it = users_.find(FoldCase(user));
  if (it == users_.end()) return AuthResult::kUnknownUser;
  return it->second.user_only_allowed ? AuthResult::kOk
                                      : AuthResult::kPasswordRequired;
}

bool UserRegistry::MatchesVerified(const std::string& key,
                                   std::string_view password) const {
  std::string cheap_hash;
  {
    std::shared_lock lock(verified_mutex_);
    auto it = verified_.find(key);
    if (it == verified_.end()) return false;
    cheap_hash = it->second;
  }
  // Hashing outside the lock keeps writers from waiting on it.
  return VerifyPassword(password, cheap_hash);
}

void UserRegistry::RememberVerified(const std::string& key,
                                    std::string_view password) const {
  std::string cheap_hash = HashPasswordWith(password, kCachePrefix,
                                            kCacheRounds);
  std::unique_lock lock(verified_mutex_);
  verified_[key] = std::move(cheap_hash);
}

}  // namespace drdaplex::config
