// PacketCapture (dumpcap on lo with marker datagrams) and the tshark checks
// of a capture file.
#include "tests/support/packet_capture.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <sstream>
#include <utility>

#include "tests/support/polling.h"
#include "tests/support/temp_dir.h"

namespace drdaplex::testing {
namespace {

using std::chrono::seconds;

constexpr auto kDumpcapTimeout = seconds(15);

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CommandResult Tshark(const std::string& pcap, std::vector<std::string> args) {
  std::vector<std::string> argv = {"tshark", "-r", pcap};
  for (std::string& arg : args) argv.push_back(std::move(arg));
  return RunCommand(std::move(argv), kTsharkTimeout);
}

}  // namespace

std::unique_ptr<PacketCapture> PacketCapture::Start(const std::vector<int>& tcp_ports,
                                                    const std::string& pcap,
                                                    std::string* skip_reason, std::string* error) {
  skip_reason->clear();
  error->clear();
  const std::string dumpcap = FindExecutable("dumpcap");
  if (dumpcap.empty() || FindExecutable("tshark").empty()) {
    *skip_reason = "dumpcap/tshark not installed (Debian package tshark)";
    return nullptr;
  }
  if (tcp_ports.empty()) {
    *error = "no TCP port to capture";
    return nullptr;
  }
  std::unique_ptr<PacketCapture> capture(new PacketCapture());
  capture->pcap_ = pcap;
  capture->log_ = pcap + ".log";

  // A UDP socket of our own: its datagrams mark points in the capture.
  capture->marker_fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (capture->marker_fd_ < 0) {
    *error = std::string("marker socket: ") + std::strerror(errno);
    return nullptr;
  }
  sockaddr_in& address = capture->marker_address_;
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(capture->marker_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(capture->marker_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    *error = std::string("marker socket: ") + std::strerror(errno);
    return nullptr;
  }

  std::string filter;
  for (int port : tcp_ports) filter += "tcp port " + std::to_string(port) + " or ";
  filter += "udp port " + std::to_string(capture->marker_port());
  ChildOptions options;
  options.argv = {dumpcap, "-i", "lo", "-f", filter, "-w", "-"};
  options.stdout_path = capture->pcap_;
  options.stderr_path = capture->log_;
  capture->dumpcap_ = ChildProcess::Start(options, error);
  if (capture->dumpcap_ == nullptr) return nullptr;
  ChildProcess& dumpcap_process = *capture->dumpcap_;

  PollUntil(
      [&] {
        return ReadFileOrEmpty(capture->log_).find("Capturing on") != std::string::npos ||
               !dumpcap_process.IsRunning();
      },
      kDumpcapTimeout);
  // dumpcap says "Capturing on" before it finds out it may not: it can still
  // exit while the first marker is on its way.
  ::testing::AssertionResult marked = ::testing::AssertionFailure();
  if (dumpcap_process.IsRunning()) {
    // The capture really sees packets.
    marked = capture->Mark("start");
    if (marked) return capture;
  }
  const std::string log = ReadFileOrEmpty(capture->log_);
  if (!dumpcap_process.IsRunning()) {
    if (geteuid() != 0 || log.find("ermission") != std::string::npos ||
        log.find("not permitted") != std::string::npos) {
      *skip_reason = "cannot capture on lo here (run as root in CI): " + log;
    } else {
      *error = "dumpcap exited (" + dumpcap_process.status()->ToString() + "):\n" + log;
    }
  } else if (log.find("Capturing on") == std::string::npos) {
    *error = "dumpcap never said it was capturing:\n" + log;
  } else {
    *error = marked.message();
  }
  return nullptr;
}

PacketCapture::~PacketCapture() {
  dumpcap_.reset();  // SIGKILLs dumpcap unless Stop() has ended it.
  if (marker_fd_ >= 0) close(marker_fd_);
}

::testing::AssertionResult PacketCapture::Mark(const std::string& tag) {
  const std::string marker =
      "DRDAPLEX-CAPTURE-MARKER-" + tag + "-" + std::to_string(std::random_device{}());
  auto last_sent = std::chrono::steady_clock::time_point();
  bool seen = PollUntil(
      [&] {
        auto now = std::chrono::steady_clock::now();
        if (now - last_sent > std::chrono::milliseconds(500)) {
          sendto(marker_fd_, marker.data(), marker.size(), 0,
                 reinterpret_cast<const sockaddr*>(&marker_address_), sizeof(marker_address_));
          last_sent = now;
        }
        return ReadFileOrEmpty(pcap_).find(marker) != std::string::npos || !dumpcap_->IsRunning();
      },
      kDumpcapTimeout);
  if (seen && dumpcap_->IsRunning()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "marker '" << tag << "' never reached " << pcap_ << "; dumpcap "
         << (dumpcap_->IsRunning() ? "running" : dumpcap_->status()->ToString()) << ", log:\n"
         << ReadFileOrEmpty(log_);
}

::testing::AssertionResult PacketCapture::Stop() {
  if (!dumpcap_->status().has_value()) {
    if (::testing::AssertionResult marked = Mark("end"); !marked) return marked;
    dumpcap_->Kill(SIGINT);
    if (!dumpcap_->Wait(kDumpcapTimeout).has_value()) {
      return ::testing::AssertionFailure() << "dumpcap ignored SIGINT";
    }
  }
  if (!dumpcap_->status()->Success()) {
    return ::testing::AssertionFailure() << "dumpcap: " << dumpcap_->status()->ToString() << "\n"
                                         << ReadFileOrEmpty(log_);
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> TsharkPackets(const std::string& pcap, const std::string& filter) {
  CommandResult result = Tshark(pcap, {"-Y", filter});
  if (!result.Success()) {
    ADD_FAILURE() << "tshark failed on display filter '" << filter << "'\n" << result.Describe();
    return {};
  }
  return Lines(result.stdout_text);
}

size_t TsharkCount(const std::string& pcap, const std::string& filter) {
  return TsharkPackets(pcap, filter).size();
}

::testing::AssertionResult TsharkFindsWellFormedDrda(const std::string& pcap,
                                                     size_t min_drda_packets,
                                                     size_t* drda_packets) {
  // tshark's DRDA dissector is heuristic: no "-d tcp.port==...,drda".
  CommandResult drda = Tshark(pcap, {"-Y", "drda"});
  if (!drda.Success()) return ::testing::AssertionFailure() << drda.Describe();
  const size_t count = Lines(drda.stdout_text).size();
  if (drda_packets != nullptr) *drda_packets = count;

  bool passed = true;
  std::ostringstream problems;
  if (count < min_drda_packets) {
    passed = false;
    problems << "tshark recognised too few DRDA packets: " << count << " < " << min_drda_packets
             << "\n"
             << drda.Describe();
  }

  CommandResult bad = Tshark(pcap, {"-Y", "_ws.malformed || _ws.expert.severity >= error"});
  if (!bad.Success()) return ::testing::AssertionFailure() << bad.Describe();
  if (!bad.stdout_text.empty()) {
    passed = false;
    problems << "malformed packets or error-level expert infos:\n" << bad.Describe();
  }

  CommandResult verbose = Tshark(pcap, {"-V"});
  if (!verbose.Success()) return ::testing::AssertionFailure() << verbose.Describe(20);
  const size_t malformed = verbose.stdout_text.find("[Malformed Packet");
  if (malformed != std::string::npos) {
    passed = false;
    problems << "tshark -V reports a malformed packet:\n"
             << verbose.stdout_text.substr(malformed > 3000 ? malformed - 3000 : 0, 3500);
  }
  if (passed) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "in " << pcap << ":\n" << problems.str();
}

}  // namespace drdaplex::testing
