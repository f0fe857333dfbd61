/*
 * weighted_exit.c -- health-weighted choice among the ODBMs that serve the
 * requested alias: an ODBM with health 80 gets twice the connections of one
 * with health 40; health 0 gets none. The draw comes from a counter-based
 * generator (splitmix64 of seed + call number), so a given config
 * "seed=N" yields the same sequence of picks every run and tests can assert
 * the spread. No eligible ODBM: HWSR_ROUTE_DEFAULT (the router's rule and
 * error apply).
 * Thread-safety: route() is safe concurrently (atomic call counter); under
 * concurrency the sequence is still deterministic per call number, not per
 * caller.
 */
#include <stdlib.h>

#include "drdaplex/hwsrout0.h"
#include "exit_util.h"

typedef struct weighted_state {
  uint64_t seed;
  uint64_t calls;
} weighted_state;

static uint64_t weighted_splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

static int weighted_init(const hwsr_init_args_t* args, void** user_data,
                         char* error, size_t error_size) {
  char seed_text[32];
  char* end = NULL;
  weighted_state* state = (weighted_state*)calloc(1, sizeof *state);
  if (state == NULL) {
    hwsr_util_copy(error, error_size, "out of memory", 13);
    return 1;
  }
  if (hwsr_util_config_get(args->config, "seed", seed_text, sizeof seed_text)) {
    state->seed = strtoull(seed_text, &end, 10);
    if (end == seed_text || *end != '\0') {
      free(state);
      hwsr_util_copy(error, error_size, "seed must be a decimal number", 29);
      return 1;
    }
  }
  *user_data = state;
  return 0;
}

static int weighted_route(void* user_data, const hwsr_request_t* request,
                          const hwsr_table_t* table,
                          hwsr_decision_t* decision) {
  weighted_state* state = (weighted_state*)user_data;
  size_t candidates[HWSR_UTIL_MAX_ODBMS];
  size_t n, i;
  uint64_t total = 0, call, draw;
  decision->action = HWSR_ROUTE_DEFAULT;
  n = hwsr_util_candidates(table, request->alias, candidates);
  for (i = 0; i < n; i++) {
    uint32_t health = table->odbms[candidates[i]]->health;
    total += health > 100 ? 100 : health;
  }
  if (total == 0) return 0;
#if defined(__GNUC__) || defined(__clang__)
  call = __atomic_fetch_add(&state->calls, 1u, __ATOMIC_RELAXED);
#else
  call = state->calls++;
#endif
  draw = weighted_splitmix64(state->seed + call) % total;
  for (i = 0; i < n; i++) {
    uint32_t health = table->odbms[candidates[i]]->health;
    uint64_t weight = health > 100 ? 100 : health;
    if (draw < weight) {
      hwsr_util_route_to(decision, table->odbms[candidates[i]]);
      return 0;
    }
    draw -= weight;
  }
  return 1; /* unreachable: draw < total */
}

static void weighted_term(void* user_data) { free(user_data); }

static const hwsr_exit_api_t kWeightedApi = {
    sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, weighted_init, weighted_route,
    weighted_term};

HWSR_EXIT_MAGIC("weighted", "1.0");
HWSR_EXIT_ENTRY {
  (void)router_abi;
  return &kWeightedApi;
}
