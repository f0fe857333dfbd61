// ServiceProcess: one real drdaplex server program (registry, router, ...)
// for a test. Starts BinaryPath(program) with the given arguments plus one
// "--<flag> <dir>/<name>.<flag>" per port file it should write, waits
// (bounded) until every port file exists, and exposes the ports. Logs go to
// <dir>/<name>.log. Stop() sends SIGTERM and expects exit status 0; Kill()
// is a fault the test injects; Pause()/Resume() stop and continue it
// (SIGSTOP/SIGCONT: hung, not dead). The destructor stops a running
// process and records an unclean exit as a test failure.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace drdaplex::testing {

struct ServiceOptions {
  std::string program;            // e.g. "drdaplex-router"
  std::string name;               // names the log and port files
  std::string dir;                // where they go
  std::vector<std::string> args;  // after the program name
  // Flags that take a port file, e.g. {"port-file", "admin-port-file"}.
  std::vector<std::string> port_files = {"port-file"};
  std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
};

class ServiceProcess {
 public:
  // nullptr with the reason (and the log's tail) in *error when the program
  // is missing, exits early or writes no port file in time.
  static std::unique_ptr<ServiceProcess> Start(ServiceOptions options, std::string* error);
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // The port written to the file of `flag` (default: the first).
  int port(const std::string& flag = "") const;
  const std::string& name() const { return options_.name; }
  ChildProcess& process() { return *process_; }
  std::string Log() const;
  std::string LogTail(size_t max_lines = 60) const;

  ::testing::AssertionResult Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ::testing::AssertionResult Kill(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool Pause();
  bool Resume();

 private:
  ServiceProcess() = default;

  ServiceOptions options_;
  std::unique_ptr<ChildProcess> process_;
  std::map<std::string, int> ports_;
  std::string log_path_;
  bool stopped_ = false;
};

}  // namespace drdaplex::testing
