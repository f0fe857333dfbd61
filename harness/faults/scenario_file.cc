// The scenario dialect's semantic layer, on config/'s grammar and its
// shared checks (semantic_support.h), so scenario files read and fail like
// every other drdaplex file.
#include "harness/faults/scenario_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "config/config_file.h"
#include "config/error_handler.h"
#include "config/parse_syntax.h"
#include "config/semantic_support.h"
#include "config/source_text.h"

namespace drdaplex::faults {
namespace {

using config::ErrorHandler;
using config::detail::Params;
using config::detail::Upper;

constexpr double kLongestRun = 24 * 3600;

double ParseSeconds(const config::ast::Value& value, std::string_view keyword,
                    const ErrorHandler& handler) {
  double seconds = -1;
  const std::string& text = value.text;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds) ||
      seconds < 0 || seconds > kLongestRun) {
    handler.Fail(value, std::string(keyword) +
                            " must be a number of seconds from 0 to 86400 (decimals allowed), not '" +
                            text + "'");
  }
  return seconds;
}

std::optional<double> FindSeconds(const Params& params, std::string_view keyword,
                                  const ErrorHandler& handler) {
  const config::ast::Value* value = params.Find(keyword);
  if (value == nullptr) return std::nullopt;
  return ParseSeconds(*value, keyword, handler);
}

// A member, alias, datastore, router or system name: IMS names, plus the
// '-' and '_' system names may have.
std::string ParseTargetName(const config::ast::Value& value, std::string_view keyword,
                            const ErrorHandler& handler) {
  bool ok = !value.text.empty() && value.text.size() <= 32 &&
            std::all_of(value.text.begin(), value.text.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '#' ||
                     c == '$' || c == '-' || c == '_';
            });
  if (!ok) handler.Fail(value, std::string(keyword) + " must name a member, alias or datastore");
  return Upper(value.text);
}

void ReadScenarioStatement(const config::ast::Statement& statement, const ErrorHandler& handler,
                           Scenario& scenario) {
  Params params(statement, handler, {"NAME", "TEXT"}, {});
  config::detail::CheckImsName(params.Require("NAME"), "scenario name", handler);
  scenario.name = Upper(params.Require("NAME").text);
  if (const auto* text = params.Find("TEXT")) scenario.text = text->text;
}

std::pair<std::string, int> ParseWorkloadItem(const config::ast::Value& value,
                                              const ErrorHandler& handler) {
  std::string_view text = value.text;
  int weight = 1;
  std::size_t at = text.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view digits = text.substr(at + 1);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), weight);
    if (error != std::errc() || end != digits.data() + digits.size() || weight < 1 ||
        weight > 1000) {
      handler.Fail(value, "a WORKLOAD weight is a whole number from 1 to 1000: NAME@WEIGHT");
    }
    text = text.substr(0, at);
  }
  if (text.empty()) handler.Fail(value, "WORKLOAD items are NAME or NAME@WEIGHT");
  std::string name(text);
  // Built-in names are written in any case; script files keep theirs.
  if (!value.quoted) std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return {name, weight};
}

void ReadLoadStatement(const config::ast::Statement& statement, const ErrorHandler& handler,
                       LoadSpec& load) {
  Params params(statement, handler,
                {"NAME", "CLIENTS", "DURATION", "RATE", "WORKLOAD", "CONNECT", "DATABASE"}, {});
  if (const auto* name = params.Find("NAME")) {
    config::detail::CheckImsName(*name, "load name", handler);
    load.name = Upper(name->text);
  }
  if (const auto* clients = params.Find("CLIENTS")) {
    load.clients = config::detail::ParseNumber(*clients, "CLIENTS", 1, 10000, handler);
  }
  if (auto duration = FindSeconds(params, "DURATION", handler)) {
    if (*duration < 1) handler.Fail(params.Require("DURATION"), "DURATION must be at least 1 second");
    load.duration_s = *duration;
  }
  if (const auto* rate = params.Find("RATE")) {
    load.rate = config::detail::ParseNumber(*rate, "RATE", 1, 10000000, handler);
  }
  if (const auto* connect = params.Find("CONNECT")) {
    std::string word = Upper(connect->text);
    if (word != "PERSISTENT" && word != "TRANSACTION") {
      handler.Fail(*connect, "CONNECT must be PERSISTENT or TRANSACTION");
    }
    load.connection_per_transaction = word == "TRANSACTION";
  }
  if (const auto* database = params.Find("DATABASE")) {
    load.database = database->text.find_first_not_of(' ') == std::string::npos
                        ? std::string()
                        : ParseTargetName(*database, "DATABASE", handler);
  }
  const config::ast::Setting* workload = params.FindSetting("WORKLOAD");
  if (workload == nullptr) return;
  load.workload.clear();
  if (const auto* one = config::ast::ScalarOf(*workload)) {
    load.workload.push_back(ParseWorkloadItem(*one, handler));
    return;
  }
  for (const auto& item : config::ast::ListOf(*workload)->items) {
    const auto* value = config::detail::AsValue(item);
    if (value == nullptr) handler.Fail(*workload, "WORKLOAD=(...) holds NAME@WEIGHT items only");
    load.workload.push_back(ParseWorkloadItem(*value, handler));
  }
  if (load.workload.empty()) handler.Fail(*workload, "WORKLOAD=() names no workload");
}

