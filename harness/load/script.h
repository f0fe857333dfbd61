// The pgbench script language subset the bench runs, and its parser:
//
//   -- comment lines
//   \set NAME EXPR          integers; + - * / % and unary minus, parentheses,
//                           random(LO, HI) (uniform, both included), :var
//   \sleep EXPR [us|ms|s]   (default s)
//   SQL ... ;               any statement, possibly over several lines, up to
//                           a ';' outside quotes; :var inside is bound as a
//                           parameter of the (prepared) statement
//   BEGIN; END; COMMIT; ROLLBACK;   transaction control by the client
//
// Predefined variables: :scale and :client_id. A variable must be set before
// it is used (checked when parsing, so mistakes show before the run).
// Errors name the script and line: "bank.sql:3: unknown variable :aid".
//
// Parsed scripts are immutable values; Evaluate is a pure function of the
// variables and the random generator a client passes in (one per client).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace drdaplex::load {

// Variables live in slots: 0 = scale, 1 = client_id, then as \set meets them.
inline constexpr int kScaleSlot = 0;
inline constexpr int kClientIdSlot = 1;

struct Expr {
  enum class Kind { kNumber, kVariable, kNegate, kAdd, kSubtract, kMultiply, kDivide, kModulo, kRandom };
  Kind kind = Kind::kNumber;
  int64_t number = 0;  // kNumber
  int slot = 0;        // kVariable
  std::vector<Expr> operands;
};

// Division or modulo by zero while evaluating.
struct ScriptRuntimeError {
  std::string message;
};

// Evaluates with the client's variables; nullopt and *error on / or % by 0.
std::optional<int64_t> Evaluate(const Expr& expr, const std::vector<int64_t>& variables, std::mt19937_64& random,
                                ScriptRuntimeError* error);

struct SqlCommand {
  enum class Kind { kStatement, kBegin, kCommit, kRollback };
  Kind kind = Kind::kStatement;
  std::string sql;               // with '?' where the script had :var
  std::vector<int> param_slots;  // one per '?', in order
  int line = 0;
};
struct SetCommand {
  int slot = 0;
  Expr value;
  int line = 0;
};
struct SleepCommand {
  Expr amount;
  int64_t unit_us = 1'000'000;
  int line = 0;
};
using ScriptCommand = std::variant<SqlCommand, SetCommand, SleepCommand>;

struct Script {
  std::string name;
  std::vector<ScriptCommand> commands;
  std::vector<std::string> variable_names;  // by slot
};

// Parses `text`; `name` prefixes error messages. nullopt with "name:line:
// message" in *error on the first mistake.
std::optional<Script> ParseScript(std::string_view text, const std::string& name, std::string* error);

}  // namespace drdaplex::load
