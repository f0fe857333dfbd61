// Replays every captured byte stream (fixtures/drda-captures, Derby client and
// pydrda, both directions) through the codec. The framing must not depend on
// how the bytes arrive, the DSS sequence must be the one the capture's
// listing (STEM.ddm.txt, decoded by an independent decoder and cross-checked
// with tshark) shows, every object must decode, and every typed view must
// read the values the listing prints.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <optional>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

const char* DssTypeName(DssType t) {
  switch (t) {
    case DssType::kRequest: return "RQS";
    case DssType::kReply: return "RPY";
    case DssType::kObject: return "OBJ";
    case DssType::kCommunication: return "CMM";
    case DssType::kRequestNoReply: return "RQN";
  }
  return "?";
}

// Objects whose data is itself a list of LL/CP objects.
bool IsCollection(cp::CodePoint c) {
  switch (c) {
    case cp::EXCSAT: case cp::ACCSEC: case cp::SECCHK: case cp::ACCRDB: case cp::CLSQRY:
    case cp::CNTQRY: case cp::DSCSQLSTT: case cp::EXCSQLIMM: case cp::EXCSQLSTT: case cp::OPNQRY:
    case cp::PRPSQLSTT: case cp::RDBCMM: case cp::RDBRLLBCK: case cp::EXCSQLSET:
    case cp::EXCSATRD: case cp::ACCSECRD: case cp::SECCHKRM: case cp::ACCRDBRM: case cp::OPNQRYRM:
    case cp::ENDUOWRM: case cp::RDBUPDRM: case cp::SQLERRRM: case cp::OPNQFLRM: case cp::PRCCNVRM:
    case cp::ENDQRYRM: case cp::RDBNFNRM: case cp::PBSD: case cp::SQLDTA: case cp::SQLDTARD:
    case cp::TYPDEFOVR:
      return true;
    default:
      return false;
  }
}

