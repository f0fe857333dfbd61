// `drdaplex plex ...`: the launcher's command line.
//   plex up FILE [--dir DIR] [--network auto|namespaces|loopback]
//                [--no-supervise] [--detach]
//   plex down|status [--json]|kill NAME [--signal S]|restart NAME|start NAME|stop NAME
//                [--dir DIR]
// `up` brings the plex up (launcher.h), prints where everything listens and
// what to run next, and stays in the foreground until Ctrl-C, SIGTERM or
// `plex down` (with --detach it goes to the background once up). The others
// are one JSON-lines exchange each with the running launcher's control
// socket (DIR/control.port). Failures throw CLI::RuntimeError(exit code).
#pragma once

#include <CLI/CLI.hpp>

namespace drdaplex::plex {

void AddPlexCommands(CLI::App& app);

}  // namespace drdaplex::plex
