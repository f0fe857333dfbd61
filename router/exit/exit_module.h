// ExitModule: one loaded routing exit (include/drdaplex/hwsrout0.h), either a
// shared object opened with dlopen(RTLD_NOW | RTLD_LOCAL) or an exit compiled
// into the router and registered statically; both go through the same checks
// (magic block, ABI major, entry, init) in the same order, before any other
// exit code runs.
//
// Ownership: the module owns the dlopen handle and the exit's user_data; its
// destructor calls term(user_data) and then dlclose. Hold it by shared_ptr:
// every call in flight keeps a reference, so term() runs when the last user
// lets go, never under a running route().
// Thread-safety: Route() may be called concurrently if the exit allows it
// (the ABI requires it to); Load() and RegisterStaticExit() are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "drdaplex/hwsrout0.h"

namespace drdaplex::router {

// Prefix of the spec that names a statically registered exit.
inline constexpr char kBuiltinExitPrefix[] = "builtin:";

struct ExitLoadOptions {
  // A path to a shared object, or "builtin:<name>" for a registered exit.
  std::string spec;
  // Passed to init() verbatim (the exit's "key=value;..." string).
  std::string config;
  std::string router_name;
};

class ExitModule {
 public:
  // Loads, checks and initialises an exit. Returns nullptr and sets *error
  // to a message quoting the path and symbol on any failure.
  static std::shared_ptr<ExitModule> Load(const ExitLoadOptions& options,
                                          std::string* error);

  ExitModule(const ExitModule&) = delete;
  ExitModule& operator=(const ExitModule&) = delete;
  ~ExitModule();

  // Calls the exit's route() directly, with no deadline and no validation;
  // RoutingExit adds both.
  int Route(const hwsr_request_t* request, const hwsr_table_t* table,
            hwsr_decision_t* decision) const;

  const std::string& spec() const { return spec_; }
  const std::string& name() const { return name_; }        // from the magic
  const std::string& version() const { return version_; }  // from the magic
  uint32_t abi_minor() const { return abi_minor_; }

 private:
  ExitModule() = default;

  std::string spec_;
  std::string name_;
  std::string version_;
  uint32_t abi_minor_ = 0;
  void* handle_ = nullptr;  // null for a builtin exit
  const hwsr_exit_api_t* api_ = nullptr;
  void* user_data_ = nullptr;
  bool initialised_ = false;
};

// Registers an exit linked into the router, reachable as "builtin:<name>"
// (SQLite's sqlite3_auto_extension). A later registration of the same name
// replaces the earlier. The default rule is registered as "builtin:default".
void RegisterStaticExit(const std::string& name, hwsr_exit_magic_fn magic,
                        hwsr_exit_entry_fn entry);

}  // namespace drdaplex::router
