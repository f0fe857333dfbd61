// Which datastore serves a connection: the ODBM's table of datastores and
// their aliases. A name matches a datastore name or an alias (case-
// insensitively); an alias several datastores share is served round-robin
// among them; a blank name round-robins across all datastores, as ODBM does.
// Thread-safe: the table is immutable after construction, the round-robin
// counters are atomic.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace drdaplex::odbm {

struct DatastoreInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::filesystem::path database;
};

class DatastoreDirectory {
 public:
  DatastoreDirectory(std::string odbm_name, std::vector<DatastoreInfo> datastores);

  // The datastore for `name`, or nullptr when no datastore has that name or
  // alias. Each call advances the round-robin of a shared alias.
  const DatastoreInfo* Resolve(std::string_view name);

  const std::string& odbm_name() const { return odbm_name_; }
  const std::vector<DatastoreInfo>& datastores() const { return datastores_; }

 private:
  struct Candidates {
    std::vector<size_t> indexes;
    std::unique_ptr<std::atomic<uint64_t>> next = std::make_unique<std::atomic<uint64_t>>(0);
  };

  std::string odbm_name_;
  std::vector<DatastoreInfo> datastores_;
  std::map<std::string, Candidates, std::less<>> by_name_;  // upper-case name or alias
  Candidates all_;
};

std::string UpperAscii(std::string_view s);

}  // namespace drdaplex::odbm
