// drdaplex-passwd: makes the crypt(3) hash that USER(PASSWORD='...') takes,
// so that configuration files never hold plaintext passwords, and the plex
// key file that PLEXKEY= names.
//   drdaplex-passwd                 reads a password, prints $6$... hash
//   drdaplex-passwd --user app      prints USER(NAME=app, PASSWORD='$6$...')
//   drdaplex-passwd --plex-key F    writes a fresh plex key to F (mode 0600);
//                                   an existing F only with --force
// The password is one line of stdin. On a terminal it is read twice (typos
// cannot be seen) with echo off; prompts go to stderr so stdout stays clean.
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "config/crypt_hash.h"
#include "config/pass_ticket.h"
#include "config/value_format.h"

namespace {

termios saved_terminal;
volatile sig_atomic_t echo_disabled = 0;

// Restores echo if the user interrupts at the prompt; a terminal left
// without echo is a nasty surprise.
void RestoreEchoAndExit(int signal_number) {
  if (echo_disabled) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  _exit(128 + signal_number);
}

class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_terminal) != 0) return;
    termios quiet = saved_terminal;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    signal(SIGINT, RestoreEchoAndExit);
    signal(SIGTERM, RestoreEchoAndExit);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0) echo_disabled = 1;
  }
  ~EchoOff() {
    if (echo_disabled) {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
      echo_disabled = 0;
      std::cerr << '\n';  // the user's Enter was not echoed
    }
  }
};

std::optional<std::string> ReadLine(bool terminal, const char* prompt) {
  std::optional<EchoOff> echo_off;
  if (terminal) {
    std::cerr << prompt << std::flush;
    echo_off.emplace();
  }
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// One key per plex: routers and ODBMs must all read the same file, so
// overwriting it by accident would lock every router out of every ODBM.
int WritePlexKey(const std::string& file, bool force) {
  std::error_code error;
  if (!force && std::filesystem::symlink_status(file, error).type() !=
                    std::filesystem::file_type::not_found) {
    std::cerr << "drdaplex-passwd: " << file
              << " exists; every router and ODBM of the plex must share one "
                 "key (--force replaces it)\n";
    return 1;
  }
  try {
    std::string message;
    if (!drdaplex::config::PlexKey::Generate().Save(file, &message)) {
      std::cerr << "drdaplex-passwd: " << message << '\n';
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "drdaplex-passwd: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Reads a password (one line of stdin) and prints its SHA-512-crypt hash "
      "for the PASSWORD of a USER statement in an ODBM or router "
      "configuration; or, with --plex-key, writes the plex key file that "
      "PLEXKEY= names."};
  std::string user;
  CLI::Option* user_option =
      app.add_option("-u,--user", user,
                     "print a complete USER(NAME=..., PASSWORD='...') "
                     "statement for this user");
  std::string plex_key;
  bool force = false;
  CLI::Option* plex_key_option =
      app.add_option("--plex-key", plex_key,
                     "instead of hashing a password, write a fresh plex key "
                     "(for PLEXKEY=) to this file, readable by its owner "
                     "only")
          ->excludes(user_option);
  app.add_flag("--force", force, "let --plex-key replace an existing file")
      ->needs(plex_key_option);
  CLI11_PARSE(app, argc, argv);
  if (app.count("--plex-key") > 0) return WritePlexKey(plex_key, force);
  if (app.count("--user") > 0 && (user.empty() || user.size() > 255)) {
    std::cerr << "drdaplex-passwd: the user name must be 1 to 255 "
                 "characters\n";
    return 2;
  }

  bool terminal = isatty(STDIN_FILENO) != 0;
  std::optional<std::string> password = ReadLine(terminal, "Password: ");
  if (!password) {
    std::cerr << "drdaplex-passwd: no password on standard input\n";
    return 1;
  }
  if (password->empty()) {
    std::cerr << "drdaplex-passwd: the password is empty\n";
    return 1;
  }
  if (terminal) {
    std::optional<std::string> again = ReadLine(terminal, "Again: ");
    if (!again || *again != *password) {
      std::cerr << "drdaplex-passwd: the passwords do not match\n";
      return 1;
    }
  }
  try {
    std::string hash = drdaplex::config::HashPassword(*password);
    if (app.count("--user") > 0) {
      std::cout << drdaplex::config::FormatUserStatement(user, hash) << '\n';
    } else {
      std::cout << hash << '\n';
    }
  } catch (const std::exception& e) {
    std::cerr << "drdaplex-passwd: " << e.what() << '\n';
    return 1;
  }
  return std::cout.flush() ? 0 : 1;
}
