#include "drda/fuzz/request_views.h"

#include <algorithm>
#include <optional>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/fdoca.h"
#include "drda/limits.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"

namespace drdaplex::drda::fuzz {
namespace {

// The server's defaults: the limits a real session runs with.
const Limits kLimits{};
// Limits small enough for fuzz-sized inputs to hit every too_large path.
const Limits kTinyLimits = [] {
  Limits l;
  l.max_dss_bytes = 512;
  l.max_columns = 8;
  l.max_sql_bytes = 64;
  return l;
}();

class Problems {
 public:
  void Add(std::string what) {
    // One broken invariant usually breaks it for every later DSS too.
    if (list_.size() < 16) list_.push_back(std::move(what));
  }
  std::vector<std::string> Take() { return std::move(list_); }

 private:
  std::vector<std::string> list_;
};

std::string HexByte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return {'0', 'x', kDigits[b >> 4], kDigits[b & 0xF]};
}

struct Framing {
  std::vector<Dss> dsses;
  boost::system::error_code error;
  size_t leftover = 0;
};

// What a session sees: the bytes arrive in two reads.
Framing FrameInTwoReads(ByteSpan stream, size_t split, const Limits& limits) {
  DssStreamParser parser(limits);
  Framing f;
  auto drain = [&]() {
    for (;;) {
      auto next = parser.Next();
      if (!next) {
        f.error = next.error();
        return false;
      }
      if (!*next) return true;
      f.dsses.push_back(std::move(**next));
    }
  };
  parser.Append(stream.first(split));
  if (drain()) {
    parser.Append(stream.subspan(split));
    drain();
  }
  f.leftover = parser.buffered();
  return f;
}

// The reference framing: ParseDss over the whole input at once.
Framing FrameWhole(ByteSpan stream, const Limits& limits) {
  Framing f;
  size_t pos = 0;
  while (pos < stream.size()) {
    Dss dss;
    auto n = ParseDss(stream.subspan(pos), limits, dss);
    if (!n) {
      if (n.error() != errc::need_more) f.error = n.error();
      break;
    }
    f.dsses.push_back(std::move(dss));
    pos += *n;
  }
  f.leftover = stream.size() - pos;
  return f;
}

// The data of the only object of the only DSS in `wire` (what a writer made).
std::optional<Bytes> SoleObjectData(const Bytes& wire) {
  Dss dss;
  auto n = ParseDss(wire, kLimits, dss);
  if (!n || *n != wire.size()) return std::nullopt;
  auto objects = ReadObjects(dss.payload);
  if (!objects || objects->size() != 1) return std::nullopt;
  ByteSpan data = (*objects)[0].data;
  return Bytes(data.begin(), data.end());
}

// A DSS written again by DssWriter (continuation segments and all) must
// parse back to the same DSS.
void CheckReframe(const Dss& dss, Problems& p) {
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(dss.header.type, dss.header.correlator);
  w.body().PutBytes(dss.payload);
  w.EndDss();
  w.Finish();
  Dss back;
  auto n = ParseDss(wire, kLimits, back);
  if (!n || *n != wire.size()) {
    p.Add("DssWriter output of a parsed DSS does not parse back");
    return;
  }
  if (back.payload != dss.payload || back.header.type != dss.header.type ||
      back.header.correlator != dss.header.correlator) {
    p.Add("a DSS written again by DssWriter parses to a different DSS");
  }
}

void CheckStatementText(ByteSpan data, Problems& p) {
  (void)ParseStatementText(data, kTinyLimits);
  auto text = ParseStatementText(data, kLimits);
  if (!text) return;
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 1);
  WriteStatementText(w, cp::SQLSTT, *text);
  w.EndDss();
  w.Finish();
  auto again = SoleObjectData(wire);
  if (!again) {
    p.Add("WriteStatementText output does not frame");
    return;
  }
  auto text2 = ParseStatementText(*again, kLimits);
  if (!text2 || *text2 != *text) p.Add("statement text does not survive WriteStatementText");
}

