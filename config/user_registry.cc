#include "config/user_registry.h"

#include <sodium.h>

#include <array>
#include <mutex>
#include <stdexcept>

namespace drdaplex::config {
namespace {

// The cache keeps, per user, a MAC of the password that last verified:
// keyed BLAKE2b (libsodium) under a key drawn at start-up that never leaves
// the process. A check then costs a microsecond instead of a crypt(3) run
// (5.8 million instructions for the $5$ cache hash it replaces, 80 % of an
// authenticated connect), and the memory holds nothing a password could be
// recovered from without the key.
std::array<unsigned char, crypto_generichash_BYTES> Mac(
    const std::array<unsigned char, crypto_generichash_KEYBYTES>& key, std::string_view password) {
  std::array<unsigned char, crypto_generichash_BYTES> out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(password.data()),
                     password.size(), key.data(), key.size());
  return out;
}

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
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
  randombytes_buf(cache_key_.data(), cache_key_.size());
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
  const auto mac = Mac(cache_key_, password);
  std::shared_lock lock(verified_mutex_);
  auto it = verified_.find(key);
  return it != verified_.end() && sodium_memcmp(it->second.data(), mac.data(), mac.size()) == 0;
}

void UserRegistry::RememberVerified(const std::string& key,
                                    std::string_view password) const {
  const auto mac = Mac(cache_key_, password);
  std::unique_lock lock(verified_mutex_);
  verified_[key] = mac;
}

}  // namespace drdaplex::config
