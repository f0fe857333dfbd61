// TempDir: a private scratch directory for one test or one helper process.
//
// Created with mkdtemp under $TMPDIR (default /tmp), so two tests, two
// routers or two ODBMs never share a path by accident. Removed with all its
// contents on destruction, unless the environment variable DRDAPLEX_KEEP_TEMP
// is set: then it is kept and its path is printed to stderr so that a failed
// run can be inspected. Movable, not copyable; not thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::process {

class TempDir {
 public:
  // Creates "$TMPDIR/<prefix>XXXXXX". Aborts the program when that is
  // impossible (no space, no permission): no test can do anything useful then.
  explicit TempDir(std::string_view prefix = "drdaplex-");
  ~TempDir();

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute path, without a trailing slash. Empty after a move.
  const std::string& path() const { return path_; }

  // path() + "/" + name. Does not create anything.
  std::string File(std::string_view name) const;

  // Creates (or truncates) path()/name with `contents`; returns its path.
  // Aborts on I/O errors, like the constructor.
  std::string WriteFile(std::string_view name, std::string_view contents) const;

  // Creates the subdirectory path()/name (and parents) and returns its path.
  std::string MakeSubdir(std::string_view name) const;

 private:
  void Remove();

  std::string path_;
};

// Whole file as a string; empty when it does not exist or cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

// The last `max_lines` lines of `text` (all of it when shorter), for failure
// messages that should show the end of a long log.
std::string TailLines(std::string_view text, size_t max_lines);

}  // namespace drdaplex::process
