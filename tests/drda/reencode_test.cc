// Rebuilds Derby's replies from the captures with our writers (DssWriter
// chaining, the connect.h reply writers, BeginReplyMessage, WriteSqlcaGroup,
// WriteSqldard, WriteQueryDescription, EncodeValue) from their decoded
// values, and compares the bytes with what Derby sent. Derby's replies are
// what the Derby client and pydrda were built against, so wherever our writer
// is meant to write what Derby writes, the bytes must be identical: header,
// chaining bits, parameter order, SQLCA/SQLDA layout, FD:OCA triplets, rows.
#include <gtest/gtest.h>

#include <set>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss_writer.h"
#include "drda/fdoca.h"
#include "drda/sqlca.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

// Writes one captured reply DSS again through the writers.
class ReplyRebuilder {
 public:
  explicit ReplyRebuilder(DssWriter& w) : w_(w) {}

  void Write(const Dss& dss) {
    auto objects = ReadObjects(dss.payload);
    ASSERT_TRUE(objects);
    ASSERT_FALSE(objects->empty());
    const DdmObject& first = (*objects)[0];
    const uint16_t corr = dss.header.correlator;
    if (objects->size() == 1 && WriteConnectReply(first, corr)) return;
    if (IsReplyMessage(first.code_point)) {
      auto params = DdmParams::Parse(first.data);
      ASSERT_TRUE(params);
      ASSERT_FALSE(params->all().empty());
      ASSERT_EQ(params->all()[0].code_point, cp::SVRCOD) << "Derby writes SVRCOD first";
      BeginReplyMessage(w_, corr, first.code_point, static_cast<Severity>(*params->U16(cp::SVRCOD).value()));
      for (size_t i = 1; i < params->all().size(); ++i) WriteScalar(params->all()[i]);
      w_.EndObject();
    } else {
      w_.BeginDss(dss.header.type, corr);
      WriteObject(first);
    }
    // Derby's OPNQFLRM carries its SQLCARD in the same DSS.
    for (size_t i = 1; i < objects->size(); ++i) WriteObject((*objects)[i]);
    w_.EndDss();
  }

  // Code points of parameters written as raw bytes (no typed writer exists
  // or is needed for them).
  const std::set<std::string>& raw_params() const { return raw_params_; }

 private:
  static bool IsReplyMessage(cp::CodePoint c) {
    switch (c) {
      case cp::OPNQRYRM: case cp::ENDUOWRM: case cp::RDBUPDRM: case cp::SQLERRRM: case cp::OPNQFLRM:
      case cp::PRCCNVRM: case cp::ENDQRYRM: case cp::RDBNFNRM:
        return true;
      default:
        return false;
    }
  }

  // The connect-flow replies have whole-DSS writers.
  bool WriteConnectReply(const DdmObject& obj, uint16_t corr) {
    switch (obj.code_point) {
      case cp::EXCSATRD: {
        auto r = ParseExcsatrd(obj.data);
        EXPECT_TRUE(r);
        WriteExcsatrd(w_, corr, *r);
        return true;
      }
      case cp::ACCSECRD: {
        auto r = ParseAccsecrd(obj.data);
        EXPECT_TRUE(r);
        WriteAccsecrd(w_, corr, *r);
        return true;
      }
      case cp::SECCHKRM: {
        auto r = ParseSecchkrm(obj.data);
        EXPECT_TRUE(r);
        WriteSecchkrm(w_, corr, *r);
        return true;
      }
      case cp::ACCRDBRM: {
        // After ACCSECRD with UNICODEMGR 1208 Derby writes UTF-8.
        auto r = ParseAccrdbrm(obj.data, DdmCharset::kUtf8);
        EXPECT_TRUE(r);
        WriteAccrdbrm(w_, corr, *r, DdmCharset::kUtf8);
        return true;
      }
      default:
        return false;
    }
  }

  // A parameter of a reply message, from its decoded value.
  void WriteScalar(const DdmObject& p) {
    switch (p.code_point) {
      case cp::UOWDSP:
      case cp::SQLCSRHLD:
      case cp::QRYATTUPD:
      case cp::PRCCNVCD:
        ASSERT_EQ(p.data.size(), 1u);
        w_.ParamU8(p.code_point, p.data[0]);
        return;
      case cp::QRYPRCTYP:
        ASSERT_EQ(p.data.size(), 2u);
        w_.ParamU16(p.code_point, LoadU16(p.data.data()));
        return;
      case cp::RDBNAM:
        w_.Param(p.code_point, EncodeDdmString(DecodeDdmString(p.data, DdmCharset::kUtf8), DdmCharset::kUtf8));
        return;
      default:
        raw_params_.insert(cp::Name(p.code_point));
        w_.Param(p.code_point, p.data);
        return;
    }
  }

