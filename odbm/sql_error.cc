#include "odbm/sql_error.h"

#include <sqlite3.h>

#include <regex>

namespace drdaplex::odbm {
namespace {

// Extracts the first capture of `pattern` from `text`, or "" when absent.
std::string Capture(const std::string& text, const char* pattern) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex(pattern)) && m.size() > 1) return m[1];
  return {};
}

constexpr char kTokenSeparator = '\x14';

// Messages whose arguments are not the message itself, by SQLSTATE.
constexpr std::pair<std::string_view, std::string_view> kTemplates[] = {
    {"23505",
     "The statement was aborted because it would have caused a duplicate key value in a unique or "
     "primary key constraint or unique index identified by '{0}' defined on '{1}'."},
    {"23503", "The statement violates the foreign key constraint '{0}' on table '{1}'."},
    {"23513", "The check constraint '{1}' was violated while performing an INSERT or UPDATE on table '{0}'."},
    {"23000", "Integrity constraint '{0}' violated on table '{1}'."},
};

std::string Format(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        static_cast<size_t>(pattern[i + 1] - '0') < args.size()) {
      out += args[static_cast<size_t>(pattern[i + 1] - '0')];
      i += 2;
    } else {
      out.push_back(pattern[i]);
    }
  }
  return out;
}

std::string_view TemplateFor(std::string_view sqlstate) {
  for (const auto& [state, pattern] : kTemplates) {
    if (state == sqlstate) return pattern;
  }
  return {};
}

// "t.id, t.name" from "UNIQUE constraint failed: t.id, t.name".
SqlError ConstraintError(std::string sqlstate, const std::string& text) {
  std::string columns = Capture(text, R"(failed: (.+)$)");
  if (columns.empty()) columns = text;
  std::string table = columns.substr(0, columns.find('.'));
  return MakeSqlError(std::move(sqlstate), {}, {columns, table});
}

}  // namespace

drda::Sqlca SqlError::ToSqlca() const {
  drda::Sqlca s;
  s.sqlcode = sqlcode;
  s.sqlstate = sqlstate;
  if (arguments.empty()) {
    s.message = message;
  } else {
    for (const auto& a : arguments) s.message += a + kTokenSeparator;
    s.message.pop_back();
  }
  s.message += kTokenSeparator + sqlstate;
  return s;
}

std::string MessageFromSqlerrmc(std::string_view sqlstate, std::string_view sqlerrmc) {
  std::vector<std::string> args;
  size_t start = 0;
  for (;;) {
    const size_t end = sqlerrmc.find(kTokenSeparator, start);
    args.emplace_back(sqlerrmc.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (args.size() > 1 && args.back() == sqlstate) args.pop_back();
  if (std::string_view pattern = TemplateFor(sqlstate); !pattern.empty()) return Format(pattern, args);
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

SqlError MakeSqlError(std::string sqlstate, std::string message, std::vector<std::string> arguments) {
  SqlError e;
  // Derby's severities: transaction (class 40) 30000, session (08) 40000.
  if (sqlstate.rfind("40", 0) == 0) {
    e.sqlcode = -30001;
  } else if (sqlstate.rfind("08", 0) == 0) {
    e.sqlcode = -40001;
  } else if (sqlstate.rfind("01", 0) == 0) {
    e.sqlcode = 10000;  // warning
  }
  if (message.empty()) message = Format(TemplateFor(sqlstate), arguments);
  e.sqlstate = std::move(sqlstate);
  e.message = std::move(message);
  e.arguments = std::move(arguments);
  return e;
}

SqlError TranslateSqliteError(sqlite3* db, int rc) {
  const int extended = db ? sqlite3_extended_errcode(db) : rc;
  const std::string text = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string name;
  switch (extended) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return ConstraintError("23505", text);
    case SQLITE_CONSTRAINT_NOTNULL:
      name = Capture(text, R"(NOT NULL constraint failed: ([\w.]+))");
      return MakeSqlError("23502", "Column '" + name + "' cannot accept a NULL value.");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return MakeSqlError("23503", {}, {"FOREIGN KEY", "?"});
    case SQLITE_CONSTRAINT_CHECK: {
      // 23513 takes its arguments the other way round (table, constraint).
      std::string constraint = Capture(text, R"(failed: (.+)$)");
      return MakeSqlError("23513", {}, {"?", constraint.empty() ? text : constraint});
    }
    case SQLITE_BUSY_SNAPSHOT:
      return MakeSqlError("40001",
                          "The transaction read data that another datastore sharing the database has "
                          "since changed; roll back and retry (" + text + ").");
    default: break;
  }
  switch (extended & 0xFF) {
    case SQLITE_CONSTRAINT:
      return ConstraintError("23000", text);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MakeSqlError("40XL1", "A lock could not be obtained within the time requested (" + text + ").");
    case SQLITE_READONLY:
      return MakeSqlError("25502", "An SQL data change is not permitted for a read-only connection (" +
                                       text + ").");
    case SQLITE_TOOBIG:
      return MakeSqlError("54006", "A value or statement is too large: " + text + ".");
    case SQLITE_MISMATCH:
      return MakeSqlError("22018", "Invalid character string format for the column type: " + text + ".");
    case SQLITE_RANGE:
      return MakeSqlError("07009", "Parameter index out of range: " + text + ".");
    case SQLITE_INTERRUPT:
      return MakeSqlError("XCL52", "The statement has been cancelled or timed out.");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
      return MakeSqlError("58030", "Datastore I/O error: " + text + ".");
    default: break;
  }
  // SQLITE_ERROR: tell the kinds apart by message, as the engine gives no code.
  if (name = Capture(text, R"(no such table: ([\w.]+))"); !name.empty()) {
    return MakeSqlError("42X05", "Table/View '" + name + "' does not exist.");
  }
  if (name = Capture(text, R"(no such column: ([\w.]+))"); !name.empty()) {
    return MakeSqlError("42X04", "Column '" + name +
                                     "' is either not in any table in the FROM list or appears within a "
                                     "join specification and is outside the scope of the join specification.");
  }
  if (name = Capture(text, R"(table (\S+) already exists)"); !name.empty()) {
    return MakeSqlError("X0Y32", "Table/View '" + name + "' already exists.");
  }
  if (name = Capture(text, R"(index (\S+) already exists)"); !name.empty()) {
    return MakeSqlError("X0Y32", "Index '" + name + "' already exists.");
  }
  if (name = Capture(text, R"(no such function: (\w+))"); !name.empty()) {
    return MakeSqlError("42Y03", "'" + name + "' is not recognized as a function or procedure.");
  }
  if (text.find("syntax error") != std::string::npos || text.find("incomplete input") != std::string::npos ||
      text.find("unrecognized token") != std::string::npos) {
    return MakeSqlError("42X01", "Syntax error: " + text + ".");
  }
  if (text.find("no such index") != std::string::npos) {
    return MakeSqlError("42X65", text + ".");
  }
  if (text.find("values were supplied") != std::string::npos ||
      text.find("has no column named") != std::string::npos) {
    return MakeSqlError("42802", text + ".");
  }
  return MakeSqlError("42000", "SQL error: " + text + ".");
}

}  // namespace drdaplex::odbm
