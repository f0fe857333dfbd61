// FD:OCA, the data description and representation layer of DRDA: the
// triplets that describe a row (QRYDSC, FDODSC) and the encoding of each
// value in a row (QRYDTA, FDODTA). Numbers follow the byte order of the
// sender's TYPDEFNAM; variable-length prefixes are always big-endian.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "drda/bytes.h"
#include "drda/errc.h"
#include "drda/limits.h"

namespace drdaplex::drda {

// DRDA FD:OCA data types; the odd value next to each is its nullable form.
namespace fdoca {
inline constexpr uint8_t kInteger = 0x02;       // I4
inline constexpr uint8_t kSmallint = 0x04;      // I2
inline constexpr uint8_t kFloat8 = 0x0A;        // IEEE double
inline constexpr uint8_t kFloat4 = 0x0C;        // IEEE float
inline constexpr uint8_t kDecimal = 0x0E;       // packed decimal, length = precision<<8 | scale
inline constexpr uint8_t kBigint = 0x16;        // I8
inline constexpr uint8_t kDate = 0x20;          // 'yyyy-mm-dd'
inline constexpr uint8_t kTime = 0x22;          // 'hh:mm:ss'
inline constexpr uint8_t kTimestamp = 0x24;     // 'yyyy-mm-dd-hh.mm.ss.fffffffff'
inline constexpr uint8_t kFixedBytes = 0x26;    // BINARY(n)
inline constexpr uint8_t kVarBytes = 0x28;      // VARBINARY: 2-byte length + bytes
inline constexpr uint8_t kLongVarBytes = 0x2A;  // LONG VARBINARY: 2-byte length + bytes
inline constexpr uint8_t kChar = 0x30;          // fixed single-byte characters
inline constexpr uint8_t kVarChar = 0x32;       // 2-byte length + single-byte characters
inline constexpr uint8_t kLongVarChar = 0x34;
inline constexpr uint8_t kGraphic = 0x36;       // fixed double-byte (UTF-16)
inline constexpr uint8_t kVarGraphic = 0x38;    // 2-byte length in characters + UTF-16BE
inline constexpr uint8_t kMixChar = 0x3C;       // fixed mixed (UTF-8)
inline constexpr uint8_t kVarMix = 0x3E;        // 2-byte length + UTF-8
inline constexpr uint8_t kLongMix = 0x40;       // 2-byte length + UTF-8
inline constexpr uint8_t kBoolean = 0xBE;
inline constexpr uint8_t kBlob = 0xC8;          // value in EXTDTA
inline constexpr uint8_t kClob = 0xCE;          // value in EXTDTA

inline constexpr uint8_t Nullable(uint8_t type) { return type | 1; }
inline constexpr uint8_t Base(uint8_t type) { return type & 0xFE; }
}  // namespace fdoca

// One field of a row description: a DRDA type and its length attribute
// (bytes, characters, or precision<<8|scale for DECIMAL).
struct FieldDesc {
  uint8_t type = 0;
  uint16_t length = 0;

  bool nullable() const { return type & 1; }
  uint8_t base() const { return fdoca::Base(type); }
  friend bool operator==(const FieldDesc&, const FieldDesc&) = default;
};

// A decoded value. Text covers character, DATE/TIME/TIMESTAMP and DECIMAL
// (its canonical digits, e.g. "-12.50"); Bytes covers binary types.
struct Null {
  friend bool operator==(Null, Null) = default;
};
using Value = std::variant<Null, int64_t, double, std::string, Bytes>;

// Parses an FD:OCA row description (the data of FDODSC or QRYDSC): the
// N-GDA triplet and its CPT continuations, skipping MDD/SDA overrides, up to
// the RLO triplets that end it.
Result<std::vector<FieldDesc>> ParseRowDescription(ByteSpan description, const Limits& limits);

// Writes the QRYDSC of an answer set: N-GDA/CPT triplets for `fields` and the
// fixed RLO tail (SQLCADTA = SQLCAGRP + SQLDTAGRP, SQLDTARD) the Derby client
// validates byte for byte.
void WriteQueryDescription(ByteWriter& out, const std::vector<FieldDesc>& fields);

// Writes the FDODSC of an SQLDTA (input parameters): triplets for `fields`
// and the RLO tail for SQLDTA.
void WriteParameterDescription(ByteWriter& out, const std::vector<FieldDesc>& fields);

// Decodes one value of `field`, including its null indicator when the type
// is nullable. Fails with errc::bad_fdoca for malformed or unsupported data.
Result<Value> DecodeValue(ByteReader& in, const FieldDesc& field);

// Encodes one value as `field` describes it, including the null indicator
// for nullable types. Numbers and text convert into each other as needed;
// text longer than the field is cut. Not for LOB types, whose values travel
// in EXTDTA objects (see sql_commands.h).
void EncodeValue(ByteWriter& out, const FieldDesc& field, const Value& value);

// Bytes EncodeValue will write for `value` (to pack query blocks).
size_t EncodedSize(const FieldDesc& field, const Value& value);

// Packed decimal <-> canonical decimal text.
Result<std::string> DecodePackedDecimal(ByteSpan packed, int precision, int scale);
Result<Bytes> EncodePackedDecimal(std::string_view text, int precision, int scale);

// UTF-16BE <-> UTF-8 for graphic types.
Result<std::string> Utf16BeToUtf8(ByteSpan utf16);
Bytes Utf8ToUtf16Be(std::string_view utf8);

}  // namespace drdaplex::drda