// FD:OCA type names as the listings print them (without the nullable '?').
std::optional<uint8_t> FdocaTypeByName(std::string_view name) {
  static const std::map<std::string_view, uint8_t> kTypes = {
      {"INTEGER", fdoca::kInteger}, {"SMALLINT", fdoca::kSmallint}, {"BIGINT", fdoca::kBigint},
      {"FLOAT8", fdoca::kFloat8},   {"FLOAT4", fdoca::kFloat4},     {"DECIMAL", fdoca::kDecimal},
      {"CHAR", fdoca::kChar},       {"VARCHAR", fdoca::kVarChar},   {"LONGVARCHAR", fdoca::kLongVarChar},
      {"VARMIX", fdoca::kVarMix},   {"LONGMIX", fdoca::kLongMix},   {"MIXCHAR", fdoca::kMixChar},
  };
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

// SQLTYPE names as the listings print SQLDARD columns.
std::optional<int16_t> SqltypeByName(std::string_view name) {
  static const std::map<std::string_view, int16_t> kTypes = {
      {"INTEGER", sqltype::kInteger}, {"SMALLINT", sqltype::kSmallint}, {"BIGINT", sqltype::kBigint},
      {"FLOAT", sqltype::kFloat},     {"DECIMAL", sqltype::kDecimal},   {"CHAR", sqltype::kChar},
      {"VARCHAR", sqltype::kVarchar}, {"LONGVARCHAR", sqltype::kLongVarchar},
  };
  auto it = kTypes.find(name);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

struct TypeAndLength {
  std::string name;
  std::string type;
  bool nullable = false;
  int64_t length = 0;
};
// "[ID:INTEGER(4) NAME:VARCHAR?(250)]" or "[INTEGER?(4) LONGMIX?(32767)]".
std::vector<TypeAndLength> ParseTypeList(std::string_view text) {
  std::vector<TypeAndLength> out;
  if (text.starts_with("[")) text.remove_prefix(1);
  if (text.ends_with("]")) text.remove_suffix(1);
  while (!text.empty()) {
    const size_t end = text.find(' ');
    std::string_view item = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    TypeAndLength t;
    if (const size_t colon = item.find(':'); colon != std::string_view::npos) {
      t.name = std::string(item.substr(0, colon));
      if (t.name == "-") t.name.clear();
      item.remove_prefix(colon + 1);
    }
    const size_t paren = item.find('(');
    t.type = std::string(item.substr(0, paren));
    if (t.type.ends_with('?')) {
      t.nullable = true;
      t.type.pop_back();
    }
    t.length = std::stoll(std::string(item.substr(paren + 1)));
    out.push_back(std::move(t));
  }
  return out;
}

// A quoted listing value ('..', "..", ebcdic:'..') decoded to its text.
std::optional<std::string> DetailString(std::string_view details, std::string_view key) {
  auto raw = DetailField(details, key);
  if (!raw) return std::nullopt;
  std::string_view v = *raw;
  if (v.starts_with("ebcdic:")) v.remove_prefix(7);
  auto s = ParsePyString(v);
  if (!s) return std::nullopt;
  return s->s;
}
bool DetailIsEbcdic(std::string_view details, std::string_view key) {
  auto raw = DetailField(details, key);
  return raw && raw->starts_with("ebcdic:");
}
std::optional<uint64_t> DetailNumber(std::string_view details, std::string_view key) {
  auto raw = DetailField(details, key);
  if (!raw) return std::nullopt;
  return std::stoull(*raw, nullptr, 0);
}
std::optional<Bytes> DetailHex(std::string_view details, std::string_view key) {
  auto raw = DetailField(details, key);
  if (!raw || !raw->starts_with("x'")) return std::nullopt;
  return FromHex(std::string_view(*raw).substr(2, raw->find('\'', 2) - 2));
}

uint64_t BigEndianValue(ByteSpan b) {
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}

// Compares a decoded SQLCA with "SQLCODE=.. SQLSTATE='..' SQLERRD=.. tokens='a|b'".
void ExpectSqlcaMatches(const Sqlca& s, std::string_view details) {
  EXPECT_EQ(s.sqlcode, static_cast<int32_t>(std::stoll(DetailField(details, "SQLCODE").value_or("0"))));
  EXPECT_EQ(s.sqlstate, DetailString(details, "SQLSTATE").value_or("?"));
  if (auto errd = DetailField(details, "SQLERRD")) {
    std::string expected;
    for (int32_t d : s.sqlerrd) expected += (expected.empty() ? "" : ",") + std::to_string(d);
    EXPECT_EQ(expected, *errd);
  }
  if (auto tokens = DetailString(details, "tokens")) {
    std::string message = s.message;
    for (char& c : message) {
      if (c == 0x14) c = '|';
    }
    EXPECT_EQ(message, *tokens);
  }
}

void ExpectFieldsMatch(const std::vector<FieldDesc>& fields, std::string_view listed) {
  const auto expected = ParseTypeList(listed);
  ASSERT_EQ(fields.size(), expected.size()) << listed;
  for (size_t i = 0; i < fields.size(); ++i) {
    auto type = FdocaTypeByName(expected[i].type);
    ASSERT_TRUE(type) << "listing type " << expected[i].type << " unknown to the test";
    EXPECT_EQ(fields[i].base(), *type) << "field " << i << " of " << listed;
    EXPECT_EQ(fields[i].nullable(), expected[i].nullable) << "field " << i << " of " << listed;
    EXPECT_EQ(fields[i].length, expected[i].length) << "field " << i << " of " << listed;
  }
}

void ExpectValuesMatch(const std::vector<Value>& values, std::string_view listed) {
  auto expected = ParsePyList(listed);
  ASSERT_TRUE(expected) << "cannot read listing values " << listed;
  ASSERT_EQ(values.size(), expected->size()) << listed;
  for (size_t i = 0; i < values.size(); ++i) {
    std::string why;
    EXPECT_TRUE(PyValueMatches((*expected)[i], values[i], &why)) << "value " << i << ": " << why;
  }
}

// Numeric parameters the listings print as KEY=0xN: the value must be the
// parameter's bytes read big-endian.
constexpr std::pair<std::string_view, cp::CodePoint> kNumericParams[] = {
    {"SVRCOD", cp::SVRCOD},       {"SECMEC", cp::SECMEC},       {"SECCHKCD", cp::SECCHKCD},
    {"RDBCMTOK", cp::RDBCMTOK},   {"QRYBLKSZ", cp::QRYBLKSZ},   {"QRYCLSIMP", cp::QRYCLSIMP},
    {"MAXBLKEXT", cp::MAXBLKEXT}, {"MAXRSLCNT", cp::MAXRSLCNT}, {"RSLSETFLG", cp::RSLSETFLG},
    {"QRYROWSET", cp::QRYROWSET}, {"OUTEXP", cp::OUTEXP},       {"TYPSQLDA", cp::TYPSQLDA},
    {"RTNSQLDA", cp::RTNSQLDA},   {"RTNEXTDTA", cp::RTNEXTDTA}, {"UOWDSP", cp::UOWDSP},
    {"QRYATTUPD", cp::QRYATTUPD}, {"SQLCSRHLD", cp::SQLCSRHLD}, {"PRCCNVCD", cp::PRCCNVCD},
    {"PBSD_ISO", cp::PBSD_ISO},
};

std::vector<ManagerLevel> ParseManagerList(std::string_view listed) {
  static const std::map<std::string, cp::CodePoint> kManagers = {
      {"AGENT", cp::AGENT},       {"SQLAM", cp::SQLAM},       {"RDB", cp::RDB},
      {"SECMGR", cp::SECMGR},     {"CMNTCPIP", cp::CMNTCPIP}, {"CCSIDMGR", cp::CCSIDMGR},
      {"UNICODEMGR", cp::UNICODEMGR},
  };
  std::vector<ManagerLevel> out;
  std::string_view s = listed.substr(1, listed.size() - 2);
  while (!s.empty()) {
    const size_t end = s.find(' ');
    const std::string_view item = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view{} : s.substr(end + 1);
    const size_t eq = item.find('=');
    auto it = kManagers.find(std::string(item.substr(0, eq)));
    EXPECT_NE(it, kManagers.end()) << "manager " << item << " unknown to the test";
    if (it == kManagers.end()) continue;
    out.push_back({it->second, static_cast<uint16_t>(std::stoul(std::string(item.substr(eq + 1))))});
  }
  return out;
}

// Per-stream state the views need: charset is taken from the listing (it
// marks EBCDIC strings), the FD:OCA byte order from ACCRDB/ACCRDBRM, the row
// layout from the last QRYDSC.
struct StreamState {
  ByteOrder order = ByteOrder::kBig;
  std::vector<FieldDesc> query_fields;
  int checked_views = 0;
};

DdmCharset CharsetOf(std::string_view details, std::string_view key) {
  return DetailIsEbcdic(details, key) ? DdmCharset::kEbcdic : DdmCharset::kUtf8;
}

// Checks one object against its listing line with the typed views.
// Checks one object against its listing line with the typed views; counts
// the objects it could check in `state.checked_views`.
void CheckTypedView(const DdmObject& obj, const ListingLine& line, StreamState& state) {
  SCOPED_TRACE(std::string(line.name) + " " + line.details.substr(0, 160));
  const std::string& d = line.details;
  const int checked_before = state.checked_views;
  bool checked_params = false;
  if (IsCollection(obj.code_point)) {
    auto params = DdmParams::Parse(obj.data);
    ASSERT_TRUE(params);
    for (const auto& [key, code_point] : kNumericParams) {
      auto expected = DetailNumber(d, key);
      if (!expected) continue;
      ASSERT_TRUE(params->Has(code_point)) << key;
      EXPECT_EQ(BigEndianValue(params->Bytes(code_point)), *expected) << key;
      checked_params = true;
    }
    const size_t pkg_pos = d.find("PKGNAMCSN[");
    if (pkg_pos != std::string::npos) {
      // PKGNAMCSN[rdb/collection/package tkn='SYSLVL01' sn=2]; "(ext)" in
      // front of the names marks the extended (length-prefixed) form.
      std::string_view s = std::string_view(d).substr(pkg_pos + 10);
      s = s.substr(0, s.find(']'));
      std::string names(s.substr(0, s.find(' ')));
      const ByteSpan raw = params->Bytes(cp::PKGNAMCSN);
      const bool extended = names.starts_with("(ext)");
      if (extended) names.erase(0, 5);
      EXPECT_EQ(raw.size() != 64, extended) << "PKGNAMCSN of " << raw.size() << " bytes";
      auto pkg = ParsePkgnamcsn(raw);
      ASSERT_TRUE(pkg) << pkg.error().message();
      EXPECT_EQ(pkg->rdbnam + "/" + pkg->collection + "/" + pkg->package, names);
      std::string_view tkn = s.substr(s.find("tkn=") + 4);
      tkn = tkn.substr(0, tkn.find(' '));
      if (tkn.starts_with("x'")) {
        EXPECT_EQ(Hex(pkg->token), tkn.substr(2, tkn.size() - 3));
      } else {
        EXPECT_EQ("'" + std::string(AsChars(pkg->token)) + "'", tkn);
      }
      EXPECT_EQ(std::to_string(pkg->section), std::string(s.substr(s.find("sn=") + 3)));
      ++state.checked_views;
    }
  }

  switch (obj.code_point) {
    case cp::EXCSAT:
    case cp::EXCSATRD: {
      auto c = ParseExcsat(obj.data);
      ASSERT_TRUE(c);
      const std::pair<const char*, const std::string*> kStrings[] = {
          {"EXTNAM", &c->extnam}, {"SRVNAM", &c->srvnam}, {"SRVRLSLV", &c->srvrlslv}, {"SRVCLSNM", &c->srvclsnm}};
      for (const auto& [key, value] : kStrings) {
        // ParseExcsat reads EBCDIC, which is what EXCSAT(RD) carries, except
        // Derby's answer to pydrda's second EXCSAT (UTF-8, see reencode_test).
        if (DetailIsEbcdic(d, key)) {
          EXPECT_EQ(*value, DetailString(d, key).value()) << key;
        }
      }
      if (auto levels = DetailField(d, "MGRLVLLS")) {
        EXPECT_EQ(c->managers, ParseManagerList(*levels));
      }
      ++state.checked_views;
      break;
    }
    case cp::ACCSEC: {
      auto c = ParseAccsec(obj.data, CharsetOf(d, "RDBNAM"));
      ASSERT_TRUE(c);
      EXPECT_EQ(c->secmec, DetailNumber(d, "SECMEC").value());
      EXPECT_EQ(c->rdbnam, DetailString(d, "RDBNAM").value());
      ++state.checked_views;
      break;
    }
    case cp::ACCSECRD: {
      auto r = ParseAccsecrd(obj.data);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->secmec, DetailNumber(d, "SECMEC").value());
      ++state.checked_views;
      break;
    }
    case cp::SECCHK: {
      auto c = ParseSecchk(obj.data, CharsetOf(d, "USRID"));
      ASSERT_TRUE(c);
      EXPECT_EQ(c->secmec, DetailNumber(d, "SECMEC").value());
      EXPECT_EQ(c->rdbnam, DetailString(d, "RDBNAM").value());
      EXPECT_EQ(c->usrid, DetailString(d, "USRID").value());
      EXPECT_EQ(c->password, DetailString(d, "PASSWORD"));
      ++state.checked_views;
      break;
    }
    case cp::SECCHKRM: {
      auto r = ParseSecchkrm(obj.data);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->svrcod, DetailNumber(d, "SVRCOD").value());
      EXPECT_EQ(r->secchkcd, DetailNumber(d, "SECCHKCD").value());
      ++state.checked_views;
      break;
    }
    case cp::ACCRDB: {
      auto c = ParseAccrdb(obj.data, CharsetOf(d, "RDBNAM"));
      ASSERT_TRUE(c);
      EXPECT_EQ(c->rdbnam, DetailString(d, "RDBNAM").value());
      EXPECT_EQ(c->prdid, DetailString(d, "PRDID").value());
      EXPECT_EQ(c->typdefnam, DetailString(d, "TYPDEFNAM").value());
      EXPECT_EQ(c->rdbacccl, cp::SQLAM);
      EXPECT_EQ(c->crrtkn, DetailHex(d, "CRRTKN").value());
      if (auto prddta = DetailField(d, "PRDDTA")) {
        // Listed as a prefix: x'37c4d5..'..
        const std::string prefix = prddta->substr(2, prddta->find('.') - 2);
        EXPECT_TRUE(Hex(c->prddta).starts_with(prefix));
      }
      EXPECT_EQ(c->ccsid_sbc, DetailNumber(d, "CCSIDSBC").value());
      EXPECT_EQ(c->ccsid_dbc, DetailNumber(d, "CCSIDDBC").value());
      EXPECT_EQ(c->ccsid_mbc, DetailNumber(d, "CCSIDMBC").value());
      state.order = ByteOrderOf(c->typdefnam);
      ++state.checked_views;
      break;
    }
    case cp::ACCRDBRM: {
      auto r = ParseAccrdbrm(obj.data, CharsetOf(d, "PRDID"));
      ASSERT_TRUE(r);
      EXPECT_EQ(r->svrcod, DetailNumber(d, "SVRCOD").value());
      EXPECT_EQ(r->prdid, DetailString(d, "PRDID").value());
      EXPECT_EQ(r->typdefnam, DetailString(d, "TYPDEFNAM").value());
      EXPECT_EQ(r->ccsid_sbc, DetailNumber(d, "CCSIDSBC").value());
      EXPECT_EQ(r->ccsid_mbc, DetailNumber(d, "CCSIDMBC").value());
      state.order = ByteOrderOf(r->typdefnam);
      ++state.checked_views;
      break;
    }
    case cp::SQLSTT:
    case cp::SQLATTR: {
      auto text = ParseStatementText(obj.data, Limits{});
      ASSERT_TRUE(text) << text.error().message();
      std::string_view listed = d;
      auto expected = ParsePyString(listed);
      ASSERT_TRUE(expected);
      EXPECT_EQ(*text, expected->s);
      ++state.checked_views;
      break;
    }
    case cp::SQLDTA: {
      auto p = ParseSqldta(obj.data, state.order, Limits{});
      ASSERT_TRUE(p) << p.error().message();
      ExpectFieldsMatch(p->fields, DetailField(d, "FDODSC").value_or("FDODSC missing"));
      ExpectValuesMatch(p->values, DetailField(d, "FDODTA").value_or("FDODTA missing"));
      ++state.checked_views;
      break;
    }
    case cp::SQLDTARD: {
      auto params = DdmParams::Parse(obj.data);
      ASSERT_TRUE(params);
      auto fields = ParseRowDescription(params->Bytes(cp::FDODSC), Limits{});
      ASSERT_TRUE(fields);
      ExpectFieldsMatch(*fields, DetailField(d, "FDODSC").value_or("FDODSC missing"));
      auto rows = DecodeRows(params->Bytes(cp::FDODTA), *fields, state.order);
      ASSERT_TRUE(rows) << rows.error().message();
      ASSERT_EQ(rows->size(), 1u);
      EXPECT_FALSE((*rows)[0].sqlca);  // "SQLCA=null(ok)"
      ASSERT_TRUE((*rows)[0].values);
      ExpectValuesMatch(*(*rows)[0].values, d.substr(d.find("null(ok) ") + 9));
      ++state.checked_views;
      break;
    }
    case cp::SQLCARD: {
      ByteReader in(obj.data, state.order);
      auto sqlca = ReadSqlcaGroup(in);
      ASSERT_TRUE(sqlca) << sqlca.error().message();
      EXPECT_TRUE(in.empty());
      ASSERT_TRUE(*sqlca);  // Derby never sends the null SQLCA in an SQLCARD
      ExpectSqlcaMatches(**sqlca, d);
      ++state.checked_views;
      break;
    }
    case cp::SQLDARD: {
      ByteReader in(obj.data, state.order);
      auto sqldard = ReadSqldard(in);
      ASSERT_TRUE(sqldard) << sqldard.error().message();
      EXPECT_TRUE(in.empty()) << in.remaining() << " bytes left over";
      ASSERT_TRUE(sqldard->sqlca);
      ExpectSqlcaMatches(*sqldard->sqlca, d);
      const auto expected = ParseTypeList(d.substr(d.find('[')));
      ASSERT_EQ(sqldard->columns.size(), expected.size());
      for (size_t i = 0; i < expected.size(); ++i) {
        const SqldaColumn& c = sqldard->columns[i];
        auto type = SqltypeByName(expected[i].type);
        ASSERT_TRUE(type) << "listing SQLTYPE " << expected[i].type << " unknown to the test";
        EXPECT_EQ(c.name, expected[i].name);
        EXPECT_EQ(c.sqltype & ~1, *type) << "column " << i;
        EXPECT_EQ((c.sqltype & 1) != 0, expected[i].nullable) << "column " << i;
        EXPECT_EQ(c.length, expected[i].length) << "column " << i;
      }
      ++state.checked_views;
      break;
    }
    case cp::QRYDSC: {
      auto fields = ParseRowDescription(obj.data, Limits{});
      ASSERT_TRUE(fields) << fields.error().message();
      ExpectFieldsMatch(*fields, d);
      state.query_fields = std::move(*fields);
      ++state.checked_views;
      break;
    }
    case cp::QRYDTA: {
      // "32542B rows=124 first=[..] then SQLCODE=100 SQLSTATE='02000' SQLERRD=.."
      EXPECT_EQ(std::to_string(obj.data.size()) + "B", d.substr(0, d.find(' ')));
      auto rows = DecodeRows(obj.data, state.query_fields, state.order);
      ASSERT_TRUE(rows) << rows.error().message();
      size_t data_rows = 0;
      for (const QueryRow& r : *rows) data_rows += r.values.has_value();
      EXPECT_EQ(std::to_string(data_rows), DetailField(d, "rows").value());
      if (auto first = DetailField(d, "first")) {
        ASSERT_FALSE(rows->empty());
        ASSERT_TRUE(rows->front().values);
        ExpectValuesMatch(*rows->front().values, *first);
      }
      if (const size_t then = d.find(" then "); then != std::string::npos) {
        ASSERT_TRUE(rows->back().sqlca);
        EXPECT_FALSE(rows->back().values);
        ExpectSqlcaMatches(*rows->back().sqlca, d.substr(then + 6));
      } else {
        for (const QueryRow& r : *rows) EXPECT_FALSE(r.sqlca);
      }
      ++state.checked_views;
      break;
    }
    case cp::OPNQRYRM: {
      auto params = DdmParams::Parse(obj.data);
      ASSERT_TRUE(params);
      EXPECT_EQ(Hex(params->Bytes(cp::QRYINSID)), Hex(DetailHex(d, "QRYINSID").value()));
      EXPECT_EQ(params->U16(cp::QRYPRCTYP).value(), cp::LMTBLKPRC);
      ++state.checked_views;
      break;
    }
    case cp::RDBUPDRM:
    case cp::OPNQFLRM: {
      auto params = DdmParams::Parse(obj.data);
      ASSERT_TRUE(params);
      EXPECT_EQ(DecodeDdmString(params->Bytes(cp::RDBNAM), DdmCharset::kUtf8), DetailString(d, "RDBNAM").value());
      ++state.checked_views;
      break;
    }
    case cp::PBSD: {
      auto params = DdmParams::Parse(obj.data);
      ASSERT_TRUE(params);
      EXPECT_EQ(std::string(AsChars(params->Bytes(cp::PBSD_SCHEMA))), DetailString(d, "PBSD_SCHEMA").value());
      ++state.checked_views;
      break;
    }
    default:
      break;
  }
  if (state.checked_views == checked_before && checked_params) ++state.checked_views;
}

