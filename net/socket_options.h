// Socket settings shared by every JSON-lines connection.
// Thread-safety: call on the socket's executor.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace drdaplex::net {

// TCP_NODELAY (one small JSON line must not wait for the next), and TCP
// keepalive with short timers: a peer whose host or network namespace
// vanished never sends FIN or RST, and probes notice it within about
// eight seconds instead of the kernel default of two hours. Failures to set
// an option are ignored (the connection works without).
void TuneConnection(boost::asio::ip::tcp::socket& socket);

// Opens, binds (SO_REUSEADDR) and listens; throws boost::system::system_error
// naming the failed step and the address.
void OpenListener(boost::asio::ip::tcp::acceptor& acceptor,
                  const boost::asio::ip::tcp::endpoint& listen);

}  // namespace drdaplex::net
