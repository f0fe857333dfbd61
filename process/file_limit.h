// RaiseOpenFileLimit: lifts this process's soft RLIMIT_NOFILE to its hard
// limit. Programs that hold a descriptor per connection call it: the bench
// (a socket per client) and the plex launcher (its children inherit the
// limit: 1,000 clients through a router take more than 2,000 descriptors).
// Returns the soft limit now in force, or -1 when it cannot be read.
#pragma once

namespace drdaplex::process {

long RaiseOpenFileLimit();

}  // namespace drdaplex::process
