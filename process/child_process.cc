#include "process/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "process/temp_dir.h"

extern char** environ;

namespace drdaplex::process {

namespace {

using Clock = std::chrono::steady_clock;

// What the child failed to do before exec; sent to the parent through a
// close-on-exec pipe, so Start() can report it instead of a mysterious 127.
enum ChildStage : int {
  kStageStdin = 1,
  kStageStdout,
  kStageStderr,
  kStageChdir,
  kStageExec,
  kStageParentGone,
};

struct ChildFailure {
  int stage;
  int error_number;
};

const char* StageName(int stage) {
  switch (stage) {
    case kStageStdin: return "open /dev/null for stdin";
    case kStageStdout: return "open the stdout file";
    case kStageStderr: return "open the stderr file";
    case kStageChdir: return "chdir to the working directory";
    case kStageExec: return "exec";
    case kStageParentGone: return "start (parent died)";
  }
  return "start";
}

ExitStatus FromWaitStatus(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) {
    status.exited = true;
    status.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  }
  return status;
}

int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  long fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) {
    fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    return static_cast<int>(fd);
  }
#endif
  return -1;
}

// The child's environment: the caller's with `overrides` applied.
std::vector<std::string> BuildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view item(*entry);
    bool replaced = std::any_of(
        overrides.begin(), overrides.end(), [&](const auto& kv) {
          return item.size() > kv.first.size() && item[kv.first.size()] == '=' &&
                 item.substr(0, kv.first.size()) == kv.first;
        });
    if (!replaced) env.emplace_back(item);
  }
  for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Only async-signal-safe calls from here until exec: the parent may have
// other threads (gtest, Asio) whose locks were copied in whatever state.
[[noreturn]] void ReportAndExit(int report_fd, int stage) {
  ChildFailure failure{stage, errno};
  ssize_t ignored = write(report_fd, &failure, sizeof(failure));
  (void)ignored;
  _exit(127);
}

void RedirectOrExit(const char* path, int target_fd, int flags, int report_fd,
                    int stage) {
  int fd = open(path, flags | O_CLOEXEC, 0644);
  if (fd < 0) ReportAndExit(report_fd, stage);
  if (dup2(fd, target_fd) < 0) ReportAndExit(report_fd, stage);  // dup2 clears CLOEXEC.
  close(fd);
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return "exit status " + std::to_string(code);
  if (signal != 0) {
    return "killed by signal " + std::to_string(signal) + " (" +
           strsignal(signal) + ")";
  }
  return "unknown status";
}

std::string FindExecutable(const std::string& program) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? program : std::string();
  }
  const char* path_env = std::getenv("PATH");
  std::string_view path = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    size_t colon = path.find(':');
    std::string dir(path.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + program;
    struct stat info;
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return {};
}

std::unique_ptr<ChildProcess> ChildProcess::Start(ChildOptions options,
                                                  std::string* error) {
  if (options.argv.empty()) {
    *error = "ChildProcess::Start: empty argv";
    return nullptr;
  }
  std::string program = FindExecutable(options.argv[0]);
  if (program.empty()) {
    *error = "program not found or not executable: " + options.argv[0];
    return nullptr;
  }

  // Everything the child needs is prepared here, before fork.
  std::vector<std::string> argv_strings = options.argv;
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<std::string> env_strings = BuildEnvironment(options.env);
  std::vector<char*> envp = CStrings(env_strings);
  const bool same_output = !options.stdout_path.empty() &&
                           options.stdout_path == options.stderr_path;
  const char* stdout_path =
      options.stdout_path.empty() ? "/dev/null" : options.stdout_path.c_str();
  const char* stderr_path =
      options.stderr_path.empty() ? "/dev/null" : options.stderr_path.c_str();
  const char* working_dir =
      options.working_dir.empty() ? nullptr : options.working_dir.c_str();
  const pid_t parent = getpid();

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    *error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }

  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(report[0]);
    close(report[1]);
    return nullptr;
  }
  if (pid == 0) {
    close(report[0]);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died between fork and prctl; then nobody would
    // ever kill us.
    if (getppid() != parent) ReportAndExit(report[1], kStageParentGone);
    // Dispositions set to SIG_IGN survive exec (a shell running the tests in
    // the background ignores SIGINT); the child must see signals as a fresh
    // program would.
    struct sigaction default_action;
    std::memset(&default_action, 0, sizeof(default_action));
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &default_action, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    RedirectOrExit("/dev/null", STDIN_FILENO, O_RDONLY, report[1], kStageStdin);
    RedirectOrExit(stdout_path, STDOUT_FILENO, O_WRONLY | O_CREAT | O_TRUNC,
                   report[1], kStageStdout);
    if (same_output) {
      if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0) ReportAndExit(report[1], kStageStderr);
    } else {
      RedirectOrExit(stderr_path, STDERR_FILENO, O_WRONLY | O_CREAT | O_TRUNC,
                     report[1], kStageStderr);
    }
    if (working_dir != nullptr && chdir(working_dir) != 0) {
      ReportAndExit(report[1], kStageChdir);
    }
    execve(program.c_str(), argv.data(), envp.data());
    ReportAndExit(report[1], kStageExec);
  }

  // Also from the parent, so that Kill() works even before the child has run.
  setpgid(pid, pid);
  close(report[1]);
  ChildFailure failure{};
  ssize_t got;
  do {
    got = read(report[0], &failure, sizeof(failure));
  } while (got < 0 && errno == EINTR);
  close(report[0]);
  if (got == static_cast<ssize_t>(sizeof(failure))) {
    int ignored;
    waitpid(pid, &ignored, 0);
    *error = std::string("cannot ") + StageName(failure.stage) + " for " +
             options.argv[0] + ": " + std::strerror(failure.error_number);
    return nullptr;
  }
  // EOF: exec succeeded (the pipe was closed on exec).
  int pidfd = OpenPidfd(pid);
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, pidfd, std::move(options)));
}

