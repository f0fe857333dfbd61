// Unix-domain SOCK_SEQPACKET sockets in Asio terms, for the connection
// hand-over channel (net/fd_passing.h). Boost 1.81 has no
// local::seq_packet_protocol, so the generic protocol is used with a
// sockaddr_un endpoint built here.
#pragma once

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/seq_packet_protocol.hpp>

#include <filesystem>

namespace drdaplex::net {

using SeqPacket = boost::asio::generic::seq_packet_protocol;
using SeqPacketAcceptor = boost::asio::basic_socket_acceptor<SeqPacket>;

// The endpoint of a Unix socket file. Throws std::invalid_argument when the
// path does not fit sun_path (107 bytes on Linux).
SeqPacket::endpoint UnixSeqPacketEndpoint(const std::filesystem::path& path);

}  // namespace drdaplex::net
