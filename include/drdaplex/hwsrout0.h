/*
 * hwsrout0.h -- the C ABI of drdaplex routing exits (the IMS Connect HWSROUT0
 * analogue). A routing exit is a shared object the router dlopen()s; it is
 * called once per new DRDA connection with the request and a read-only
 * snapshot of the routing table, and fills in a decision.
 *
 * Ownership: everything the router passes in (request, table, init args, the
 * strings they point to) is owned by the router and valid only for the
 * duration of the call; copy what you keep. Everything the exit returns
 * (magic block, API table) is static in the exit. The decision is a
 * router-owned struct with fixed-size buffers, so the exit never allocates
 * memory the router must free.
 *
 * Thread-safety: route() may be called concurrently from several router
 * threads with the same user_data; init() and term() are called once each,
 * never concurrently with anything else on that user_data.
 *
 * Trust: exits run in the router's process with no security boundary. The
 * router validates the decision against the snapshot and bounds how long it
 * waits for route(), but it cannot stop a crashing or hung exit.
 *
 * Naming: types are hwsr_*_t, constants HWSR_*, the two symbols an exit
 * exports are hwsr_exit_magic and hwsr_exit_entry.
 *
 * Pure C99: <stddef.h> and <stdint.h> only (checked by tests/exit/abi_c_test.c
 * with -std=c99 -pedantic -Werror).
 */
