/*
 * denylist_exit.c -- refuse connections by user id, and refuse an alias
 * during a daily maintenance window. Config (all keys optional):
 *   deny=USER1,USER2        user ids refused (exact match, trailing blanks
 *                           of the request ignored)
 *   maintenance=IM1A        alias closed during the window
 *   window=02:00-04:00      UTC, start inclusive, end exclusive; may wrap
 *                           midnight (22:00-02:00)
 *   clock=03:10             pins the time of day (for tests and drills)
 * Everything else gets HWSR_ROUTE_DEFAULT. State is read-only after init,
 * so route() is thread-safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "drdaplex/hwsrout0.h"
#include "exit_util.h"

typedef struct denylist_state {
  char deny[1024];        /* comma-separated user ids */
  char maintenance[HWSR_NAME_SIZE];
  int window_start;       /* minutes after midnight, -1 = no window */
  int window_end;
  int clock;              /* pinned minutes after midnight, -1 = real time */
} denylist_state;

/* "HH:MM" -> minutes, -1 when malformed. */
static int denylist_minutes(const char* text, size_t len) {
  int h, m;
  if (len != 5 || text[2] != ':') return -1;
  if (text[0] < '0' || text[0] > '2' || text[1] < '0' || text[1] > '9' ||
      text[3] < '0' || text[3] > '5' || text[4] < '0' || text[4] > '9')
    return -1;
  h = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  return h < 24 ? h * 60 + m : -1;
}

static int denylist_fail(denylist_state* state, char* error, size_t size,
                         const char* message) {
  free(state);
  hwsr_util_copy(error, size, message, strlen(message));
  return 1;
}

static int denylist_init(const hwsr_init_args_t* args, void** user_data,
                         char* error, size_t error_size) {
  char text[32];
  denylist_state* state = (denylist_state*)calloc(1, sizeof *state);
  if (state == NULL) return denylist_fail(NULL, error, error_size, "no memory");
  state->window_start = state->window_end = state->clock = -1;
  hwsr_util_config_get(args->config, "deny", state->deny, sizeof state->deny);
  hwsr_util_config_get(args->config, "maintenance", state->maintenance,
                       sizeof state->maintenance);
  if (hwsr_util_config_get(args->config, "window", text, sizeof text)) {
    if (strlen(text) != 11 || text[5] != '-' ||
        (state->window_start = denylist_minutes(text, 5)) < 0 ||
        (state->window_end = denylist_minutes(text + 6, 5)) < 0)
      return denylist_fail(state, error, error_size,
                           "window must be HH:MM-HH:MM");
  }
  if (hwsr_util_config_get(args->config, "clock", text, sizeof text) &&
      (state->clock = denylist_minutes(text, strlen(text))) < 0)
    return denylist_fail(state, error, error_size, "clock must be HH:MM");
  if (state->maintenance[0] != '\0' && state->window_start < 0)
    return denylist_fail(state, error, error_size,
                         "maintenance needs window=HH:MM-HH:MM");
  *user_data = state;
  return 0;
}

static int denylist_user_denied(const denylist_state* state, hwsr_str_t user) {
  const char* p = state->deny;
  if (user.len == 0) return 0;
  while (*p != '\0') {
    const char* end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (hwsr_util_eq(user, p, len)) return 1;
    if (end == NULL) break;
    p = end + 1;
  }
  return 0;
}

static int denylist_in_window(const denylist_state* state) {
  int now = state->clock;
  if (now < 0) {
    time_t t = time(NULL);
    struct tm tm_utc;
    /* gmtime is not reentrant; copy out at once. A race only costs a wrong
     * minute, and exits built for POSIX can use gmtime_r instead. */
    tm_utc = *gmtime(&t);
    now = tm_utc.tm_hour * 60 + tm_utc.tm_min;
  }
  if (state->window_start <= state->window_end)
    return now >= state->window_start && now < state->window_end;
  return now >= state->window_start || now < state->window_end;
}

static int denylist_route(void* user_data, const hwsr_request_t* request,
                          const hwsr_table_t* table,
                          hwsr_decision_t* decision) {
  const denylist_state* state = (const denylist_state*)user_data;
  hwsr_str_t user = hwsr_util_trim(request->user_id);
  hwsr_str_t alias = hwsr_util_trim(request->alias);
  (void)table;
  decision->action = HWSR_ROUTE_DEFAULT;
  if (denylist_user_denied(state, user)) {
    decision->action = HWSR_REJECT;
    snprintf(decision->message, sizeof decision->message,
             "user %.*s is not allowed to connect through this router",
             (int)user.len, user.ptr);
    return 0;
  }
  if (state->maintenance[0] != '\0' &&
      hwsr_util_eq(alias, state->maintenance, strlen(state->maintenance)) &&
      denylist_in_window(state)) {
    decision->action = HWSR_REJECT;
    snprintf(decision->message, sizeof decision->message,
             "alias %s is in maintenance %02d:%02d-%02d:%02d UTC; retry later",
             state->maintenance, state->window_start / 60,
             state->window_start % 60, state->window_end / 60,
             state->window_end % 60);
  }
  return 0;
}

static void denylist_term(void* user_data) { free(user_data); }

static const hwsr_exit_api_t kDenylistApi = {
    sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION, denylist_init, denylist_route,
    denylist_term};

HWSR_EXIT_MAGIC("denylist", "1.0");
HWSR_EXIT_ENTRY {
  (void)router_abi;
  return &kDenylistApi;
}
