#include "tests/support/service_process.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

std::unique_ptr<ServiceProcess> ServiceProcess::Start(ServiceOptions options, std::string* error) {
  const std::string binary = BinaryPath(options.program);
  if (access(binary.c_str(), X_OK) != 0) {
    *error = "program missing: " + binary + " (build the " + options.program + " target first)";
    return nullptr;
  }
  std::unique_ptr<ServiceProcess> service(new ServiceProcess());
  const std::string base = options.dir + "/" + options.name;
  service->log_path_ = base + ".log";
  ChildOptions child;
  child.argv = {binary};
  child.argv.insert(child.argv.end(), options.args.begin(), options.args.end());
  std::map<std::string, std::string> port_paths;
  for (const std::string& flag : options.port_files) {
    const std::string path = base + "." + flag;
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // a stale file would lie
    child.argv.push_back("--" + flag);
    child.argv.push_back(path);
    port_paths[flag] = path;
  }
  child.stdout_path = service->log_path_;
  child.stderr_path = service->log_path_;
  service->options_ = std::move(options);
  service->process_ = ChildProcess::Start(std::move(child), error);
  if (service->process_ == nullptr) return nullptr;
  for (const auto& [flag, path] : port_paths) {
    auto port = WaitForPortFile(path, service->options_.start_timeout, service->process_.get(), error);
    if (!port) {
      service->process_->Stop(SIGKILL, std::chrono::seconds(5));
      service->stopped_ = true;
      *error += "\ncommand: " + service->process_->CommandLine() + "\nlog:\n" + service->LogTail();
      return nullptr;
    }
    service->ports_[flag] = *port;
  }
  return service;
}

ServiceProcess::~ServiceProcess() {
  if (process_ != nullptr && !stopped_) {
    auto result = Stop();
    if (!result) ADD_FAILURE() << "on destruction: " << result.message();
  }
}

int ServiceProcess::port(const std::string& flag) const {
  const std::string key = flag.empty() ? options_.port_files.at(0) : flag;
  auto it = ports_.find(key);
  return it == ports_.end() ? 0 : it->second;
}

std::string ServiceProcess::Log() const { return ReadFileOrEmpty(log_path_); }

std::string ServiceProcess::LogTail(size_t max_lines) const { return TailLines(Log(), max_lines); }

::testing::AssertionResult ServiceProcess::Stop(std::chrono::milliseconds timeout) {
  if (stopped_) return ::testing::AssertionSuccess();
  stopped_ = true;
  process_->Kill(SIGCONT);  // a paused process cannot act on SIGTERM
  bool timed_out = false;
  const ExitStatus status = process_->Stop(SIGTERM, timeout, &timed_out);
  if (status.Success()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << options_.name << " did not stop cleanly (" << status.ToString()
         << (timed_out ? ", needed SIGKILL" : "") << ")\nlog:\n" << LogTail();
}

::testing::AssertionResult ServiceProcess::Kill(std::chrono::milliseconds timeout) {
  stopped_ = true;
  if (!process_->Kill(SIGKILL)) return ::testing::AssertionFailure() << "cannot signal " << options_.name;
  if (!process_->Wait(timeout)) {
    return ::testing::AssertionFailure() << options_.name << " survived SIGKILL";
  }
  return ::testing::AssertionSuccess();
}

bool ServiceProcess::Pause() { return process_->Kill(SIGSTOP); }
bool ServiceProcess::Resume() { return process_->Kill(SIGCONT); }

}  // namespace drdaplex::testing