  void WriteObject(const DdmObject& obj) {
    w_.BeginObject(obj.code_point);
    ByteWriter& out = w_.body();
    switch (obj.code_point) {
      case cp::SQLCARD: {
        ByteReader in(obj.data);
        auto sqlca = ReadSqlcaGroup(in);
        ASSERT_TRUE(sqlca);
        WriteSqlcaGroup(out, *sqlca ? &**sqlca : nullptr);
        break;
      }
      case cp::SQLDARD: {
        ByteReader in(obj.data);
        auto d = ReadSqldard(in);
        ASSERT_TRUE(d);
        WriteSqldard(out, d->sqlca ? &*d->sqlca : nullptr, d->columns, d->holdability);
        break;
      }
      case cp::QRYDSC: {
        auto fields = ParseRowDescription(obj.data, Limits{});
        ASSERT_TRUE(fields);
        WriteQueryDescription(out, *fields);
        query_fields_ = *fields;
        break;
      }
      case cp::QRYDTA: {
        auto rows = DecodeRows(obj.data, query_fields_, ByteOrder::kBig);
        ASSERT_TRUE(rows);
        EncodeRows(out, query_fields_, *rows);
        break;
      }
      case cp::SQLDTARD: {
        // Output parameters of a CALL: the description uses the answer-set
        // tail (SQLDTARD), the data starts with an SQLCA.
        auto params = DdmParams::Parse(obj.data);
        ASSERT_TRUE(params);
        auto fields = ParseRowDescription(params->Bytes(cp::FDODSC), Limits{});
        ASSERT_TRUE(fields);
        auto rows = DecodeRows(params->Bytes(cp::FDODTA), *fields, ByteOrder::kBig);
        ASSERT_TRUE(rows);
        w_.BeginObject(cp::FDODSC);
        WriteQueryDescription(w_.body(), *fields);
        w_.EndObject();
        w_.BeginObject(cp::FDODTA);
        EncodeRows(w_.body(), *fields, *rows);
        w_.EndObject();
        break;
      }
      case cp::PBSD: {
        auto params = DdmParams::Parse(obj.data);
        ASSERT_TRUE(params);
        for (const DdmObject& p : params->all()) {
          if (p.code_point == cp::PBSD_ISO) {
            w_.ParamU8(p.code_point, p.data[0]);
          } else if (p.code_point == cp::PBSD_SCHEMA) {
            w_.ParamString(p.code_point, AsChars(p.data));
          } else {
            raw_params_.insert(cp::Name(p.code_point));
            w_.Param(p.code_point, p.data);
          }
        }
        break;
      }
      default:
        ADD_FAILURE() << "no writer for " << cp::Name(obj.code_point);
        out.PutBytes(obj.data);
    }
    w_.EndObject();
  }

  DssWriter& w_;
  std::vector<FieldDesc> query_fields_;
  std::set<std::string> raw_params_;
};

struct Mismatch {
  size_t index;
  std::string name;
  std::string detail;
};

// Rebuilds every reply chain of `stream` and returns the DSSes whose bytes
// differ from Derby's.
std::vector<Mismatch> RebuildAndCompare(const CaptureStream& stream, size_t* dss_count = nullptr) {
  const Bytes captured = ReadFileBytes(stream.path);
  const auto original = SplitStream(captured);
  Bytes rebuilt;
  DssWriter w(rebuilt);
  ReplyRebuilder rebuilder(w);
  for (size_t i = 0; i < original.size(); ++i) {
    const DssHeader& h = original[i].dss.header;
    // A new group starts where the previous DSS did not promise the same
    // correlator; a chain ends at an unchained DSS.
    if (i == 0 || !original[i - 1].dss.header.same_correlator) w.BeginGroup();
    rebuilder.Write(original[i].dss);
    if (::testing::Test::HasFatalFailure()) return {};
    if (!h.chained) w.Finish();
  }
  w.Finish();
  const auto ours = SplitStream(rebuilt);
  EXPECT_EQ(ours.size(), original.size());
  std::vector<Mismatch> out;
  for (size_t i = 0; i < std::min(ours.size(), original.size()); ++i) {
    const ByteSpan a = original[i].wire, b = ours[i].wire;
    if (std::equal(a.begin(), a.end(), b.begin(), b.end())) continue;
    size_t at = 0;
    while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
    auto objects = ReadObjects(original[i].dss.payload);
    const std::string name = objects && !objects->empty() ? cp::Name((*objects)[0].code_point) : "?";
    const size_t from = at < 8 ? 0 : at - 8;
    out.push_back({i, name,
                   "differs at byte " + std::to_string(at) + " (Derby " + std::to_string(a.size()) + " bytes, ours " +
                       std::to_string(b.size()) + "): Derby ..." + Hex(a.subspan(from, std::min<size_t>(24, a.size() - from))) +
                       " ours ..." + Hex(b.subspan(from, std::min<size_t>(24, b.size() - from)))});
  }
  if (dss_count) *dss_count = original.size();
  return out;
}

