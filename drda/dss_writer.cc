#include "drda/dss_writer.h"

#include <cassert>

#include "drda/limits.h"

namespace drdaplex::drda {

void DssWriter::BeginDss(DssType type, uint16_t correlator) {
  assert(open_dss_ == SIZE_MAX);
  open_dss_ = out_.size();
  dsses_.push_back({open_dss_, group_});
  DssHeader h;
  h.type = type;
  h.correlator = correlator;
  out_.resize(out_.size() + kDssHeaderSize);
  WriteDssHeader(out_.data() + open_dss_, 0, h);
}

void DssWriter::EndDss() {
  assert(open_dss_ != SIZE_MAX && open_objects_.empty());
  const size_t start = open_dss_;
  open_dss_ = SIZE_MAX;
  const size_t total = out_.size() - start;
  if (total <= kMaxDssSegment) {
    StoreU16(out_.data() + start, static_cast<uint16_t>(total));
    return;
  }
  // Split into segments: the first keeps the 6-byte header with LL 0xFFFF;
  // each later one starts with a 2-byte continuation header whose high bit
  // says another segment follows.
  Bytes payload(out_.begin() + start + kDssHeaderSize, out_.end());
  out_.resize(start + kDssHeaderSize);
  StoreU16(out_.data() + start, 0xFFFF);
  size_t pos = kMaxDssSegment - kDssHeaderSize;
  out_.insert(out_.end(), payload.begin(), payload.begin() + pos);
  while (pos < payload.size()) {
    const size_t chunk = std::min(payload.size() - pos, kMaxDssSegment - kContinuationHeaderSize);
    const bool more = pos + chunk < payload.size();
    uint8_t hdr[2];
    StoreU16(hdr, more ? 0xFFFF : static_cast<uint16_t>(chunk + kContinuationHeaderSize));
    out_.insert(out_.end(), hdr, hdr + 2);
    out_.insert(out_.end(), payload.begin() + pos, payload.begin() + pos + chunk);
    pos += chunk;
  }
}

void DssWriter::BeginObject(cp::CodePoint code_point) {
  assert(open_dss_ != SIZE_MAX);
  open_objects_.push_back(out_.size());
  body_.PutU16(0);
  body_.PutU16(code_point);
}

void DssWriter::EndObject() {
  assert(!open_objects_.empty());
  const size_t start = open_objects_.back();
  open_objects_.pop_back();
  const size_t total = out_.size() - start;
  if (total <= kMaxShortObjectLength) {
    StoreU16(out_.data() + start, static_cast<uint16_t>(total));
    return;
  }
  // Extended length: LL 0x8008 and four length bytes (of the data alone)
  // after the code point.
  const size_t data_len = total - 4;
  uint8_t ext[4];
  StoreU32(ext, static_cast<uint32_t>(data_len));
  out_.insert(out_.begin() + static_cast<std::ptrdiff_t>(start + 4), ext, ext + 4);
  StoreU16(out_.data() + start, 0x8008);
}

void DssWriter::Param(cp::CodePoint code_point, ByteSpan data) {
  BeginObject(code_point);
  body_.PutBytes(data);
  EndObject();
}

void DssWriter::ParamU8(cp::CodePoint code_point, uint8_t v) { Param(code_point, ByteSpan(&v, 1)); }

void DssWriter::ParamU16(cp::CodePoint code_point, uint16_t v) {
  uint8_t b[2];
  StoreU16(b, v);
  Param(code_point, b);
}

void DssWriter::ParamU32(cp::CodePoint code_point, uint32_t v) {
  uint8_t b[4];
  StoreU32(b, v);
  Param(code_point, b);
}

void DssWriter::ObjectDss(DssType type, uint16_t correlator, cp::CodePoint code_point, ByteSpan data) {
  BeginDss(type, correlator);
  Param(code_point, data);
  EndDss();
}

void DssWriter::Finish() {
  assert(open_dss_ == SIZE_MAX);
  for (size_t i = 0; i < dsses_.size(); ++i) {
    uint8_t& format = out_[dsses_[i].offset + 3];
    format &= static_cast<uint8_t>(~(kDssChained | kDssSameCorrelator | kDssContinueOnError));
    if (i + 1 < dsses_.size()) {
      format |= kDssChained;
      if (dsses_[i + 1].group == dsses_[i].group) format |= kDssSameCorrelator;
    }
  }
  dsses_.clear();
}

void DssWriter::DiscardGroup() {
  assert(open_dss_ == SIZE_MAX);
  while (!dsses_.empty() && dsses_.back().group == group_) {
    out_.resize(dsses_.back().offset);
    dsses_.pop_back();
  }
}

}  // namespace drdaplex::drda