void CheckPkgnamcsn(ByteSpan data, Problems& p) {
  auto pkg = ParsePkgnamcsn(data);
  if (!pkg) return;
  (void)pkg->Key();
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kRequest, 1);
  WritePkgnamcsn(w, *pkg);
  w.EndDss();
  w.Finish();
  auto again = SoleObjectData(wire);
  if (!again) {
    p.Add("WritePkgnamcsn output does not frame");
    return;
  }
  auto pkg2 = ParsePkgnamcsn(*again);
  if (!pkg2 || pkg2->rdbnam != pkg->rdbnam || pkg2->collection != pkg->collection ||
      pkg2->package != pkg->package || pkg2->token != pkg->token || pkg2->section != pkg->section) {
    p.Add("PKGNAMCSN does not survive WritePkgnamcsn");
  }
}

void CheckSqlca(ByteSpan data, ByteOrder order, Problems& p) {
  ByteReader in(data, order);
  auto sqlca = ReadSqlcaGroup(in);
  if (!sqlca) return;
  if (*sqlca) (void)(*sqlca)->update_count();
  Bytes out;
  ByteWriter w(out, order);
  WriteSqlcaGroup(w, *sqlca ? &**sqlca : nullptr);
  ByteReader in2(out, order);
  auto again = ReadSqlcaGroup(in2);
  if (!again || *again != *sqlca || !in2.empty()) p.Add("SQLCA does not survive WriteSqlcaGroup");
}

void CheckSqldard(ByteSpan data, ByteOrder order, Problems& p) {
  ByteReader in(data, order);
  auto d = ReadSqldard(in);
  if (!d) return;
  Bytes out;
  ByteWriter w(out, order);
  WriteSqldard(w, d->sqlca ? &*d->sqlca : nullptr, d->columns, d->holdability);
  ByteReader in2(out, order);
  auto again = ReadSqldard(in2);
  if (!again) {
    p.Add("WriteSqldard output does not parse: " + again.error().message());
    return;
  }
  // WriteSqldard turns a null SQLCA into a success SQLCA, as Derby does.
  if (again->columns != d->columns || again->holdability != d->holdability ||
      (d->sqlca && again->sqlca != d->sqlca) || !in2.empty()) {
    p.Add("SQLDARD does not survive WriteSqldard");
  }
}

void CheckRowDescription(ByteSpan data, Problems& p) {
  (void)ParseRowDescription(data, kTinyLimits);
  auto fields = ParseRowDescription(data, kLimits);
  if (!fields) return;
  for (int parameters = 0; parameters < 2; ++parameters) {
    Bytes out;
    ByteWriter w(out);
    if (parameters) {
      WriteParameterDescription(w, *fields);
    } else {
      WriteQueryDescription(w, *fields);
    }
    auto again = ParseRowDescription(out, kLimits);
    if (!again || *again != *fields) p.Add("row description does not survive its writer");
  }
}

Bytes SqldtaData(const ParameterData& data, ByteOrder order) {
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 1);
  WriteSqldta(w, data.fields, data.values, order);
  w.EndDss();
  w.Finish();
  return SoleObjectData(wire).value_or(Bytes{});
}

void CheckSqldta(ByteSpan data, ByteOrder order, Problems& p) {
  (void)ParseSqldta(data, order, kTinyLimits);
  auto parsed = ParseSqldta(data, order, kLimits);
  if (!parsed) return;
  // LOB values travel in EXTDTA objects, which neither EncodeValue nor
  // WriteSqldta writes (requesters we build never send LOBs): no round trip.
  for (const FieldDesc& f : parsed->fields) {
    if (IsLobType(f.type)) return;
  }
  for (size_t i = 0; i < parsed->fields.size(); ++i) {
    const FieldDesc& f = parsed->fields[i];
    Bytes one;
    ByteWriter w(one, order);
    EncodeValue(w, f, parsed->values[i]);
    if (one.size() != EncodedSize(f, parsed->values[i])) {
      p.Add("EncodedSize disagrees with EncodeValue for FD:OCA type " + HexByte(f.type));
    }
  }
  // Decoding what the writer made of the decoded values must give values
  // the writer encodes to the same bytes again (values longer than their
  // field are cut on the first pass, so compare the second pass).
  const Bytes once = SqldtaData(*parsed, order);
  auto again = ParseSqldta(once, order, kLimits);
  if (!again) {
    p.Add("WriteSqldta output does not parse: " + again.error().message());
    return;
  }
  if (again->fields != parsed->fields) p.Add("SQLDTA field descriptions change in WriteSqldta");
  if (SqldtaData(*again, order) != once) p.Add("SQLDTA values change on a second encoding");
}