class CaptureReplayTest : public ::testing::TestWithParam<CaptureStream> {
 protected:
  void SetUp() override {
    bytes_ = ReadFileBytes(GetParam().path);
    ASSERT_FALSE(bytes_.empty());
  }
  Bytes bytes_;
};

TEST_P(CaptureReplayTest, FramingDoesNotDependOnHowTheBytesArrive) {
  const Framing whole = FrameInPieces(bytes_, {});
  ASSERT_FALSE(whole.error) << whole.error.message();
  EXPECT_TRUE(whole.at_boundary);
  EXPECT_EQ(whole.buffered, 0u);
  ASSERT_FALSE(whole.dsses.empty());

  const Framing bytewise = FrameByteByByte(bytes_);
  ASSERT_FALSE(bytewise.error) << bytewise.error.message();
  EXPECT_TRUE(bytewise.at_boundary);
  // (compared with == so a failure does not print megabytes of payload)
  EXPECT_TRUE(bytewise.dsses == whole.dsses);

  for (size_t cut = 0; cut <= bytes_.size(); ++cut) {
    const size_t cuts[] = {cut};
    const Framing split = FrameInPieces(bytes_, cuts);
    ASSERT_FALSE(split.error) << "cut at " << cut << ": " << split.error.message();
    ASSERT_TRUE(split.at_boundary) << "cut at " << cut;
    ASSERT_TRUE(split.dsses == whole.dsses) << "cut at " << cut;
  }
}

