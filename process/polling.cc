#include "process/polling.h"

#include <algorithm>
#include <cctype>
#include <thread>

#include "process/child_process.h"
#include "process/temp_dir.h"

namespace drdaplex::process {

bool PollUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    if (condition()) return true;
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::max(std::chrono::milliseconds(1), std::min(pause, remaining)));
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

std::optional<int> WaitForPortFile(const std::string& path,
                                   std::chrono::milliseconds timeout,
                                   ChildProcess* process, std::string* error) {
  std::string contents;
  bool exited = false;
  bool found = PollUntil(
      [&] {
        contents = ReadFileOrEmpty(path);
        // The file appears complete (rename), but accept only a full line in
        // case a server writes it in place.
        if (!contents.empty() && contents.back() == '\n') return true;
        if (process != nullptr && !process->IsRunning()) {
          exited = true;
          return true;
        }
        return false;
      },
      timeout);
  if (exited) {
    *error = "the process exited (" + process->status()->ToString() +
             ") before writing its port file " + path;
    return std::nullopt;
  }
  if (!found) {
    *error = "no port file " + path + " after " +
             std::to_string(timeout.count()) + " ms" +
             (contents.empty() ? "" : " (incomplete contents '" + contents + "')");
    return std::nullopt;
  }
  std::string digits = contents.substr(0, contents.size() - 1);
  bool numeric = !digits.empty() && digits.size() <= 5 &&
                 std::all_of(digits.begin(), digits.end(),
                             [](unsigned char c) { return std::isdigit(c) != 0; });
  int port = numeric ? std::stoi(digits) : 0;
  if (port <= 0 || port > 65535) {
    *error = "port file " + path + " does not hold a port number: '" + contents + "'";
    return std::nullopt;
  }
  return port;
}

}  // namespace drdaplex::process
