// DSS framing: the 6-byte Data Stream Structure header, continuation of DSSes
// longer than 32,767 bytes, and an incremental parser that copes with any
// split of the byte stream. Parsing never consumes a partial DSS: until every
// segment of a DSS is present the input is left untouched and errc::need_more
// is reported. Every length is checked against Limits before anything grows.
#pragma once

#include <cstdint>
#include <optional>

#include "drda/bytes.h"
#include "drda/errc.h"
#include "drda/limits.h"

namespace drdaplex::drda {

enum class DssType : uint8_t {
  kRequest = 1,          // RQSDSS: a command
  kReply = 2,            // RPYDSS: a reply message
  kObject = 3,           // OBJDSS: command or reply data
  kCommunication = 4,    // the Derby client's encrypted OBJDSS
  kRequestNoReply = 5,
};

// Format-byte flags (IBM numbers the bits from the left: bit 1 = 0x40).
inline constexpr uint8_t kDssChained = 0x40;
inline constexpr uint8_t kDssContinueOnError = 0x20;
inline constexpr uint8_t kDssSameCorrelator = 0x10;
inline constexpr uint8_t kDssGdsId = 0xD0;

struct DssHeader {
  DssType type = DssType::kRequest;
  bool chained = false;            // another DSS follows in this chain
  bool continue_on_error = false;
  bool same_correlator = false;    // the next DSS carries the same correlator
  uint16_t correlator = 0;

  uint8_t FormatByte() const;
  friend bool operator==(const DssHeader&, const DssHeader&) = default;
};

// One logical DSS: the header of its first segment and its DDM payload with
// continuation headers removed.
struct Dss {
  DssHeader header;
  Bytes payload;
  friend bool operator==(const Dss&, const Dss&) = default;
};

// Parses one logical DSS from the front of `input` into `out`. Returns the
// number of bytes it spans, errc::need_more when `input` holds only part of
// it (nothing is consumed), or an error for malformed or oversized input.
// Malformed headers are reported as soon as the header bytes are present.
Result<size_t> ParseDss(ByteSpan input, const Limits& limits, Dss& out);

// Incremental parser over a growing buffer, for stream transports. The caller
// writes received bytes into the span from PrepareRead and confirms them with
// CommitRead, or calls Append; Next yields complete DSSes in order.
class DssStreamParser {
 public:
  explicit DssStreamParser(const Limits& limits = {}) : limits_(limits) {}

  void Append(ByteSpan bytes);
  // A writable span of at least `min_bytes` at the end of the buffer.
  std::span<uint8_t> PrepareRead(size_t min_bytes);
  void CommitRead(size_t bytes);

  // The next complete DSS; std::nullopt when more bytes are needed. After an
  // error the stream is unusable (framing is lost).
  Result<std::optional<Dss>> Next();

  size_t buffered() const { return end_ - begin_; }
  // The received bytes not yet returned by Next(), for a caller that stops
  // parsing and passes the rest of the stream on unchanged.
  ByteSpan buffered_bytes() const { return ByteSpan(buffer_.data() + begin_, end_ - begin_); }
  // True when the buffer ends exactly at a DSS boundary.
  bool at_boundary() const { return buffered() == 0; }

 private:
  void Compact();

  Limits limits_;
  Bytes buffer_;
  size_t begin_ = 0;  // first unparsed byte
  size_t end_ = 0;    // end of received bytes
};

// Writes the header of a DSS whose total length (incl. header) fits one
// segment; used by writers that build DSSes by hand.
void WriteDssHeader(uint8_t* dst, uint16_t length, const DssHeader& header);

}  // namespace drdaplex::drda
