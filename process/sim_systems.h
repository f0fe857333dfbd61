// SimSystems: the simulated systems (z/OS images, LPARs) of a test plex on
// one Linux machine, each with an address of its own.
//
// Two modes, both tested:
//  - kNamespaces (root, iproute2): one network namespace per system,
//    "dpx-<pid>-<n>-<NAME>", joined by a veth pair ("eth0" inside) to a
//    Linux bridge "dpx<pid>b<k>" in the host namespace. The plex gets a
//    /24 of its own, 10.<a>.<b>.0/24: the bridge is .1 (host_address(),
//    where a registry every system must reach listens), system i (1-based,
//    in the order given) is .(10+i) with a default route via the bridge,
//    and the DVIPA .100/32 sits on the bridge too, so a distributor in the
//    host namespace can bind it and clients in the host namespace and in
//    every system reach it. Systems are really isolated: a program in
//    SYS2 cannot bind SYS1's address, and each has its own loopback.
//  - kLoopback: no isolation, only addresses: system i is 127.0.<b>.(10+i),
//    the DVIPA 127.0.<b>.100 and the host address 127.0.0.1 (all of 127/8
//    is local already). Programs must bind the system's address explicitly.
// The /24 (namespaces) or <b> (loopback) is chosen per SimSystems so that
// concurrent test processes (ctest -j) never collide: a candidate derived
// from the pid, skipped when the host already has an overlapping address or
// route, and held for the object's life by an abstract unix socket named
// after it (the kernel lets it go when the process dies, however it dies).
//
// Ownership: a SimSystems owns what it created (namespaces, veths, bridge,
// the DVIPA on the bridge) and removes it on destruction, also after a
// partly failed Create(). Create() first removes what crashed earlier runs
// left: namespaces "dpx-<pid>-..." and links "dpx<pid><letter>..." whose
// pid no longer exists (or is a zombie). Destroy a SimSystems after the
// processes running in it (declare it first); a process still inside a
// deleted namespace keeps running, cut off, until it dies with the test.
//
// Traffic between systems is bridged inside the host: a host whose
// br_netfilter passes bridged frames to an iptables FORWARD chain with
// policy DROP (Docker does that) drops it; traffic between a system and the
// host address or the DVIPA is not forwarded and is unaffected.
//
// Running programs in a system: CommandIn() wraps an argv in
// "ip netns exec <ns>" (which execs the program in place: the child's pid
// is the program, so ChildProcess's process group, Kill() and
// PR_SET_PDEATHSIG work unchanged). A starter that builds its own argv
// (the tests' ServiceProcess, the plex launcher) uses RunIn() instead, which
// moves the calling thread into the system's namespace for the duration of
// the start (the fork inherits it) and back.
//
// Used by the tests (tests/support/sim_systems.h re-exports it and reports
// teardown problems as test failures) and by the plex launcher
// (harness/plex), hence a library outside tests/ without GoogleTest.
//
// Thread-safety: const members may be called from any thread; RunIn()
// changes only the calling thread's namespace. Create() and the destructor
// run `ip`; they are not meant to race with RunIn() on the same object.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>


namespace drdaplex::process {

class SimSystems {
 public:
  enum class Mode { kNamespaces, kLoopback };

  // kNamespaces when this process may create namespaces, bridges and veths
  // (root, `ip` present, a throwaway namespace and bridge can be made and
  // entered), else kLoopback with the reason in *why (optional). Setting
  // DRDAPLEX_SIM_SYSTEMS=loopback in the environment forces kLoopback.
  // Probed once per process.
  static Mode Available(std::string* why);

  // Sets up the systems, named e.g. {"SYS1", "SYS2", "SYS3"} (1 to 89
  // distinct names of letters, digits, '_' and '-', at most 32 long).
  // nullptr with the reason in *error (everything made so far removed).
  static std::unique_ptr<SimSystems> Create(Mode mode, std::vector<std::string> system_names,
                                            std::string* error);

  ~SimSystems();
  SimSystems(const SimSystems&) = delete;
  SimSystems& operator=(const SimSystems&) = delete;

  Mode mode() const { return mode_; }
  // The names, in the order given to Create().
  std::vector<std::string> systems() const { return names_; }
  // The system's address ("10.a.b.12", "127.0.b.12"). Throws
  // std::out_of_range for a name Create() was not given.
  const std::string& address(const std::string& system) const;
  // The distributed VIPA, bindable in the host namespace.
  const std::string& dvipa() const { return dvipa_; }
  // The plex's address in the host namespace, reachable from every system.
  const std::string& host_address() const { return host_address_; }
  // The system's network namespace; empty in loopback mode.
  const std::string& netns(const std::string& system) const;
  // The bridge joining the systems (for packet captures); empty in loopback mode.
  const std::string& bridge() const { return bridge_; }

  // The argv that runs `argv` inside `system`: {"<ip>", "netns", "exec", <ns>, argv...}
  // with namespaces, `argv` unchanged in loopback mode.
  std::vector<std::string> CommandIn(const std::string& system,
                                     std::vector<std::string> argv) const;

  // Calls `fn` with the calling thread in `system`'s network namespace
  // (children it forks are born there), then moves the thread back. In
  // loopback mode just calls `fn`. False with the reason in *error when the
  // namespace cannot be entered (then `fn` is not called). Aborts when the
  // thread cannot return to its own namespace: nothing after could be
  // trusted.
  bool RunIn(const std::string& system, const std::function<void()>& fn, std::string* error) const;

  // What the destructor does with a description of what it could not
  // remove (commands and their output). Default: print it to stderr. The
  // tests install one that records a test failure. Process-wide; set it
  // before creating SimSystems.
  using TeardownReporter = std::function<void(const std::string& problems)>;
  static void SetTeardownReporter(TeardownReporter reporter);

 private:
  SimSystems() = default;

  bool SetUpNamespaces(std::string* error);
  bool SetUpLoopback(std::string* error);
  // Runs `ip args...`; false with the command and its output in *error.
  bool Ip(std::vector<std::string> args, std::string* error) const;
  void TearDown();

  Mode mode_ = Mode::kLoopback;
  std::vector<std::string> names_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::string> namespaces_;
  std::string dvipa_;
  std::string host_address_;
  std::string bridge_;
  std::string ip_;  // the ip program's path

  // What exists and must go, in creation order.
  std::vector<std::string> created_namespaces_;
  std::vector<std::string> created_links_;  // veth host ends, then nothing else
  bool bridge_created_ = false;
  int subnet_lock_fd_ = -1;  // the abstract socket holding our addresses
};

const char* ModeName(SimSystems::Mode mode);

}  // namespace drdaplex::process
