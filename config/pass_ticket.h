// Pass tickets: how a router vouches for a user it has authenticated when it
// opens the connection to an ODBM, so the ODBM can refuse everyone else.
//
// Modelled on RACF PassTickets (IMS Connect ODACCESS APPL=): a one-time,
// short-lived password computed from a secret both sides share, the user id
// and the target. Here the secret is the plex key (32 random bytes in a key
// file readable only by the plex's processes), the target is the ODBM name,
// and the ticket travels as the SECCHK password of DRDA SECMEC 3, so the
// router-to-ODBM leg stays plain DRDA that tshark decodes.
//
// A ticket is "PT1" followed by hex of: issue time (4 bytes, seconds since
// the epoch), a random nonce (8 bytes) and a keyed BLAKE2b MAC (16 bytes)
// over the time, nonce, upper-case user id and upper-case ODBM name. It is
// accepted within `window` of its issue time (either side, for clock skew
// between systems) and only once: the verifier remembers the MACs it has
// accepted until they expire.
//
// Thread-safety: PlexKey is immutable; PassTicketVerifier::Verify is safe to
// call concurrently.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace drdaplex::config {

class PlexKey {
 public:
  static constexpr std::size_t kBytes = 32;

  // A fresh random key.
  static PlexKey Generate();
  // Reads a key file: 64 hex digits, optionally followed by a newline.
  // Returns nullopt with *error set when the file is missing, malformed,
  // or readable by group or others (a key anyone can read protects nothing).
  static std::optional<PlexKey> Load(const std::filesystem::path& file, std::string* error);
  // Writes the key file with mode 0600. Returns false with *error set.
  bool Save(const std::filesystem::path& file, std::string* error) const;

  const std::array<unsigned char, kBytes>& bytes() const { return bytes_; }

 private:
  std::array<unsigned char, kBytes> bytes_{};
};

// A ticket for `user` to sign on to ODBM `odbm`, issued at `now`.
std::string MakePassTicket(const PlexKey& key, std::string_view user, std::string_view odbm,
                           std::chrono::system_clock::time_point now);

// True if `password` has the shape of a pass ticket (so an ODBM can tell a
// ticket from a user's ordinary password without trying both).
bool LooksLikePassTicket(std::string_view password);

enum class TicketCheck { kOk, kMalformed, kWrongMac, kExpired, kReplayed };
std::string_view ToString(TicketCheck check);

class PassTicketVerifier {
 public:
  // Tickets are remembered for replay detection up to max_remembered; when
  // that many are live, new tickets are refused as kReplayed rather than
  // letting the cache grow without bound.
  PassTicketVerifier(PlexKey key, std::string odbm,
                     std::chrono::seconds window = std::chrono::seconds(120),
                     std::size_t max_remembered = 1 << 20);

  TicketCheck Verify(std::string_view user, std::string_view ticket,
                     std::chrono::system_clock::time_point now);

 private:
  const PlexKey key_;
  const std::string odbm_;
  const std::chrono::seconds window_;
  const std::size_t max_remembered_;
  std::mutex mu_;
  // Accepted MAC (hex) -> issue time; pruned of entries past the window.
  std::unordered_map<std::string, int64_t> accepted_;  // guarded by mu_
  int64_t last_prune_ = 0;                              // guarded by mu_
};

}  // namespace drdaplex::config
