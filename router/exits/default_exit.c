/*
 * default_exit.c -- the built-in routing rule written as an exit.
 *
 * Config "mode=default" (the default) returns HWSR_ROUTE_DEFAULT and lets the
 * router apply its rule to the client's alias. "mode=rule" applies the rule
 * here: the ODBMs that serve the alias (exit_util.h) in table order,
 * round-robin among them, reject when none does. The same source is compiled
 * twice: as the loadable module hwsr_default_exit, and with
 * HWSR_BUILTIN_DEFAULT_EXIT into the loader library, where it is registered
 * statically under the same entry signature (SQLite's auto-extension idea),
 * so built-in and loaded exits go through one code path.
 * Thread-safety: route() is safe to call concurrently (atomic counter).
 */
#include <stdlib.h>

#include "drdaplex/hwsrout0.h"
#include "exit_util.h"

typedef struct default_state {
  int rule_mode;
  unsigned long next; /* round-robin cursor, shared by all aliases */
} default_state;

static unsigned long default_next(default_state* state) {
#if defined(__GNUC__) || defined(__clang__)
  return __atomic_fetch_add(&state->next, 1ul, __ATOMIC_RELAXED);
#else
  return state->next++; /* racy but harmless: only the spread suffers */
#endif
}

static int default_init(const hwsr_init_args_t* args, void** user_data,
                        char* error, size_t error_size) {
  char mode[32];
  default_state* state;
  int rule_mode = 0;
  if (hwsr_util_config_get(args->config, "mode", mode, sizeof mode)) {
    if (strcmp(mode, "rule") == 0) {
      rule_mode = 1;
    } else if (strcmp(mode, "default") != 0) {
      hwsr_util_copy(error, error_size, "mode must be default or rule", 28);
      return 1;
    }
  }
  state = (default_state*)calloc(1, sizeof *state);
  if (state == NULL) {
    hwsr_util_copy(error, error_size, "out of memory", 13);
    return 1;
  }
  state->rule_mode = rule_mode;
  *user_data = state;
  return 0;
}

static int default_route(void* user_data, const hwsr_request_t* request,
                         const hwsr_table_t* table,
                         hwsr_decision_t* decision) {
  default_state* state = (default_state*)user_data;
  size_t candidates[HWSR_UTIL_MAX_ODBMS];
  size_t n;
  if (!state->rule_mode) {
    decision->action = HWSR_ROUTE_DEFAULT;
    return 0;
  }
  n = hwsr_util_candidates(table, request->alias, candidates);
  if (n == 0) {
    hwsr_util_reject(decision, "no active ODBM serves the requested alias");
    return 0;
  }
  hwsr_util_route_to(decision,
                     table->odbms[candidates[default_next(state) % n]]);
  return 0;
}

static void default_term(void* user_data) { free(user_data); }

static const hwsr_exit_api_t kDefaultApi = {
    sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, default_init, default_route,
    default_term};

#ifdef HWSR_BUILTIN_DEFAULT_EXIT
/* Static registration names; declared for C++ in router/exit/builtin_exits.h. */
const hwsr_magic_t* hwsr_builtin_default_magic(void);
const hwsr_exit_api_t* hwsr_builtin_default_entry(uint32_t router_abi);

const hwsr_magic_t* hwsr_builtin_default_magic(void) {
  static const hwsr_magic_t magic = {sizeof(hwsr_magic_t),
                                     HWSR_ABI_VERSION_MAJOR,
                                     HWSR_ABI_VERSION_MINOR, 0, "default",
                                     "1.0"};
  return &magic;
}
const hwsr_exit_api_t* hwsr_builtin_default_entry(uint32_t router_abi) {
  (void)router_abi;
  return &kDefaultApi;
}
#else
HWSR_EXIT_MAGIC("default", "1.0");
HWSR_EXIT_ENTRY {
  (void)router_abi;
  return &kDefaultApi;
}
#endif
