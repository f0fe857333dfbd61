// LineClient: a blocking, deadline-bounded JSON-lines exchange on Asio.
// Each step is started asynchronously and the io_context is run for at most
// the time left; when the deadline passes first the socket is closed, which
// completes the step with operation_aborted (Asio's blocking_tcp_client
// pattern).
#include "router/ctl/line_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <charconv>

namespace drdaplex::router::ctl {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Runs `io` until the started operation completes or `deadline` passes;
// true when it completed in time. Otherwise `cancel` aborts the operation
// and its handler runs before this returns (it refers to the caller's
// locals).
template <typename Cancel>
bool RunUntil(asio::io_context& io, Clock::time_point deadline, const bool& done, Cancel cancel) {
  io.restart();
  const auto left = deadline - Clock::now();
  if (left > Clock::duration::zero()) io.run_for(left);
  if (done) return true;
  cancel();
  io.restart();
  io.run();
  return false;
}

}  // namespace

std::optional<HostPort> ParseHostPort(std::string_view text, std::string* error) {
  HostPort out;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *error = "expected [IPV6]:PORT, got [" + std::string(text) + "]";
      return std::nullopt;
    }
    out.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      *error = "expected HOST:PORT, got [" + std::string(text) + "]";
      return std::nullopt;
    }
    out.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (out.host.empty() || port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value == 0 || value > 65535) {
    *error = "expected HOST:PORT with a port 1-65535, got [" + std::string(text) + "]";
    return std::nullopt;
  }
  out.port = std::string(port);
  return out;
}

bool ExchangeLine(const HostPort& server, std::string_view request, const ExchangeOptions& options,
                  std::string* reply, std::string* error) {
  asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  const std::string where = server.host + ":" + server.port;
  boost::system::error_code ec;
  bool done = false;
  auto close = [&] {
    boost::system::error_code ignored;
    socket.close(ignored);
  };

  // Connect: resolution and connection share one deadline.
  Clock::time_point deadline = Clock::now() + options.timeout;
  tcp::resolver::results_type endpoints;
  resolver.async_resolve(server.host, server.port,
                         [&](const boost::system::error_code& e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                           done = true;
                         });
  if (!RunUntil(io, deadline, done, [&] { resolver.cancel(); })) {
    *error = "resolving " + where + " timed out";
    return false;
  }
  if (ec) {
    *error = "cannot resolve " + where + ": " + ec.message();
    return false;
  }
  done = false;
  asio::async_connect(socket, endpoints,
                      [&](const boost::system::error_code& e, const tcp::endpoint&) {
                        ec = e;
                        done = true;
                      });
  if (!RunUntil(io, deadline, done, close)) {
    *error = "connecting to " + where + " timed out";
    return false;
  }
  if (ec) {
    *error = "cannot connect to " + where + ": " + ec.message();
    return false;
  }

  // Exchange: the request line out, one reply line in.
  deadline = Clock::now() + options.timeout;
  std::string line(request);
  line += '\n';
  done = false;
  asio::async_write(socket, asio::buffer(line), [&](const boost::system::error_code& e, size_t) {
    ec = e;
    done = true;
  });
  if (!RunUntil(io, deadline, done, close)) {
    *error = "sending to " + where + " timed out";
    return false;
  }
  if (ec) {
    *error = "sending to " + where + " failed: " + ec.message();
    return false;
  }
  std::string buffer;
  size_t length = 0;
  done = false;
  asio::async_read_until(socket, asio::dynamic_buffer(buffer, options.max_reply), '\n',
                         [&](const boost::system::error_code& e, size_t n) {
                           ec = e;
                           length = n;
                           done = true;
                         });
  if (!RunUntil(io, deadline, done, close)) {
    *error =
        "no reply from " + where + " within " + std::to_string(options.timeout.count()) + " ms";
    return false;
  }
  if (ec == asio::error::not_found) {
    *error =
        "reply from " + where + " is longer than " + std::to_string(options.max_reply) + " bytes";
    return false;
  }
  if (ec == asio::error::eof) {
    *error = where + " closed the connection before a complete reply line";
    return false;
  }
  if (ec) {
    *error = "reading from " + where + " failed: " + ec.message();
    return false;
  }
  reply->assign(buffer, 0, length - 1);
  if (!reply->empty() && reply->back() == '\r') reply->pop_back();
  return true;
}

std::optional<nlohmann::ordered_json> AskJson(const std::string& address,
                                              const nlohmann::ordered_json& request,
                                              std::chrono::milliseconds timeout, std::string* error) {
  auto server = ParseHostPort(address, error);
  if (!server) return std::nullopt;
  ExchangeOptions options;
  options.timeout = timeout;
  std::string line;
  if (!ExchangeLine(*server, request.dump(), options, &line, error)) {
    *error = address + ": " + *error;
    return std::nullopt;
  }
  auto reply = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object()) {
    *error = address + " replied with no JSON object: " + line.substr(0, 200);
    return std::nullopt;
  }
  return reply;
}

std::optional<nlohmann::ordered_json> RequestOk(const std::string& address,
                                                const nlohmann::ordered_json& request,
                                                std::chrono::milliseconds timeout, std::string* error) {
  auto reply = AskJson(address, request, timeout, error);
  if (!reply) return std::nullopt;
  auto ok = reply->find("ok");
  if (ok != reply->end() && ok->is_boolean() && ok->get<bool>()) return reply;
  *error = reply->dump();
  for (const char* key : {"error", "message"}) {
    auto text = reply->find(key);
    if (text != reply->end() && text->is_string()) {
      *error = text->get<std::string>();
      break;
    }
  }
  return std::nullopt;
}

}  // namespace drdaplex::router::ctl
