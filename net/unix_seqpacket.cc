#include "net/unix_seqpacket.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace drdaplex::net {

SeqPacket::endpoint UnixSeqPacketEndpoint(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.empty() || text.size() >= sizeof address.sun_path) {
    throw std::invalid_argument("Unix socket path too long or empty: " + text);
  }
  std::memcpy(address.sun_path, text.data(), text.size());
  return SeqPacket::endpoint(&address, offsetof(sockaddr_un, sun_path) + text.size() + 1, 0);
}

}  // namespace drdaplex::net
