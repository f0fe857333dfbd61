// /proc/stat parsing and spare-capacity arithmetic; see cpu_sampler.h.
#include "registry/cpu_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

namespace drdaplex::registry {

namespace {

// Whitespace-separated words of one line.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < line.size()) {
    const size_t start = line.find_first_not_of(" \t", at);
    if (start == std::string_view::npos) break;
    const size_t end = line.find_first_of(" \t", start);
    words.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    at = end == std::string_view::npos ? line.size() : end;
  }
  return words;
}

bool IsCpuN(std::string_view word) {
  if (word.size() <= 3 || word.substr(0, 3) != "cpu") return false;
  for (char c : word.substr(3)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::optional<CpuTimes> ParseProcStat(std::string_view text, std::string* error) {
  CpuTimes times;
  bool aggregate = false;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    const std::vector<std::string_view> words = Words(line);
    if (words.empty()) continue;
    if (IsCpuN(words[0])) {
      ++times.cpus;
      continue;
    }
    if (words[0] != "cpu") continue;
    // user nice system idle iowait irq softirq steal [guest guest_nice]:
    // guest time is already counted in user and nice.
    std::array<uint64_t, 8> fields{};
    const size_t present = std::min(words.size() - 1, fields.size());
    if (present < 4) {
      if (error) *error = fmt::format("/proc/stat: the cpu line has {} fields", present);
      return std::nullopt;
    }
    for (size_t i = 0; i < present; ++i) {
      const std::string_view word = words[i + 1];
      const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), fields[i]);
      if (ec != std::errc() || end != word.data() + word.size()) {
        if (error) *error = fmt::format("/proc/stat: '{}' in the cpu line is not a count", word);
        return std::nullopt;
      }
    }
    times.idle = fields[3] + fields[4];
    times.total = 0;
    for (uint64_t field : fields) times.total += field;
    aggregate = true;
  }
  if (!aggregate) {
    if (error) *error = "/proc/stat: no cpu line";
    return std::nullopt;
  }
  if (times.cpus == 0) times.cpus = 1;  // a kernel that lists no cpuN lines
  return times;
}

std::optional<CpuTimes> ReadCpuTimes(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    if (error) *error = fmt::format("cannot read {}", path);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseProcStat(text.str(), error);
}

std::optional<double> SpareCapacity(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.idle < before.idle) return std::nullopt;
  const double idle = static_cast<double>(after.idle - before.idle);
  const double total = static_cast<double>(after.total - before.total);
  const double share = std::min(1.0, idle / total);
  return share * 100.0 * static_cast<double>(after.cpus);
}

std::optional<double> SpareCapacitySinceBoot(const CpuTimes& times) {
  return SpareCapacity(CpuTimes{0, 0, times.cpus}, times);
}

}  // namespace drdaplex::registry
