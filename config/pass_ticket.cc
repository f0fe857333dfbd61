#include "config/pass_ticket.h"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace drdaplex::config {
namespace {

constexpr std::string_view kPrefix = "PT1";
constexpr std::size_t kTimeBytes = 4;
constexpr std::size_t kNonceBytes = 8;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kTicketBytes = kTimeBytes + kNonceBytes + kMacBytes;
constexpr std::size_t kTicketLength = kPrefix.size() + 2 * kTicketBytes;

void InitSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot initialise");
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

bool Unhex(std::string_view hex, unsigned char* out, std::size_t size) {
  std::size_t written = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
         written == size && end == hex.data() + hex.size();
}

// MAC over time || nonce || USER || 0 || ODBM: the NUL keeps ("AB","C") and
// ("A","BC") apart.
std::array<unsigned char, kMacBytes> TicketMac(const PlexKey& key, const unsigned char* time_nonce,
                                               std::string_view user, std::string_view odbm) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.bytes().data(), key.bytes().size(), kMacBytes);
  crypto_generichash_update(&state, time_nonce, kTimeBytes + kNonceBytes);
  const std::string u = Upper(user), o = Upper(odbm);
  const unsigned char zero = 0;
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(u.data()), u.size());
  crypto_generichash_update(&state, &zero, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(o.data()), o.size());
  std::array<unsigned char, kMacBytes> mac;
  crypto_generichash_final(&state, mac.data(), mac.size());
  return mac;
}

int64_t Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

PlexKey PlexKey::Generate() {
  InitSodium();
  PlexKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

std::optional<PlexKey> PlexKey::Load(const std::filesystem::path& file, std::string* error) {
  InitSodium();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    *error = fmt::format("plex key file {} cannot be read", file.string());
    return std::nullopt;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    *error = fmt::format("plex key file {} is accessible to group or others (chmod 600 it)",
                         file.string());
    return std::nullopt;
  }
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  PlexKey key;
  if (!in.good() && !in.eof()) {
    *error = fmt::format("plex key file {} cannot be read", file.string());
    return std::nullopt;
  }
  if (text.size() != 2 * kBytes || !Unhex(text, key.bytes_.data(), kBytes)) {
    *error = fmt::format("plex key file {} must hold {} hex digits", file.string(), 2 * kBytes);
    return std::nullopt;
  }
  return key;
}

bool PlexKey::Save(const std::filesystem::path& file, std::string* error) const {
  const std::string text = Hex(bytes_.data(), bytes_.size()) + "\n";
  // Create with 0600 from the start: no window in which others could read it.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0 ||
      ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (fd >= 0) ::close(fd);
    *error = fmt::format("cannot write plex key file {}", file.string());
    return false;
  }
  return ::close(fd) == 0;
}

std::string MakePassTicket(const PlexKey& key, std::string_view user, std::string_view odbm,
                           std::chrono::system_clock::time_point now) {
  InitSodium();
  std::array<unsigned char, kTicketBytes> raw{};
  const auto t = static_cast<uint32_t>(Seconds(now));
  for (std::size_t i = 0; i < kTimeBytes; ++i) raw[i] = static_cast<unsigned char>(t >> (24 - 8 * i));
  randombytes_buf(raw.data() + kTimeBytes, kNonceBytes);
  const auto mac = TicketMac(key, raw.data(), user, odbm);
  std::copy(mac.begin(), mac.end(), raw.begin() + kTimeBytes + kNonceBytes);
  return std::string(kPrefix) + Hex(raw.data(), raw.size());
}

bool LooksLikePassTicket(std::string_view password) {
  if (password.size() != kTicketLength || password.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : password.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view ToString(TicketCheck check) {
  switch (check) {
    case TicketCheck::kOk: return "ok";
    case TicketCheck::kMalformed: return "not a pass ticket";
    case TicketCheck::kWrongMac: return "pass ticket does not verify";
    case TicketCheck::kExpired: return "pass ticket expired";
    case TicketCheck::kReplayed: return "pass ticket already used";
  }
  return "unknown";
}

PassTicketVerifier::PassTicketVerifier(PlexKey key, std::string odbm, std::chrono::seconds window,
                                       std::size_t max_remembered)
    : key_(key), odbm_(std::move(odbm)), window_(window), max_remembered_(max_remembered) {
  InitSodium();
}

TicketCheck PassTicketVerifier::Verify(std::string_view user, std::string_view ticket,
                                       std::chrono::system_clock::time_point now) {
  if (!LooksLikePassTicket(ticket)) return TicketCheck::kMalformed;
  std::array<unsigned char, kTicketBytes> raw{};
  if (!Unhex(ticket.substr(kPrefix.size()), raw.data(), raw.size())) return TicketCheck::kMalformed;
  const auto expected = TicketMac(key_, raw.data(), user, odbm_);
  if (sodium_memcmp(expected.data(), raw.data() + kTimeBytes + kNonceBytes, kMacBytes) != 0) {
    return TicketCheck::kWrongMac;
  }
  uint32_t issued = 0;
  for (std::size_t i = 0; i < kTimeBytes; ++i) issued = (issued << 8) | raw[i];
  const int64_t now_s = Seconds(now);
  const int64_t window = window_.count();
  if (issued + window < now_s || static_cast<int64_t>(issued) > now_s + window) {
    return TicketCheck::kExpired;
  }
  const std::string mac_hex(ticket.substr(ticket.size() - 2 * kMacBytes));
  std::lock_guard lock(mu_);
  if (now_s != last_prune_) {
    last_prune_ = now_s;
    std::erase_if(accepted_, [&](const auto& entry) { return entry.second + window < now_s; });
  }
  if (accepted_.size() >= max_remembered_) return TicketCheck::kReplayed;
  if (!accepted_.emplace(mac_hex, issued).second) return TicketCheck::kReplayed;
  return TicketCheck::kOk;
}

}  // namespace drdaplex::config