TEST_P(CaptureReplayTest, DssSequenceMatchesTheListing) {
  const auto raw = SplitStream(bytes_);
  const auto listing = ListingFor(GetParam());
  ASSERT_FALSE(listing.empty());
  size_t li = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    ASSERT_LT(li, listing.size()) << "more DSSes than listed";
    const ListingLine& line = listing[li++];
    SCOPED_TRACE("DSS " + std::to_string(i) + ": " + line.name + " " + line.details.substr(0, 100));
    ASSERT_FALSE(line.extra_object);
    const Dss& dss = raw[i].dss;
    EXPECT_EQ(dss.header.correlator, line.correlator);
    EXPECT_EQ(DssTypeName(dss.header.type), line.dss);
    EXPECT_EQ(dss.header.chained, line.chained);
    EXPECT_EQ(dss.header.same_correlator, line.same_correlator);
    EXPECT_FALSE(dss.header.continue_on_error);
    EXPECT_EQ(raw[i].wire.size(), line.length);
    EXPECT_FALSE(line.continued);  // no capture has continued DSSes
    EXPECT_EQ(dss.payload.size() + kDssHeaderSize, line.length);
    auto objects = ReadObjects(dss.payload);
    ASSERT_TRUE(objects) << objects.error().message();
    ASSERT_FALSE(objects->empty());
    EXPECT_EQ((*objects)[0].code_point, line.code_point);
    if (std::string_view(cp::Name(line.code_point)) != "UNKNOWN") {
      EXPECT_EQ(cp::Name(line.code_point), line.name);
    }
    for (size_t k = 1; k < objects->size(); ++k) {
      ASSERT_LT(li, listing.size());
      const ListingLine& extra = listing[li++];
      EXPECT_TRUE(extra.extra_object);
      EXPECT_EQ((*objects)[k].code_point, extra.code_point);
      EXPECT_EQ(extra.length, line.length);
    }
  }
  EXPECT_EQ(li, listing.size()) << "fewer DSSes than listed";
}

