#include "drda/sql_commands.h"

#include <algorithm>

#include "drda/codepoints.h"
#include "drda/ddm.h"

namespace drdaplex::drda {
namespace {

constexpr size_t kFixedNameLength = 18;

std::string Trimmed(ByteSpan b) {
  std::string s(AsChars(b));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0' || s.back() == 0x40)) s.pop_back();
  return s;
}

void PutPadded(ByteWriter& out, std::string_view s) {
  out.PutChars(s);
  if (s.size() < kFixedNameLength) out.PutFill(' ', kFixedNameLength - s.size());
}

}  // namespace

std::string PackageSection::Key() const {
  return package + '/' + std::string(AsChars(token)) + '/' + std::to_string(section);
}

Result<PackageSection> ParsePkgnamcsn(ByteSpan data) {
  ByteReader in(data);
  PackageSection p;
  if (data.size() == 3 * kFixedNameLength + 8 + 2) {
    p.rdbnam = Trimmed(in.GetBytes(kFixedNameLength));
    p.collection = Trimmed(in.GetBytes(kFixedNameLength));
    p.package = Trimmed(in.GetBytes(kFixedNameLength));
  } else {
    // Extended form: each name as a 2-byte length and its bytes.
    for (std::string* name : {&p.rdbnam, &p.collection, &p.package}) {
      const uint16_t n = in.GetU16();
      *name = Trimmed(in.GetBytes(n));
    }
  }
  ByteSpan token = in.GetBytes(8);
  p.token.assign(token.begin(), token.end());
  p.section = in.GetU16();
  if (!in.ok() || !in.empty()) return errc::bad_parameter;
  return p;
}

void WritePkgnamcsn(DssWriter& w, const PackageSection& p) {
  w.BeginObject(cp::PKGNAMCSN);
  ByteWriter& out = w.body();
  const bool fixed = p.rdbnam.size() <= kFixedNameLength && p.collection.size() <= kFixedNameLength &&
                     p.package.size() <= kFixedNameLength;
  for (const std::string* name : {&p.rdbnam, &p.collection, &p.package}) {
    if (!fixed) out.PutU16(static_cast<uint16_t>(std::max(name->size(), kFixedNameLength)));
    PutPadded(out, *name);
  }
  Bytes token = p.token;
  token.resize(8, ' ');
  out.PutBytes(token);
  out.PutU16(p.section);
  w.EndObject();
}

Result<std::string> ParseStatementText(ByteSpan data, const Limits& limits) {
  ByteReader in(data);
  std::string text;
  for (int part = 0; part < 2 && !in.empty(); ++part) {
    const uint8_t indicator = in.GetU8();
    if (indicator == 0xFF) continue;
    if (indicator != 0x00) return errc::bad_parameter;
    const uint32_t n = in.GetU32();
    if (n > limits.max_sql_bytes) return errc::too_large;
    ByteSpan b = in.GetBytes(n);
    if (!in.ok()) return errc::bad_parameter;
    if (text.empty()) text.assign(AsChars(b));
  }
  if (!in.ok()) return errc::bad_parameter;
  return text;
}

void WriteStatementText(DssWriter& w, uint16_t code_point, std::string_view text) {
  w.BeginObject(code_point);
  w.body().PutU8(0x00);
  w.body().PutU32(static_cast<uint32_t>(text.size()));
  w.body().PutChars(text);
  w.body().PutU8(0xFF);
  w.EndObject();
}

Result<ParameterData> ParseSqldta(ByteSpan sqldta_data, ByteOrder order, const Limits& limits) {
  auto params = DdmParams::Parse(sqldta_data);
  if (!params) return params.error();
  if (!params->Has(cp::FDODSC) || !params->Has(cp::FDODTA)) return errc::missing_parameter;
  ParameterData out;
  auto fields = ParseRowDescription(params->Bytes(cp::FDODSC), limits);
  if (!fields) return fields.error();
  out.fields = std::move(*fields);
  ByteSpan data = params->Bytes(cp::FDODTA);

  auto decode = [&](ByteSpan d) -> Result<std::vector<Value>> {
    ByteReader in(d, order);
    std::vector<Value> values;
    values.reserve(out.fields.size());
    out.externals.clear();
    for (const FieldDesc& f : out.fields) {
      if (IsLobType(f.type)) {
        // The length attribute 0x80nn says the value is an n-byte length.
        if (f.nullable() && in.GetU8() >= 0x80) {
          values.emplace_back(Null{});
          continue;
        }
        const size_t n = f.length & 0x7FFF;
        if (!(f.length & 0x8000) || n == 0 || n > 8) return errc::bad_fdoca;
        uint64_t length = 0;
        for (size_t i = 0; i < n; ++i) length = length << 8 | in.GetU8();
        if (!in.ok()) return errc::bad_fdoca;
        if (length == 0) {
          values.emplace_back(f.base() == fdoca::kBlob ? Value{Bytes{}} : Value{std::string{}});
        } else {
          out.externals.push_back({values.size(), length});
          values.emplace_back(Null{});
        }
        continue;
      }
      auto v = DecodeValue(in, f);
      if (!v) return v.error();
      values.push_back(std::move(*v));
    }
    if (!in.empty()) return errc::bad_fdoca;
    return values;
  };
  // Normally the data starts with the SQLDTAGRP indicator 0x00.
  if (!data.empty() && data[0] == 0x00) {
    if (auto values = decode(data.subspan(1))) {
      out.values = std::move(*values);
      return out;
    }
  }
  auto values = decode(data);
  if (!values) return values.error();
  out.values = std::move(*values);
  return out;
}

bool IsLobType(uint8_t fdoca_type) {
  const uint8_t base = fdoca::Base(fdoca_type);
  // BLOB, CLOB (single-byte), DBCLOB, CLOB (mixed).
  return base == fdoca::kBlob || base == 0xCA || base == 0xCC || base == fdoca::kClob;
}

void WriteSqldta(DssWriter& w, const std::vector<FieldDesc>& fields, const std::vector<Value>& values,
                 ByteOrder order) {
  w.BeginObject(cp::SQLDTA);
  w.BeginObject(cp::FDODSC);
  WriteParameterDescription(w.body(), fields);
  w.EndObject();
  w.BeginObject(cp::FDODTA);
  ByteWriter data(w.body().buffer(), order);
  data.PutU8(0x00);
  for (size_t i = 0; i < fields.size(); ++i) EncodeValue(data, fields[i], values[i]);
  w.EndObject();
  w.EndObject();
}

}  // namespace drdaplex::drda