void ExerciseCollection(ByteSpan data, int depth, Problems& p);

void ExerciseObject(const DdmObject& obj, int depth, Problems& p) {
  const ByteSpan d = obj.data;
  constexpr DdmCharset kCharsets[] = {DdmCharset::kEbcdic, DdmCharset::kUtf8};
  constexpr ByteOrder kOrders[] = {ByteOrder::kBig, ByteOrder::kLittle};
  switch (obj.code_point) {
    case cp::EXCSAT:
    case cp::EXCSATRD: (void)ParseExcsat(d); break;
    case cp::ACCSEC:
      for (DdmCharset cs : kCharsets) (void)ParseAccsec(d, cs);
      break;
    case cp::ACCSECRD: (void)ParseAccsecrd(d); break;
    case cp::SECCHK:
      for (DdmCharset cs : kCharsets) (void)ParseSecchk(d, cs);
      break;
    case cp::SECCHKRM: (void)ParseSecchkrm(d); break;
    case cp::ACCRDB:
      for (DdmCharset cs : kCharsets) {
        if (auto a = ParseAccrdb(d, cs)) {
          (void)ByteOrderOf(a->typdefnam);
          (void)DatabaseNameFromRdbnam(a->rdbnam);
        }
      }
      break;
    case cp::ACCRDBRM:
      for (DdmCharset cs : kCharsets) (void)ParseAccrdbrm(d, cs);
      break;
    case cp::MGRLVLLS: (void)ParseManagerLevels(d); break;
    case cp::PKGNAMCSN: CheckPkgnamcsn(d, p); break;
    case cp::SQLSTT:
    case cp::SQLATTR: CheckStatementText(d, p); break;
    case cp::SQLDTA:
      for (ByteOrder order : kOrders) CheckSqldta(d, order, p);
      break;
    case cp::SQLCARD:
      for (ByteOrder order : kOrders) CheckSqlca(d, order, p);
      break;
    case cp::SQLDARD:
      for (ByteOrder order : kOrders) CheckSqldard(d, order, p);
      break;
    case cp::QRYDSC:
    case cp::FDODSC: CheckRowDescription(d, p); break;
    default: break;
  }
  if (depth == 0) {
    // What a command dispatcher asks of any command's parameters.
    if (auto params = DdmParams::Parse(d)) {
      (void)params->U8(cp::RDBCMTOK);
      (void)params->U16(cp::SVRCOD);
      (void)params->U32(cp::QRYBLKSZ);
      (void)params->Bytes(cp::QRYINSID);
    }
  }
  // Any object may be a collection; walk it as one, up to the nesting limit.
  if (depth < kLimits.max_ddm_depth) ExerciseCollection(d, depth + 1, p);
}

void ExerciseCollection(ByteSpan data, int depth, Problems& p) {
  DdmObjectReader reader(data);
  for (;;) {
    auto next = reader.Next();
    if (!next || !*next) return;
    ExerciseObject(**next, depth, p);
  }
}

}  // namespace

std::vector<std::string> ExerciseRequestStream(ByteSpan stream, size_t split) {
  Problems p;
  split = std::min(split, stream.size());
  // Both framings must agree, under the real limits and under tiny ones.
  Framing streamed;
  for (const Limits* limits : {&kTinyLimits, &kLimits}) {
    streamed = FrameInTwoReads(stream, split, *limits);
    const Framing whole = FrameWhole(stream, *limits);
    if (streamed.error != whole.error) {
      p.Add("DssStreamParser reports '" + streamed.error.message() + "', ParseDss '" + whole.error.message() +
            "'");
    } else if (streamed.dsses != whole.dsses) {
      p.Add("DssStreamParser and ParseDss frame the stream differently");
    } else if (!streamed.error && streamed.leftover != whole.leftover) {
      p.Add("DssStreamParser and ParseDss leave different partial DSSes");
    }
  }
  for (const Dss& dss : streamed.dsses) {
    CheckReframe(dss, p);
    ExerciseCollection(dss.payload, 0, p);
  }
  return p.Take();
}

std::vector<std::string> ExerciseFuzzInput(ByteSpan data) {
  if (data.empty()) return {};
  const ByteSpan stream = data.subspan(1);
  return ExerciseRequestStream(stream, stream.size() * data[0] / 255);
}

}  // namespace drdaplex::drda::fuzz
