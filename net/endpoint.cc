// Parsing and formatting of "HOST:PORT" endpoints; see endpoint.h.
#include "net/endpoint.h"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace drdaplex::net {

namespace {

std::optional<boost::asio::ip::tcp::endpoint> Fail(std::string_view text, std::string_view why,
                                                   std::string* error) {
  if (error) *error = "bad address '" + std::string(text) + "': " + std::string(why);
  return std::nullopt;
}

}  // namespace

std::optional<boost::asio::ip::tcp::endpoint> ParseEndpoint(std::string_view text,
                                                           std::string* error) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Fail(text, "expected HOST:PORT", error);
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Fail(text, "an IPv6 host needs brackets, as in [::1]:PORT", error);
  }
  if (host.empty()) return Fail(text, "empty host", error);

  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Fail(text, "port must be a number from 0 to 65535", error);
  }

  boost::system::error_code address_error;
  const auto address = boost::asio::ip::make_address(std::string(host), address_error);
  if (address_error) return Fail(text, "host must be a numeric IPv4 or IPv6 address", error);
  if (bracketed != address.is_v6()) return Fail(text, "brackets are for IPv6 hosts only", error);
  return boost::asio::ip::tcp::endpoint(address, static_cast<uint16_t>(port));
}

std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
  const auto& address = endpoint.address();
  std::string host = address.to_string();
  if (address.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace drdaplex::net
