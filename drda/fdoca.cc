#include "drda/fdoca.h"

#include <algorithm>
#include <cmath>

namespace drdaplex::drda {
namespace {

constexpr uint8_t kTripletGda = 0x76;  // N-GDA: nullable group data array
constexpr uint8_t kTripletCpt = 0x7F;  // continuation of the group's fields
constexpr uint8_t kTripletRlo = 0x71;  // row layout
constexpr uint8_t kTripletMdd = 0x78;  // meta-data definition
constexpr uint8_t kTripletSda = 0x70;  // scalar data array override
constexpr uint8_t kLidSqldtagrp = 0xD0;
// A triplet's length is one byte: 3 header bytes + 3 per field.
constexpr size_t kMaxFieldsPerTriplet = 84;

void WriteFieldTriplets(ByteWriter& out, const std::vector<FieldDesc>& fields) {
  for (size_t i = 0; i == 0 || i < fields.size(); i += kMaxFieldsPerTriplet) {
    const size_t n = std::min(kMaxFieldsPerTriplet, fields.size() - i);
    out.PutU8(static_cast<uint8_t>(3 + 3 * n));
    out.PutU8(i == 0 ? kTripletGda : kTripletCpt);
    out.PutU8(i == 0 ? kLidSqldtagrp : 0x00);
    for (size_t k = i; k < i + n; ++k) {
      out.PutU8(fields[k].type);
      out.PutU16(fields[k].length);
    }
  }
}

// Length of the fixed-size value of a type, 0 for variable-length types.
size_t FixedSize(const FieldDesc& f) {
  switch (f.base()) {
    case fdoca::kInteger: return 4;
    case fdoca::kSmallint: return 2;
    case fdoca::kBigint: return 8;
    case fdoca::kFloat8: return 8;
    case fdoca::kFloat4: return 4;
    case fdoca::kBoolean: return 1;
    case fdoca::kDecimal: return static_cast<size_t>((f.length >> 8) / 2 + 1);
    case fdoca::kDate:
    case fdoca::kTime:
    case fdoca::kTimestamp:
    case fdoca::kChar:
    case fdoca::kMixChar:
    case fdoca::kFixedBytes: return f.length;
    case fdoca::kGraphic: return size_t{f.length} * 2;
    default: return 0;
  }
}

bool IsVarText(uint8_t base) {
  return base == fdoca::kVarChar || base == fdoca::kLongVarChar || base == fdoca::kVarMix ||
         base == fdoca::kLongMix;
}
bool IsVarBytes(uint8_t base) { return base == fdoca::kVarBytes || base == fdoca::kLongVarBytes; }
bool IsFixedText(uint8_t base) {
  return base == fdoca::kChar || base == fdoca::kMixChar || base == fdoca::kDate ||
         base == fdoca::kTime || base == fdoca::kTimestamp;
}

std::string ValueAsText(const Value& v) {
  struct Visitor {
    std::string operator()(Null) const { return {}; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      snprintf(buf, sizeof buf, "%.17g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Bytes& b) const { return std::string(AsChars(b)); }
  };
  return std::visit(Visitor{}, v);
}

// Cuts UTF-8 text to at most `max` bytes without splitting a character.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// Cuts UTF-16BE to at most `max_bytes` without splitting a surrogate pair
// (a lone high surrogate would make the value undecodable).
void CutUtf16(Bytes& utf16, size_t max_bytes) {
  if (utf16.size() <= max_bytes) return;
  utf16.resize(max_bytes & ~size_t{1});
  if (utf16.size() >= 2 && (utf16[utf16.size() - 2] & 0xFC) == 0xD8) utf16.resize(utf16.size() - 2);
}

}  // namespace

Result<std::vector<FieldDesc>> ParseRowDescription(ByteSpan description, const Limits& limits) {
  std::vector<FieldDesc> fields;
  ByteReader in(description);
  bool seen_gda = false;
  while (!in.empty()) {
    const uint8_t len = in.GetU8();
    const uint8_t type = in.GetU8();
    if (!in.ok() || len < 3 || size_t{len} - 2 > in.remaining() + 0) return errc::bad_fdoca;
    ByteSpan body = in.GetBytes(len - 2);
    if (!in.ok()) return errc::bad_fdoca;
    if (type == kTripletRlo) break;  // the row layout tail ends the fields
    if (type == kTripletMdd || type == kTripletSda) continue;
    if (type != kTripletGda && type != kTripletCpt) return errc::bad_fdoca;
    if (type == kTripletCpt && !seen_gda) return errc::bad_fdoca;
    seen_gda = true;
    // body: id byte, then 3 bytes per field.
    if ((body.size() - 1) % 3 != 0) return errc::bad_fdoca;
    for (size_t i = 1; i < body.size(); i += 3) {
      if (fields.size() >= limits.max_columns) return errc::too_large;
      fields.push_back({body[i], LoadU16(&body[i + 1])});
    }
  }
  if (!seen_gda) return errc::bad_fdoca;
  return fields;
}

void WriteQueryDescription(ByteWriter& out, const std::vector<FieldDesc>& fields) {
  WriteFieldTriplets(out, fields);
  static constexpr uint8_t kTail[] = {0x09, 0x71, 0xE0, 0x54, 0x00, 0x01, 0xD0, 0x00,
                                      0x01, 0x06, 0x71, 0xF0, 0xE0, 0x00, 0x00};
  out.PutBytes(kTail);
}

void WriteParameterDescription(ByteWriter& out, const std::vector<FieldDesc>& fields) {
  WriteFieldTriplets(out, fields);
  static constexpr uint8_t kTail[] = {0x06, 0x71, 0xE4, 0xD0, 0x00, 0x01};
  out.PutBytes(kTail);
}

Result<Value> DecodeValue(ByteReader& in, const FieldDesc& field) {
  if (field.nullable()) {
    const uint8_t indicator = in.GetU8();
    if (!in.ok()) return errc::bad_fdoca;
    if (indicator >= 0x80) return Value{Null{}};
  }
  const uint8_t base = field.base();
  Value v;
  switch (base) {
    case fdoca::kInteger: v = int64_t{in.GetI32()}; break;
    case fdoca::kSmallint: v = int64_t{in.GetI16()}; break;
    case fdoca::kBigint: v = in.GetI64(); break;
    case fdoca::kFloat8: v = in.GetF64(); break;
    case fdoca::kFloat4: v = double{in.GetF32()}; break;
    case fdoca::kBoolean: v = int64_t{in.GetU8() != 0}; break;
    case fdoca::kDecimal: {
      const int precision = field.length >> 8, scale = field.length & 0xFF;
      auto text = DecodePackedDecimal(in.GetBytes(FixedSize(field)), precision, scale);
      if (!in.ok() || !text) return errc::bad_fdoca;
      v = std::move(*text);
      break;
    }
    case fdoca::kVarGraphic: {
      const size_t chars = in.GetU16();
      auto text = Utf16BeToUtf8(in.GetBytes(chars * 2));
      if (!in.ok() || !text) return errc::bad_fdoca;
      v = std::move(*text);
      break;
    }
    case fdoca::kGraphic: {
      auto text = Utf16BeToUtf8(in.GetBytes(FixedSize(field)));
      if (!in.ok() || !text) return errc::bad_fdoca;
      v = std::move(*text);
      break;
    }
    default:
      if (IsVarText(base)) {
        v = std::string(AsChars(in.GetBytes(in.GetU16())));
      } else if (IsVarBytes(base)) {
        ByteSpan b = in.GetBytes(in.GetU16());
        v = Bytes(b.begin(), b.end());
      } else if (IsFixedText(base)) {
        v = std::string(AsChars(in.GetBytes(field.length)));
      } else if (base == fdoca::kFixedBytes) {
        ByteSpan b = in.GetBytes(field.length);
        v = Bytes(b.begin(), b.end());
      } else {
        // LOBs (EXTDTA) and exotic types are not supported.
        return errc::bad_fdoca;
      }
  }
  if (!in.ok()) return errc::bad_fdoca;
  return v;
}

size_t EncodedSize(const FieldDesc& field, const Value& value) {
  // Mirrors EncodeValue, which writes a null as the indicator alone.
  if (std::holds_alternative<Null>(value)) return 1;
  const size_t n = field.nullable() ? 1 : 0;
  const uint8_t base = field.base();
  if (IsVarBytes(base)) {
    const size_t len = std::holds_alternative<std::string>(value) ? std::get<std::string>(value).size()
                       : std::holds_alternative<Bytes>(value)     ? std::get<Bytes>(value).size()
                                                                  : ValueAsText(value).size();
    return n + 2 + std::min<size_t>(len, field.length);
  }
  if (IsVarText(base)) {
    // Text is cut at a character boundary, possibly short of the length.
    if (auto* s = std::get_if<std::string>(&value)) return n + 2 + CutUtf8(*s, field.length).size();
    return n + 2 + CutUtf8(ValueAsText(value), field.length).size();
  }
  if (base == fdoca::kVarGraphic) {
    Bytes utf16 = Utf8ToUtf16Be(ValueAsText(value));
    CutUtf16(utf16, size_t{field.length} * 2);
    return n + 2 + utf16.size();
  }
  // Types without a size of their own are written as blank-padded text.
  const size_t fixed = FixedSize(field);
  return n + (fixed != 0 ? fixed : field.length);
}

void EncodeValue(ByteWriter& out, const FieldDesc& field, const Value& value) {
  if (std::holds_alternative<Null>(value)) {
    // A null in a non-nullable field cannot be written; callers describe
    // every result column as nullable.
    out.PutU8(0xFF);
    return;
  }
  if (field.nullable()) out.PutU8(0x00);
  const uint8_t base = field.base();
  auto as_int = [&]() -> int64_t {
    if (auto* i = std::get_if<int64_t>(&value)) return *i;
    if (auto* d = std::get_if<double>(&value)) return static_cast<int64_t>(*d);
    return std::strtoll(ValueAsText(value).c_str(), nullptr, 10);
  };
  auto as_double = [&]() -> double {
    if (auto* d = std::get_if<double>(&value)) return *d;
    if (auto* i = std::get_if<int64_t>(&value)) return static_cast<double>(*i);
    return std::strtod(ValueAsText(value).c_str(), nullptr);
  };
  switch (base) {
    case fdoca::kInteger: out.PutI32(static_cast<int32_t>(as_int())); return;
    case fdoca::kSmallint: out.PutI16(static_cast<int16_t>(as_int())); return;
    case fdoca::kBigint: out.PutI64(as_int()); return;
    case fdoca::kFloat8: out.PutF64(as_double()); return;
    case fdoca::kFloat4: out.PutF32(static_cast<float>(as_double())); return;
    case fdoca::kBoolean: out.PutU8(as_int() != 0); return;
    case fdoca::kDecimal: {
      auto packed = EncodePackedDecimal(ValueAsText(value), field.length >> 8, field.length & 0xFF);
      if (packed) {
        out.PutBytes(*packed);
      } else {
        out.PutFill(0, FixedSize(field) - 1);
        out.PutU8(0x0C);
      }
      return;
    }
    case fdoca::kVarGraphic: {
      Bytes utf16 = Utf8ToUtf16Be(ValueAsText(value));
      CutUtf16(utf16, size_t{field.length} * 2);
      out.PutU16(static_cast<uint16_t>(utf16.size() / 2));
      out.PutBytes(utf16);
      return;
    }
    case fdoca::kGraphic: {
      // Fixed double-byte: UTF-16BE, `length` characters, blank padded.
      Bytes utf16 = Utf8ToUtf16Be(ValueAsText(value));
      CutUtf16(utf16, size_t{field.length} * 2);
      out.PutBytes(utf16);
      for (size_t i = utf16.size(); i < size_t{field.length} * 2; i += 2) out.PutU16(0x0020);
      return;
    }
    default: break;
  }
  if (IsVarBytes(base) || base == fdoca::kFixedBytes) {
    ByteSpan b = std::holds_alternative<Bytes>(value) ? ByteSpan(std::get<Bytes>(value)) : ByteSpan{};
    std::string text;
    if (!std::holds_alternative<Bytes>(value)) {
      text = ValueAsText(value);
      b = AsBytes(text);
    }
    if (base == fdoca::kFixedBytes) {
      const size_t n = std::min<size_t>(b.size(), field.length);
      out.PutBytes(b.first(n));
      out.PutFill(0, field.length - n);
    } else {
      const size_t n = std::min<size_t>(b.size(), field.length);
      out.PutU16(static_cast<uint16_t>(n));
      out.PutBytes(b.first(n));
    }
    return;
  }
  const std::string text = ValueAsText(value);
  if (IsVarText(base)) {
    std::string_view cut = CutUtf8(text, field.length);
    out.PutU16(static_cast<uint16_t>(cut.size()));
    out.PutChars(cut);
  } else {
    // Fixed-length characters: blank padded.
    std::string_view cut = CutUtf8(text, field.length);
    out.PutChars(cut);
    out.PutFill(' ', field.length - cut.size());
  }
}

Result<std::string> DecodePackedDecimal(ByteSpan packed, int precision, int scale) {
  if (precision < 1 || precision > 31 || scale > precision) return errc::bad_fdoca;
  if (packed.size() != static_cast<size_t>(precision / 2 + 1)) return errc::bad_fdoca;
  std::string digits;
  for (size_t i = 0; i < packed.size(); ++i) {
    const int hi = packed[i] >> 4, lo = packed[i] & 0x0F;
    if (hi > 9) return errc::bad_fdoca;
    digits.push_back(static_cast<char>('0' + hi));
    if (i + 1 < packed.size()) {
      if (lo > 9) return errc::bad_fdoca;
      digits.push_back(static_cast<char>('0' + lo));
    }
  }
  const int sign = packed.back() & 0x0F;
  const bool negative = sign == 0x0D || sign == 0x0B;
  // digits holds an odd count (2n+1) of which the last `precision` matter.
  digits = digits.substr(digits.size() - static_cast<size_t>(precision));
  std::string int_part = digits.substr(0, digits.size() - static_cast<size_t>(scale));
  const std::string frac = digits.substr(digits.size() - static_cast<size_t>(scale));
  int_part.erase(0, std::min(int_part.find_first_not_of('0'), int_part.size()));
  if (int_part.empty()) int_part = "0";
  std::string out = negative ? "-" : "";
  out += int_part;
  if (scale > 0) out += "." + frac;
  return out;
}

Result<Bytes> EncodePackedDecimal(std::string_view text, int precision, int scale) {
  if (precision < 1 || precision > 31 || scale < 0 || scale > precision) return errc::bad_parameter;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string int_part(text.substr(0, dot));
  std::string frac = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  for (char c : int_part + frac) {
    if (c < '0' || c > '9') return errc::bad_parameter;
  }
  frac.resize(static_cast<size_t>(scale), '0');  // pads or truncates
  int_part.erase(0, std::min(int_part.find_first_not_of('0'), int_part.size()));
  if (int_part.size() > static_cast<size_t>(precision - scale)) return errc::bad_parameter;
  std::string digits = std::string(static_cast<size_t>(precision - scale) - int_part.size(), '0') +
                       int_part + frac;
  if (digits.size() % 2 == 0) digits.insert(digits.begin(), '0');
  Bytes out;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<uint8_t>((digits[i] - '0') << 4 | (digits[i + 1] - '0')));
  }
  out.push_back(static_cast<uint8_t>((digits.back() - '0') << 4 | (negative ? 0x0D : 0x0C)));
  return out;
}

Result<std::string> Utf16BeToUtf8(ByteSpan utf16) {
  if (utf16.size() % 2 != 0) return errc::bad_encoding;
  std::string out;
  for (size_t i = 0; i < utf16.size(); i += 2) {
    uint32_t c = LoadU16(&utf16[i]);
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 3 >= utf16.size()) return errc::bad_encoding;
      const uint32_t lo = LoadU16(&utf16[i + 2]);
      if (lo < 0xDC00 || lo > 0xDFFF) return errc::bad_encoding;
      c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      return errc::bad_encoding;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | c >> 6));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | c >> 12));
      out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | c >> 18));
      out.push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

Bytes Utf8ToUtf16Be(std::string_view s) {
  Bytes out;
  auto put = [&](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u >> 8));
    out.push_back(static_cast<uint8_t>(u));
  };
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    uint32_t c;
    size_t n;
    if (b < 0x80) { c = b; n = 1; }
    else if ((b & 0xE0) == 0xC0) { c = b & 0x1F; n = 2; }
    else if ((b & 0xF0) == 0xE0) { c = b & 0x0F; n = 3; }
    else { c = b & 0x07; n = 4; }
    for (size_t k = 1; k < n && i + k < s.size(); ++k) c = c << 6 | (static_cast<uint8_t>(s[i + k]) & 0x3F);
    i += n;
    if (c >= 0x10000) {
      c -= 0x10000;
      put(0xD800 + (c >> 10));
      put(0xDC00 + (c & 0x3FF));
    } else {
      put(c);
    }
  }
  return out;
}

}  // namespace drdaplex::drda
