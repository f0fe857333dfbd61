#include "router/exit/routing_exit.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <thread>
#include <utility>

namespace drdaplex::router {
namespace {

hwsr_str_t View(const std::string& s) { return {s.data(), s.size()}; }

// Reads a fixed buffer the exit filled; false when it has no NUL.
bool ReadBuffer(const char* buffer, size_t size, const char* what,
                std::string* out, std::string* reason) {
  const void* nul = std::memchr(buffer, '\0', size);
  if (nul == nullptr) {
    *reason = std::string("exit left the ") + what + " buffer unterminated";
    return false;
  }
  out->assign(buffer, static_cast<const char*>(nul));
  return true;
}

// One route() call; shared by the caller and the worker so that a caller
// that gave up does not free what the exit is still writing.
struct Call {
  std::shared_ptr<ExitModule> module;
  std::shared_ptr<const ExitSnapshot> snapshot;
  ExitRequest request;
  hwsr_request_t c_request{};
  hwsr_decision_t decision{};
  int rc = 0;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;

  void Run() {
    c_request.size = sizeof(c_request);
    c_request.abi_version = HWSR_ABI_VERSION;
    c_request.alias = View(request.alias);
    c_request.psb_name = View(request.psb_name);
    c_request.user_id = View(request.user_id);
    c_request.client_address = View(request.client_address);
    c_request.router_name = View(request.router_name);
    c_request.connection_id = request.connection_id;
    decision.size = sizeof(decision);
    decision.abi_version = HWSR_ABI_VERSION;
    decision.action = HWSR_ROUTE_DEFAULT;
    rc = module->Route(&c_request, snapshot->table(), &decision);
  }
};

}  // namespace

bool ValidateDecision(const hwsr_decision_t& raw, const ExitSnapshot& snapshot,
                      ExitDecision* decision, std::string* reason) {
  switch (raw.action) {
    case HWSR_ROUTE_DEFAULT:
    case HWSR_ROUTE_ODBM:
    case HWSR_ROUTE_ALIAS:
    case HWSR_REJECT:
      break;
    default:
      *reason = "exit returned action " + std::to_string(raw.action) +
                ", not an hwsr_action_t value";
      return false;
  }
  ExitDecision out;
  out.action = static_cast<hwsr_action_t>(raw.action);
  // Checked whatever the action: the router zero-fills them, so an
  // unterminated buffer means the exit scribbled on the decision.
  if (!ReadBuffer(raw.odbm, sizeof(raw.odbm), "odbm", &out.odbm, reason) ||
      !ReadBuffer(raw.datastore, sizeof(raw.datastore), "datastore",
                  &out.datastore, reason) ||
      !ReadBuffer(raw.alias, sizeof(raw.alias), "alias", &out.alias, reason) ||
      !ReadBuffer(raw.message, sizeof(raw.message), "message", &out.message,
                  reason))
    return false;
  if (out.action == HWSR_ROUTE_ODBM) {
    if (out.odbm.empty()) {
      *reason = "exit chose HWSR_ROUTE_ODBM without naming an ODBM";
      return false;
    }
    const ExitOdbmInfo* odbm = snapshot.FindOdbm(out.odbm);
    if (odbm == nullptr) {
      *reason = "exit named unknown ODBM [" + out.odbm + "]";
      return false;
    }
    if (odbm->status != HWSR_ODBM_ACTIVE) {
      char status[8];
      std::snprintf(status, sizeof(status), "%02X", odbm->status);
      *reason = "exit named ODBM [" + out.odbm + "], which is not active (status X'" +
                status + "')";
      return false;
    }
    if (!out.datastore.empty()) {
      const ExitDatastoreInfo* found = nullptr;
      for (const ExitDatastoreInfo& ds : odbm->datastores) {
        if (ds.name == out.datastore) found = &ds;
      }
      if (found == nullptr) {
        *reason = "exit named datastore [" + out.datastore + "], unknown to ODBM [" +
                  out.odbm + "]";
        return false;
      }
      if (found->status != HWSR_DATASTORE_ACTIVE) {
        *reason = "exit named datastore [" + out.datastore + "] of ODBM [" +
                  out.odbm + "], which is not active";
        return false;
      }
    }
  } else {
    out.odbm.clear();
    out.datastore.clear();
  }
  if (out.action != HWSR_ROUTE_ALIAS) out.alias.clear();
  if (out.action == HWSR_REJECT) {
    if (out.message.empty()) out.message = "connection refused by routing exit";
  } else {
    out.message.clear();
  }
  *decision = std::move(out);
  return true;
}

// Workers are detached and hold the pool by shared_ptr, so destroying a
// RoutingExit never waits for (possibly hung) exit code.
struct RoutingExit::Pool {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;  // guarded by mu
  size_t outstanding = 0;                   // guarded by mu
  bool stop = false;                        // guarded by mu

