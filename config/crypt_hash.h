// Password hashing with libxcrypt's crypt(3) family, for the user registry
// and drdaplex-passwd. All functions are thread-safe: each call uses its own
// crypt_data. Hashes are the usual "$id$[params$]salt$hash" strings, so any
// method libxcrypt supports ($y$, $6$, $5$, $2b$, ...) verifies.
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::config {

// SHA-512-crypt ("$6$") with libxcrypt's default rounds and a fresh random
// salt on every call. Throws std::invalid_argument for a password with a NUL
// byte (crypt would silently cut it there) and std::runtime_error if
// libxcrypt fails.
std::string HashPassword(std::string_view password);

// Hash with an explicit method prefix ("$5$") and rounds (0: default).
std::string HashPasswordWith(std::string_view password, const char* prefix,
                             unsigned long rounds);

// True if crypt(password, hash) reproduces hash. The comparison takes the
// same time wherever the strings differ. False for malformed hashes and for
// passwords containing NUL.
bool VerifyPassword(std::string_view password, const std::string& hash);

// True if hash has the shape of a modern crypt hash ("$id$...") whose method
// this libxcrypt knows. Traditional DES hashes, which have no "$", and
// plaintext are rejected.
bool IsCryptHash(const std::string& hash);

}  // namespace drdaplex::config
