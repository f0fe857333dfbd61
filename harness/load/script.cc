#include "harness/load/script.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <utility>

namespace drdaplex::load {

namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Variable names to slots, shared by the whole script.
class Variables {
 public:
  Variables() : names_{"scale", "client_id"} {}
  std::optional<int> Find(std::string_view name) const {
    auto it = std::find(names_.begin(), names_.end(), name);
    if (it == names_.end()) return std::nullopt;
    return static_cast<int>(it - names_.begin());
  }
  int Define(std::string_view name) {
    if (auto slot = Find(name)) return *slot;
    names_.emplace_back(name);
    return static_cast<int>(names_.size() - 1);
  }
  std::vector<std::string> names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// Recursive descent over one \set or \sleep expression.
class ExpressionParser {
 public:
  ExpressionParser(std::string_view text, const Variables& variables) : text_(text), variables_(variables) {}

  std::optional<Expr> ParseAll(std::string* error) {
    auto expr = ParseSum();
    SkipSpace();
    if (expr && pos_ < text_.size()) Fail("unexpected '" + std::string(text_.substr(pos_, 1)) + "' in expression");
    if (!error_.empty()) {
      *error = error_;
      return std::nullopt;
    }
    return expr;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Accept(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<Expr> Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }
  static Expr Binary(Expr::Kind kind, Expr left, Expr right) {
    Expr e;
    e.kind = kind;
    e.operands = {std::move(left), std::move(right)};
    return e;
  }
  std::string_view Name() {
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // A left-associative chain of `operand` joined by the operators of one
  // precedence level.
  template <typename Operand>
  std::optional<Expr> ParseChain(Operand operand, std::initializer_list<std::pair<char, Expr::Kind>> operators) {
    auto left = (this->*operand)();
    while (left) {
      auto op = std::find_if(operators.begin(), operators.end(), [&](const auto& o) { return Accept(o.first); });
      if (op == operators.end()) break;
      auto right = (this->*operand)();
      if (!right) return std::nullopt;
      left = Binary(op->second, std::move(*left), std::move(*right));
    }
    return left;
  }
  std::optional<Expr> ParseSum() {
    return ParseChain(&ExpressionParser::ParseProduct, {{'+', Expr::Kind::kAdd}, {'-', Expr::Kind::kSubtract}});
  }
  std::optional<Expr> ParseProduct() {
    return ParseChain(&ExpressionParser::ParseUnary,
                      {{'*', Expr::Kind::kMultiply}, {'/', Expr::Kind::kDivide}, {'%', Expr::Kind::kModulo}});
  }
  std::optional<Expr> ParseUnary() {
    if (Accept('-')) {
      auto inner = ParseUnary();
      if (!inner) return std::nullopt;
      Expr e;
      e.kind = Expr::Kind::kNegate;
      e.operands = {std::move(*inner)};
      return e;
    }
    return ParsePrimary();
  }
  std::optional<Expr> ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) return Fail("expression ends too early");
    if (Accept('(')) {
      auto inner = ParseSum();
      if (inner && !Accept(')')) return Fail("missing ')'");
      return inner;
    }
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      Expr e;
      auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), e.number);
      if (ec != std::errc()) return Fail("number out of range");
      pos_ = static_cast<size_t>(end - text_.data());
      return e;
    }
    if (c == ':') {
      ++pos_;
      const std::string_view name = Name();
      if (name.empty()) return Fail("':' without a variable name");
      auto slot = variables_.Find(name);
      if (!slot) return Fail("unknown variable :" + std::string(name));
      Expr e;
      e.kind = Expr::Kind::kVariable;
      e.slot = *slot;
      return e;
    }
    if (IsNameChar(c)) {
      const std::string function = Lower(Name());
      if (function != "random") return Fail("unknown function " + function + " (random(lo, hi) is the one there is)");
      if (!Accept('(')) return Fail("random needs (lo, hi)");
      auto lo = ParseSum();
      if (!lo) return std::nullopt;
      if (!Accept(',')) return Fail("random needs two arguments");
      auto hi = ParseSum();
      if (!hi) return std::nullopt;
      if (!Accept(')')) return Fail("missing ')' after random's arguments");
      Expr e;
      e.kind = Expr::Kind::kRandom;
      e.operands = {std::move(*lo), std::move(*hi)};
      return e;
    }
    return Fail("unexpected '" + std::string(1, c) + "' in expression");
  }

  std::string_view text_;
  const Variables& variables_;
  size_t pos_ = 0;
  std::string error_;
};

// Replaces :name outside quotes by '?' and lists the slots. PostgreSQL's
// "::type" casts are left alone.
std::optional<SqlCommand> CompileSql(std::string_view sql, const Variables& variables, std::string* error) {
  SqlCommand command;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      command.sql += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      command.sql += c;
      continue;
    }
    if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      command.sql += "::";
      ++i;
      continue;
    }
    if (c == ':' && i + 1 < sql.size() && IsNameChar(sql[i + 1])) {
      size_t end = i + 1;
      while (end < sql.size() && IsNameChar(sql[end])) ++end;
      const std::string_view name = sql.substr(i + 1, end - i - 1);
      auto slot = variables.Find(name);
      if (!slot) {
        *error = "unknown variable :" + std::string(name);
        return std::nullopt;
      }
      command.sql += '?';
      command.param_slots.push_back(*slot);
      i = end - 1;
      continue;
    }
    command.sql += c;
  }
  const std::string word = Lower(Trim(command.sql));
  if (word == "begin" || word == "begin transaction" || word == "start transaction") {
    command.kind = SqlCommand::Kind::kBegin;
  } else if (word == "end" || word == "commit" || word == "commit work") {
    command.kind = SqlCommand::Kind::kCommit;
  } else if (word == "rollback" || word == "rollback work") {
    command.kind = SqlCommand::Kind::kRollback;
  }
  return command;
}