class ReencodeTest : public ::testing::TestWithParam<CaptureStream> {};

TEST_P(ReencodeTest, OurWritersReproduceDerbysRepliesByteForByte) {
  size_t count = 0;
  const auto mismatches = RebuildAndCompare(GetParam(), &count);
  EXPECT_GT(count, 0u);
  for (const Mismatch& m : mismatches) ADD_FAILURE() << "DSS " << m.index << " " << m.name << ": " << m.detail;
}

std::vector<CaptureStream> ServerStreams() {
  std::vector<CaptureStream> out;
  for (CaptureStream& s : AllCaptureStreams()) {
    if (!s.client_to_server) out.push_back(std::move(s));
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Captures, ReencodeTest, ::testing::ValuesIn(ServerStreams()),
                         [](const ::testing::TestParamInfo<CaptureStream>& info) { return info.param.Name(); });

// The same, spelled out for the replies a server writes most, on the golden
// capture: one reply chain each, bytes compared whole.

struct GoldenReplies {
  Bytes bytes;
  std::vector<RawDss> dsses;
  GoldenReplies() {
    bytes = ReadFileBytes(FindCapture("derby-client", "golden", 1, false).path);
    dsses = SplitStream(bytes);
  }
  // The captured bytes of DSSes [first, last].
  Bytes Chain(size_t first, size_t last) const {
    return Bytes(dsses[first].wire.begin(), dsses[last].wire.end());
  }
  size_t Find(cp::CodePoint code_point, size_t from = 0) const {
    for (size_t i = from; i < dsses.size(); ++i) {
      auto objects = ReadObjects(dsses[i].dss.payload);
      if (objects && !objects->empty() && (*objects)[0].code_point == code_point) return i;
    }
    ADD_FAILURE() << "no " << cp::Name(code_point);
    return 0;
  }
};

TEST(GoldenReencodeTest, ExcsatrdAndAccsecrdChain) {
  GoldenReplies g;
  Bytes out;
  DssWriter w(out);
  ExcsatReply r;
  r.extnam = "NetworkServerControl main";
  r.managers = {{cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}, {cp::UNICODEMGR, 1208}};
  r.srvclsnm = "Apache Derby";
  r.srvnam = "NetworkServerControl";
  r.srvrlslv = "CSS10140/10.14.2.0 - (\?\?\?)";
  w.BeginGroup();
  WriteExcsatrd(w, 1, r);
  w.BeginGroup();
  WriteAccsecrd(w, 2, {.secmec = 3, .secchkcd = std::nullopt});
  w.Finish();
  EXPECT_EQ(Hex(out), Hex(g.Chain(0, 1)));
}

TEST(GoldenReencodeTest, SecchkrmAccrdbrmAndPbsdChain) {
  GoldenReplies g;
  Bytes out;
  DssWriter w(out);
  w.BeginGroup();
  WriteSecchkrm(w, 1, {.svrcod = 0, .secchkcd = 0});
  w.BeginGroup();
  AccrdbReply r;
  r.prdid = "CSS10140";
  WriteAccrdbrm(w, 2, r, DdmCharset::kUtf8);
  // Derby's private PBSD rides in the same group.
  w.BeginDss(DssType::kReply, 2);
  w.BeginObject(cp::PBSD);
  w.ParamU8(cp::PBSD_ISO, 2);
  w.ParamString(cp::PBSD_SCHEMA, "APP");
  w.EndObject();
  w.EndDss();
  w.Finish();
  EXPECT_EQ(Hex(out), Hex(g.Chain(2, 4)));
}

TEST(GoldenReencodeTest, ErrorSqlcardForDropOfAMissingTable) {
  GoldenReplies g;
  Bytes out;
  DssWriter w(out);
  Sqlca sqlca;
  sqlca.sqlcode = -20001;
  sqlca.sqlstate = "42Y55";
  sqlca.message = "DROP TABLE\x14GOLDEN\x14" "42Y55";
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLCARD);
  WriteSqlcaGroup(w.body(), &sqlca);
  w.EndObject();
  w.EndDss();
  w.Finish();
  const size_t i = g.Find(cp::SQLCARD);
  EXPECT_EQ(Hex(out), Hex(g.Chain(i, i)));
}

