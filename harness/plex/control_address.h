// Where a running plex's launcher takes control requests: 127.0.0.1 and
// the port it wrote to DIR/control.port once it was up. Shared by every
// client of the control socket (drdaplex plex, the bench, the fault
// runner), which then speak JSON lines to it (router/ctl/line_client.h
// RequestOk). Stateless.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace drdaplex::plex {

// "127.0.0.1:PORT", or nullopt with the reason in *error when DIR has no
// readable control.port (no plex up there).
std::optional<std::string> ControlAddress(const std::filesystem::path& dir, std::string* error);

}  // namespace drdaplex::plex
