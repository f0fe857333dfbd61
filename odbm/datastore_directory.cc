#include "odbm/datastore_directory.h"

#include <algorithm>
#include <cctype>

namespace drdaplex::odbm {

std::string UpperAscii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

DatastoreDirectory::DatastoreDirectory(std::string odbm_name, std::vector<DatastoreInfo> datastores)
    : odbm_name_(std::move(odbm_name)), datastores_(std::move(datastores)) {
  auto add = [this](const std::string& key, size_t index) {
    auto& c = by_name_[UpperAscii(key)];
    if (std::find(c.indexes.begin(), c.indexes.end(), index) == c.indexes.end()) c.indexes.push_back(index);
  };
  for (size_t i = 0; i < datastores_.size(); ++i) {
    // A datastore's own name works as an alias of it.
    add(datastores_[i].name, i);
    for (const auto& alias : datastores_[i].aliases) add(alias, i);
    all_.indexes.push_back(i);
  }
}

const DatastoreInfo* DatastoreDirectory::Resolve(std::string_view name) {
  Candidates* c = &all_;
  if (!name.empty()) {
    auto it = by_name_.find(UpperAscii(name));
    if (it == by_name_.end()) return nullptr;
    c = &it->second;
  }
  if (c->indexes.empty()) return nullptr;
  const uint64_t n = c->next->fetch_add(1, std::memory_order_relaxed);
  return &datastores_[c->indexes[n % c->indexes.size()]];
}

}  // namespace drdaplex::odbm