TEST_P(CaptureReplayTest, EveryObjectDecodes) {
  for (const RawDss& raw : SplitStream(bytes_)) {
    // The whole payload is LL/CP objects, nothing left over.
    DdmObjectReader reader(raw.dss.payload);
    std::vector<DdmObject> objects;
    for (;;) {
      auto next = reader.Next();
      ASSERT_TRUE(next) << next.error().message();
      if (!*next) break;
      objects.push_back(**next);
    }
    EXPECT_TRUE(reader.done());
    ASSERT_FALSE(objects.empty());
    for (const DdmObject& obj : objects) {
      SCOPED_TRACE(cp::Name(obj.code_point));
      if (!IsCollection(obj.code_point)) continue;
      auto params = ReadObjects(obj.data);
      ASSERT_TRUE(params) << params.error().message();
      for (const DdmObject& param : *params) {
        if (param.code_point == cp::TYPDEFOVR || param.code_point == cp::FDODSC) {
          if (param.code_point == cp::TYPDEFOVR) {
            auto nested = ReadObjects(param.data);
            ASSERT_TRUE(nested);
            for (const DdmObject& ccsid : *nested) EXPECT_EQ(ccsid.data.size(), 2u);
          } else {
            EXPECT_TRUE(ParseRowDescription(param.data, Limits{}));
          }
        }
        if (param.code_point == cp::MGRLVLLS) {
          auto levels = ParseManagerLevels(param.data);
          ASSERT_TRUE(levels);
          EXPECT_FALSE(levels->empty());
        }
      }
    }
  }
}

