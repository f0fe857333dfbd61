// Rendezvous hashing of client 4-tuples over a system's servers.
#include "distributor/core/shareport_hash.h"

namespace drdaplex::distributor {
namespace {

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t Fnv(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

uint64_t FnvPort(uint64_t h, uint16_t port) {
  const char bytes[2] = {static_cast<char>(port >> 8), static_cast<char>(port & 0xff)};
  return Fnv(h, std::string_view(bytes, 2));
}

// splitmix64's finaliser: FNV alone leaves neighbouring ports correlated.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t HashClientKey(const ClientKey& key) {
  // A separator byte keeps ("1.2", "3") and ("1.", "23") apart.
  uint64_t h = Fnv(kFnvOffset, key.source_ip);
  h = Fnv(h, std::string_view("\0", 1));
  h = FnvPort(h, key.source_port);
  h = Fnv(h, key.dest_ip);
  h = Fnv(h, std::string_view("\0", 1));
  h = FnvPort(h, key.dest_port);
  return Mix(h);
}

std::optional<size_t> PickByHash(const ClientKey& key,
                                 std::span<const std::string_view> server_ids) {
  const uint64_t key_hash = HashClientKey(key);
  std::optional<size_t> best;
  uint64_t best_score = 0;
  for (size_t i = 0; i < server_ids.size(); ++i) {
    const uint64_t score = Mix(key_hash ^ Fnv(kFnvOffset, server_ids[i]));
    if (!best || score > best_score ||
        (score == best_score && server_ids[i] < server_ids[*best])) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

}  // namespace drdaplex::distributor
