#include "harness/load/workload.h"

#include <fstream>
#include <sstream>

namespace drdaplex::load {

namespace {

// pgbench's built-ins on our tables. pgbench's DEFAULT scale has 100,000
// accounts per branch; ours 10,000 (InitDatabases and these scripts agree).
// The pieces pgbench's update scripts share:
constexpr const char* kPickRows = R"(\set aid random(1, 10000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random(-5000, 5000)
)";
constexpr const char* kUpdateAccount = R"(BEGIN;
UPDATE DPX_ACCOUNTS SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM DPX_ACCOUNTS WHERE aid = :aid;
)";
constexpr const char* kInsertHistory =
    "INSERT INTO DPX_HISTORY (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);\n";

std::string TpcbLike() {
  return std::string("-- pgbench's TPC-B (sort of)\n") + kPickRows + kUpdateAccount +
         "UPDATE DPX_TELLERS SET tbalance = tbalance + :delta WHERE tid = :tid;\n"
         "UPDATE DPX_BRANCHES SET bbalance = bbalance + :delta WHERE bid = :bid;\n" +
         kInsertHistory + "END;\n";
}

std::string SimpleUpdate() {
  return std::string("-- pgbench's simple update: no teller or branch updates\n") + kPickRows + kUpdateAccount +
         kInsertHistory + "END;\n";
}

std::string Insert() { return std::string("-- one insert, committed\n") + kPickRows + kInsertHistory; }

constexpr const char* kSelectOnly = R"(-- a read-only point select
\set aid random(1, 10000 * :scale)
SELECT abalance FROM DPX_ACCOUNTS WHERE aid = :aid;
)";

constexpr const char* kScan = R"(-- a 100-row range scan, every row fetched
\set aid random(1, 10000 * :scale - 99)
SELECT aid, bid, abalance FROM DPX_ACCOUNTS WHERE aid BETWEEN :aid AND :aid + 99;
)";

}  // namespace

const std::vector<std::string>& BuiltinNames() {
  static const std::vector<std::string> names = {"tpcb-like", "simple-update", "select-only", "insert", "scan",
                                                 kLedgerBuiltin};
  return names;
}

std::optional<std::string> BuiltinScriptText(const std::string& name) {
  if (name == "tpcb-like") return TpcbLike();
  if (name == "simple-update") return SimpleUpdate();
  if (name == "select-only") return kSelectOnly;
  if (name == "insert") return Insert();
  if (name == "scan") return kScan;
  return std::nullopt;
}

std::optional<WorkloadMix> WorkloadMix::Load(const std::vector<WeightedScript>& scripts, std::string* error) {
  WorkloadMix mix;
  std::vector<WeightedScript> wanted = scripts;
  if (wanted.empty()) wanted.push_back({"tpcb-like", 1});
  for (const WeightedScript& w : wanted) {
    if (w.weight < 0) {
      *error = w.name + ": negative weight";
      return std::nullopt;
    }
    WorkloadEntry entry{w.name, w.weight, w.name == kLedgerBuiltin, nullptr};
    if (!entry.ledger) {
      std::optional<std::string> text = BuiltinScriptText(w.name);
      if (!text) {
        std::ifstream in(w.name);
        if (!in) {
          *error = w.name + ": neither a built-in (tpcb-like, simple-update, select-only, insert, scan, ledger) "
                            "nor a readable script file";
          return std::nullopt;
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
      }
      auto script = ParseScript(*text, w.name, error);
      if (!script) return std::nullopt;
      entry.script = std::make_shared<const Script>(std::move(*script));
    }
    mix.total_weight_ += w.weight;
    mix.entries_.push_back(std::move(entry));
  }
  if (mix.total_weight_ <= 0) {
    *error = "the workload's weights add up to 0";
    return std::nullopt;
  }
  return mix;
}

size_t WorkloadMix::PickIndex(std::mt19937_64& random) const {
  if (entries_.size() == 1) return 0;
  int pick = std::uniform_int_distribution<int>(0, total_weight_ - 1)(random);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (pick < entries_[i].weight) return i;
    pick -= entries_[i].weight;
  }
  return entries_.size() - 1;
}

std::string WorkloadMix::Describe() const {
  if (entries_.size() == 1) return entries_[0].name;
  std::string text;
  for (const auto& e : entries_) text += (text.empty() ? "" : " ") + e.name + "@" + std::to_string(e.weight);
  return text;
}

std::optional<WeightedScript> ParseWeighted(const std::string& text, std::string* error) {
  const size_t at = text.rfind('@');
  if (at == std::string::npos) return WeightedScript{text, 1};
  WeightedScript w{text.substr(0, at), 1};
  try {
    size_t used = 0;
    w.weight = std::stoi(text.substr(at + 1), &used);
    if (used != text.size() - at - 1 || w.weight < 0) throw std::invalid_argument("weight");
  } catch (const std::exception&) {
    *error = "bad weight in '" + text + "' (NAME@W, W a non-negative integer)";
    return std::nullopt;
  }
  return w;
}

}  // namespace drdaplex::load
