// TuneConnection; see socket_options.h.
#include "net/socket_options.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

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

}  // namespace drdaplex::net
