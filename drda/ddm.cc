#include "drda/ddm.h"

namespace drdaplex::drda {

Result<std::optional<DdmObject>> DdmObjectReader::Next() {
  const size_t left = data_.size() - pos_;
  if (left == 0) return std::optional<DdmObject>{};
  if (left < 4) return errc::bad_object_length;
  const uint8_t* p = data_.data() + pos_;
  const uint16_t ll = LoadU16(p);
  DdmObject obj;
  obj.code_point = LoadU16(p + 2);
  size_t header = 4;
  size_t data_len;
  if (ll & 0x8000) {
    // Extended length: the low bits say how many length bytes follow the CP.
    const size_t ext = (ll & 0x7FFF);
    if (ext < 4 || (ext != 4 && ext != 8 && ext != 10 && ext != 12)) {
      return errc::bad_extended_length;
    }
    const size_t ext_bytes = ext - 4;
    if (ext_bytes == 0) {
      // Layer-B streaming: allowed only for QRYDTA and EXTDTA; the object
      // runs to the end of its container.
      if (obj.code_point != cp::QRYDTA && obj.code_point != cp::EXTDTA) {
        return errc::bad_extended_length;
      }
      data_len = left - header;
    } else {
      if (left < header + ext_bytes) return errc::bad_object_length;
      uint64_t n = 0;
      for (size_t i = 0; i < ext_bytes; ++i) n = n << 8 | p[4 + i];
      header += ext_bytes;
      if (n > left - header) return errc::bad_object_length;
      data_len = static_cast<size_t>(n);
    }
  } else {
    if (ll < 4) return errc::bad_object_length;
    if (ll > left) return errc::bad_object_length;
    data_len = ll - 4;
  }
  obj.data = data_.subspan(pos_ + header, data_len);
  pos_ += header + data_len;
  return std::optional<DdmObject>{obj};
}

Result<std::vector<DdmObject>> ReadObjects(ByteSpan data) {
  std::vector<DdmObject> out;
  DdmObjectReader reader(data);
  for (;;) {
    auto next = reader.Next();
    if (!next) return next.error();
    if (!*next) return out;
    out.push_back(**next);
  }
}

Result<DdmParams> DdmParams::Parse(ByteSpan collection_data) {
  auto objects = ReadObjects(collection_data);
  if (!objects) return objects.error();
  DdmParams params;
  params.params_ = std::move(*objects);
  return params;
}

const DdmObject* DdmParams::Find(cp::CodePoint code_point) const {
  for (const auto& p : params_) {
    if (p.code_point == code_point) return &p;
  }
  return nullptr;
}

ByteSpan DdmParams::Bytes(cp::CodePoint code_point) const {
  const DdmObject* p = Find(code_point);
  return p ? p->data : ByteSpan{};
}

Result<std::optional<uint8_t>> DdmParams::U8(cp::CodePoint code_point) const {
  const DdmObject* p = Find(code_point);
  if (!p) return std::optional<uint8_t>{};
  if (p->data.size() != 1) return errc::bad_parameter;
  return std::optional<uint8_t>{p->data[0]};
}

Result<std::optional<uint16_t>> DdmParams::U16(cp::CodePoint code_point) const {
  const DdmObject* p = Find(code_point);
  if (!p) return std::optional<uint16_t>{};
  if (p->data.size() != 2) return errc::bad_parameter;
  return std::optional<uint16_t>{LoadU16(p->data.data())};
}

Result<std::optional<uint32_t>> DdmParams::U32(cp::CodePoint code_point) const {
  const DdmObject* p = Find(code_point);
  if (!p) return std::optional<uint32_t>{};
  if (p->data.size() != 4) return errc::bad_parameter;
  return std::optional<uint32_t>{LoadU32(p->data.data())};
}

Result<std::vector<ManagerLevel>> ParseManagerLevels(ByteSpan data) {
  if (data.size() % 4 != 0) return errc::bad_parameter;
  std::vector<ManagerLevel> out;
  for (size_t i = 0; i < data.size(); i += 4) {
    out.push_back({LoadU16(&data[i]), LoadU16(&data[i + 2])});
  }
  return out;
}

}  // namespace drdaplex::drda
