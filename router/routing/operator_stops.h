// OperatorStops: the routing state operators set with commands, kept by
// name and apart from the registry's picture of the plex, so it survives an
// ODBM leaving and re-joining, and a STOP for a name no ODBM has yet is
// remembered until one registers it (then it applies).
//   - STOP(ROUTE)/START(ROUTE) of an alias, in every ODBM or in listed ones
//     (UPDATE IMSCON TYPE(ALIAS) NAME(..) [ODBM(..)]);
//   - STOP/START of a whole ODBM (STOP(COMM): INACTIVE for routing);
//   - STOP/START of one datastore of an ODBM.
// Names here are concrete and normalized (upper case); RoutingTable expands
// wildcards against the names it knows before calling in.
// Ownership: plain value. Thread-safety: none; RoutingTable guards it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace drdaplex::router {

class OperatorStops {
 public:
  // `odbms` empty = the alias in every ODBM, present and future.
  void StopAlias(const std::string& alias, const std::vector<std::string>& odbms);
  void StartAlias(const std::string& alias, const std::vector<std::string>& odbms);
  bool AliasStopped(const std::string& alias, const std::string& odbm) const;

  void StopOdbm(const std::string& odbm) { odbms_.insert(odbm); }
  void StartOdbm(const std::string& odbm) { odbms_.erase(odbm); }
  bool OdbmStopped(const std::string& odbm) const { return odbms_.count(odbm) > 0; }

  void StopDatastore(const std::string& odbm, const std::string& datastore) {
    datastores_.insert({odbm, datastore});
  }
  void StartDatastore(const std::string& odbm, const std::string& datastore) {
    datastores_.erase({odbm, datastore});
  }
  bool DatastoreStopped(const std::string& odbm, const std::string& datastore) const {
    return datastores_.count({odbm, datastore}) > 0;
  }

  // Remembered names, for wildcard expansion and the operator display.
  std::vector<std::string> StoppedAliasNames() const;
  // The ODBMs an alias is stopped in; {"*"} when stopped in all of them
  // (with "-NAME" entries for the ODBMs started again since).
  std::vector<std::string> AliasStopScope(const std::string& alias) const;
  const std::set<std::string>& stopped_odbms() const { return odbms_; }
  const std::set<std::pair<std::string, std::string>>& stopped_datastores() const {
    return datastores_;
  }

 private:
  // STOP(ROUTE) of one alias. With `all`, stopped everywhere but in
  // `started`; without, stopped only in `stopped`. So STOP all, START in
  // ODBMB1 leaves it stopped in every other ODBM, including ones that join
  // later.
  struct AliasStop {
    bool all = false;
    std::set<std::string> stopped;  // used when !all
    std::set<std::string> started;  // used when all
  };
  std::map<std::string, AliasStop> aliases_;
  std::set<std::string> odbms_;
  std::set<std::pair<std::string, std::string>> datastores_;
};

}  // namespace drdaplex::router
