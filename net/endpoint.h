// Text form of TCP endpoints: "HOST:PORT" with a numeric IPv4 host, or
// "[V6]:PORT" with a numeric IPv6 host. Names are not resolved: every
// address in a drdaplex configuration or registration is numeric, so parsing
// never blocks and means the same in every network namespace.
// Thread-safety: pure functions.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace drdaplex::net {

// Parses "127.0.0.1:5000", "[::1]:5000" (port 0..65535). Returns nullopt and
// a message quoting the text in *error (if given) when it is not one.
std::optional<boost::asio::ip::tcp::endpoint> ParseEndpoint(std::string_view text,
                                                           std::string* error = nullptr);

// The inverse: "127.0.0.1:5000", "[::1]:5000".
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace drdaplex::net