TEST_P(CaptureReplayTest, TypedViewsReadWhatTheListingShows) {
  const auto raw = SplitStream(bytes_);
  const auto listing = ListingFor(GetParam());
  StreamState state;
  size_t li = 0;
  std::set<std::string> unchecked;
  for (const RawDss& r : raw) {
    auto objects = ReadObjects(r.dss.payload);
    ASSERT_TRUE(objects);
    for (const DdmObject& obj : *objects) {
      ASSERT_LT(li, listing.size());
      const int before = state.checked_views;
      CheckTypedView(obj, listing[li++], state);
      if (HasFatalFailure()) return;
      if (state.checked_views == before) unchecked.insert(cp::Name(obj.code_point));
    }
  }
  // Everything but the parameterless commit and rollback had something to
  // compare.
  unchecked.erase("RDBCMM");
  unchecked.erase("RDBRLLBCK");
  EXPECT_TRUE(unchecked.empty()) << "no typed view checked " << ::testing::PrintToString(unchecked);
}

INSTANTIATE_TEST_SUITE_P(Captures, CaptureReplayTest, ::testing::ValuesIn(AllCaptureStreams()),
                         [](const ::testing::TestParamInfo<CaptureStream>& info) { return info.param.Name(); });

// The scenario checks the brief asks for, spelled out on the golden capture
// (the listing-driven test above covers the same and more, generically).

