// DumpConfig: a canonical, line-oriented text form of an OdbmConfig, one
// fact per line and strings in double quotes with C escapes, so that golden
// tests can compare whole configurations and show exact differences:
//   odbm "ODBMB1"
//   threads 0
//   busy_timeout_ms 5000
//   registry "127.0.0.1:7001"
//   plex_key_file "plex.key"
//   router_only yes
//   datastore "IMS1" at odbm.cfg:2:6
//     alias "IM1A"
//     database "data/shared.db"
//   user "app" password "$6$..." user_only no
#pragma once

#include <string>

#include "config/odbm_config.h"

namespace drdaplex::config {

std::string DumpConfig(const OdbmConfig& config);

}  // namespace drdaplex::config
