// PacketCapture and the tshark checks: record what goes over loopback on a
// few TCP ports with dumpcap while a test drives its servers, then have
// tshark's DRDA dissector decode the capture. The dissector is heuristic: it
// finds DRDA on any port by itself, so no "-d tcp.port==...,drda" is given,
// and "recognised as DRDA, nothing malformed" is what a third-party decoder
// makes of our traffic.
//
// Capturing needs dumpcap and tshark (Debian package tshark) and the right to
// capture on lo (root in CI). When that is impossible here, Start() says why
// in a skip reason instead of an error, so a test can GTEST_SKIP().
//
// A capture also listens for UDP datagrams of its own marker socket: Mark()
// sends one and waits until dumpcap has written it to the file. dumpcap
// writing to a pipe flushes after every packet, and loopback packets reach the
// capture in the order they were sent, so once a marker is in the file, so is
// every packet sent before it.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace drdaplex::testing {

class PacketCapture {
 public:
  // Starts dumpcap on lo with the filter "tcp port P1 or ... or udp port
  // <marker>", writing a pcapng file to `pcap` (its log next to it, with
  // ".log" appended), waits until it captures and has written a first marker.
  // Returns nullptr when that fails: then either *skip_reason (capture is
  // impossible on this machine: no dumpcap/tshark, not root, no permission)
  // or *error (anything else) is set.
  static std::unique_ptr<PacketCapture> Start(const std::vector<int>& tcp_ports,
                                              const std::string& pcap, std::string* skip_reason,
                                              std::string* error);

  ~PacketCapture();
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;

  const std::string& pcap() const { return pcap_; }
  int marker_port() const { return ntohs(marker_address_.sin_port); }

  // Sends a marker datagram tagged `tag` until it is in the capture file.
  // Fails when it is not there after 15 s or dumpcap has exited.
  ::testing::AssertionResult Mark(const std::string& tag);

  // Marks the end (so everything sent before is in the file), then stops
  // dumpcap with SIGINT and checks it exited 0. Idempotent.
  ::testing::AssertionResult Stop();

 private:
  PacketCapture() = default;

  std::string pcap_;
  std::string log_;
  std::unique_ptr<ChildProcess> dumpcap_;
  int marker_fd_ = -1;
  sockaddr_in marker_address_{};
};

// tshark, run on a capture file, with a bound for a loaded machine.
constexpr std::chrono::seconds kTsharkTimeout{120};

// The packets of `pcap` that match the display filter `filter` (one line
// each, tshark's summary). Adds a test failure and returns an empty list
// when tshark fails.
std::vector<std::string> TsharkPackets(const std::string& pcap, const std::string& filter);

// How many packets of `pcap` match `filter`.
size_t TsharkCount(const std::string& pcap, const std::string& filter);

// Passes when tshark recognises at least `min_drda_packets` DRDA packets in
// `pcap`, no packet at all is malformed or carries an error-level expert
// info, and "tshark -V" shows no "[Malformed Packet". The number of DRDA
// packets goes to *drda_packets (optional). On failure, the message shows the
// offending packets, or the -V output leading up to the first malformed one.
::testing::AssertionResult TsharkFindsWellFormedDrda(const std::string& pcap,
                                                     size_t min_drda_packets,
                                                     size_t* drda_packets = nullptr);

}  // namespace drdaplex::testing