std::vector<RawDss> GoldenDsses(bool client_to_server, Bytes& storage) {
  storage = ReadFileBytes(FindCapture("derby-client", "golden", 1, client_to_server).path);
  return SplitStream(storage);
}

DdmObject FirstObject(const Dss& dss) {
  auto objects = ReadObjects(dss.payload);
  EXPECT_TRUE(objects && !objects->empty());
  return objects && !objects->empty() ? (*objects)[0] : DdmObject{};
}

TEST(GoldenCaptureTest, ConnectFlowDecodesWithTheTypedViews) {
  Bytes bytes;
  const auto dsses = GoldenDsses(true, bytes);
  ASSERT_GE(dsses.size(), 4u);

  auto excsat = ParseExcsat(FirstObject(dsses[0].dss).data);
  ASSERT_TRUE(excsat);
  EXPECT_EQ(excsat->extnam, "derbydncmain");
  EXPECT_EQ(excsat->srvclsnm, "QDERBY/JVM");
  EXPECT_EQ(excsat->srvrlslv, "DNC10140/10.14.2.0 - (\?\?\?)");
  const std::vector<ManagerLevel> kLevels = {
      {cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}, {cp::UNICODEMGR, 1208}};
  EXPECT_EQ(excsat->managers, kLevels);

  // ACCSEC goes out before the client knows about UNICODEMGR: EBCDIC.
  auto accsec = ParseAccsec(FirstObject(dsses[1].dss).data, DdmCharset::kEbcdic);
  ASSERT_TRUE(accsec);
  EXPECT_EQ(accsec->secmec, static_cast<uint16_t>(SecurityMechanism::kUserPassword));
  EXPECT_EQ(accsec->rdbnam, "IM1A;create=true  ");
  EXPECT_EQ(DatabaseNameFromRdbnam(accsec->rdbnam), "IM1A");

  auto secchk = ParseSecchk(FirstObject(dsses[2].dss).data, DdmCharset::kUtf8);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->usrid, "app");
  EXPECT_EQ(secchk->password, "secret");
  EXPECT_EQ(secchk->rdbnam, "IM1A;create=true  ");

  auto accrdb = ParseAccrdb(FirstObject(dsses[3].dss).data, DdmCharset::kUtf8);
  ASSERT_TRUE(accrdb);
  EXPECT_EQ(accrdb->typdefnam, "QTDSQLASC");
  EXPECT_EQ(accrdb->prdid, "DNC10140");
  EXPECT_EQ(accrdb->rdbacccl, cp::SQLAM);
  EXPECT_EQ(accrdb->prddta.size(), 56u);
  EXPECT_EQ(accrdb->crrtkn.size(), 19u);
  EXPECT_EQ(accrdb->ccsid_dbc, 1200);
  EXPECT_FALSE(accrdb->read_only);
  EXPECT_EQ(ByteOrderOf(accrdb->typdefnam), ByteOrder::kBig);
}

