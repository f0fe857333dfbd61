// DDM objects: the LL/CP layer inside a DSS. A DDM object is a 2-byte length
// (including itself and the code point), a 2-byte code point and data;
// collections (commands, reply messages, TYPDEFOVR, ...) nest further
// objects in their data. Objects over 32,767 bytes use an extended length.
// Readers here are views: the spans they return point into the caller's
// buffer and live as long as it does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "drda/errc.h"

namespace drdaplex::drda {

struct DdmObject {
  cp::CodePoint code_point = 0;
  ByteSpan data;
};

// Iterates the objects laid end to end in `data`.
class DdmObjectReader {
 public:
  explicit DdmObjectReader(ByteSpan data) : data_(data) {}

  // The next object; std::nullopt at the end of the data.
  Result<std::optional<DdmObject>> Next();
  bool done() const { return pos_ >= data_.size(); }

 private:
  ByteSpan data_;
  size_t pos_ = 0;
};

// Reads all objects of `data`. Fails on the first malformed object.
Result<std::vector<DdmObject>> ReadObjects(ByteSpan data);

// The parameters of one collection (a command, a reply message, a
// TYPDEFOVR...), looked up by code point. Duplicates are kept in order;
// Find returns the first.
class DdmParams {
 public:
  static Result<DdmParams> Parse(ByteSpan collection_data);

  const DdmObject* Find(cp::CodePoint code_point) const;
  bool Has(cp::CodePoint code_point) const { return Find(code_point) != nullptr; }
  const std::vector<DdmObject>& all() const { return params_; }

  // Typed accessors: std::nullopt when absent; errc::bad_parameter when the
  // parameter has the wrong size.
  Result<std::optional<uint8_t>> U8(cp::CodePoint code_point) const;
  Result<std::optional<uint16_t>> U16(cp::CodePoint code_point) const;
  Result<std::optional<uint32_t>> U32(cp::CodePoint code_point) const;
  ByteSpan Bytes(cp::CodePoint code_point) const;

 private:
  std::vector<DdmObject> params_;
};

// MGRLVLLS: (manager code point, level) pairs.
struct ManagerLevel {
  cp::CodePoint manager = 0;
  uint16_t level = 0;
  friend bool operator==(const ManagerLevel&, const ManagerLevel&) = default;
};
Result<std::vector<ManagerLevel>> ParseManagerLevels(ByteSpan data);

}  // namespace drdaplex::drda
