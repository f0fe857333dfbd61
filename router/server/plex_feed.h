// PlexFeed: turns the plex registry's events about ODBMs into changes of
// the routing table (the SCI Notify exit of IMS Connect, in effect). A
// snapshot replaces the table's view; a join or change upserts one ODBM; a
// leave marks it DISCONNECTED. Losing the registry changes nothing: the
// router keeps routing on what it last knew, as IMS Connect keeps its ODBM
// connections when SCI restarts, and takes the fresh snapshot on reconnect.
// Thread-safety: as RoutingTable's (any thread).
#pragma once

#include "registry/record.h"
#include "registry/watcher.h"
#include "router/routing/plex_view.h"
#include "router/routing/routing_table.h"

namespace drdaplex::router {

OdbmDescription DescribeOdbm(const registry::MemberRecord& record);

void ApplyRegistryEvent(RoutingTable& table, const registry::RegistryEvent& event);

}  // namespace drdaplex::router
