/*
 * affinity_exit.c -- user-id affinity. Among the ODBMs that serve the
 * requested alias, pick by rendezvous (highest-random-weight) hashing of
 * user id and ODBM name: one user lands on the same ODBM for as long as that
 * ODBM stays active, and when it goes away only its users move. Requests
 * without a user id, or that no ODBM serves, get HWSR_ROUTE_DEFAULT so the
 * router's rule (and its error) applies.
 * No config, no state; route() is thread-safe.
 */
#include "drdaplex/hwsrout0.h"
#include "exit_util.h"

static uint32_t affinity_score(hwsr_str_t user, hwsr_str_t odbm) {
  /* Hash user, a separator, then the ODBM name: FNV-1a continued. */
  uint32_t h = hwsr_util_hash(user);
  size_t i;
  h ^= 0xFFu;
  h *= 16777619u;
  for (i = 0; i < odbm.len; i++) {
    h ^= (unsigned char)odbm.ptr[i];
    h *= 16777619u;
  }
  /* Final avalanche so short names still spread (murmur3 fmix32). */
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static int affinity_route(void* user_data, const hwsr_request_t* request,
                          const hwsr_table_t* table,
                          hwsr_decision_t* decision) {
  size_t candidates[HWSR_UTIL_MAX_ODBMS];
  size_t n, i, best = 0;
  uint32_t best_score = 0;
  hwsr_str_t user = hwsr_util_trim(request->user_id);
  (void)user_data;
  decision->action = HWSR_ROUTE_DEFAULT;
  if (user.len == 0) return 0;
  n = hwsr_util_candidates(table, request->alias, candidates);
  if (n == 0) return 0;
  for (i = 0; i < n; i++) {
    uint32_t score = affinity_score(user, table->odbms[candidates[i]]->name);
    if (i == 0 || score > best_score) {
      best_score = score;
      best = candidates[i];
    }
  }
  hwsr_util_route_to(decision, table->odbms[best]);
  return 0;
}

static const hwsr_exit_api_t kAffinityApi = {
    sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, NULL, affinity_route, NULL};

HWSR_EXIT_MAGIC("affinity", "1.0");
HWSR_EXIT_ENTRY {
  (void)router_abi;
  return &kAffinityApi;
}
