#include "config/crypt_hash.h"

#include <crypt.h>

#include <memory>
#include <stdexcept>

namespace drdaplex::config {
namespace {

bool HasNul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

// Both strings are examined in full whatever their contents, so the time
// taken does not tell where a forged hash first goes wrong.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

// crypt_data is 32 KiB: keep it off the stack of (possibly small-stacked)
// worker threads. make_unique zeroes it, as crypt_rn requires.
std::unique_ptr<crypt_data> NewCryptData() {
  return std::make_unique<crypt_data>();
}

}  // namespace

std::string HashPasswordWith(std::string_view password, const char* prefix,
                             unsigned long rounds) {
  if (HasNul(password)) {
    throw std::invalid_argument("password contains a NUL byte");
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // A null random-bytes argument makes libxcrypt draw the salt from the
  // operating system's random source.
  if (crypt_gensalt_rn(prefix, rounds, nullptr, 0, setting, sizeof setting) ==
      nullptr) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  std::unique_ptr<crypt_data> data = NewCryptData();
  std::string phrase(password);
  const char* hash =
      crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  if (hash == nullptr) throw std::runtime_error("crypt_rn failed");
  return hash;
}

std::string HashPassword(std::string_view password) {
  return HashPasswordWith(password, "$6$", 0);
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (HasNul(password) || !IsCryptHash(hash)) return false;
  std::unique_ptr<crypt_data> data = NewCryptData();
  std::string phrase(password);
  const char* computed =
      crypt_rn(phrase.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  return computed != nullptr && ConstantTimeEquals(computed, hash);
}

bool IsCryptHash(const std::string& hash) {
  return hash.size() > 1 && hash[0] == '$' && !HasNul(hash) &&
         crypt_checksalt(hash.c_str()) != CRYPT_SALT_INVALID;
}

}  // namespace drdaplex::config