// Finds the SQLDTA of a batch row and the statement texts in the c2s stream.
TEST(GoldenCaptureTest, BatchRowsAndStatementsDecode) {
  Bytes bytes;
  const auto dsses = GoldenDsses(true, bytes);
  std::vector<std::string> statements;
  std::vector<ParameterData> rows;
  for (const RawDss& r : dsses) {
    const DdmObject obj = FirstObject(r.dss);
    if (obj.code_point == cp::SQLSTT) {
      auto text = ParseStatementText(obj.data, Limits{});
      ASSERT_TRUE(text);
      statements.push_back(*text);
    }
    if (obj.code_point == cp::SQLDTA) {
      auto p = ParseSqldta(obj.data, ByteOrder::kBig, Limits{});
      ASSERT_TRUE(p) << p.error().message();
      if (p->fields.size() == 4) rows.push_back(std::move(*p));
    }
  }
  EXPECT_EQ(statements.at(0), "DROP TABLE GOLDEN");
  EXPECT_NE(std::find(statements.begin(), statements.end(),
                      "INSERT INTO GOLDEN (ID, NAME, AMOUNT, NOTE) VALUES (?, ?, ?, ?)"),
            statements.end());
  EXPECT_NE(std::find(statements.begin(), statements.end(), "SELECT * FROM NO_SUCH_TABLE"), statements.end());

  ASSERT_EQ(rows.size(), 150u);  // rows 1-3 one by one, 4-150 as the batch
  // FDODTA=[9, 'name-9-qrstu..'(240), 11.25, None]: every third NOTE is NULL
  // and then travels as a VARMIX instead of a LONGMIX.
  const ParameterData& row9 = rows[8];
  EXPECT_EQ(row9.fields[0], (FieldDesc{fdoca::Nullable(fdoca::kInteger), 4}));
  EXPECT_EQ(row9.fields[1], (FieldDesc{fdoca::Nullable(fdoca::kLongMix), 32767}));
  EXPECT_EQ(row9.fields[2], (FieldDesc{fdoca::Nullable(fdoca::kFloat8), 8}));
  EXPECT_EQ(row9.fields[3], (FieldDesc{fdoca::Nullable(fdoca::kVarMix), 32767}));
  EXPECT_EQ(std::get<int64_t>(row9.values[0]), 9);
  const std::string& name = std::get<std::string>(row9.values[1]);
  EXPECT_EQ(name.size(), 240u);
  EXPECT_TRUE(name.starts_with("name-9-qrstu"));
  EXPECT_EQ(std::get<double>(row9.values[2]), 11.25);
  EXPECT_TRUE(std::holds_alternative<Null>(row9.values[3]));
  // Row 10 has a note again.
  EXPECT_EQ(std::get<std::string>(rows[9].values[3]), "n10");
  EXPECT_EQ(std::get<double>(rows[149].values[2]), 150 * 1.25);
}

TEST(GoldenCaptureTest, RepliesCarryTheExpectedSqlcasAndDescriptions) {
  Bytes bytes;
  const auto dsses = GoldenDsses(false, bytes);
  std::vector<std::string> sqlstates;
  std::vector<std::vector<SqldaColumn>> described;
  std::vector<std::vector<FieldDesc>> query_descriptions;
  for (const RawDss& r : dsses) {
    auto objects = ReadObjects(r.dss.payload);
    ASSERT_TRUE(objects);
    for (const DdmObject& obj : *objects) {
      ByteReader in(obj.data);
      if (obj.code_point == cp::SQLCARD) {
        auto sqlca = ReadSqlcaGroup(in);
        ASSERT_TRUE(sqlca && *sqlca);
        if ((*sqlca)->is_error()) sqlstates.push_back((*sqlca)->sqlstate);
      } else if (obj.code_point == cp::SQLDARD) {
        auto d = ReadSqldard(in);
        ASSERT_TRUE(d);
        described.push_back(d->columns);
      } else if (obj.code_point == cp::QRYDSC) {
        auto fields = ParseRowDescription(obj.data, Limits{});
        ASSERT_TRUE(fields);
        query_descriptions.push_back(*fields);
      }
    }
  }
  // DROP TABLE of a missing table, then SELECT from a missing table.
  EXPECT_EQ(sqlstates, (std::vector<std::string>{"42Y55", "42X05"}));

  // The SELECT's output SQLDARD.
  auto select = std::find_if(described.begin(), described.end(),
                             [](const auto& cols) { return cols.size() == 4 && cols[0].name == "ID"; });
  ASSERT_NE(select, described.end());
  const auto& cols = *select;
  EXPECT_EQ(cols[0].sqltype, sqltype::kInteger);  // NOT NULL primary key
  EXPECT_EQ(cols[0].precision, 10);
  EXPECT_EQ(cols[1].name, "NAME");
  EXPECT_EQ(cols[1].sqltype, sqltype::kVarchar + 1);
  EXPECT_EQ(cols[1].length, 250);
  EXPECT_EQ(cols[1].ccsid, 1208);
  EXPECT_EQ(cols[2].name, "AMOUNT");
  EXPECT_EQ(cols[2].sqltype, sqltype::kFloat + 1);
  EXPECT_EQ(cols[2].length, 8);
  EXPECT_EQ(cols[3].name, "NOTE");
  EXPECT_EQ(cols[3].length, 32);
  for (const SqldaColumn& c : cols) {
    EXPECT_EQ(c.base_table, "GOLDEN");
    EXPECT_EQ(c.schema, "APP");
    EXPECT_EQ(c.column_name, c.name);
  }

  ASSERT_FALSE(query_descriptions.empty());
  const std::vector<FieldDesc> kSelect = {{fdoca::kInteger, 4},
                                          {fdoca::Nullable(fdoca::kVarChar), 250},
                                          {fdoca::Nullable(fdoca::kFloat8), 8},
                                          {fdoca::Nullable(fdoca::kVarChar), 32}};
  EXPECT_EQ(query_descriptions[0], kSelect);
}

}  // namespace
}  // namespace drdaplex::drda::test
