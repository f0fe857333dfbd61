#include "process/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace drdaplex::process {

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "drdaplex::process::TempDir: %s\n", what.c_str());
  std::abort();
}

}  // namespace

TempDir::TempDir(std::string_view prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  pattern += "/";
  pattern += prefix;
  pattern += "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    Die("mkdtemp(" + pattern + "): " + std::strerror(errno));
  }
  path_ = buffer.data();
}

TempDir::~TempDir() { Remove(); }

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    Remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void TempDir::Remove() {
  if (path_.empty()) return;
  if (std::getenv("DRDAPLEX_KEEP_TEMP") != nullptr) {
    std::fprintf(stderr, "drdaplex: keeping %s (DRDAPLEX_KEEP_TEMP is set)\n",
                 path_.c_str());
  } else {
    std::error_code ignored;  // Best effort: a leftover file must not fail a test.
    std::filesystem::remove_all(path_, ignored);
  }
  path_.clear();
}

std::string TempDir::File(std::string_view name) const {
  std::string result = path_;
  result += "/";
  result += name;
  return result;
}

std::string TempDir::WriteFile(std::string_view name,
                               std::string_view contents) const {
  std::string file = File(name);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) Die("cannot write " + file);
  return file;
}

std::string TempDir::MakeSubdir(std::string_view name) const {
  std::string dir = File(name);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) Die("cannot create " + dir + ": " + error.message());
  return dir;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string TailLines(std::string_view text, size_t max_lines) {
  if (max_lines == 0) return {};
  size_t end = text.size();
  // A final newline does not start another line.
  if (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  size_t lines = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
    --pos;
  }
  std::string result;
  if (pos > 0) result = "[... " + std::to_string(pos) + " bytes before ...]\n";
  result += text.substr(pos);
  return result;
}

}  // namespace drdaplex::process
