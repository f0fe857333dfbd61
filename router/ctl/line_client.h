// LineClient: one request line out, one reply line back, over TCP, with a
// deadline on each step: the operator's side of the JSON-lines protocol the
// router's admin socket and the plex registry speak. Blocking by design:
// drdaplex-ctl does one exchange and exits.
//
// Bounds: connect (name resolution included) and the whole exchange
// after it each get `timeout`; a reply longer than `max_reply` bytes is an
// error, never an unbounded read.
// Ownership: plain functions; the socket lives inside the call.
// Thread-safety: safe from any thread (no shared state).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace drdaplex::router::ctl {

struct HostPort {
  std::string host;  // name or address; IPv6 without brackets
  std::string port;  // decimal, 1..65535
};

// Reads "HOST:PORT" or "[V6]:PORT". Returns nullopt with a reason in *error.
std::optional<HostPort> ParseHostPort(std::string_view text, std::string* error);

struct ExchangeOptions {
  std::chrono::milliseconds timeout{5000};
  size_t max_reply = 16 * 1024 * 1024;
};

// Sends `request` plus '\n' and reads one '\n'-terminated reply line
// (returned without the newline). False with a reason in *error on any
// failure: unreachable, timed out, closed early, reply too long.
bool ExchangeLine(const HostPort& server, std::string_view request, const ExchangeOptions& options,
                  std::string* reply, std::string* error);

// One JSON request to the operator socket at `address` ("HOST:PORT": a
// router's or distributor's, the registry, the plex launcher's control
// socket) and its reply, which must be a JSON object (keys in the order
// sent). nullopt with the reason in *error otherwise. Whether the reply
// says "ok" is the caller's business (see RequestOk).
std::optional<nlohmann::ordered_json> AskJson(const std::string& address,
                                              const nlohmann::ordered_json& request,
                                              std::chrono::milliseconds timeout, std::string* error);

// AskJson for a request that must succeed: also nullopt when the reply does
// not say "ok": true, with the reply's own "error" (router, launcher) or
// "message" (registry) in *error.
std::optional<nlohmann::ordered_json> RequestOk(const std::string& address,
                                                const nlohmann::ordered_json& request,
                                                std::chrono::milliseconds timeout, std::string* error);

}  // namespace drdaplex::router::ctl
