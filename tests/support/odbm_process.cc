#include "tests/support/odbm_process.h"

#include <crypt.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/paths.h"
#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {

namespace {

// Names and file names made only of these characters are written bare; the
// rest (paths with '/', password hashes) in single quotes.
bool IsBareWord(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Value(std::string_view value) {
  if (IsBareWord(value)) return std::string(value);
  std::string quoted = "'";
  for (char c : value) {
    quoted += c;
    if (c == '\'') quoted += '\'';  // SQL-style doubling.
  }
  return quoted + "'";
}

}  // namespace

std::string HashPassword(std::string_view password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$6$", 0, nullptr, 0, salt, sizeof(salt)) == nullptr) {
    std::perror("crypt_gensalt_rn");
    std::abort();
  }
  // crypt_data is large (tens of KiB): keep it off the stack.
  auto data = std::make_unique<crypt_data>();
  std::string clear(password);
  const char* hash = crypt_r(clear.c_str(), salt, data.get());
  if (hash == nullptr || hash[0] == '*') {
    std::perror("crypt_r");
    std::abort();
  }
  return hash;
}

OdbmConfig OdbmConfig::SharedPair(std::string file) {
  OdbmConfig config;
  config.name = "ODBMB1";
  config.datastores = {
      {"IMS1", {"IM1A", "IO1A"}, file},
      {"IMS2", {"IM1A", "IO2A"}, file},
  };
  config.users = {
      {"app", "secret", true},
      {"clerk", "clerkpw", false},
  };
  return config;
}

std::string OdbmConfig::Render() const {
  std::string text = "/* Written by drdaplex::testing::OdbmConfig. */\n";
  text += "ODBM(NAME=" + Value(name);
  for (const DatastoreConfig& datastore : datastores) {
    text += "\n     DATASTORE(NAME=" + Value(datastore.name);
    if (!datastore.aliases.empty()) {
      text += ", ALIAS(NAME=";
      for (size_t i = 0; i < datastore.aliases.size(); ++i) {
        if (i > 0) text += ", ";
        text += Value(datastore.aliases[i]);
      }
      text += ")";
    }
    text += ")";
  }
  text += ")\n";
  for (const DatastoreConfig& datastore : datastores) {
    text += "DATABASE(DATASTORE=" + Value(datastore.name) +
            ", FILE=" + Value(datastore.file) + ")\n";
  }
  for (const UserConfig& user : users) {
    text += "USER(NAME=" + Value(user.name);
    if (!user.password.empty()) {
      text += ", PASSWORD='" + HashPassword(user.password) + "'";
    }
    if (user.userid_only) text += ", USRIDONL=Y";
    text += ")\n";
  }
  std::vector<std::string> options;
  if (!plex_key_file.empty()) options.push_back("PLEXKEY=" + Value(plex_key_file));
  if (router_only) options.push_back("ROUTERONLY=Y");
  if (!registry.empty()) options.push_back("REGISTRY=" + Value(registry));
  if (!options.empty()) {
    text += "OPTIONS(";
    for (size_t i = 0; i < options.size(); ++i) text += (i > 0 ? ", " : "") + options[i];
    text += ")\n";
  }
  return text;
}

std::unique_ptr<OdbmProcess> OdbmProcess::Start(const OdbmConfig& config,
                                                const std::string& dir,
                                                std::string* error,
                                                const OdbmOptions& options) {
  std::string config_path = dir + "/" + config.name + ".cfg";
  {
    std::ofstream out(config_path, std::ios::trunc);
    out << config.Render();
    out.close();
    if (!out) {
      *error = "cannot write " + config_path;
      return nullptr;
    }
  }
  return StartWithConfigFile(config_path, dir, config.name, error, options);
}

