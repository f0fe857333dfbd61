#include "harness/faults/fault_injector.h"

#include <chrono>

namespace drdaplex::faults {

std::string Label(const Action& action) {
  std::string label = std::string(ActionName(action.kind)) + " " + action.target;
  if (!action.odbms.empty()) {
    label += " (";
    for (std::size_t i = 0; i < action.odbms.size(); ++i) label += (i ? "," : "") + action.odbms[i];
    label += ")";
  }
  return label;
}

FaultInjector::FaultInjector(PlexControl control, std::vector<Action> actions, Clock clock,
                             MarkSink mark)
    : control_(std::move(control)),
      actions_(std::move(actions)),
      clock_(std::move(clock)),
      mark_(std::move(mark)) {}

FaultInjector::~FaultInjector() {
  Cancel();
  if (thread_.joinable()) thread_.join();
}

void FaultInjector::Start() { thread_ = std::thread([this] { Run(); }); }

const std::vector<ActionRecord>& FaultInjector::Join() {
  if (thread_.joinable()) thread_.join();
  return records_;
}

bool FaultInjector::Perform(const Action& action, std::string* error) {
  const std::string& name = action.target;
  switch (action.kind) {
    case ActionKind::kKill: return control_.Member("signal", name, error, {{"signal", "KILL"}});
    case ActionKind::kHang: return control_.Member("signal", name, error, {{"signal", "STOP"}});
    case ActionKind::kResume: return control_.Member("signal", name, error, {{"signal", "CONT"}});
    case ActionKind::kTerminate: return control_.Member("stop", name, error);
    case ActionKind::kRestart: return control_.Member("restart", name, error);
    case ActionKind::kStart: return control_.Member("start", name, error);
    case ActionKind::kStopAlias: return control_.Routing("alias", name, true, action.odbms, error);
    case ActionKind::kStartAlias: return control_.Routing("alias", name, false, action.odbms, error);
    case ActionKind::kStopDatastore: return control_.Routing("datastore", name, true, {}, error);
    case ActionKind::kStartDatastore: return control_.Routing("datastore", name, false, {}, error);
  }
  *error = "unknown action";
  return false;
}

void FaultInjector::Run() {
  for (const Action& action : actions_) {
    ActionRecord record;
    record.action = action;
    // Sleeping in short steps keeps Cancel() prompt; the actions' times are
    // meant in tenths of seconds, so 5 ms of lateness is nothing.
    while (!cancelled_ && clock_() < action.at_s) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (cancelled_) {
      record.skipped = true;
      record.error = "the run ended first";
      records_.push_back(record);
      continue;
    }
    record.started_s = clock_();
    mark_(Label(action));
    record.ok = Perform(action, &record.error);
    record.took_s = clock_() - record.started_s;
    records_.push_back(std::move(record));
  }
}

}  // namespace drdaplex::faults
