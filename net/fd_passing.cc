#include "net/fd_passing.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace drdaplex::net {

int SendWithFd(int channel, std::string_view text, int fd) {
  if (text.empty() || text.size() > kMaxFdMessage) return EMSGSIZE;
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  }
  for (;;) {
    const ssize_t n = ::sendmsg(channel, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return static_cast<size_t>(n) == text.size() ? 0 : EMSGSIZE;
    if (errno != EINTR) return errno;
  }
}

std::optional<ReceivedMessage> ReceiveWithFd(int channel, int* error) {
  std::vector<char> buffer(kMaxFdMessage + 1);
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // Room for more descriptors than we accept: extra ones are closed below
  // instead of leaking into this process unseen.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(channel, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    *error = errno;
    return std::nullopt;
  }
  ReceivedMessage out;
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
      if (out.fd < 0) {
        out.fd = fd;
      } else {
        ::close(fd);
      }
    }
  }
  if (n == 0 && out.fd < 0) {
    *error = 0;  // end of stream
    return std::nullopt;
  }
  if (static_cast<size_t>(n) > kMaxFdMessage || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    if (out.fd >= 0) ::close(out.fd);
    *error = EMSGSIZE;
    return std::nullopt;
  }
  out.text.assign(buffer.data(), static_cast<size_t>(n));
  return out;
}

}  // namespace drdaplex::net