// "\set name expr" or "\sleep expr [unit]".
std::optional<ScriptCommand> ParseMeta(std::string_view line, Variables& variables, int line_number,
                                       std::string* error) {
  size_t pos = 1;
  while (pos < line.size() && IsNameChar(line[pos])) ++pos;
  const std::string verb = Lower(line.substr(1, pos - 1));
  std::string_view rest = Trim(line.substr(pos));
  if (verb == "set") {
    size_t name_end = 0;
    while (name_end < rest.size() && IsNameChar(rest[name_end])) ++name_end;
    const std::string_view name = rest.substr(0, name_end);
    if (name.empty()) {
      *error = "\\set needs a variable name";
      return std::nullopt;
    }
    // The expression is parsed before the name is defined: "\set a :a + 1"
    // needs an earlier a.
    auto value = ExpressionParser(rest.substr(name_end), variables).ParseAll(error);
    if (!value) return std::nullopt;
    return SetCommand{variables.Define(name), std::move(*value), line_number};
  }
  if (verb == "sleep") {
    SleepCommand sleep;
    sleep.line = line_number;
    size_t unit_start = rest.size();
    while (unit_start > 0 && std::isalpha(static_cast<unsigned char>(rest[unit_start - 1]))) --unit_start;
    const std::string unit = Lower(rest.substr(unit_start));
    if (unit == "us") sleep.unit_us = 1;
    else if (unit == "ms") sleep.unit_us = 1000;
    else if (unit == "s" || unit.empty()) sleep.unit_us = 1'000'000;
    else {
      *error = "unknown \\sleep unit '" + unit + "' (us, ms or s)";
      return std::nullopt;
    }
    auto amount = ExpressionParser(rest.substr(0, unit_start), variables).ParseAll(error);
    if (!amount) return std::nullopt;
    sleep.amount = std::move(*amount);
    return sleep;
  }
  *error = "unknown command \\" + verb + " (\\set and \\sleep are supported)";
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> Evaluate(const Expr& expr, const std::vector<int64_t>& variables, std::mt19937_64& random,
                                ScriptRuntimeError* error) {
  if (expr.kind == Expr::Kind::kNumber) return expr.number;
  if (expr.kind == Expr::Kind::kVariable) return variables.at(static_cast<size_t>(expr.slot));
  auto a = Evaluate(expr.operands[0], variables, random, error);
  if (!a) return std::nullopt;
  if (expr.kind == Expr::Kind::kNegate) return -*a;
  auto b = Evaluate(expr.operands[1], variables, random, error);
  if (!b) return std::nullopt;
  switch (expr.kind) {
    case Expr::Kind::kAdd: return *a + *b;
    case Expr::Kind::kSubtract: return *a - *b;
    case Expr::Kind::kMultiply: return *a * *b;
    case Expr::Kind::kDivide:
    case Expr::Kind::kModulo:
      if (*b == 0) {
        error->message = "division by zero";
        return std::nullopt;
      }
      return expr.kind == Expr::Kind::kDivide ? *a / *b : *a % *b;
    case Expr::Kind::kRandom:
      if (*a > *b) {
        error->message = "random(" + std::to_string(*a) + ", " + std::to_string(*b) + "): empty range";
        return std::nullopt;
      }
      return std::uniform_int_distribution<int64_t>(*a, *b)(random);
    default: return std::nullopt;
  }
}

std::optional<Script> ParseScript(std::string_view text, const std::string& name, std::string* error) {
  Script script;
  script.name = name;
  Variables variables;
  auto fail = [&](int line, const std::string& message) {
    *error = name + ":" + std::to_string(line) + ": " + message;
    return std::nullopt;
  };
  int line = 1;
  size_t pos = 0;
  std::string sql;  // the statement being gathered
  int sql_line = 0;
  char quote = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view raw = text.substr(pos, eol - pos);
    pos = eol + 1;
    const std::string_view trimmed = Trim(raw);
    if (sql.empty() && quote == 0) {
      if (trimmed.empty() || trimmed.starts_with("--")) {
        ++line;
        continue;
      }
      if (trimmed.front() == '\\') {
        std::string message;
        auto command = ParseMeta(trimmed, variables, line, &message);
        if (!command) return fail(line, message);
        script.commands.push_back(std::move(*command));
        ++line;
        continue;
      }
      sql_line = line;
    }
    // SQL: gather up to ';' outside quotes, dropping "--" comments.
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (quote) {
        sql += c;
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '-' && i + 1 < raw.size() && raw[i + 1] == '-') break;
      if (c == '\'' || c == '"') quote = c;
      if (c != ';') {
        sql += c;
        continue;
      }
      std::string message;
      if (Trim(sql).empty()) return fail(line, "empty statement");
      auto command = CompileSql(Trim(sql), variables, &message);
      if (!command) return fail(sql_line, message);
      command->line = sql_line;
      script.commands.push_back(std::move(*command));
      sql.clear();
      if (!Trim(raw.substr(i + 1)).empty() && !Trim(raw.substr(i + 1)).starts_with("--")) {
        return fail(line, "one statement per line: text after ';'");
      }
      break;
    }
    if (!sql.empty()) sql += '\n';
    ++line;
  }
  if (quote) return fail(sql_line, "unterminated quoted string");
  if (!Trim(sql).empty()) return fail(sql_line, "statement without ';' at the end of the script");
  if (script.commands.empty()) return fail(1, "the script has no commands");
  script.variable_names = variables.names();
  return script;
}

}  // namespace drdaplex::load
