// `drdaplex scenario FILE... --plex DIR`: runs fault scenarios one after
// another against a running plex (drdaplex plex up), prints each one's
// report and, at the end, one verdict line per scenario; exit status 1 when
// any failed.
#pragma once

namespace CLI {
class App;
}

namespace drdaplex::faults {

void AddScenarioCommand(CLI::App& app);

}  // namespace drdaplex::faults
