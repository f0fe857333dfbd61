#include "router/exit/exit_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <sys/stat.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

extern "C" {
// router/exits/default_exit.c compiled with HWSR_BUILTIN_DEFAULT_EXIT.
const hwsr_magic_t* hwsr_builtin_default_magic(void);
const hwsr_exit_api_t* hwsr_builtin_default_entry(uint32_t router_abi);
}

namespace drdaplex::router {
namespace {

struct StaticExit {
  hwsr_exit_magic_fn magic;
  hwsr_exit_entry_fn entry;
};

struct Registry {
  std::mutex mu;
  std::map<std::string, StaticExit> exits;
};

// Built on first use, with the built-in default already in it: a static
// library's registration-by-constructor would be dropped by the linker.
Registry& GetRegistry() {
  static Registry* registry = [] {
    auto* r = new Registry;
    r->exits["default"] = {hwsr_builtin_default_magic, hwsr_builtin_default_entry};
    return r;
  }();
  return *registry;
}

std::string AbiText(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

void RegisterStaticExit(const std::string& name, hwsr_exit_magic_fn magic,
                        hwsr_exit_entry_fn entry) {
  Registry& registry = GetRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  registry.exits[name] = {magic, entry};
}

std::shared_ptr<ExitModule> ExitModule::Load(const ExitLoadOptions& options,
                                             std::string* error) {
  const std::string& spec = options.spec;
  std::shared_ptr<ExitModule> module(new ExitModule);
  module->spec_ = spec;
  hwsr_exit_magic_fn magic_fn = nullptr;
  hwsr_exit_entry_fn entry_fn = nullptr;

  if (spec.rfind(kBuiltinExitPrefix, 0) == 0) {
    std::string name = spec.substr(sizeof(kBuiltinExitPrefix) - 1);
    Registry& registry = GetRegistry();
    std::lock_guard<std::mutex> lock(registry.mu);
    auto it = registry.exits.find(name);
    if (it == registry.exits.end()) {
      *error = "no builtin exit [" + name + "]";
      return nullptr;
    }
    magic_fn = it->second.magic;
    entry_fn = it->second.entry;
  } else {
    // Refuse early what dlopen would refuse obscurely (or search for: a
    // name without a slash would go through LD_LIBRARY_PATH).
    if (spec.empty() || spec.size() >= PATH_MAX) {
      *error = "exit path [" + spec + "] is empty or too long";
      return nullptr;
    }
    if (spec.find('/') == std::string::npos) {
      *error = "exit path [" + spec + "] must contain a '/'";
      return nullptr;
    }
    struct stat st;
    if (::stat(spec.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      *error = "unable to open exit [" + spec + "]: no such file";
      return nullptr;
    }
    module->handle_ = ::dlopen(spec.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module->handle_ == nullptr) {
      const char* why = ::dlerror();
      *error = "unable to open exit [" + spec + "]: " + (why ? why : "dlopen failed");
      return nullptr;
    }
    magic_fn = reinterpret_cast<hwsr_exit_magic_fn>(
        ::dlsym(module->handle_, HWSR_EXIT_MAGIC_SYMBOL));
    if (magic_fn == nullptr) {
      *error = "no entry point [" HWSR_EXIT_MAGIC_SYMBOL "] in [" + spec +
               "]: build the exit with HWSR_EXIT_MAGIC(name, version)";
      return nullptr;
    }
  }

  // The magic block: size, abi_major, abi_minor are at fixed offsets in
  // every major version, so they can be read before trusting anything else.
  const hwsr_magic_t* magic = magic_fn();
  if (magic == nullptr || magic->size < offsetof(hwsr_magic_t, reserved)) {
    *error = "bad magic block in [" + spec + "]";
    return nullptr;
  }
  if (magic->abi_major != HWSR_ABI_VERSION_MAJOR) {
    *error = "exit [" + spec + "] was built for exit ABI " +
             AbiText(magic->abi_major, magic->abi_minor) +
             "; this router speaks ABI " +
             AbiText(HWSR_ABI_VERSION_MAJOR, HWSR_ABI_VERSION_MINOR) +
             " (major versions must match)";
    return nullptr;
  }
  module->abi_minor_ = magic->abi_minor;
  if (magic->size >= offsetof(hwsr_magic_t, version) + sizeof(magic->version)) {
    if (magic->name) module->name_ = magic->name;
    if (magic->version) module->version_ = magic->version;
  }

  if (module->handle_ != nullptr) {
    entry_fn = reinterpret_cast<hwsr_exit_entry_fn>(
        ::dlsym(module->handle_, HWSR_EXIT_ENTRY_SYMBOL));
    if (entry_fn == nullptr) {
      *error = "no entry point [" HWSR_EXIT_ENTRY_SYMBOL "] in [" + spec + "]";
      return nullptr;
    }
  }
  const hwsr_exit_api_t* api = entry_fn(HWSR_ABI_VERSION);
  if (api == nullptr) {
    *error = "exit [" + spec + "] refused router ABI " +
             AbiText(HWSR_ABI_VERSION_MAJOR, HWSR_ABI_VERSION_MINOR);
    return nullptr;
  }
  if (api->size < offsetof(hwsr_exit_api_t, term) + sizeof(api->term) ||
      HWSR_ABI_MAJOR_OF(api->abi_version) != HWSR_ABI_VERSION_MAJOR) {
    *error = "exit [" + spec + "] returned a function table of size " +
             std::to_string(api->size) + " for ABI " +
             AbiText(HWSR_ABI_MAJOR_OF(api->abi_version),
                     HWSR_ABI_MINOR_OF(api->abi_version));
    return nullptr;
  }
  if (api->route == nullptr) {
    *error = "exit [" + spec + "] has no route function";
    return nullptr;
  }
  module->api_ = api;

  if (api->init != nullptr) {
    hwsr_init_args_t args{};
    args.size = sizeof(args);
    args.abi_version = HWSR_ABI_VERSION;
    args.config = {options.config.data(), options.config.size()};
    args.router_name = {options.router_name.data(), options.router_name.size()};
    char buffer[512] = {};
    void* user_data = nullptr;
    if (api->init(&args, &user_data, buffer, sizeof(buffer)) != 0) {
      buffer[sizeof(buffer) - 1] = '\0';  // the exit may not have terminated it
      *error = "error during initialization of exit [" + spec + "]: \"" +
               std::string(buffer) + "\"";
      return nullptr;
    }
    module->user_data_ = user_data;
  }
  module->initialised_ = true;
  return module;
}

ExitModule::~ExitModule() {
  if (initialised_ && api_->term != nullptr) api_->term(user_data_);
  if (handle_ != nullptr) ::dlclose(handle_);
}

int ExitModule::Route(const hwsr_request_t* request, const hwsr_table_t* table,
                      hwsr_decision_t* decision) const {
  return api_->route(user_data_, request, table, decision);
}

}  // namespace drdaplex::router
