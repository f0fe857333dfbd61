#include "drda/dss.h"

#include <algorithm>

namespace drdaplex::drda {

uint8_t DssHeader::FormatByte() const {
  uint8_t f = static_cast<uint8_t>(type);
  if (chained) f |= kDssChained;
  if (continue_on_error) f |= kDssContinueOnError;
  if (same_correlator) f |= kDssSameCorrelator;
  return f;
}

void WriteDssHeader(uint8_t* dst, uint16_t length, const DssHeader& header) {
  StoreU16(dst, length);
  dst[2] = kDssGdsId;
  dst[3] = header.FormatByte();
  StoreU16(dst + 4, header.correlator);
}

namespace {

Result<DssHeader> DecodeHeader(const uint8_t* p) {
  if (p[2] != kDssGdsId) return errc::bad_gds_id;
  const uint8_t format = p[3];
  const uint8_t type = format & 0x0F;
  if ((format & 0x80) != 0 || type < 1 || type > 5) return errc::bad_format;
  DssHeader h;
  h.type = static_cast<DssType>(type);
  h.chained = format & kDssChained;
  h.continue_on_error = format & kDssContinueOnError;
  h.same_correlator = format & kDssSameCorrelator;
  h.correlator = LoadU16(p + 4);
  // An unchained DSS cannot promise anything about a next DSS.
  if (!h.chained && (h.same_correlator || h.continue_on_error)) return errc::bad_format;
  return h;
}

}  // namespace

Result<size_t> ParseDss(ByteSpan input, const Limits& limits, Dss& out) {
  if (input.size() < kDssHeaderSize) {
    // Reject a bad length or GDS id as early as the bytes allow.
    if (input.size() >= 2 && (LoadU16(input.data()) & 0x7FFF) < kDssHeaderSize) {
      return errc::dss_too_short;
    }
    if (input.size() >= 3 && input[2] != kDssGdsId) return errc::bad_gds_id;
    return errc::need_more;
  }
  const uint16_t ll = LoadU16(input.data());
  const bool continued = ll & 0x8000;
  const size_t first_len = ll & 0x7FFF;
  if (first_len < kDssHeaderSize) return errc::dss_too_short;
  auto header = DecodeHeader(input.data());
  if (!header) return header.error();

  // First pass: find the extent of the DSS without copying anything.
  size_t payload_len = first_len - kDssHeaderSize;
  size_t pos = first_len;
  bool more = continued;
  while (more) {
    if (input.size() < pos + kContinuationHeaderSize) return errc::need_more;
    const uint16_t cl = LoadU16(input.data() + pos);
    more = cl & 0x8000;
    const size_t seg_len = cl & 0x7FFF;
    if (seg_len <= kContinuationHeaderSize) return errc::dss_too_short;
    payload_len += seg_len - kContinuationHeaderSize;
    if (payload_len > limits.max_dss_bytes) return errc::too_large;
    pos += seg_len;
  }
  if (payload_len > limits.max_dss_bytes) return errc::too_large;
  if (input.size() < pos) return errc::need_more;

  // Second pass: copy the payload, skipping continuation headers.
  out.header = *header;
  out.payload.clear();
  out.payload.reserve(payload_len);
  out.payload.insert(out.payload.end(), input.begin() + kDssHeaderSize, input.begin() + first_len);
  size_t p = first_len;
  while (p < pos) {
    const size_t seg_len = LoadU16(input.data() + p) & 0x7FFF;
    out.payload.insert(out.payload.end(), input.begin() + p + kContinuationHeaderSize,
                       input.begin() + p + seg_len);
    p += seg_len;
  }
  return pos;
}

void DssStreamParser::Append(ByteSpan bytes) {
  auto dst = PrepareRead(bytes.size());
  std::copy(bytes.begin(), bytes.end(), dst.begin());
  CommitRead(bytes.size());
}

std::span<uint8_t> DssStreamParser::PrepareRead(size_t min_bytes) {
  Compact();
  if (buffer_.size() - end_ < min_bytes) buffer_.resize(end_ + min_bytes);
  return {buffer_.data() + end_, buffer_.size() - end_};
}

void DssStreamParser::CommitRead(size_t bytes) { end_ = std::min(end_ + bytes, buffer_.size()); }

void DssStreamParser::Compact() {
  if (begin_ == 0) return;
  std::copy(buffer_.begin() + begin_, buffer_.begin() + end_, buffer_.begin());
  end_ -= begin_;
  begin_ = 0;
}

Result<std::optional<Dss>> DssStreamParser::Next() {
  Dss dss;
  auto consumed = ParseDss({buffer_.data() + begin_, end_ - begin_}, limits_, dss);
  if (!consumed) {
    if (consumed.error() == errc::need_more) return std::optional<Dss>{};
    return consumed.error();
  }
  begin_ += *consumed;
  if (begin_ == end_) begin_ = end_ = 0;
  return std::optional<Dss>{std::move(dss)};
}

}  // namespace drdaplex::drda
