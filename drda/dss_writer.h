// Builds a chain of DSSes with nested DDM objects into a byte vector, and
// sets the chaining bits the way DRDA peers check them: every DSS but the
// last is chained; a DSS is marked "same correlator" when the next DSS
// belongs to the same command's group; the last DSS is unchained. Objects
// over 32,767 bytes get an extended length and DSSes over 32,767 bytes are
// split into continuation segments, so callers never think about either.
#pragma once

#include <string_view>
#include <vector>

#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "drda/dss.h"

namespace drdaplex::drda {

class DssWriter {
 public:
  // Appends to `out`, which must outlive the writer and not be modified by
  // anyone else until Finish.
  explicit DssWriter(Bytes& out) : out_(out), body_(out) {}
  DssWriter(const DssWriter&) = delete;
  DssWriter& operator=(const DssWriter&) = delete;

  // Every DSS written after this call until the next one belongs to one
  // group (a command and its objects, or one command's replies).
  void BeginGroup() { ++group_; }

  void BeginDss(DssType type, uint16_t correlator);
  void EndDss();

  void BeginObject(cp::CodePoint code_point);
  void EndObject();

  // Raw access to the current object's data.
  ByteWriter& body() { return body_; }

  // Scalar parameters (complete objects).
  void Param(cp::CodePoint code_point, ByteSpan data);
  void ParamString(cp::CodePoint code_point, std::string_view data) { Param(code_point, AsBytes(data)); }
  void ParamU8(cp::CodePoint code_point, uint8_t v);
  void ParamU16(cp::CodePoint code_point, uint16_t v);
  void ParamU32(cp::CodePoint code_point, uint32_t v);

  // Convenience: a DSS holding exactly one object with `data`.
  void ObjectDss(DssType type, uint16_t correlator, cp::CodePoint code_point, ByteSpan data);

  // Fixes the chaining bits of every DSS written since construction (or the
  // previous Finish). REQUIRES: no DSS or object open.
  void Finish();

  // Drops the DSSes of the current group (a command failed and its partial
  // replies must be replaced by an error reply); earlier groups stay.
  void DiscardGroup();

  size_t dss_count() const { return dsses_.size(); }

 private:
  struct DssMark {
    size_t offset;
    unsigned group;
  };

  Bytes& out_;
  ByteWriter body_;
  std::vector<DssMark> dsses_;
  std::vector<size_t> open_objects_;
  size_t open_dss_ = SIZE_MAX;
  unsigned group_ = 0;
};

}  // namespace drdaplex::drda