ChildProcess::ChildProcess(pid_t pid, int pidfd, ChildOptions options)
    : pid_(pid), pidfd_(pidfd), options_(std::move(options)) {}

ChildProcess::~ChildProcess() {
  if (!status_) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    TryReap(/*block=*/true);
  }
  if (pidfd_ >= 0) close(pidfd_);
}

std::string ChildProcess::CommandLine() const {
  std::string line;
  for (const std::string& arg : options_.argv) {
    if (!line.empty()) line += ' ';
    line += arg;
  }
  return line;
}

bool ChildProcess::TryReap(bool block) {
  if (status_) return true;
  siginfo_t info;
  while (true) {
    std::memset(&info, 0, sizeof(info));
    int flags = WEXITED | WNOWAIT | (block ? 0 : WNOHANG);
    if (waitid(P_PID, static_cast<id_t>(pid_), &info, flags) == 0) break;
    if (errno == EINTR) continue;
    // ECHILD: somebody else reaped it (should not happen); report it as gone.
    status_ = ExitStatus{};
    return true;
  }
  if (info.si_pid == 0) return false;  // Still running.
  // The child is a zombie, so its pid (and group id) are still ours: clean
  // up anything it left running in its group before letting the id go.
  kill(-pid_, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  status_ = FromWaitStatus(wait_status);
  return true;
}

bool ChildProcess::IsRunning() { return !TryReap(/*block=*/false); }

std::optional<ExitStatus> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (!TryReap(/*block=*/false)) {
    auto now = Clock::now();
    if (now >= deadline) return std::nullopt;
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
        std::chrono::milliseconds(1);
    if (pidfd_ >= 0) {
      // The pidfd becomes readable exactly when the child exits.
      pollfd fd{pidfd_, POLLIN, 0};
      poll(&fd, 1, static_cast<int>(std::min<long long>(remaining.count(), 1 << 30)));
    } else {
      std::this_thread::sleep_for(std::min(pause, remaining));
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
  }
  return status_;
}

bool ChildProcess::Kill(int signal) {
  if (status_) return false;
  if (kill(-pid_, signal) == 0) return true;
  return kill(pid_, signal) == 0;
}

ExitStatus ChildProcess::Stop(int signal, std::chrono::milliseconds timeout,
                              bool* timed_out) {
  if (timed_out != nullptr) *timed_out = false;
  if (status_) return *status_;
  Kill(signal);
  if (auto status = Wait(timeout)) return *status;
  if (timed_out != nullptr) *timed_out = true;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  TryReap(/*block=*/true);
  return *status_;
}

std::string CommandResult::Describe(size_t max_lines) const {
  std::string text = "command: " + command_line + "\n";
  if (!start_error.empty()) return text + "could not start: " + start_error + "\n";
  text += timed_out ? "result: timed out, killed (" + status.ToString() + ")\n"
                    : "result: " + status.ToString() + "\n";
  text += "--- stdout ---\n" + TailLines(stdout_text, max_lines);
  if (!stdout_text.empty() && stdout_text.back() != '\n') text += "\n";
  text += "--- stderr ---\n" + TailLines(stderr_text, max_lines);
  if (!stderr_text.empty() && stderr_text.back() != '\n') text += "\n";
  text += "---\n";
  return text;
}

CommandResult RunCommand(ChildOptions options, std::chrono::milliseconds timeout) {
  CommandResult result;
  for (const std::string& arg : options.argv) {
    if (!result.command_line.empty()) result.command_line += ' ';
    result.command_line += arg;
  }
  TempDir capture("drdaplex-run-");
  options.stdout_path = capture.File("stdout");
  options.stderr_path = capture.File("stderr");
  std::unique_ptr<ChildProcess> child =
      ChildProcess::Start(options, &result.start_error);
  if (child == nullptr) return result;
  if (std::optional<ExitStatus> status = child->Wait(timeout)) {
    result.status = *status;
  } else {
    result.timed_out = true;
    result.status = child->Stop(SIGKILL, std::chrono::seconds(10));
  }
  result.stdout_text = ReadFileOrEmpty(options.stdout_path);
  result.stderr_text = ReadFileOrEmpty(options.stderr_path);
  return result;
}

CommandResult RunCommand(std::vector<std::string> argv,
                         std::chrono::milliseconds timeout) {
  ChildOptions options;
  options.argv = std::move(argv);
  return RunCommand(std::move(options), timeout);
}

}  // namespace drdaplex::process