const std::map<std::string, ActionKind, std::less<>>& ActionWords() {
  static const std::map<std::string, ActionKind, std::less<>> words{
      {"KILL", ActionKind::kKill},
      {"HANG", ActionKind::kHang},
      {"RESUME", ActionKind::kResume},
      {"TERMINATE", ActionKind::kTerminate},
      {"RESTART", ActionKind::kRestart},
      {"START", ActionKind::kStart},
      {"STOPALIAS", ActionKind::kStopAlias},
      {"STARTALIAS", ActionKind::kStartAlias},
      {"STOPDATASTORE", ActionKind::kStopDatastore},
      {"STARTDATASTORE", ActionKind::kStartDatastore},
  };
  return words;
}

Action ReadAtStatement(const config::ast::Statement& statement, const ErrorHandler& handler) {
  Params params(statement, handler, {"TIME", "ACTION", "TARGET", "ODBM"}, {});
  Action action;
  action.line = handler.PositionOf(statement).line;
  action.at_s = ParseSeconds(params.Require("TIME"), "TIME", handler);
  const config::ast::Value& word = params.Require("ACTION");
  auto found = ActionWords().find(Upper(word.text));
  if (found == ActionWords().end()) {
    std::vector<std::string_view> names;
    for (const auto& [name, kind] : ActionWords()) names.push_back(name);
    handler.Fail(word, "ACTION must be " + config::detail::JoinOr(names));
  }
  action.kind = found->second;
  action.target = ParseTargetName(params.Require("TARGET"), "TARGET", handler);
  if (const config::ast::Setting* odbm = params.FindSetting("ODBM")) {
    if (action.kind != ActionKind::kStopAlias && action.kind != ActionKind::kStartAlias) {
      handler.Fail(*odbm, "ODBM= narrows STOPALIAS and STARTALIAS only");
    }
    if (const auto* one = config::ast::ScalarOf(*odbm)) {
      action.odbms.push_back(ParseTargetName(*one, "ODBM", handler));
    } else {
      for (const auto& item : config::ast::ListOf(*odbm)->items) {
        const auto* value = config::detail::AsValue(item);
        if (value == nullptr) handler.Fail(*odbm, "ODBM=(...) holds ODBM names only");
        action.odbms.push_back(ParseTargetName(*value, "ODBM", handler));
      }
    }
  }
  return action;
}

Expectation ReadExpectStatement(const config::ast::Statement& statement,
                                const ErrorHandler& handler) {
  Params params(statement, handler,
                {"NONEW", "NEW", "RECONNECT", "UNMOVED", "OUTAGES", "FROM", "UNTIL", "AFTER"}, {});
  Expectation expect;
  expect.line = handler.PositionOf(statement).line;
  int kinds = 0;
  for (std::string_view keyword : {"NONEW", "NEW", "RECONNECT", "UNMOVED", "OUTAGES"}) {
    kinds += params.Find(keyword) != nullptr;
  }
  if (kinds != 1) {
    handler.Fail(statement, "EXPECT states one of NONEW=, NEW=, RECONNECT=, UNMOVED= or OUTAGES=");
  }
  auto from = FindSeconds(params, "FROM", handler);
  auto after = FindSeconds(params, "AFTER", handler);
  if (from && after) handler.Fail(statement, "EXPECT takes FROM= or AFTER=, not both");
  expect.from_s = from.value_or(after.value_or(0));
  expect.until_s = FindSeconds(params, "UNTIL", handler);
  if (expect.until_s && *expect.until_s <= expect.from_s) {
    handler.Fail(*params.Find("UNTIL"), "UNTIL must be later than FROM/AFTER");
  }
  if (const auto* target = params.Find("NONEW")) {
    expect.kind = ExpectKind::kNoNew;
    expect.target = ParseTargetName(*target, "NONEW", handler);
    if (!from || !expect.until_s) handler.Fail(statement, "EXPECT(NONEW=) needs FROM= and UNTIL=");
  } else if (const auto* target = params.Find("NEW")) {
    expect.kind = ExpectKind::kNew;
    expect.target = ParseTargetName(*target, "NEW", handler);
    if (!after) handler.Fail(statement, "EXPECT(NEW=) needs AFTER=");
  } else if (const auto* seconds = params.Find("RECONNECT")) {
    expect.kind = ExpectKind::kReconnect;
    expect.seconds = ParseSeconds(*seconds, "RECONNECT", handler);
  } else if (const auto* flag = params.Find("UNMOVED")) {
    expect.kind = ExpectKind::kUnmoved;
    if (!config::detail::ParseYesNo(*flag, "UNMOVED", handler)) {
      handler.Fail(*flag, "UNMOVED=N expects nothing; leave the statement out");
    }
    if (!after) handler.Fail(statement, "EXPECT(UNMOVED=Y) needs AFTER=");
  } else {
    expect.kind = ExpectKind::kOutages;
    expect.count = config::detail::ParseNumber(*params.Find("OUTAGES"), "OUTAGES", 0, 1000000,
                                               handler);
  }
  return expect;
}

}  // namespace