#ifndef DRDAPLEX_HWSROUT0_H_
#define DRDAPLEX_HWSROUT0_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Versioning. A major bump means the layouts below changed incompatibly; the
 * router refuses an exit whose major differs from its own. A minor bump only
 * appends fields at the end of structs (in groups marked "ABI 1.x and
 * later"), so an exit built against 1.0 keeps loading in a 1.3 router, and a
 * 1.3 exit reading a 1.0 router's structs checks `size` before touching
 * fields past the 1.0 end (HWSR_HAS_FIELD below).
 */
#define HWSR_ABI_VERSION_MAJOR 1
#define HWSR_ABI_VERSION_MINOR 0
/* Packed form carried in the abi_version fields: major in the high 16 bits. */
#define HWSR_ABI_VERSION \
  ((uint32_t)((HWSR_ABI_VERSION_MAJOR << 16) | HWSR_ABI_VERSION_MINOR))
#define HWSR_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define HWSR_ABI_MINOR_OF(v) ((uint32_t)(v)&0xFFFFu)

/*
 * True when the struct *p (which starts with uint32_t size) is large enough
 * to contain `field`. Use it for every field of a later minor version.
 */
#define HWSR_HAS_FIELD(p, type, field) \
  ((p)->size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* Symbol visibility: modules may be built with -fvisibility=hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define HWSR_EXPORT __attribute__((visibility("default")))
#else
#define HWSR_EXPORT
#endif

/*
 * A string the router lends: not NUL-terminated in general, `len` bytes at
 * `ptr`. ptr may be NULL only when len is 0.
 * OWNERSHIP: router-owned; valid for the duration of the call only.
 */
typedef struct hwsr_str {
  const char* ptr;
  size_t len;
} hwsr_str_t;

/* ODBM status, the values of IMS XIBOD_OSTATUS. Only ACTIVE is routable. */
typedef enum hwsr_odbm_status {
  HWSR_ODBM_ACTIVE = 0x80,       /* running and connected to the router */
  HWSR_ODBM_INACTIVE = 0x40,     /* running, not connected (START(COMM)) */
  HWSR_ODBM_DISCONNECTED = 0x20, /* not running / left the IMSplex */
  HWSR_ODBM_UNREACHABLE = 0x10   /* running, its SCI is down */
} hwsr_odbm_status_t;

/* Datastore (IMS system) status as seen by its ODBM, after XIBDS_STATUS. */
typedef enum hwsr_datastore_status {
  HWSR_DATASTORE_INACTIVE = 0,
  HWSR_DATASTORE_ACTIVE = 1,
  HWSR_DATASTORE_DISCONNECTED = 2
} hwsr_datastore_status_t;

/* Alias status bits (hwsr_alias_t.flags). */
#define HWSR_ALIAS_ACTIVE_IN_ODBM 0x1u /* the ODBM has the alias started */
/* Active in the router; clear when never activated there or stopped with
 * UPDATE IMSCON TYPE(ALIAS) STOP(ROUTE). */
#define HWSR_ALIAS_ACTIVE_IN_ROUTER 0x2u

/* ---- The read-only table snapshot -------------------------------------- */
/*
 * Arrays are arrays of POINTERS to structs, not arrays of structs, so a
 * later minor version can append fields to an element without changing the
 * stride an older exit walks with.
 */

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_datastore {
  uint32_t size;
  uint32_t status;      /* hwsr_datastore_status_t */
  hwsr_str_t name;      /* IMS id, e.g. "IMS1" */
  uint32_t connections; /* live connections through this ODBM to it */
  uint32_t reserved;
} hwsr_datastore_t;

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_alias {
  uint32_t size;
  uint32_t flags;       /* HWSR_ALIAS_* bits */
  hwsr_str_t name;      /* up to 4 characters in IMS; compared exactly */
  hwsr_str_t datastore; /* name of the datastore this alias selects */
  /* 1 when the router would route to it: active in ODBM and router, and the
   * ODBM and datastore are active. */
  uint32_t routable;
  uint32_t reserved;
} hwsr_alias_t;

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_odbm {
  uint32_t size;
  uint32_t status; /* hwsr_odbm_status_t */
  hwsr_str_t name; /* ODBM name, e.g. "ODBMB1" */
  uint32_t health; /* 0 (unusable) .. 100 (fully healthy) */
  uint32_t connections; /* live connections the router holds to it */
  uint64_t user;        /* operator/HWSUINIT-style user field, opaque */
  /* OWNERSHIP: router-owned array of datastore_count router-owned pointers. */
  const hwsr_datastore_t* const* datastores;
  size_t datastore_count;
  /* OWNERSHIP: router-owned array of alias_count router-owned pointers. */
  const hwsr_alias_t* const* aliases;
  size_t alias_count;
} hwsr_odbm_t;

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_table {
  uint32_t size;
  uint32_t abi_version; /* HWSR_ABI_VERSION of the router */
  uint64_t generation;  /* bumps whenever the router's table changes */
  /* OWNERSHIP: router-owned array of odbm_count router-owned pointers;
   * valid for the duration of route() only. */
  const hwsr_odbm_t* const* odbms;
  size_t odbm_count;
} hwsr_table_t;

/* ---- The request --------------------------------------------------------- */

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_request {
  uint32_t size;
  uint32_t abi_version;
  /* All strings OWNERSHIP: router-owned, valid for the duration of route(). */
  hwsr_str_t alias;          /* as the client sent it; may be empty/blank */
  hwsr_str_t psb_name;       /* from PSBNAME.ALIAS; may be empty */
  hwsr_str_t user_id;        /* authenticated user id; may be empty */
  hwsr_str_t client_address; /* "ip:port" text */
  hwsr_str_t router_name;    /* this router's name */
  uint64_t connection_id;    /* unique per router process */
} hwsr_request_t;

/* ---- The decision -------------------------------------------------------- */

/* Sizes of the decision buffers, including the terminating NUL. */
#define HWSR_NAME_SIZE 64
#define HWSR_MESSAGE_SIZE 256

typedef enum hwsr_action {
  /* Apply the built-in rule to the client's alias. */
  HWSR_ROUTE_DEFAULT = 0,
  /* Route to the ODBM named in `odbm` (must exist and be active); when
   * `datastore` is non-empty, to that datastore of it. */
  HWSR_ROUTE_ODBM = 1,
  /* Apply the built-in rule to `alias` instead of the client's; an empty
   * alias means round-robin across every active ODBM. */
  HWSR_ROUTE_ALIAS = 2,
  /* Refuse the connection; the client sees `message`. */
  HWSR_REJECT = 3
} hwsr_action_t;

/*
 * Filled by the exit. The router zero-fills it and sets size, abi_version
 * and action = HWSR_ROUTE_DEFAULT before every call, so an exit that
 * returns 0 without touching it gets the default. Buffers must hold a NUL
 * within their size; an unterminated buffer invalidates the decision.
 * A newer exit must check `size` before writing fields of a later minor.
 * Append-only: add new fields at the end only, in "ABI 1.x and later" groups.
 */
typedef struct hwsr_decision {
  uint32_t size;
  uint32_t abi_version;
  uint32_t action; /* hwsr_action_t */
  char odbm[HWSR_NAME_SIZE];
  char datastore[HWSR_NAME_SIZE];
  char alias[HWSR_NAME_SIZE];
  char message[HWSR_MESSAGE_SIZE];
} hwsr_decision_t;

/* ---- Entry points --------------------------------------------------------- */

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_init_args {
  uint32_t size;
  uint32_t abi_version;   /* HWSR_ABI_VERSION of the router */
  hwsr_str_t config;      /* exit config string from the router config */
  hwsr_str_t router_name; /* OWNERSHIP: router-owned, valid during init() */
} hwsr_init_args_t;

/*
 * init: called once after loading, before any route(). Store the exit's
 *   state in *user_data (it is passed back to route() and term()). Return 0
 *   on success; nonzero refuses the load, with a NUL-terminated reason
 *   written into error[0..error_size). May be NULL (no state).
 * route: called once per new connection. Return 0 when *decision is valid;
 *   nonzero is an exit failure and the router falls back as configured.
 *   Must not keep pointers into request or table after returning. The
 *   router may stop waiting after a deadline and discard a late result.
 * term: called once when the last call has finished and the exit is being
 *   unloaded (reload or shutdown); free user_data. May be NULL.
 */
typedef int (*hwsr_init_fn)(const hwsr_init_args_t* args, void** user_data,
                            char* error, size_t error_size);
typedef int (*hwsr_route_fn)(void* user_data, const hwsr_request_t* request,
                             const hwsr_table_t* table,
                             hwsr_decision_t* decision);
typedef void (*hwsr_term_fn)(void* user_data);

/* Append-only: add new fields at the end only, in "ABI 1.x and later" groups. */
typedef struct hwsr_exit_api {
  uint32_t size;        /* sizeof(hwsr_exit_api_t) as the exit compiled it */
  uint32_t abi_version; /* HWSR_ABI_VERSION the exit was compiled against */
  hwsr_init_fn init;    /* optional */
  hwsr_route_fn route;  /* required */
  hwsr_term_fn term;    /* optional */
} hwsr_exit_api_t;

/*
 * The one entry function every exit exports under the name hwsr_exit_entry
 * (like sqlite3_extension_init). It receives the router's HWSR_ABI_VERSION
 * and returns the exit's function table, or NULL to refuse.
 * OWNERSHIP: the returned table is static in the exit and must stay valid
 * until the module is unloaded.
 */
typedef const hwsr_exit_api_t* (*hwsr_exit_entry_fn)(uint32_t router_abi);
#define HWSR_EXIT_ENTRY_SYMBOL "hwsr_exit_entry"

/*
 * The magic block, checked by the loader BEFORE calling anything in the
 * exit (as PostgreSQL's Pg_magic_struct). It is reached through a function
 * because dlsym is only portable for functions. Field order is fixed for
 * every major version: size, abi_major, abi_minor first.
 * OWNERSHIP: static in the exit; name and version are static strings.
 */
typedef struct hwsr_magic {
  uint32_t size;
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t reserved;
  const char* name;    /* exit name for logs, e.g. "affinity" */
  const char* version; /* the exit's own version text */
} hwsr_magic_t;
typedef const hwsr_magic_t* (*hwsr_exit_magic_fn)(void);
#define HWSR_EXIT_MAGIC_SYMBOL "hwsr_exit_magic"

/*
 * Every loadable exit must contain exactly one HWSR_EXIT_MAGIC(name, version);
 * (with the semicolon) at file scope. It defines the exported hwsr_exit_magic.
 */
#define HWSR_EXIT_MAGIC(exit_name, exit_version)                            \
  HWSR_EXPORT const hwsr_magic_t* hwsr_exit_magic(void);                    \
  const hwsr_magic_t* hwsr_exit_magic(void) {                               \
    static const hwsr_magic_t hwsr_magic_block_ = {                         \
        sizeof(hwsr_magic_t), HWSR_ABI_VERSION_MAJOR, HWSR_ABI_VERSION_MINOR, \
        0, exit_name, exit_version};                                        \
    return &hwsr_magic_block_;                                              \
  }                                                                         \
  extern int hwsr_exit_magic_requires_semicolon_

/* Declares the entry function with the right linkage and visibility. */
#define HWSR_EXIT_ENTRY \
  HWSR_EXPORT const hwsr_exit_api_t* hwsr_exit_entry(uint32_t router_abi)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DRDAPLEX_HWSROUT0_H_ */
