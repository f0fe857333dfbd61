#include "harness/load/transaction_runner.h"

#include <chrono>
#include <thread>

#include "harness/load/ledger_ids.h"

namespace drdaplex::load {

namespace {

constexpr char kLedgerInsert[] =
    "INSERT INTO DPX_LEDGER (id, client, seq, datastore, created) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)";

// A script's runtime mistake (division by zero...): fails the transaction,
// leaves the connection alone.
struct ScriptFailure {
  std::string message;
};

// Ends an open unit of work after a failure, if the connection still works.
void RollBackQuietly(client::Connection& connection) {
  if (connection.is_closed() || connection.auto_commit()) return;
  try {
    connection.Rollback();
    connection.SetAutoCommit(true);
  } catch (const client::SqlError&) {
  }
}

}  // namespace

TransactionRunner::TransactionRunner(const WorkloadMix& mix, int client_id, int scale, int64_t ledger_run)
    : mix_(mix), client_id_(client_id), ledger_run_(ledger_run) {
  for (const WorkloadEntry& entry : mix.entries()) {
    std::vector<int64_t> slots(entry.script ? entry.script->variable_names.size() : 2, 0);
    slots[kScaleSlot] = scale;
    slots[kClientIdSlot] = client_id;
    variables_.push_back(std::move(slots));
  }
}

client::PreparedStatement& TransactionRunner::Prepared(client::Connection& connection, const void* key,
                                                       const std::string& sql) {
  auto it = statements_.find(key);
  if (it == statements_.end()) it = statements_.emplace(key, connection.Prepare(sql)).first;
  return it->second;
}

TransactionOutcome TransactionRunner::Run(client::Connection& connection, size_t entry, const std::string& datastore,
                                          std::mt19937_64& random) {
  if (mix_.entries()[entry].ledger) return RunLedger(connection, datastore, random);
  TransactionOutcome outcome;
  try {
    RunScript(connection, entry, random);
  } catch (const client::SqlError& e) {
    outcome.error = TransactionError{e.sqlstate(), e.message()};
    RollBackQuietly(connection);
  } catch (const ScriptFailure& e) {
    outcome.error = TransactionError{"script", e.message};
    RollBackQuietly(connection);
  }
  outcome.connection_lost = connection.is_closed();
  return outcome;
}

void TransactionRunner::RunScript(client::Connection& connection, size_t entry, std::mt19937_64& random) {
  const Script& script = *mix_.entries()[entry].script;
  std::vector<int64_t>& vars = variables_[entry];
  auto evaluate = [&](const Expr& expr, int line) {
    ScriptRuntimeError error;
    auto value = Evaluate(expr, vars, random, &error);
    if (!value) throw ScriptFailure{script.name + ":" + std::to_string(line) + ": " + error.message};
    return *value;
  };
  for (const ScriptCommand& command : script.commands) {
    if (const auto* set = std::get_if<SetCommand>(&command)) {
      vars[static_cast<size_t>(set->slot)] = evaluate(set->value, set->line);
    } else if (const auto* sleep = std::get_if<SleepCommand>(&command)) {
      std::this_thread::sleep_for(std::chrono::microseconds(evaluate(sleep->amount, sleep->line) * sleep->unit_us));
    } else {
      const auto& sql = std::get<SqlCommand>(command);
      switch (sql.kind) {
        case SqlCommand::Kind::kBegin: connection.SetAutoCommit(false); break;
        case SqlCommand::Kind::kCommit:
          connection.Commit();
          connection.SetAutoCommit(true);
          break;
        case SqlCommand::Kind::kRollback:
          connection.Rollback();
          connection.SetAutoCommit(true);
          break;
        case SqlCommand::Kind::kStatement: {
          client::PreparedStatement& statement = Prepared(connection, &sql, sql.sql);
          for (size_t i = 0; i < sql.param_slots.size(); ++i) {
            statement.Bind(static_cast<int>(i + 1), vars[static_cast<size_t>(sql.param_slots[i])]);
          }
          if (statement.columns().empty()) {
            statement.ExecuteUpdate();
          } else {
            for (auto rows = statement.ExecuteQuery(); rows.Next();) {
            }
          }
          break;
        }
      }
    }
  }
  // A script that opened a transaction and did not end it: commit it.
  if (!connection.auto_commit()) {
    connection.Commit();
    connection.SetAutoCommit(true);
  }
}

TransactionOutcome TransactionRunner::RunLedger(client::Connection& connection, const std::string& datastore,
                                                std::mt19937_64& random) {
  TransactionOutcome outcome;
  LedgerEntry entry{LedgerId(ledger_run_, client_id_, ++ledger_sequence_), LedgerOutcome::kAborted, datastore};
  const bool roll_back = std::uniform_int_distribution<int>(0, 9)(random) == 0;
  bool commit_sent = false;
  try {
    connection.SetAutoCommit(false);
    client::PreparedStatement& insert = Prepared(connection, kLedgerInsert, kLedgerInsert);
    insert.Bind(1, entry.id);
    insert.Bind(2, int64_t{client_id_});
    insert.Bind(3, ledger_sequence_);
    insert.Bind(4, datastore);
    insert.ExecuteUpdate();
    if (roll_back) {
      connection.Rollback();
      entry.outcome = LedgerOutcome::kRolledBack;
    } else {
      commit_sent = true;
      connection.Commit();
      entry.outcome = LedgerOutcome::kCommitted;
    }
    connection.SetAutoCommit(true);
  } catch (const client::SqlError& e) {
    outcome.error = TransactionError{e.sqlstate(), e.message()};
    // A COMMIT whose reply never came may or may not have happened; one the
    // server answered with an error did not; nothing else can have.
    entry.outcome = commit_sent && connection.is_closed() ? LedgerOutcome::kInDoubt : LedgerOutcome::kAborted;
    RollBackQuietly(connection);
  }
  outcome.connection_lost = connection.is_closed();
  outcome.ledger = std::move(entry);
  return outcome;
}

}  // namespace drdaplex::load
