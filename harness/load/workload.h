// The workload mix: the built-in transactions (pgbench's, on the DPX_
// tables InitDatabases makes, plus the ledger) and user scripts, each with
// a weight; PickIndex chooses one per transaction.
//
// Built-ins are scripts in the same language users write (BuiltinScriptText
// shows them), except the ledger, which the client runs natively because it
// must know exactly which step failed (see ledger_transaction.h).
// A WorkloadMix is immutable after Load and shared by all clients.
#pragma once

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "harness/load/bench_options.h"
#include "harness/load/script.h"

namespace drdaplex::load {

inline constexpr const char* kLedgerBuiltin = "ledger";

// Names of the built-ins, in the order the help lists them.
const std::vector<std::string>& BuiltinNames();
// The script text of a built-in (not the ledger); nullopt for other names.
std::optional<std::string> BuiltinScriptText(const std::string& name);

struct WorkloadEntry {
  std::string name;  // built-in name or file path
  int weight = 1;
  bool ledger = false;
  std::shared_ptr<const Script> script;  // null for the ledger
};

class WorkloadMix {
 public:
  // Built-ins by name, anything else read as a script file. nullopt with
  // the reason (file:line: ...) in *error.
  static std::optional<WorkloadMix> Load(const std::vector<WeightedScript>& scripts, std::string* error);

  const std::vector<WorkloadEntry>& entries() const { return entries_; }
  size_t PickIndex(std::mt19937_64& random) const;
  // "tpcb-like" or "ledger@3 select-only@1".
  std::string Describe() const;

 private:
  std::vector<WorkloadEntry> entries_;
  int total_weight_ = 0;
};

// "NAME@W" (W defaults to 1) as given to -b and -f. nullopt for a bad weight.
std::optional<WeightedScript> ParseWeighted(const std::string& text, std::string* error);

}  // namespace drdaplex::load
