// drdaplex-sql: run SQL against a DRDA server (drdaplex, Apache Derby...)
// from the command line, with the drdaplex client library.
//
//   drdaplex-sql --host H --port P --database ALIAS --user U
//                [--password PW | --password-stdin] [-c "SQL"]... [-f script.sql]
//                [--autocommit on|off] [--csv] [--stop-on-error]
//
// Statements come from every -c (in order), then the -f script, or from
// stdin when there is neither; each is split on ';' outside quotes and
// comments. Query results print as an aligned table (or CSV), other
// statements as "N rows affected", errors as "ERROR <SQLSTATE>: <message>"
// on stderr. COMMIT and ROLLBACK are handled by the client. Exit status: 0
// when every statement succeeded, 1 otherwise.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/sql_script.h"
#include "client/table_printer.h"

namespace {

using drdaplex::client::Connection;
using drdaplex::client::SqlError;

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "COMMIT", "COMMIT WORK", "ROLLBACK"... with any spacing.
bool IsTransactionStatement(const std::string& sql, const char* verb) {
  std::istringstream words(Upper(sql));
  std::string first, second, third;
  words >> first >> second >> third;
  return first == verb && (second.empty() || (second == "WORK" && third.empty()));
}

void PrintError(const SqlError& e) { std::cerr << "ERROR " << e.sqlstate() << ": " << e.message() << std::endl; }

void RunStatement(Connection& conn, const std::string& sql, bool csv) {
  if (IsTransactionStatement(sql, "COMMIT")) {
    conn.Commit();
    std::cout << "COMMIT" << std::endl;
    return;
  }
  if (IsTransactionStatement(sql, "ROLLBACK")) {
    conn.Rollback();
    std::cout << "ROLLBACK" << std::endl;
    return;
  }
  // The server's description tells queries from other statements.
  auto stmt = conn.Prepare(sql);
  if (stmt.columns().empty()) {
    const int64_t n = stmt.ExecuteUpdate();
    std::cout << n << (n == 1 ? " row affected" : " rows affected") << std::endl;
    return;
  }
  auto rs = stmt.ExecuteQuery();
  const size_t n = rs.columns().size();
  if (csv) {
    // CSV needs no column widths: stream it, so any result size fits.
    std::cout << drdaplex::client::FormatCsvLine(drdaplex::client::MakeTextTable(rs.columns(), {}).header);
    std::vector<std::string> cells(n);
    while (rs.Next()) {
      for (size_t i = 0; i < n; ++i) cells[i] = rs.GetString(static_cast<int>(i + 1));
      std::cout << drdaplex::client::FormatCsvLine(cells);
    }
    std::cout << std::flush;
    return;
  }
  std::vector<std::vector<drdaplex::client::Value>> rows;
  while (rs.Next()) {
    std::vector<drdaplex::client::Value> row;
    row.reserve(n);
    for (size_t i = 1; i <= n; ++i) row.push_back(rs.Get(static_cast<int>(i)));
    rows.push_back(std::move(row));
  }
  std::cout << drdaplex::client::FormatAligned(drdaplex::client::MakeTextTable(rs.columns(), rows)) << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Run SQL against a DRDA server (drdaplex-odbm, the drdaplex router, Apache Derby)"};
  drdaplex::client::ConnectOptions options;
  std::string password;
  bool password_stdin = false;
  std::vector<std::string> commands;
  std::string script_file;
  std::string autocommit = "on";
  bool csv = false;
  bool stop_on_error = false;
  int connect_timeout_ms = 5000;
  int timeout_ms = 30000;
  app.add_option("--host", options.host, "Server host")->capture_default_str();
  app.add_option("--port", options.port, "Server port")->required();
  app.add_option("--database", options.database, "RDB name / alias (blank: the server chooses)");
  app.add_option("--user", options.user, "User id")->required();
  auto* pw = app.add_option("--password", password, "Password (without one: SECMEC 4, user id only)");
  app.add_flag("--password-stdin", password_stdin, "Read the password from the first line of stdin")->excludes(pw);
  app.add_option("-c,--command", commands, "SQL to run (repeatable)");
  app.add_option("-f,--file", script_file, "SQL script to run")->check(CLI::ExistingFile);
  app.add_option("--autocommit", autocommit, "Commit after every statement")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_flag("--csv", csv, "Print results as CSV");
  app.add_flag("--stop-on-error", stop_on_error, "Stop at the first failing statement");
  app.add_option("--connect-timeout-ms", connect_timeout_ms, "Connect timeout")->capture_default_str();
  app.add_option("--timeout-ms", timeout_ms, "Timeout of each round trip")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (password_stdin) {
    if (commands.empty() && script_file.empty()) {
      std::cerr << "ERROR: --password-stdin needs the SQL from -c or -f" << std::endl;
      return 2;
    }
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (!password.empty() || password_stdin || app.count("--password") > 0) options.password = password;
  options.connect_timeout = std::chrono::milliseconds(connect_timeout_ms);
  options.io_timeout = std::chrono::milliseconds(timeout_ms);

  std::vector<std::string> statements;
  for (const std::string& c : commands) {
    for (auto& s : drdaplex::client::SplitSqlScript(c)) statements.push_back(std::move(s));
  }
  if (!script_file.empty() || commands.empty()) {
    std::stringstream text;
    if (!script_file.empty()) {
      std::ifstream in(script_file);
      text << in.rdbuf();
    } else {
      text << std::cin.rdbuf();
    }
    for (auto& s : drdaplex::client::SplitSqlScript(text.str())) statements.push_back(std::move(s));
  }

  Connection conn = [&] {
    try {
      return Connection::Open(options);
    } catch (const SqlError& e) {
      PrintError(e);
      std::exit(1);
    }
  }();
  bool failed = false;
  try {
    conn.SetAutoCommit(autocommit == "on");
  } catch (const SqlError& e) {
    PrintError(e);
    return 1;
  }
  for (const std::string& sql : statements) {
    try {
      RunStatement(conn, sql, csv);
    } catch (const SqlError& e) {
      PrintError(e);
      failed = true;
      // A broken connection fails everything after it.
      if (stop_on_error || conn.is_closed()) break;
    }
  }
  conn.Close();
  return failed ? 1 : 0;
}
