// UserConfig: one USER statement, as both the ODBM and the router
// configuration hold it (user_registry.h answers sign-on checks from these).
// A plain value type.
#pragma once

#include <string>

namespace drdaplex::config {

struct UserConfig {
  std::string name;           // as written; matched case-insensitively
  std::string password_hash;  // crypt(3) hash, empty when none was given
  bool user_only_allowed = false;  // USRIDONL=Y: DRDA SECMEC 4 allowed
};

}  // namespace drdaplex::config