std::unique_ptr<OdbmProcess> OdbmProcess::StartWithConfigFile(
    const std::string& config_path, const std::string& dir,
    std::string_view name, std::string* error, const OdbmOptions& options) {
  std::string binary =
      options.binary.empty() ? BinaryPath("drdaplex-odbm") : options.binary;
  if (access(binary.c_str(), X_OK) != 0) {
    *error = "server binary missing: " + binary +
             " (build the drdaplex-odbm target first)";
    return nullptr;
  }
  std::unique_ptr<OdbmProcess> odbm(new OdbmProcess());
  odbm->config_path_ = config_path;
  const std::string base = dir + "/" + std::string(name);
  const std::string port_path = base + ".port";
  odbm->log_path_ = base + ".log";
  std::error_code ignored;
  std::filesystem::remove(port_path, ignored);  // A stale file would lie.
  size_t colon = options.listen.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    odbm->host_ = options.listen.substr(0, colon);
    if (odbm->host_ == "0.0.0.0") odbm->host_ = "127.0.0.1";
  }

  ChildOptions child;
  child.argv = {binary,        "--config",    config_path,       "--listen",
                options.listen, "--port-file", port_path,         "--log-level",
                options.log_level};
  child.argv.insert(child.argv.end(), options.extra_args.begin(),
                    options.extra_args.end());
  child.stdout_path = odbm->log_path_;
  child.stderr_path = odbm->log_path_;
  odbm->process_ = ChildProcess::Start(std::move(child), error);
  if (odbm->process_ == nullptr) return nullptr;

  std::optional<int> port = WaitForPortFile(port_path, options.start_timeout,
                                            odbm->process_.get(), error);
  if (!port) {
    odbm->process_->Stop(SIGKILL, std::chrono::seconds(5));
    odbm->stopped_ = true;  // Nothing more to report from the destructor.
    *error += "\ncommand: " + odbm->process_->CommandLine() +
              "\nconfig " + config_path + ":\n" + ReadFileOrEmpty(config_path) +
              "\nserver log " + odbm->log_path_ + ":\n" + odbm->LogTail();
    return nullptr;
  }
  odbm->port_ = *port;
  return odbm;
}

OdbmProcess::~OdbmProcess() {
  if (process_ != nullptr && !stopped_) {
    ::testing::AssertionResult result = Stop();
    if (!result) ADD_FAILURE() << "on destruction: " << result.message();
  }
}

::testing::AssertionResult OdbmProcess::Kill(std::chrono::milliseconds timeout) {
  stopped_ = true;
  if (!process_->Kill(SIGKILL)) return ::testing::AssertionFailure() << "cannot signal drdaplex-odbm";
  if (!process_->Wait(timeout)) {
    return ::testing::AssertionFailure() << "drdaplex-odbm survived SIGKILL for " << timeout.count() << " ms";
  }
  return ::testing::AssertionSuccess();
}

std::string OdbmProcess::JdbcUrl(std::string_view database,
                                 std::string_view attributes) const {
  return "jdbc:derby://" + host_ + ":" + std::to_string(port_) + "/" +
         std::string(database) + std::string(attributes);
}

std::string OdbmProcess::Log() const { return ReadFileOrEmpty(log_path_); }

std::string OdbmProcess::LogTail(size_t max_lines) const {
  return TailLines(Log(), max_lines);
}

::testing::AssertionResult OdbmProcess::Stop(int signal,
                                             std::chrono::milliseconds timeout) {
  if (!stopped_) {
    stopped_ = true;
    bool was_running = process_->IsRunning();
    bool timed_out = false;
    ExitStatus status = process_->Stop(signal, timeout, &timed_out);
    stopped_cleanly_ = was_running && !timed_out && status.Success();
    if (!stopped_cleanly_) {
      std::string how =
          !was_running ? "had already exited (" + status.ToString() + ") before it was stopped"
          : timed_out  ? "did not exit within " + std::to_string(timeout.count()) +
                            " ms of signal " + std::to_string(signal) + "; SIGKILLed"
                       : "exited with " + status.ToString() + " after signal " +
                             std::to_string(signal);
      stop_message_ = "drdaplex-odbm (port " + std::to_string(port_) + ") " + how +
                      "\nserver log " + log_path_ + ":\n" + LogTail();
    }
  }
  if (stopped_cleanly_) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << stop_message_;
}

}  // namespace drdaplex::testing