TEST(GoldenReencodeTest, CommitRepliesEnduowrmAndSqlcard) {
  GoldenReplies g;
  Bytes out;
  DssWriter w(out);
  BeginReplyMessage(w, 1, cp::ENDUOWRM, Severity::kWarning);
  w.ParamU8(cp::UOWDSP, 1);
  EndReplyMessage(w);
  Sqlca ok;
  ok.sqlstate = "     ";  // Derby's success SQLCA has a blank SQLSTATE
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLCARD);
  WriteSqlcaGroup(w.body(), &ok);
  w.EndObject();
  w.EndDss();
  w.Finish();
  const size_t i = g.Find(cp::ENDUOWRM);
  EXPECT_EQ(Hex(out), Hex(g.Chain(i, i + 1)));
}

TEST(GoldenReencodeTest, OpenQueryRepliesOpnqryrmQrydscAndFirstQrydta) {
  GoldenReplies g;
  const size_t i = g.Find(cp::OPNQRYRM);
  Bytes out;
  DssWriter w(out);
  BeginReplyMessage(w, 1, cp::OPNQRYRM, Severity::kInfo);
  w.ParamU16(cp::QRYPRCTYP, cp::LMTBLKPRC);
  w.ParamU8(cp::SQLCSRHLD, kTrue);
  const uint8_t kQueryId[8] = {};
  w.Param(cp::QRYINSID, kQueryId);
  w.ParamU8(cp::QRYATTUPD, 1);  // read only
  EndReplyMessage(w);
  const std::vector<FieldDesc> fields = {{fdoca::kInteger, 4},
                                         {fdoca::Nullable(fdoca::kVarChar), 250},
                                         {fdoca::Nullable(fdoca::kFloat8), 8},
                                         {fdoca::Nullable(fdoca::kVarChar), 32}};
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::QRYDSC);
  WriteQueryDescription(w.body(), fields);
  w.EndObject();
  w.EndDss();
  // The first block: rows 1-124 as the SELECT returns them.
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::QRYDTA);
  for (int id = 1; id <= 124; ++id) {
    std::string name = "name-" + std::to_string(id) + "-";
    // The client made up names as 'name-ID-' + letters that run on from
    // the ID: character i is 'a' + (ID + i) % 26.
    while (name.size() < 240) name.push_back(static_cast<char>('a' + (id + name.size()) % 26));
    WriteSqlcaGroup(w.body(), nullptr);
    w.body().PutU8(0x00);
    EncodeValue(w.body(), fields[0], Value{int64_t{id}});
    EncodeValue(w.body(), fields[1], Value{name});
    EncodeValue(w.body(), fields[2], Value{id * 1.25});
    EncodeValue(w.body(), fields[3], id % 3 == 0 ? Value{Null{}} : Value{"n" + std::to_string(id)});
  }
  w.EndObject();
  w.EndDss();
  w.Finish();
  const Bytes expected = g.Chain(i, i + 2);
  ASSERT_EQ(out.size(), expected.size());
  EXPECT_TRUE(out == expected) << "first difference at "
                               << std::mismatch(out.begin(), out.end(), expected.begin()).first - out.begin();
}

TEST(GoldenReencodeTest, SelectDescriptionSqldard) {
  GoldenReplies g;
  // The SQLDARD answering PRPSQLSTT of the SELECT (4 named columns).
  size_t i = 0;
  for (;; ++i) {
    i = g.Find(cp::SQLDARD, i);
    if (g.dsses[i].wire.size() == 396) break;
  }
  std::vector<SqldaColumn> cols(4);
  const struct {
    const char* name;
    int16_t precision, sqltype;
    int64_t length;
    uint16_t ccsid;
  } kColumns[] = {// Derby reports precision 31 for VARCHAR columns.
                  {"ID", 10, sqltype::kInteger, 4, 0},
                  {"NAME", 31, sqltype::kVarchar + 1, 250, 1208},
                  {"AMOUNT", 15, sqltype::kFloat + 1, 8, 0},
                  {"NOTE", 31, sqltype::kVarchar + 1, 32, 1208}};
  for (size_t k = 0; k < 4; ++k) {
    cols[k].name = cols[k].column_name = kColumns[k].name;
    cols[k].precision = kColumns[k].precision;
    cols[k].sqltype = kColumns[k].sqltype;
    cols[k].length = kColumns[k].length;
    cols[k].ccsid = kColumns[k].ccsid;
    cols[k].base_table = "GOLDEN";
    cols[k].schema = "APP";
  }
  Bytes out;
  DssWriter w(out);
  w.BeginGroup();
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLDARD);
  WriteSqldard(w.body(), nullptr, cols);
  w.EndObject();
  w.EndDss();
  w.BeginGroup();  // the input SQLDARD (correlator 2) follows in the chain
  w.BeginDss(DssType::kObject, 2);
  w.EndDss();
  w.Finish();
  // Compare the first DSS only.
  const auto ours = SplitStream(out);
  ASSERT_EQ(ours.size(), 2u);
  EXPECT_EQ(Hex(ours[0].wire), Hex(g.dsses[i].wire));
}

}  // namespace
}  // namespace drdaplex::drda::test
