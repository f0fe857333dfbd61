// WireTap: a TCP relay between a client under test and a real server that
// decodes what the client sends, DSS by DSS, so tests can check the command
// chains on the wire (the Derby client's shapes) and can cut the
// connection on demand. Each accepted connection is relayed to
// 127.0.0.1:<upstream_port> by two threads; the tap serves connections one
// after another until destroyed. Thread-safe accessors.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drda/dss.h"

namespace drdaplex::client::testing {

class WireTap {
 public:
  explicit WireTap(int upstream_port);
  ~WireTap();
  WireTap(const WireTap&) = delete;
  WireTap& operator=(const WireTap&) = delete;

  uint16_t port() const { return port_; }

  // Every request chain the clients sent so far, each as its DSSes in the
  // form "NAME[correlator format]", e.g. "EXCSQLIMM[1 51] SQLSTT[1 43]".
  std::vector<std::string> Chains() const;
  // Forgets the chains seen so far.
  void Clear();
  // The raw payloads of the DSSes seen (for parameter checks).
  std::vector<drda::Dss> Dsses() const;

  // From now on, requests are not forwarded: the relay hangs up on both
  // sides at the client's next request.
  void Cut() { cut_ = true; }

 private:
  void Serve();
  void Relay(int client);
  void Record(const uint8_t* data, size_t n, drda::DssStreamParser& parser, std::string& chain);

  int upstream_port_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> cut_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> chains_;
  std::vector<drda::Dss> dsses_;
  std::thread thread_;
};

}  // namespace drdaplex::client::testing