const char* ActionName(ActionKind kind) {
  for (const auto& [name, candidate] : ActionWords()) {
    if (candidate == kind) return name.c_str();
  }
  return "?";
}

Scenario ParseScenario(std::string_view text, const std::string& file_name) {
  config::SourceText source(text, file_name);
  ErrorHandler handler(source);
  config::ast::ConfigFile file = config::ParseSyntax(handler, config::Dialect::kScenario);
  Scenario scenario;
  scenario.file = file_name;
  const config::ast::Statement* scenario_statement = nullptr;
  std::map<std::string, const config::ast::Statement*> load_statements;  // by name
  std::vector<const config::ast::Statement*> at_statements;  // parallel to actions
  for (const auto& statement : file) {
    const std::string keyword = Upper(statement.keyword);
    if (keyword == "SCENARIO") {
      if (scenario_statement != nullptr) {
        handler.Fail(statement, "SCENARIO is given twice (first at line " +
                                    std::to_string(handler.PositionOf(*scenario_statement).line) +
                                    ")");
      }
      scenario_statement = &statement;
      ReadScenarioStatement(statement, handler, scenario);
    } else if (keyword == "LOAD") {
      LoadSpec load;
      ReadLoadStatement(statement, handler, load);
      auto [seen, fresh] = load_statements.emplace(load.name, &statement);
      if (!fresh) {
        handler.Fail(statement, "a second LOAD named " + load.name + " (first at line " +
                                    std::to_string(handler.PositionOf(*seen->second).line) +
                                    "); give each LOAD its own NAME=");
      }
      scenario.duration_s = std::max(scenario.duration_s, load.duration_s);
      scenario.loads.push_back(std::move(load));
    } else if (keyword == "AT") {
      scenario.actions.push_back(ReadAtStatement(statement, handler));
      at_statements.push_back(&statement);
    } else if (keyword == "EXPECT") {
      scenario.expectations.push_back(ReadExpectStatement(statement, handler));
    } else {
      handler.Fail(statement, "unknown statement " + statement.keyword +
                                  "; a scenario has SCENARIO, LOAD, AT and EXPECT");
    }
  }
  if (scenario_statement == nullptr) {
    source.Fail(text.size(), "a scenario file needs SCENARIO(NAME=...)");
  }
  if (scenario.loads.empty()) source.Fail(text.size(), "a scenario file needs a LOAD(...)");
  for (std::size_t i = 0; i < scenario.actions.size(); ++i) {
    if (scenario.actions[i].at_s >= scenario.duration_s) {
      handler.Fail(*at_statements[i], "TIME is not within the LOADs' DURATION");
    }
  }
  std::stable_sort(scenario.actions.begin(), scenario.actions.end(),
                   [](const Action& a, const Action& b) { return a.at_s < b.at_s; });
  return scenario;
}

Scenario LoadScenario(const std::filesystem::path& file) {
  std::filesystem::path directory;
  std::string text = config::ReadConfigFile(file, &directory);
  Scenario scenario = ParseScenario(text, file.string());
  // Script files in WORKLOAD are relative to the scenario's folder.
  for (LoadSpec& load : scenario.loads) {
    for (auto& [name, weight] : load.workload) {
      if (name.find('/') != std::string::npos || name.find('.') != std::string::npos) {
        std::filesystem::path script(name);
        if (script.is_relative()) name = (directory / script).string();
      }
    }
  }
  return scenario;
}

}  // namespace drdaplex::faults
