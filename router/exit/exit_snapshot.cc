#include "router/exit/exit_snapshot.h"

#include <utility>

namespace drdaplex::router {
namespace {

hwsr_str_t View(const std::string& s) { return {s.data(), s.size()}; }

}  // namespace

bool ExitSnapshot::Routable(const ExitOdbmInfo& odbm, const ExitAliasInfo& alias) {
  if (odbm.status != HWSR_ODBM_ACTIVE || !alias.active_in_odbm ||
      !alias.active_in_router)
    return false;
  for (const ExitDatastoreInfo& ds : odbm.datastores) {
    if (ds.name == alias.datastore) return ds.status == HWSR_DATASTORE_ACTIVE;
  }
  return false;
}

ExitSnapshot::ExitSnapshot(std::vector<ExitOdbmInfo> odbms, uint64_t generation)
    : odbms_(std::move(odbms)) {
  // Fill every element array first, then take pointers: no vector below is
  // resized after its addresses are taken.
  datastores_.resize(odbms_.size());
  aliases_.resize(odbms_.size());
  datastore_ptrs_.resize(odbms_.size());
  alias_ptrs_.resize(odbms_.size());
  c_odbms_.resize(odbms_.size());
  for (size_t i = 0; i < odbms_.size(); ++i) {
    const ExitOdbmInfo& odbm = odbms_[i];
    for (const ExitDatastoreInfo& ds : odbm.datastores) {
      hwsr_datastore_t c{};
      c.size = sizeof(c);
      c.status = ds.status;
      c.name = View(ds.name);
      c.connections = ds.connections;
      datastores_[i].push_back(c);
    }
    for (const ExitAliasInfo& alias : odbm.aliases) {
      hwsr_alias_t c{};
      c.size = sizeof(c);
      c.flags = (alias.active_in_odbm ? HWSR_ALIAS_ACTIVE_IN_ODBM : 0u) |
                (alias.active_in_router ? HWSR_ALIAS_ACTIVE_IN_ROUTER : 0u);
      c.name = View(alias.name);
      c.datastore = View(alias.datastore);
      c.routable = Routable(odbm, alias) ? 1 : 0;
      aliases_[i].push_back(c);
    }
    for (const hwsr_datastore_t& c : datastores_[i]) datastore_ptrs_[i].push_back(&c);
    for (const hwsr_alias_t& c : aliases_[i]) alias_ptrs_[i].push_back(&c);

    hwsr_odbm_t& c = c_odbms_[i];
    c.size = sizeof(c);
    c.status = odbm.status;
    c.name = View(odbm.name);
    c.health = odbm.health;
    c.connections = odbm.connections;
    c.user = odbm.user;
    c.datastores = datastore_ptrs_[i].data();
    c.datastore_count = datastore_ptrs_[i].size();
    c.aliases = alias_ptrs_[i].data();
    c.alias_count = alias_ptrs_[i].size();
  }
  for (const hwsr_odbm_t& c : c_odbms_) odbm_ptrs_.push_back(&c);
  table_.size = sizeof(table_);
  table_.abi_version = HWSR_ABI_VERSION;
  table_.generation = generation;
  table_.odbms = odbm_ptrs_.data();
  table_.odbm_count = odbm_ptrs_.size();
}

const ExitOdbmInfo* ExitSnapshot::FindOdbm(std::string_view name) const {
  for (const ExitOdbmInfo& odbm : odbms_) {
    if (odbm.name == name) return &odbm;
  }
  return nullptr;
}

}  // namespace drdaplex::router
