#include "router/server/plex_feed.h"

#include <spdlog/spdlog.h>

namespace drdaplex::router {

OdbmDescription DescribeOdbm(const registry::MemberRecord& record) {
  OdbmDescription odbm;
  odbm.name = record.name;
  odbm.address = record.address;
  odbm.health = static_cast<uint32_t>(std::clamp(record.health, 0, 100));
  odbm.active = record.status == registry::kStatusActive;
  for (const auto& ds : registry::OdbmDatastores(record)) {
    odbm.datastores.push_back({ds.name, ds.status == registry::kStatusActive, ds.aliases});
  }
  return odbm;
}

void ApplyRegistryEvent(RoutingTable& table, const registry::RegistryEvent& event) {
  using Type = registry::RegistryEvent::Type;
  switch (event.type) {
    case Type::kSnapshot: {
      std::vector<OdbmDescription> odbms;
      for (const auto& member : event.members) {
        if (member.kind == registry::kKindOdbm) odbms.push_back(DescribeOdbm(member));
      }
      spdlog::info("plex registry: {} ODBM(s) registered", odbms.size());
      table.ReplaceAll(std::move(odbms));
      break;
    }
    case Type::kJoined:
    case Type::kChanged:
      for (const auto& member : event.members) {
        if (member.kind != registry::kKindOdbm) continue;
        spdlog::info("plex registry: ODBM {} {} at {} (health {})", member.name,
                     event.type == Type::kJoined ? "joined" : "changed", member.address,
                     member.health);
        table.Upsert(DescribeOdbm(member));
      }
      break;
    case Type::kLeft:
      if (event.kind == registry::kKindOdbm) {
        spdlog::info("plex registry: ODBM {} left ({})", event.name, event.reason);
        table.MarkGone(event.name, event.reason);
      }
      break;
    case Type::kRegistryLost:
      spdlog::warn("plex registry lost ({}); routing on the last known table", event.reason);
      break;
  }
}

}  // namespace drdaplex::router
