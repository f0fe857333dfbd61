// RoutingExit: calls a loaded exit's route() for one new connection, with a
// deadline, and validates its decision against the snapshot it was given.
// ExitHolder: the router's current exit, swapped on reload while calls in
// flight finish on the old one.
//
// Limits, honestly: exit code is C in our process and cannot be killed. A
// call past its deadline is reported as kTimedOut and its late result is
// discarded, but it keeps one worker thread busy until it returns; calls
// beyond max_outstanding (queued + running) are refused at once as
// kOverloaded, so a hung exit costs a bounded number of threads and never
// blocks the router. A crashing exit crashes the router.
//
// Ownership: each call holds shared_ptrs to the ExitModule and snapshot, so
// neither goes away (and term() is not called) while the exit runs.
// Thread-safety: RoutingExit::Route and all ExitHolder methods are safe to
// call concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "drdaplex/hwsrout0.h"
#include "router/exit/exit_module.h"
#include "router/exit/exit_snapshot.h"

namespace drdaplex::router {

struct ExitRequest {
  std::string alias;           // as the client sent it; may be blank
  std::string psb_name;
  std::string user_id;
  std::string client_address;  // "ip:port"
  std::string router_name;
  uint64_t connection_id = 0;
};

// A validated decision, in C++ terms.
struct ExitDecision {
  hwsr_action_t action = HWSR_ROUTE_DEFAULT;
  std::string odbm;       // kRouteOdbm
  std::string datastore;  // kRouteOdbm, optional
  std::string alias;      // kRouteAlias, may be empty
  std::string message;    // kReject
};

enum class ExitOutcome {
  kOk,               // decision is valid
  kExitFailed,       // route() returned nonzero
  kTimedOut,         // no answer within the deadline; late result discarded
  kInvalidDecision,  // the decision failed validation; reason says why
  kOverloaded,       // too many calls outstanding (likely a hung exit)
};

struct ExitResult {
  ExitOutcome outcome = ExitOutcome::kOk;
  ExitDecision decision;
  std::string reason;  // empty when kOk
  bool ok() const { return outcome == ExitOutcome::kOk; }
};

// Checks a raw decision against the snapshot: the action is an
// hwsr_action_t, every buffer is NUL-terminated, a named ODBM exists and is
// active, a named datastore exists in it and is active. Returns false with
// *reason set when it is not acceptable.
bool ValidateDecision(const hwsr_decision_t& raw, const ExitSnapshot& snapshot,
                      ExitDecision* decision, std::string* reason);

struct RoutingExitOptions {
  // <= 0 calls route() on the caller's thread with no deadline.
  std::chrono::milliseconds deadline{50};
  size_t workers = 2;
  size_t max_outstanding = 8;  // queued + running, including timed-out calls
};

class RoutingExit {
 public:
  RoutingExit(std::shared_ptr<ExitModule> module, RoutingExitOptions options = {});
  RoutingExit(const RoutingExit&) = delete;
  RoutingExit& operator=(const RoutingExit&) = delete;
  // Does not wait for calls in flight; they finish on their own threads.
  ~RoutingExit();

  ExitResult Route(const ExitRequest& request,
                   std::shared_ptr<const ExitSnapshot> snapshot);

  const ExitModule& module() const { return *module_; }
  size_t OutstandingForTest() const;

 private:
  struct Pool;
  const std::shared_ptr<ExitModule> module_;
  const RoutingExitOptions options_;
  std::shared_ptr<Pool> pool_;
};

// The current exit. Swap() publishes a new one atomically; Route() callers
// that already took the old one finish on it, and the old module's term()
// runs when the last of them lets go.
class ExitHolder {
 public:
  ExitHolder() = default;
  explicit ExitHolder(std::shared_ptr<RoutingExit> exit) : current_(std::move(exit)) {}

  std::shared_ptr<RoutingExit> Get() const;
  // Returns the previous exit (may be null).
  std::shared_ptr<RoutingExit> Swap(std::shared_ptr<RoutingExit> next);
  // With no exit installed the answer is HWSR_ROUTE_DEFAULT (pass-through).
  ExitResult Route(const ExitRequest& request,
                   std::shared_ptr<const ExitSnapshot> snapshot) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<RoutingExit> current_;  // guarded by mu_
};

}  // namespace drdaplex::router
