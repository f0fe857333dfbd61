// The real HAProxy in tests, and the small blocking socket exchanges used to
// talk to it and to the agent checks it polls.
//
// Haproxy starts /usr/sbin/haproxy (or the one in PATH) in the foreground
// (-db) in TCP mode: one frontend on 127.0.0.1 and one backend whose body
// (balance, options, server lines) the test gives, plus an admin stats
// socket through which the test reads HAProxy's own view of each server
// ("show stat": status and effective weight). Its frontend port is picked
// free and may be taken before HAProxy binds it; HAProxy then exits at once
// and Start() tries another. Stop() is HAProxy's soft stop (SIGUSR1): it
// exits 0 once its connections have ended.
//
// Ownership: a Haproxy owns its process (ChildProcess: killed on
// destruction at the latest) and writes its config, log and stats socket
// in the directory it is given, which must outlive it.
// Thread-safety: one test thread; the free functions are independent.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace drdaplex::testing {

// Connects to host:port (IPv4; 127.0.0.1 when not given), sends `send`
// (when not empty), then reads until end of stream. nullopt on connect
// failure, reset or timeout.
std::optional<std::string> TcpExchange(const std::string& host, int port,
                                       std::chrono::milliseconds timeout,
                                       const std::string& send = "");
std::optional<std::string> TcpExchange(int port, std::chrono::milliseconds timeout,
                                       const std::string& send = "");

// The same over a Unix stream socket.
std::optional<std::string> UnixExchange(const std::string& path, const std::string& send,
                                        std::chrono::milliseconds timeout);

// A port nothing listens on at the moment of the call on 127.0.0.1 (bound
// to port 0 and released): a program given it may still lose it to
// another, so callers retry on a bind failure.
int PickFreePort();

// The HAProxy executable: /usr/sbin/haproxy, else "haproxy" in PATH; empty
// when there is none.
std::string FindHaproxy();

// One server row of HAProxy's "show stat".
struct HaproxyServerStat {
  std::string status;  // "UP", "DRAIN (agent)", "DOWN (agent)", "DOWN 1/2", "MAINT", ...
  int weight = -1;     // the effective weight; -1 when empty
  long long sessions_total = -1;  // stot: connections sent to it so far
};

struct HaproxyOptions {
  std::string binary;                 // FindHaproxy()
  std::string dir;                    // haproxy.cfg, haproxy.log and haproxy.sock go here
  std::string backend = "routers";    // the backend's (and frontend's) name
  std::string backend_body;           // lines after "backend <name>", each ending in '\n'
  std::vector<std::string> servers;   // the server names, waited for in the stats
  std::chrono::milliseconds start_timeout = std::chrono::seconds(10);
};

class Haproxy {
 public:
  // Started and answering on its stats socket with every server listed;
  // nullptr with the reason and the log's tail in *error otherwise.
  static std::unique_ptr<Haproxy> Start(HaproxyOptions options, std::string* error);
  ~Haproxy();
  Haproxy(const Haproxy&) = delete;
  Haproxy& operator=(const Haproxy&) = delete;

  // The frontend's port on 127.0.0.1.
  int port() const { return port_; }
  bool IsRunning() { return process_->IsRunning(); }

  // The backend's servers as HAProxy sees them; empty when the stats
  // socket does not answer.
  std::map<std::string, HaproxyServerStat> Stats() const;

  // Waits until HAProxy shows `server` in a status starting with `status`
  // (and with `weight`, when not -1).
  ::testing::AssertionResult WaitForServer(
      const std::string& server, const std::string& status, int weight = -1,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // The last lines of HAProxy's output, for failure messages.
  std::string Log() const;

  // Soft stop (SIGUSR1), SIGKILL after `timeout`; success when it exited 0.
  ::testing::AssertionResult Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  Haproxy() = default;
  std::string Config() const;
  std::string StatsSocket() const;

  HaproxyOptions options_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

}  // namespace drdaplex::testing
