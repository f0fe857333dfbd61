/*
 * exit_util.h -- small C99 helpers shared by the sample routing exits:
 * string views, the "key=value;key=value" config format, and the built-in
 * rule's notion of which ODBMs can serve an alias. Header-only (static
 * functions) so every exit stays one self-contained shared object.
 * Thread-safety: all functions are pure; they touch only their arguments.
 */
#ifndef DRDAPLEX_ROUTER_EXITS_EXIT_UTIL_H_
#define DRDAPLEX_ROUTER_EXITS_EXIT_UTIL_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drdaplex/hwsrout0.h"

/* Longest list the helpers build; the IMS exit view shows at most 32 aliases
 * per ODBM, and a plex beyond 64 ODBMs is not something exits are written for. */
#define HWSR_UTIL_MAX_ODBMS 64

static inline int hwsr_util_eq(hwsr_str_t s, const char* text, size_t len) {
  return s.len == len && (len == 0 || memcmp(s.ptr, text, len) == 0);
}

static inline int hwsr_util_str_eq(hwsr_str_t a, hwsr_str_t b) {
  return hwsr_util_eq(a, b.ptr, b.len);
}

/* Client aliases arrive blank-padded in IMS; trailing blanks do not count. */
static inline hwsr_str_t hwsr_util_trim(hwsr_str_t s) {
  while (s.len > 0 && s.ptr[s.len - 1] == ' ') s.len--;
  return s;
}

/* Copies len bytes into a decision buffer, truncating, always NUL-terminated. */
static inline void hwsr_util_copy(char* dst, size_t dst_size, const char* src,
                           size_t len) {
  if (dst_size == 0) return;
  if (len >= dst_size) len = dst_size - 1;
  if (len > 0) memcpy(dst, src, len);
  dst[len] = '\0';
}

/*
 * Finds `key` in a "key=value;key=value" string and copies its value (without
 * surrounding blanks) into out. Returns 1 when found, 0 otherwise.
 */
static inline int hwsr_util_config_get(hwsr_str_t config, const char* key, char* out,
                                size_t out_size) {
  size_t key_len = strlen(key);
  size_t i = 0;
  while (i < config.len) {
    size_t end = i, eq, k0, k1, v0, v1;
    while (end < config.len && config.ptr[end] != ';') end++;
    eq = i;
    while (eq < end && config.ptr[eq] != '=') eq++;
    k0 = i;
    k1 = eq;
    while (k0 < k1 && config.ptr[k0] == ' ') k0++;
    while (k1 > k0 && config.ptr[k1 - 1] == ' ') k1--;
    if (eq < end && k1 - k0 == key_len &&
        memcmp(config.ptr + k0, key, key_len) == 0) {
      v0 = eq + 1;
      v1 = end;
      while (v0 < v1 && config.ptr[v0] == ' ') v0++;
      while (v1 > v0 && config.ptr[v1 - 1] == ' ') v1--;
      hwsr_util_copy(out, out_size, config.ptr + v0, v1 - v0);
      return 1;
    }
    i = end + 1;
  }
  return 0;
}

/*
 * The built-in rule, per ODBM: can `odbm` take a connection for `alias`?
 * Blank alias: any active ODBM. Otherwise the ODBM must be active and hold a
 * routable alias of that name, or, when it has no alias of that name, an
 * active datastore of that name (a datastore name works as its own alias).
 */
static inline int hwsr_util_odbm_serves(const hwsr_odbm_t* odbm, hwsr_str_t alias) {
  size_t i;
  int alias_defined = 0;
  alias = hwsr_util_trim(alias);
  if (odbm->status != HWSR_ODBM_ACTIVE) return 0;
  if (alias.len == 0) return 1;
  for (i = 0; i < odbm->alias_count; i++) {
    const hwsr_alias_t* a = odbm->aliases[i];
    if (!hwsr_util_str_eq(a->name, alias)) continue;
    alias_defined = 1;
    if (a->routable) return 1;
  }
  if (alias_defined) return 0;
  for (i = 0; i < odbm->datastore_count; i++) {
    const hwsr_datastore_t* ds = odbm->datastores[i];
    if (hwsr_util_str_eq(ds->name, alias) &&
        ds->status == HWSR_DATASTORE_ACTIVE)
      return 1;
  }
  return 0;
}

/* Fills out[] with the indexes (table order) of ODBMs serving alias. */
static inline size_t hwsr_util_candidates(const hwsr_table_t* table, hwsr_str_t alias,
                                   size_t out[HWSR_UTIL_MAX_ODBMS]) {
  size_t i, n = 0;
  for (i = 0; i < table->odbm_count && n < HWSR_UTIL_MAX_ODBMS; i++) {
    if (hwsr_util_odbm_serves(table->odbms[i], alias)) out[n++] = i;
  }
  return n;
}

/* FNV-1a, 32 bit: stable across platforms, so affinity survives restarts. */
static inline uint32_t hwsr_util_hash(hwsr_str_t s) {
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < s.len; i++) {
    h ^= (unsigned char)s.ptr[i];
    h *= 16777619u;
  }
  return h;
}

/* Names the chosen ODBM in the decision. */
static inline void hwsr_util_route_to(hwsr_decision_t* decision,
                               const hwsr_odbm_t* odbm) {
  decision->action = HWSR_ROUTE_ODBM;
  hwsr_util_copy(decision->odbm, sizeof decision->odbm, odbm->name.ptr,
                 odbm->name.len);
  decision->datastore[0] = '\0';
}

static inline void hwsr_util_reject(hwsr_decision_t* decision, const char* message) {
  decision->action = HWSR_REJECT;
  hwsr_util_copy(decision->message, sizeof decision->message, message,
                 strlen(message));
}

#endif /* DRDAPLEX_ROUTER_EXITS_EXIT_UTIL_H_ */
