// TuneConnection; see socket_options.h.
#include "net/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <string>

#include "net/endpoint.h"

namespace drdaplex::net {

namespace {

template <int Name>
using TcpOption = boost::asio::detail::socket_option::integer<IPPROTO_TCP, Name>;

}  // namespace

void TuneConnection(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket.set_option(boost::asio::socket_base::keep_alive(true), ignored);
  socket.set_option(TcpOption<TCP_KEEPIDLE>(5), ignored);   // seconds idle before probing
  socket.set_option(TcpOption<TCP_KEEPINTVL>(1), ignored);  // seconds between probes
  socket.set_option(TcpOption<TCP_KEEPCNT>(3), ignored);    // unanswered probes before giving up
}

void OpenListener(boost::asio::ip::tcp::acceptor& acceptor,
                  const boost::asio::ip::tcp::endpoint& listen) {
  namespace asio = boost::asio;
  auto check = [&](const boost::system::error_code& ec, const char* step) {
    if (ec) throw boost::system::system_error(ec, std::string(step) + " " + FormatEndpoint(listen));
  };
  boost::system::error_code ec;
  acceptor.open(listen.protocol(), ec);
  check(ec, "open");
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  check(ec, "set reuse_address on");
  acceptor.bind(listen, ec);
  check(ec, "bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  check(ec, "listen on");
}

}  // namespace drdaplex::net
