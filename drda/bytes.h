// Big-endian (network order) readers and writers over byte spans, the
// primitive layer of the codec. ByteReader never reads past its span: every
// Get* checks the remaining length first and reports failure through ok().
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace drdaplex::drda {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

inline ByteSpan AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteSpan b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t LoadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline uint64_t LoadU64(const uint8_t* p) { return uint64_t{LoadU32(p)} << 32 | LoadU32(p + 4); }
inline void StoreU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void StoreU32(uint8_t* p, uint32_t v) {
  StoreU16(p, static_cast<uint16_t>(v >> 16));
  StoreU16(p + 2, static_cast<uint16_t>(v));
}

// Byte order of FD:OCA numbers (TYPDEFNAM QTDSQLASC/JVM big, QTDSQLX86 little).
enum class ByteOrder { kBig, kLittle };

// Reads from a span; once a read fails, ok() is false and every later read
// returns zero values, so callers may check once at the end of a group.
class ByteReader {
 public:
  explicit ByteReader(ByteSpan data, ByteOrder order = ByteOrder::kBig)
      : data_(data), order_(order) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  ByteOrder order() const { return order_; }
  void set_order(ByteOrder order) { order_ = order; }

  uint8_t PeekU8() {
    if (!Need(1)) return 0;
    return data_[pos_];
  }
  uint8_t GetU8() {
    if (!Need(1)) return 0;
    return data_[pos_++];
  }
  // Network-order reads (DDM level).
  uint16_t GetU16() { return Need(2) ? Advance(2, LoadU16(&data_[pos_])) : 0; }
  uint32_t GetU32() { return Need(4) ? Advance(4, LoadU32(&data_[pos_])) : 0; }
  uint64_t GetU64() { return Need(8) ? Advance(8, LoadU64(&data_[pos_])) : 0; }
  // FD:OCA-order reads (SQLCA, SQLDA, row data).
  int16_t GetI16() { return static_cast<int16_t>(Ordered(2)); }
  int32_t GetI32() { return static_cast<int32_t>(Ordered(4)); }
  int64_t GetI64() { return static_cast<int64_t>(Ordered(8)); }
  double GetF64() {
    uint64_t bits = Ordered(8);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  float GetF32() {
    uint32_t bits = static_cast<uint32_t>(Ordered(4));
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  ByteSpan GetBytes(size_t n) {
    if (!Need(n)) return {};
    ByteSpan out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  ByteSpan Rest() { return GetBytes(remaining()); }
  void Skip(size_t n) { GetBytes(n); }
  void Fail() { ok_ = false; pos_ = data_.size(); }

 private:
  bool Need(size_t n) {
    if (ok_ && remaining() >= n) return true;
    Fail();
    return false;
  }
  template <typename T>
  T Advance(size_t n, T v) {
    pos_ += n;
    return v;
  }
  uint64_t Ordered(size_t n) {
    if (!Need(n)) return 0;
    uint64_t v = 0;
    if (order_ == ByteOrder::kBig) {
      for (size_t i = 0; i < n; ++i) v = v << 8 | data_[pos_ + i];
    } else {
      for (size_t i = n; i-- > 0;) v = v << 8 | data_[pos_ + i];
    }
    pos_ += n;
    return v;
  }

  ByteSpan data_;
  size_t pos_ = 0;
  bool ok_ = true;
  ByteOrder order_;
};

// Appends to a byte vector it does not own.
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out, ByteOrder order = ByteOrder::kBig) : out_(out), order_(order) {}

  Bytes& buffer() { return out_; }
  size_t size() const { return out_.size(); }
  ByteOrder order() const { return order_; }

  void PutU8(uint8_t v) { out_.push_back(v); }
  void PutU16(uint16_t v) {
    uint8_t b[2];
    StoreU16(b, v);
    out_.insert(out_.end(), b, b + 2);
  }
  void PutU32(uint32_t v) {
    uint8_t b[4];
    StoreU32(b, v);
    out_.insert(out_.end(), b, b + 4);
  }
  void PutU64(uint64_t v) {
    PutU32(static_cast<uint32_t>(v >> 32));
    PutU32(static_cast<uint32_t>(v));
  }
  void PutI16(int16_t v) { Ordered(static_cast<uint16_t>(v), 2); }
  void PutI32(int32_t v) { Ordered(static_cast<uint32_t>(v), 4); }
  void PutI64(int64_t v) { Ordered(static_cast<uint64_t>(v), 8); }
  void PutF64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    Ordered(bits, 8);
  }
  void PutF32(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    Ordered(bits, 4);
  }
  void PutBytes(ByteSpan b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void PutChars(std::string_view s) { PutBytes(AsBytes(s)); }
  void PutFill(uint8_t v, size_t n) { out_.insert(out_.end(), n, v); }

 private:
  void Ordered(uint64_t v, size_t n) {
    if (order_ == ByteOrder::kBig) {
      for (size_t i = n; i-- > 0;) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    } else {
      for (size_t i = 0; i < n; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
  }

  Bytes& out_;
  ByteOrder order_;
};

}  // namespace drdaplex::drda
