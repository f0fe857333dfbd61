/* Compiles include/drdaplex/hwsrout0.h as strict C99 and checks the layout
 * promises an exit relies on: size/abi_version lead every struct, the magic
 * macro expands cleanly, HWSR_HAS_FIELD works. Exit status 0 = pass. */
#include <stdio.h>
#include <string.h>

#include "drdaplex/hwsrout0.h"

HWSR_EXIT_MAGIC("abi_c_test", "1.0");

static int failures = 0;
#define CHECK(cond)                                          \
  do {                                                       \
    if (!(cond)) {                                           \
      fprintf(stderr, "%s:%d: FAILED %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                            \
    }                                                        \
  } while (0)

static int route(void* user_data, const hwsr_request_t* request,
                 const hwsr_table_t* table, hwsr_decision_t* decision) {
  (void)user_data;
  (void)request;
  (void)table;
  decision->action = HWSR_ROUTE_ALIAS;
  decision->alias[0] = '\0';
  return 0;
}

static const hwsr_exit_api_t kApi = {sizeof(hwsr_exit_api_t), HWSR_ABI_VERSION,
                                     NULL, route, NULL};
HWSR_EXIT_ENTRY {
  (void)router_abi;
  return &kApi;
}

int main(void) {
  const hwsr_magic_t* magic = hwsr_exit_magic();
  hwsr_decision_t decision;
  hwsr_request_t request;
  hwsr_table_t table;
  const hwsr_exit_api_t* api = hwsr_exit_entry(HWSR_ABI_VERSION);

  CHECK(magic->size == sizeof(hwsr_magic_t));
  CHECK(magic->abi_major == HWSR_ABI_VERSION_MAJOR);
  CHECK(magic->abi_minor == HWSR_ABI_VERSION_MINOR);
  CHECK(strcmp(magic->name, "abi_c_test") == 0);
  CHECK(HWSR_ABI_MAJOR_OF(HWSR_ABI_VERSION) == 1);
  CHECK(HWSR_ABI_MINOR_OF(HWSR_ABI_VERSION) == 0);

  /* size and abi_version lead the top-level structs. */
  CHECK(offsetof(hwsr_request_t, size) == 0);
  CHECK(offsetof(hwsr_request_t, abi_version) == 4);
  CHECK(offsetof(hwsr_table_t, abi_version) == 4);
  CHECK(offsetof(hwsr_decision_t, abi_version) == 4);
  CHECK(offsetof(hwsr_init_args_t, abi_version) == 4);
  CHECK(offsetof(hwsr_exit_api_t, abi_version) == 4);
  CHECK(offsetof(hwsr_odbm_t, size) == 0);
  CHECK(offsetof(hwsr_alias_t, size) == 0);
  CHECK(offsetof(hwsr_datastore_t, size) == 0);
  CHECK(offsetof(hwsr_magic_t, abi_minor) == 8);

  /* A 1.0-sized struct has its own fields and not a later one's. */
  memset(&request, 0, sizeof request);
  request.size = (uint32_t)offsetof(hwsr_request_t, connection_id);
  CHECK(HWSR_HAS_FIELD(&request, hwsr_request_t, router_name));
  CHECK(!HWSR_HAS_FIELD(&request, hwsr_request_t, connection_id));

  memset(&decision, 0, sizeof decision);
  memset(&table, 0, sizeof table);
  decision.size = sizeof decision;
  CHECK(api != NULL && api->route(NULL, &request, &table, &decision) == 0);
  CHECK(decision.action == HWSR_ROUTE_ALIAS);
  CHECK(sizeof decision.odbm == HWSR_NAME_SIZE);
  CHECK(sizeof decision.message == HWSR_MESSAGE_SIZE);

  if (failures == 0) printf("abi_c_test: ok\n");
  return failures == 0 ? 0 : 1;
}
