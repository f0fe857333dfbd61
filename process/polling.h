// Bounded polling: how tests wait for another process to reach a state.
//
// Tests never sleep a fixed time and hope: they poll a condition with a
// short, growing interval (1 ms up to 20 ms) and give up at a deadline, so a
// fast machine is not slowed down and a slow one gets the whole budget.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace drdaplex::process {

class ChildProcess;

// Calls `condition` until it returns true or `timeout` has passed. Returns
// whether it became true. `condition` is always called at least once, and
// once more at the deadline.
bool PollUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds timeout);

// Waits for a server's port file: a decimal port number followed by a
// newline, written atomically (temp file + rename) once the server accepts
// connections. Returns the port, or nullopt with a reason in *error when the
// deadline passes, the file holds something else, or `process` (optional:
// the server writing the file) exits first — then the wait ends at once.
std::optional<int> WaitForPortFile(const std::string& path,
                                   std::chrono::milliseconds timeout,
                                   ChildProcess* process, std::string* error);

}  // namespace drdaplex::process
