// Passing an open socket from one process to another over a Unix socket
// (SCM_RIGHTS), with a short message riding along: how the distributor
// hands an accepted client connection to a router, so that once the
// connection is set up its traffic goes straight between client and
// router, never through the distributor (as with the z/OS Sysplex
// Distributor, where only connection setup passes the distributing stack).
//
// The channel is a SOCK_SEQPACKET Unix socket: message boundaries are kept,
// so one sendmsg is one message. Messages are bounded (kMaxFdMessage); a
// descriptor arriving with an over-long or truncated message is closed, not
// leaked. Both functions are non-blocking system-call wrappers: callers
// wait for readiness themselves (asio async_wait).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace drdaplex::net {

inline constexpr size_t kMaxFdMessage = 4096;

// Sends `text` and, when fd >= 0, the descriptor `fd` (the caller keeps its
// own copy and closes it when it likes). Returns 0 or an errno value
// (EAGAIN when the socket buffer is full).
int SendWithFd(int channel, std::string_view text, int fd);

struct ReceivedMessage {
  std::string text;
  int fd = -1;  // owned by the caller; -1 when none came
};

// Receives one message. nullopt with *error set: EAGAIN (nothing yet), 0
// for end of stream (the peer closed), EMSGSIZE for an over-long message
// (its descriptor, if any, is closed), or another errno value.
std::optional<ReceivedMessage> ReceiveWithFd(int channel, int* error);

}  // namespace drdaplex::net
