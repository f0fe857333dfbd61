// ExitSnapshot: an immutable copy of the routing table in the layout the
// exit ABI passes to route() (hwsr_table_t and everything it points to),
// built from plain C++ descriptions. The router builds one per table
// generation and shares it by shared_ptr<const ExitSnapshot>; a call that
// outlives its deadline keeps its snapshot alive until the exit returns.
// Ownership: the snapshot owns every string and array the C view points to.
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drdaplex/hwsrout0.h"

namespace drdaplex::router {

struct ExitDatastoreInfo {
  std::string name;
  hwsr_datastore_status_t status = HWSR_DATASTORE_ACTIVE;
  uint32_t connections = 0;
};

struct ExitAliasInfo {
  std::string name;
  std::string datastore;
  bool active_in_odbm = true;
  bool active_in_router = true;  // false after STOP(ROUTE)
};

struct ExitOdbmInfo {
  std::string name;
  hwsr_odbm_status_t status = HWSR_ODBM_ACTIVE;
  uint32_t health = 100;
  uint32_t connections = 0;
  uint64_t user = 0;
  std::vector<ExitDatastoreInfo> datastores;
  std::vector<ExitAliasInfo> aliases;
};

class ExitSnapshot {
 public:
  explicit ExitSnapshot(std::vector<ExitOdbmInfo> odbms, uint64_t generation = 0);
  ExitSnapshot(const ExitSnapshot&) = delete;
  ExitSnapshot& operator=(const ExitSnapshot&) = delete;

  // The C view; valid as long as this snapshot.
  const hwsr_table_t* table() const { return &table_; }
  const std::vector<ExitOdbmInfo>& odbms() const { return odbms_; }
  const ExitOdbmInfo* FindOdbm(std::string_view name) const;
  // An alias is routable when active in its ODBM and in the router and both
  // the ODBM and the alias's datastore are active.
  static bool Routable(const ExitOdbmInfo& odbm, const ExitAliasInfo& alias);

 private:
  const std::vector<ExitOdbmInfo> odbms_;  // never resized: the C view points in
  std::vector<std::vector<hwsr_datastore_t>> datastores_;
  std::vector<std::vector<const hwsr_datastore_t*>> datastore_ptrs_;
  std::vector<std::vector<hwsr_alias_t>> aliases_;
  std::vector<std::vector<const hwsr_alias_t*>> alias_ptrs_;
  std::vector<hwsr_odbm_t> c_odbms_;
  std::vector<const hwsr_odbm_t*> odbm_ptrs_;
  hwsr_table_t table_{};
};

}  // namespace drdaplex::router
