// ServerHealthFromSlots: the health (0..100) a router reports to WLM from
// its free connection slots, as IMS Connect derives its IWMSRSRG HEALTH=
// from the sockets still available of MAXSOC (research brief §4.4):
//   MAXSOC >= 1000: 11-100 % of the sockets free -> 100;
//                   0-10 % free                  -> that percentage;
//   MAXSOC <  1000: 21-100 % free                -> 100;
//                   below 21 % (IBM leaves it open; CHOICE) scaled
//                   linearly: free% × 100 / 21, so 20 % free -> 95 and the
//                   curve meets 100 where the flat part begins.
// Percentages are of free slots, rounded down. CHOICE: a router with at
// least one free slot reports at least 1, so health 0 means exactly "full"
// (and WLM leaves a health-0 server out of the weighted list). max_sockets 0
// (no limit known) reports 100.
// Thread-safety: a pure function.
#pragma once

#include <cstddef>

namespace drdaplex::router_wlm {

int ServerHealthFromSlots(size_t active, size_t max_sockets);

}  // namespace drdaplex::router_wlm