  static void Work(std::shared_ptr<Pool> pool) {
    std::unique_lock<std::mutex> lock(pool->mu);
    for (;;) {
      pool->cv.wait(lock, [&] { return pool->stop || !pool->queue.empty(); });
      if (pool->queue.empty()) return;  // stopping and drained
      std::function<void()> task = std::move(pool->queue.front());
      pool->queue.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // drop the call's references before counting it done
      lock.lock();
      --pool->outstanding;
    }
  }
};

RoutingExit::RoutingExit(std::shared_ptr<ExitModule> module, RoutingExitOptions options)
    : module_(std::move(module)), options_(options), pool_(std::make_shared<Pool>()) {
  if (options_.deadline.count() > 0) {
    for (size_t i = 0; i < std::max<size_t>(options_.workers, 1); ++i) {
      std::thread(Pool::Work, pool_).detach();
    }
  }
}

RoutingExit::~RoutingExit() {
  {
    std::lock_guard<std::mutex> lock(pool_->mu);
    pool_->stop = true;
  }
  pool_->cv.notify_all();
}

size_t RoutingExit::OutstandingForTest() const {
  std::lock_guard<std::mutex> lock(pool_->mu);
  return pool_->outstanding;
}

ExitResult RoutingExit::Route(const ExitRequest& request,
                              std::shared_ptr<const ExitSnapshot> snapshot) {
  ExitResult result;
  auto call = std::make_shared<Call>();
  call->module = module_;
  call->snapshot = snapshot;
  call->request = request;

  if (options_.deadline.count() <= 0) {
    call->Run();
  } else {
    {
      std::lock_guard<std::mutex> lock(pool_->mu);
      if (pool_->outstanding >= options_.max_outstanding) {
        result.outcome = ExitOutcome::kOverloaded;
        result.reason = std::to_string(pool_->outstanding) +
                        " exit calls outstanding (limit " +
                        std::to_string(options_.max_outstanding) + ")";
        return result;
      }
      ++pool_->outstanding;
      pool_->queue.push_back([call] {
        call->Run();
        std::lock_guard<std::mutex> call_lock(call->mu);
        call->done = true;
        call->cv.notify_all();
      });
    }
    pool_->cv.notify_one();
    std::unique_lock<std::mutex> lock(call->mu);
    if (!call->cv.wait_for(lock, options_.deadline, [&] { return call->done; })) {
      result.outcome = ExitOutcome::kTimedOut;
      result.reason = "exit [" + module_->spec() + "] did not answer within " +
                      std::to_string(options_.deadline.count()) + " ms";
      return result;
    }
  }
  if (call->rc != 0) {
    result.outcome = ExitOutcome::kExitFailed;
    result.reason = "exit [" + module_->spec() + "] route() returned " +
                    std::to_string(call->rc);
    return result;
  }
  if (!ValidateDecision(call->decision, *snapshot, &result.decision, &result.reason)) {
    result.outcome = ExitOutcome::kInvalidDecision;
  }
  return result;
}

std::shared_ptr<RoutingExit> ExitHolder::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

std::shared_ptr<RoutingExit> ExitHolder::Swap(std::shared_ptr<RoutingExit> next) {
  std::lock_guard<std::mutex> lock(mu_);
  std::swap(current_, next);
  return next;
}

ExitResult ExitHolder::Route(const ExitRequest& request,
                             std::shared_ptr<const ExitSnapshot> snapshot) const {
  std::shared_ptr<RoutingExit> exit = Get();
  if (exit == nullptr) return ExitResult{};
  return exit->Route(request, std::move(snapshot));
}

}  // namespace drdaplex::router
