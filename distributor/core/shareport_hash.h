// SHAREPORT inside a system: which of the system's usable servers takes a
// client, by a hash of the client's 4-tuple, as the kernel's SO_REUSEPORT
// does by default. Stateless and unweighted: the same key always lands on
// the same server while the server set is unchanged, and many keys spread
// evenly (a hash, so short runs are uneven).
//
// Unlike the kernel (hash scaled to an index into the group), this uses
// rendezvous hashing: every server gets a score from (key, server id) and
// the highest wins. When a server leaves, only the keys that were on it
// move; when one joins, it takes only its share. The hash (FNV-1a 64 with
// a splitmix64 finish) is fixed, so decisions are the same in every run
// and on every distributor, primary or backup.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "distributor/core/dist_types.h"

namespace drdaplex::distributor {

uint64_t HashClientKey(const ClientKey& key);

// Index into `server_ids` of the server for `key`; nullopt when empty.
// Ties (practically never) go to the smaller id.
std::optional<size_t> PickByHash(const ClientKey& key,
                                 std::span<const std::string_view> server_ids);

}  // namespace drdaplex::distributor
