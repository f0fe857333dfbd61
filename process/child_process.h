// ChildProcess and RunCommand: run programs (servers, Java clients, tshark)
// from a test without ever leaving a zombie or an orphan behind.
//
// Contract of every child started here:
//  - exec'd directly with the given argv (no shell); a program name without
//    '/' is looked up in PATH before forking, so "not found" is an error
//    returned by Start(), not a child that exits 127;
//  - stdin is /dev/null; stdout and stderr go to the files named in
//    ChildOptions (or /dev/null);
//  - it leads its own process group, and Kill() signals the whole group, so
//    whatever the child starts itself (tshark's dumpcap, a JVM's helpers) is
//    signalled too;
//  - it gets PR_SET_PDEATHSIG = SIGKILL: when the test process dies (crash,
//    abort, kill -9) the child dies with it. The signal fires when the thread
//    that called Start() exits, so start children from a thread that outlives
//    them (the test's own thread);
//  - the destructor SIGKILLs the group and reaps the child, so a failed
//    ASSERT or an exception cannot leak it; when the child has exited, what is
//    left of its group is SIGKILLed before the child is reaped.
// A ChildProcess is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace drdaplex::process {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // Ended by exit(); `code` is valid.
  int code = -1;
  int signal = 0;  // Terminating signal when !exited.

  bool Success() const { return exited && code == 0; }
  // "exit status 0", "killed by signal 9 (Killed)".
  std::string ToString() const;
};

struct ChildOptions {
  // argv[0] is the program: a path, or a name searched in PATH.
  std::vector<std::string> argv{};
  // Files created (truncated) for the child's stdout and stderr; empty means
  // /dev/null. Both may name the same file: then the two streams share it.
  std::string stdout_path{};
  std::string stderr_path{};
  // Working directory of the child; empty means the caller's.
  std::string working_dir{};
  // Variables set (or replaced) in the child's environment, which otherwise
  // is the caller's.
  std::vector<std::pair<std::string, std::string>> env{};
};

class ChildProcess {
 public:
  // Starts the child. Returns nullptr and a reason in *error when the
  // program cannot be found or executed, or a redirection file cannot be
  // opened.
  static std::unique_ptr<ChildProcess> Start(ChildOptions options,
                                             std::string* error);

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const ChildOptions& options() const { return options_; }

  // The argv joined by spaces, for messages.
  std::string CommandLine() const;

  // True until the child has exited (it is reaped then, without blocking).
  bool IsRunning();

  // Waits at most `timeout` for the child to exit. Returns its status, or
  // nullopt when it is still running at the deadline. After the child has
  // been reaped, returns the same status at once.
  std::optional<ExitStatus> Wait(std::chrono::milliseconds timeout);

  // Sends `signal` to the child's process group. False once the child has
  // been reaped (its group id may no longer be ours).
  bool Kill(int signal);

  // Sends `signal`, waits at most `timeout`, then SIGKILLs: always returns
  // the final status. `*timed_out` (optional) tells whether SIGKILL was needed.
  ExitStatus Stop(int signal, std::chrono::milliseconds timeout,
                  bool* timed_out = nullptr);

  // The status once reaped, nullopt before.
  const std::optional<ExitStatus>& status() const { return status_; }

 private:
  ChildProcess(pid_t pid, int pidfd, ChildOptions options);

  // Reaps the child if it has exited; `block` waits for that.
  bool TryReap(bool block);

  pid_t pid_;
  int pidfd_;  // -1 when the kernel has no pidfd_open; then Wait() polls.
  ChildOptions options_;
  std::optional<ExitStatus> status_;
};

// Result of RunCommand.
struct CommandResult {
  std::string command_line;
  ExitStatus status;
  bool timed_out = false;  // Killed at the deadline.
  std::string start_error;  // Non-empty when the program could not start.
  std::string stdout_text;
  std::string stderr_text;

  // Started, finished in time, exit status 0.
  bool Success() const {
    return start_error.empty() && !timed_out && status.Success();
  }
  // Command, outcome and the tail of both outputs, for failure messages.
  std::string Describe(size_t max_lines = 200) const;
};

// Runs a program to completion and captures its stdout and stderr (in files
// in a private TempDir, so a chatty program never blocks on a full pipe).
// At `timeout` the child's process group is SIGKILLed and timed_out is set:
// the call never takes much longer than `timeout`. stdout_path and
// stderr_path in `options` are ignored.
CommandResult RunCommand(ChildOptions options, std::chrono::milliseconds timeout);
CommandResult RunCommand(std::vector<std::string> argv,
                         std::chrono::milliseconds timeout);

// The absolute path of `program` (searched in PATH when it has no '/'), or
// empty when there is no such executable.
std::string FindExecutable(const std::string& program);

}  // namespace drdaplex::process
