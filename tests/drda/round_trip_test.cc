// decode(encode(x)) == x for every typed object of the codec: the connect
// flow in both directions, package sections, statement text, SQLDTA with
// every FD:OCA type in both byte orders, SQLCA, SQLDA, packed decimals,
// UTF-16 and EBCDIC strings. Writers and readers live side by side in the
// codec, and the router and the requester library each use one half, so a
// mismatch here is a wire incompatibility between our own two ends.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss_writer.h"
#include "drda/ebcdic.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

// Writes one DSS with `write`, frames it back and returns its only object.
template <typename F>
DdmObject WriteAndReadBack(Bytes& storage, Dss& dss, F write) {
  storage.clear();
  DssWriter w(storage);
  write(w);
  w.Finish();
  auto n = ParseDss(storage, Limits{}, dss);
  EXPECT_TRUE(n);
  EXPECT_EQ(n ? *n : 0, storage.size()) << "one DSS expected";
  auto objects = ReadObjects(dss.payload);
  EXPECT_TRUE(objects && objects->size() == 1);
  return objects && !objects->empty() ? (*objects)[0] : DdmObject{};
}

template <typename F>
DdmObject ObjectRoundTrip(Bytes& storage, Dss& dss, DssType type, cp::CodePoint code_point, F write_data) {
  return WriteAndReadBack(storage, dss, [&](DssWriter& w) {
    w.BeginDss(type, 1);
    w.BeginObject(code_point);
    write_data(w);
    w.EndObject();
    w.EndDss();
  });
}

TEST(ConnectRoundTripTest, ExcsatAndExcsatrd) {
  ExcsatCommand c;
  c.extnam = "derbydncmain";
  c.srvnam = "Derby";
  c.srvrlslv = "DNC10140/10.14.2.0 - (\?\?\?)";
  c.srvclsnm = "QDERBY/JVM";
  c.managers = {{cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}, {cp::UNICODEMGR, 1208}};
  Bytes storage;
  Dss dss;
  DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteExcsat(w, 1, c); });
  EXPECT_EQ(obj.code_point, cp::EXCSAT);
  EXPECT_EQ(dss.header.type, DssType::kRequest);
  auto back = ParseExcsat(obj.data);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->extnam, c.extnam);
  EXPECT_EQ(back->srvnam, c.srvnam);
  EXPECT_EQ(back->srvrlslv, c.srvrlslv);
  EXPECT_EQ(back->srvclsnm, c.srvclsnm);
  EXPECT_EQ(back->managers, c.managers);

  obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteExcsatrd(w, 1, c); });
  EXPECT_EQ(obj.code_point, cp::EXCSATRD);
  EXPECT_EQ(dss.header.type, DssType::kReply);
  auto reply = ParseExcsatrd(obj.data);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->srvrlslv, c.srvrlslv);
  EXPECT_EQ(reply->managers, c.managers);

  // Every field is optional; an empty EXCSAT (a ping) round-trips too.
  obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteExcsat(w, 1, ExcsatCommand{}); });
  auto empty = ParseExcsat(obj.data);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->managers.empty());
  EXPECT_EQ(empty->extnam, "");
}

TEST(ConnectRoundTripTest, AccsecInBothCharsetsWithToken) {
  for (DdmCharset cs : {DdmCharset::kEbcdic, DdmCharset::kUtf8}) {
    AccsecCommand c{.secmec = 9, .rdbnam = "IM1A;create=true  ", .sectkn = Bytes(32, 0xA5)};
    Bytes storage;
    Dss dss;
    DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteAccsec(w, 2, c, cs); });
    EXPECT_EQ(dss.header.correlator, 2);
    auto back = ParseAccsec(obj.data, cs);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->secmec, c.secmec);
    EXPECT_EQ(back->rdbnam, c.rdbnam);
    EXPECT_EQ(back->sectkn, c.sectkn);
  }
}

TEST(ConnectRoundTripTest, AccsecrdWithAndWithoutSecurityCheckCode) {
  for (std::optional<uint8_t> code : {std::optional<uint8_t>{}, std::optional<uint8_t>{0x01}}) {
    Bytes storage;
    Dss dss;
    DdmObject obj =
        WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteAccsecrd(w, 1, {.secmec = 3, .secchkcd = code}); });
    auto back = ParseAccsecrd(obj.data);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->secmec, 3);
    EXPECT_EQ(back->secchkcd, code);
  }
}

TEST(ConnectRoundTripTest, SecchkWithPasswordEmptyPasswordAndNone) {
  for (DdmCharset cs : {DdmCharset::kEbcdic, DdmCharset::kUtf8}) {
    for (std::optional<std::string> password :
         {std::optional<std::string>{"secret"}, std::optional<std::string>{""}, std::optional<std::string>{}}) {
      SecchkCommand c{.secmec = 3, .rdbnam = "IM1A", .usrid = "app", .password = password};
      Bytes storage;
      Dss dss;
      DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteSecchk(w, 1, c, cs); });
      auto back = ParseSecchk(obj.data, cs);
      ASSERT_TRUE(back);
      EXPECT_EQ(back->secmec, c.secmec);
      EXPECT_EQ(back->rdbnam, c.rdbnam);
      EXPECT_EQ(back->usrid, c.usrid);
      EXPECT_EQ(back->password, c.password);  // pydrda's empty PASSWORD stays present
    }
  }
}

TEST(ConnectRoundTripTest, SecchkrmCarriesSeverityAndCode) {
  Bytes storage;
  Dss dss;
  DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) {
    WriteSecchkrm(w, 1, {.svrcod = 8, .secchkcd = static_cast<uint8_t>(SecurityCheckCode::kUserIdInvalid)});
  });
  auto back = ParseSecchkrm(obj.data);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->svrcod, 8);
  EXPECT_EQ(back->secchkcd, 0x13);
}

TEST(ConnectRoundTripTest, AccrdbKeepsEveryField) {
  for (bool read_only : {false, true}) {
    AccrdbCommand c;
    c.rdbnam = "IM1A;retrieveMessageText=false";
    c.prdid = "DNC10140";
    c.typdefnam = "QTDSQLX86";
    c.prddta = Bytes{0x37, 0xC4, 0xD5, 0xC3};
    c.crrtkn = Bytes(19, 0x4B);
    c.ccsid_sbc = 37;
    c.ccsid_dbc = 1200;
    c.ccsid_mbc = 1208;
    c.read_only = read_only;
    Bytes storage;
    Dss dss;
    DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteAccrdb(w, 2, c, DdmCharset::kUtf8); });
    auto back = ParseAccrdb(obj.data, DdmCharset::kUtf8);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->rdbnam, c.rdbnam);
    EXPECT_EQ(back->rdbacccl, cp::SQLAM);
    EXPECT_EQ(back->prdid, c.prdid);
    EXPECT_EQ(back->typdefnam, c.typdefnam);
    EXPECT_EQ(back->prddta, c.prddta);
    EXPECT_EQ(back->crrtkn, c.crrtkn);
    EXPECT_EQ(back->ccsid_sbc, 37);
    EXPECT_EQ(back->ccsid_dbc, 1200);
    EXPECT_EQ(back->ccsid_mbc, 1208);
    EXPECT_EQ(back->read_only, read_only) << "RDBALWUPD lost";
    EXPECT_EQ(ByteOrderOf(back->typdefnam), ByteOrder::kLittle);
  }
}

TEST(ConnectRoundTripTest, AccrdbrmKeepsEveryField) {
  AccrdbReply r{.svrcod = 4, .prdid = "CSS10140", .typdefnam = "QTDSQLX86", .ccsid_sbc = 1208, .ccsid_mbc = 1200};
  for (DdmCharset cs : {DdmCharset::kEbcdic, DdmCharset::kUtf8}) {
    Bytes storage;
    Dss dss;
    DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteAccrdbrm(w, 2, r, cs); });
    auto back = ParseAccrdbrm(obj.data, cs);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->svrcod, 4);
    EXPECT_EQ(back->prdid, r.prdid);
    EXPECT_EQ(back->typdefnam, r.typdefnam);
    EXPECT_EQ(back->ccsid_sbc, r.ccsid_sbc);
    EXPECT_EQ(back->ccsid_mbc, r.ccsid_mbc);
  }
}

TEST(DdmStringTest, EbcdicAndUtf8RoundTrip) {
  for (const char* text : {"", "app", "IM1A;create=true  ", "Zürich ÄÖÜ ß é", "[!]|^~{}\\"}) {
    for (DdmCharset cs : {DdmCharset::kEbcdic, DdmCharset::kUtf8}) {
      EXPECT_EQ(DecodeDdmString(EncodeDdmString(text, cs), cs), text) << text;
    }
  }
  // CCSID 500 as the Derby client uses it: '[' is 0x4A, '!' is 0x4F.
  EXPECT_EQ(Hex(EncodeDdmString("[!", DdmCharset::kEbcdic)), "4a4f");
  EXPECT_EQ(Hex(EncodeDdmString("app", DdmCharset::kEbcdic)), "819797");
}

TEST(DdmStringTest, CharactersEbcdicCannotHoldBecomeOneQuestionMarkEach) {
  // "Characters EBCDIC cannot hold become '?'" - the others stay as they are.
  EXPECT_EQ(DecodeDdmString(EncodeDdmString("é€x", DdmCharset::kEbcdic), DdmCharset::kEbcdic), "é?x");
  EXPECT_EQ(DecodeDdmString(EncodeDdmString("日本", DdmCharset::kEbcdic), DdmCharset::kEbcdic), "??");
}

TEST(DdmStringTest, Utf8NamesWithoutAsciiAreNotMistakenForEbcdic) {
  // After UNICODEMGR 1208 a user id arrives in UTF-8; a name with no ASCII
  // letter at all still is UTF-8, not EBCDIC that happens to be >= 0x80.
  for (const char* text : {"ユーザー", "Ωμέγα", "ÄÖÜ"}) {
    EXPECT_EQ(DecodeDdmString(AsBytes(text), DdmCharset::kUtf8), text);
    SecchkCommand c{.secmec = 3, .rdbnam = "DB", .usrid = text, .password = text};
    Bytes storage;
    Dss dss;
    DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) { WriteSecchk(w, 1, c, DdmCharset::kUtf8); });
    auto back = ParseSecchk(obj.data, DdmCharset::kUtf8);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->usrid, text);
  }
  // Requesters that never leave EBCDIC (pydrda >= 0.6) still read right.
  EXPECT_EQ(DecodeDdmString(EncodeDdmString("APP", DdmCharset::kEbcdic), DdmCharset::kUtf8), "APP");
  EXPECT_EQ(DecodeDdmString(EncodeDdmString("SYSIBM2024", DdmCharset::kEbcdic), DdmCharset::kUtf8), "SYSIBM2024");
  EXPECT_EQ(DecodeDdmString(EncodeDdmString("secret", DdmCharset::kEbcdic), DdmCharset::kUtf8), "secret");
}

TEST(PackageSectionRoundTripTest, FixedFormIsSixtyFourBytes) {
  PackageSection p{.rdbnam = "IM1A;create=true",
                   .collection = "NULLID",
                   .package = "SYSLH000",
                   .token = Bytes{'S', 'Y', 'S', 'L', 'V', 'L', '0', '1'},
                   .section = 2};
  Bytes storage;
  Dss dss;
  DdmObject obj =
      ObjectRoundTrip(storage, dss, DssType::kRequest, cp::EXCSQLSTT, [&](DssWriter& w) { WritePkgnamcsn(w, p); });
  auto params = DdmParams::Parse(obj.data);
  ASSERT_TRUE(params);
  const ByteSpan raw = params->Bytes(cp::PKGNAMCSN);
  EXPECT_EQ(raw.size(), 64u);
  auto back = ParsePkgnamcsn(raw);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rdbnam, p.rdbnam);
  EXPECT_EQ(back->collection, p.collection);
  EXPECT_EQ(back->package, p.package);
  EXPECT_EQ(back->token, p.token);
  EXPECT_EQ(back->section, 2);
  EXPECT_EQ(back->Key(), p.Key());

  // Byte for byte what the Derby client sends (golden, EXCSQLIMM sn=1).
  const Bytes golden = ReadFileBytes(FindCapture("derby-client", "golden", 1, true).path);
  p.section = 1;
  Bytes ours;
  DssWriter w(ours);
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(cp::EXCSQLIMM);
  WritePkgnamcsn(w, p);
  w.ParamU8(cp::RDBCMTOK, kTrue);
  w.EndObject();
  w.EndDss();
  w.Finish();
  const auto dsses = SplitStream(golden);
  // DSS 4 is the first EXCSQLIMM (after EXCSAT, ACCSEC, SECCHK, ACCRDB);
  // only the chaining bits differ (ours is a chain of one).
  Bytes expected(dsses[4].wire.begin(), dsses[4].wire.end());
  expected[3] = 0x01;
  EXPECT_EQ(Hex(ours), Hex(expected));
}

TEST(PackageSectionRoundTripTest, LongRdbnamUsesTheExtendedForm) {
  PackageSection p{.rdbnam = "IM1A;retrieveMessageText=false",
                   .collection = "NULLID",
                   .package = "SYSLH000",
                   .token = Bytes{'S', 'Y', 'S', 'L', 'V', 'L', '0', '1'},
                   .section = 7};
  Bytes storage;
  Dss dss;
  DdmObject obj =
      ObjectRoundTrip(storage, dss, DssType::kRequest, cp::PRPSQLSTT, [&](DssWriter& w) { WritePkgnamcsn(w, p); });
  auto params = DdmParams::Parse(obj.data);
  ASSERT_TRUE(params);
  const ByteSpan raw = params->Bytes(cp::PKGNAMCSN);
  // 2+30, 2+18, 2+18 names, 8 token, 2 section: as in long-rdbnam.
  EXPECT_EQ(raw.size(), 82u);
  EXPECT_EQ(Hex(raw.first(2)), "001e");
  auto back = ParsePkgnamcsn(raw);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rdbnam, p.rdbnam);
  EXPECT_EQ(back->collection, p.collection);
  EXPECT_EQ(back->package, p.package);
  EXPECT_EQ(back->section, 7);
}

TEST(StatementTextRoundTripTest, ShortEmptyUnicodeAndLongerThanADss) {
  std::string big;
  while (big.size() < 40000) big += "SELECT 'ünïcödé' FROM SYSIBM.SYSDUMMY1 UNION ALL ";
  for (const std::string& text : {std::string("DROP TABLE GOLDEN"), std::string(), std::string("VALUES '日本語'"),
                                  big, std::string(100 * 1024, 'x')}) {
    Bytes storage;
    Dss dss;
    DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) {
      w.BeginDss(DssType::kObject, 1);
      WriteStatementText(w, cp::SQLSTT, text);
      w.EndDss();
    });
    EXPECT_EQ(obj.code_point, cp::SQLSTT);
    auto back = ParseStatementText(obj.data, Limits{});
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, text);
    EXPECT_EQ(storage.size() > kMaxDssSegment, text.size() > 32 * 1024);
  }
}

TEST(StatementTextRoundTripTest, SingleByteHalfIsReadWhenTheMixedHalfIsNull) {
  // NOCM null (0xFF), NOCS 0x00 + length + text: some requesters use it.
  Bytes data = {0xFF, 0x00, 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c'};
  auto text = ParseStatementText(data, Limits{});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "abc");
}

// One value of every FD:OCA type the codec encodes, and a null of each.
struct TypedValue {
  FieldDesc field;
  Value value;
};
std::vector<TypedValue> EveryType() {
  using namespace fdoca;
  return {
      {{Nullable(kInteger), 4}, int64_t{-123456789}},
      {{kInteger, 4}, int64_t{std::numeric_limits<int32_t>::min()}},
      {{Nullable(kSmallint), 2}, int64_t{-32768}},
      {{Nullable(kBigint), 8}, int64_t{std::numeric_limits<int64_t>::max()}},
      {{Nullable(kFloat8), 8}, -1.0e300},
      {{Nullable(kFloat4), 4}, 0.5},
      {{Nullable(kBoolean), 1}, int64_t{1}},
      {{Nullable(kDecimal), 0x0A02}, std::string("-12345678.90")},
      {{Nullable(kDecimal), 0x0500}, std::string("0")},
      {{Nullable(kDate), 10}, std::string("2024-01-02")},
      {{Nullable(kTime), 8}, std::string("03:04:05")},
      {{Nullable(kTimestamp), 29}, std::string("2024-01-02-03.04.05.123456000")},
      {{Nullable(kFixedBytes), 3}, Bytes{0x01, 0x00, 0xFF}},
      {{Nullable(kVarBytes), 100}, Bytes{0xDE, 0xAD, 0xBE, 0xEF}},
      {{Nullable(kLongVarBytes), 32767}, Bytes(1000, 0x5A)},
      {{Nullable(kChar), 5}, std::string("ab   ")},
      {{Nullable(kVarChar), 250}, std::string("name-9-qrstu")},
      {{Nullable(kLongVarChar), 32700}, std::string(300, 'L')},
      {{Nullable(kMixChar), 6}, std::string("日本")},
      {{Nullable(kVarMix), 32767}, std::string("héllo wörld")},
      {{Nullable(kLongMix), 32767}, std::string(240, 'n')},
      {{Nullable(kGraphic), 3}, std::string("日本語")},
      {{Nullable(kVarGraphic), 20}, std::string("Grüße 😀")},
  };
}

TEST(SqldtaRoundTripTest, EveryTypeAndNullInBothByteOrders) {
  const auto types = EveryType();
  std::vector<FieldDesc> fields;
  std::vector<Value> values, nulls;
  for (const TypedValue& t : types) {
    fields.push_back(t.field);
    values.push_back(t.value);
    nulls.push_back(t.field.nullable() ? Value{Null{}} : t.value);
  }
  for (ByteOrder order : {ByteOrder::kBig, ByteOrder::kLittle}) {
    for (const auto* row : {&values, &nulls}) {
      Bytes storage;
      Dss dss;
      DdmObject obj = WriteAndReadBack(storage, dss, [&](DssWriter& w) {
        w.BeginDss(DssType::kObject, 1);
        WriteSqldta(w, fields, *row, order);
        w.EndDss();
      });
      EXPECT_EQ(obj.code_point, cp::SQLDTA);
      auto back = ParseSqldta(obj.data, order, Limits{});
      ASSERT_TRUE(back) << back.error().message();
      EXPECT_EQ(back->fields, fields);
      ASSERT_EQ(back->values.size(), row->size());
      for (size_t i = 0; i < row->size(); ++i) {
        EXPECT_EQ(back->values[i], (*row)[i]) << "field " << i << " type 0x" << std::hex << int{fields[i].type};
      }
    }
  }
}

TEST(SqldtaRoundTripTest, ByteOrderOnlyAffectsNumbers) {
  const std::vector<FieldDesc> fields = {{fdoca::Nullable(fdoca::kInteger), 4},
                                         {fdoca::Nullable(fdoca::kVarChar), 10}};
  const std::vector<Value> values = {int64_t{1}, std::string("ab")};
  Bytes big, little;
  for (auto [order, out] : {std::pair{ByteOrder::kBig, &big}, std::pair{ByteOrder::kLittle, &little}}) {
    DssWriter w(*out);
    w.BeginDss(DssType::kObject, 1);
    WriteSqldta(w, fields, values, order);
    w.EndDss();
    w.Finish();
  }
  // ... 00 | 00 00000001 | 00 0002 'ab' versus 00 | 00 01000000 | 00 0002 'ab':
  // variable-length prefixes stay big-endian under QTDSQLX86.
  EXPECT_TRUE(Hex(big).ends_with("0000000000010000026162"));
  EXPECT_TRUE(Hex(little).ends_with("0000010000000000026162"));
}

TEST(SqldtaRoundTripTest, MissingGroupIndicatorIsTolerated) {
  // pydrda >= 0.6 omits the FDODTA group indicator when FDODSC+FDODTA has an
  // even length: 0F 0502 (DECIMAL(5,2)) with data 00 12345C.
  Bytes storage;
  DssWriter w(storage);
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLDTA);
  w.BeginObject(cp::FDODSC);
  WriteParameterDescription(w.body(), {{fdoca::Nullable(fdoca::kDecimal), 0x0502}});
  w.EndObject();
  w.Param(cp::FDODTA, Bytes{0x00, 0x12, 0x34, 0x5C});
  w.EndObject();
  w.EndDss();
  w.Finish();
  Dss dss;
  ASSERT_TRUE(ParseDss(storage, Limits{}, dss));
  auto objects = ReadObjects(dss.payload);
  ASSERT_TRUE(objects);
  auto back = ParseSqldta((*objects)[0].data, ByteOrder::kLittle, Limits{});
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->values, std::vector<Value>{std::string("123.45")});
}

// Values that must be cut to their field: UTF-8 cut between characters,
// UTF-16 cut between surrogates, bytes cut; and a null where none belongs.
std::vector<TypedValue> ValuesToCut() {
  return {
      {{fdoca::Nullable(fdoca::kVarChar), 4}, std::string("aéé")},     // 5 bytes -> "aé"
      {{fdoca::Nullable(fdoca::kVarMix), 3}, std::string("日本")},      // -> ""
      {{fdoca::Nullable(fdoca::kVarGraphic), 2}, std::string("a😀")},  // 3 units
      {{fdoca::Nullable(fdoca::kVarBytes), 2}, Bytes{1, 2, 3}},
      {{fdoca::Nullable(fdoca::kChar), 2}, std::string("aé")},         // 3 bytes
      {{fdoca::kInteger, 4}, Value{Null{}}},                           // written as 0xFF regardless
  };
}

TEST(SqldtaLobTest, LobParametersAnnounceTheirLengthAndWaitForExtdta) {
  // BLOB 0xC9 and CLOB 0xCF with 4-byte lengths (0x8004): a 5-byte BLOB,
  // a null BLOB, an empty CLOB and a 70,000-byte CLOB. Only the non-empty
  // ones are external (their bytes follow in EXTDTA, in this order).
  Bytes storage;
  DssWriter w(storage);
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLDTA);
  w.BeginObject(cp::FDODSC);
  WriteParameterDescription(w.body(), {{0xC9, 0x8004}, {0xC9, 0x8004}, {0xCF, 0x8004}, {0xCF, 0x8004}});
  w.EndObject();
  w.Param(cp::FDODTA, FromHex("00" "0000000005" "ff" "0000000000" "0000011170"));
  w.EndObject();
  w.EndDss();
  w.Finish();
  Dss dss;
  ASSERT_TRUE(ParseDss(storage, Limits{}, dss));
  auto objects = ReadObjects(dss.payload);
  ASSERT_TRUE(objects);
  auto p = ParseSqldta((*objects)[0].data, ByteOrder::kBig, Limits{});
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_EQ(p->values.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<Null>(p->values[0]));  // until its EXTDTA arrives
  EXPECT_TRUE(std::holds_alternative<Null>(p->values[1]));
  EXPECT_EQ(p->values[2], Value{std::string()});
  EXPECT_TRUE(std::holds_alternative<Null>(p->values[3]));
  ASSERT_EQ(p->externals.size(), 2u);
  EXPECT_EQ(p->externals[0].index, 0u);
  EXPECT_EQ(p->externals[0].length, 5u);
  EXPECT_EQ(p->externals[1].index, 3u);
  EXPECT_EQ(p->externals[1].length, 70000u);
  EXPECT_TRUE(IsLobType(0xC8) && IsLobType(0xCF) && !IsLobType(fdoca::kLongMix));
}

TEST(FdocaRoundTripTest, EncodedSizeIsWhatEncodeValueWrites) {
  auto types = EveryType();
  const auto cuts = ValuesToCut();
  types.insert(types.end(), cuts.begin(), cuts.end());
  for (ByteOrder order : {ByteOrder::kBig, ByteOrder::kLittle}) {
    for (const TypedValue& t : types) {
      const Value null_value{Null{}};
      for (const Value* value : {&t.value, &null_value}) {
        const Value& v = *value;
        Bytes out;
        ByteWriter w(out, order);
        EncodeValue(w, t.field, v);
        EXPECT_EQ(out.size(), EncodedSize(t.field, v)) << "type 0x" << std::hex << int{t.field.type} << " length "
                                                       << std::dec << t.field.length;
        // What was written decodes (text cut at a character boundary).
        if (std::holds_alternative<Null>(v) && !t.field.nullable()) continue;
        ByteReader in(out, order);
        auto back = DecodeValue(in, t.field);
        EXPECT_TRUE(back) << "type 0x" << std::hex << int{t.field.type};
        EXPECT_TRUE(in.empty());
      }
    }
  }
}

TEST(FdocaRoundTripTest, ValuesAreCutToTheirFieldAtCharacterBoundaries) {
  auto encode_decode = [](FieldDesc f, Value v) -> Value {
    Bytes out;
    ByteWriter w(out);
    EncodeValue(w, f, v);
    ByteReader in(out);
    auto back = DecodeValue(in, f);
    EXPECT_TRUE(back);
    return back ? *back : Value{};
  };
  EXPECT_EQ(encode_decode({fdoca::kVarChar, 4}, std::string("aéé")), Value{std::string("aé")});
  EXPECT_EQ(encode_decode({fdoca::kChar, 4}, std::string("aéé")), Value{std::string("aé ")});
  EXPECT_EQ(encode_decode({fdoca::kVarGraphic, 2}, std::string("a😀")), Value{std::string("a")});
  EXPECT_EQ(encode_decode({fdoca::kGraphic, 3}, std::string("ab")), Value{std::string("ab ")});
  EXPECT_EQ(encode_decode({fdoca::kVarBytes, 2}, Bytes{1, 2, 3}), (Value{Bytes{1, 2}}));
}

TEST(PackedDecimalTest, KnownEncodings) {
  struct Case {
    const char* text;
    int precision, scale;
    const char* hex;
    const char* canonical;
  } kCases[] = {
      {"123.45", 5, 2, "12345c", "123.45"},
      {"-123.45", 5, 2, "12345d", "-123.45"},
      {"0", 1, 0, "0c", "0"},
      {"0.00", 5, 2, "00000c", "0.00"},
      {"-0.5", 4, 2, "00050d", "-0.50"},   // even precision: a leading pad nibble
      {".5", 2, 1, "005c", "0.5"},
      {"+7", 4, 0, "00007c", "7"},
      {"000123", 3, 0, "123c", "123"},
      {"1.239", 4, 2, "00123c", "1.23"},   // extra fraction digits are cut, not rounded
      {"9999999999999999999999999999999", 31, 0, "9999999999999999999999999999999c",
       "9999999999999999999999999999999"},
      {"0.1234567890123456789012345678901", 31, 31, "1234567890123456789012345678901c",
       "0.1234567890123456789012345678901"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.text);
    auto packed = EncodePackedDecimal(c.text, c.precision, c.scale);
    ASSERT_TRUE(packed);
    EXPECT_EQ(Hex(*packed), c.hex);
    auto text = DecodePackedDecimal(*packed, c.precision, c.scale);
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, c.canonical);
  }
  // The sign nibbles other writers use: B is negative, A/E/F positive.
  EXPECT_EQ(DecodePackedDecimal(FromHex("123b"), 3, 1).value(), "-12.3");
  EXPECT_EQ(DecodePackedDecimal(FromHex("123f"), 3, 0).value(), "123");
}

TEST(PackedDecimalTest, RejectsWhatDoesNotFit) {
  EXPECT_FALSE(EncodePackedDecimal("1000", 3, 0));       // too many integer digits
  EXPECT_FALSE(EncodePackedDecimal("12.3", 3, 2));
  EXPECT_FALSE(EncodePackedDecimal("1e5", 9, 0));
  EXPECT_FALSE(EncodePackedDecimal("1.2.3", 9, 2));
  EXPECT_FALSE(EncodePackedDecimal("1", 0, 0));
  EXPECT_FALSE(EncodePackedDecimal("1", 32, 0));
  EXPECT_FALSE(EncodePackedDecimal("1", 5, 6));
  EXPECT_FALSE(DecodePackedDecimal(FromHex("1a3c"), 3, 0));  // digit nibble > 9
  EXPECT_FALSE(DecodePackedDecimal(FromHex("123c"), 5, 0));  // wrong size
  EXPECT_FALSE(DecodePackedDecimal(FromHex("123c"), 3, 4));
}

TEST(Utf16Test, RoundTripsBmpAndSupplementaryCharacters) {
  for (const char* text : {"", "abc", "Grüße", "日本語", "😀 emoji 𝄞", "\x7f\xc2\x80\xef\xbf\xbf"}) {
    const Bytes utf16 = Utf8ToUtf16Be(text);
    auto back = Utf16BeToUtf8(utf16);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, text);
  }
  EXPECT_EQ(Hex(Utf8ToUtf16Be("a😀")), "0061d83dde00");
}

TEST(Utf16Test, RejectsBrokenSurrogatesAndOddLengths) {
  EXPECT_FALSE(Utf16BeToUtf8(FromHex("d83d")));         // high surrogate at the end
  EXPECT_FALSE(Utf16BeToUtf8(FromHex("d83d0061")));     // high surrogate without low
  EXPECT_FALSE(Utf16BeToUtf8(FromHex("de000061")));     // lone low surrogate
  EXPECT_FALSE(Utf16BeToUtf8(FromHex("006100")));       // odd length
}

TEST(SqlcaRoundTripTest, NullAndFullSqlcaInBothByteOrders) {
  Sqlca full;
  full.sqlcode = -20001;
  full.sqlstate = "42X05";
  full.sqlerrd = {1, -2, 3, 4, 5, 6};
  full.sqlwarn = "W          ";
  full.rdbname = "IM1A";
  full.message = "NO_SUCH_TABLE\x14" "42X05";
  for (ByteOrder order : {ByteOrder::kBig, ByteOrder::kLittle}) {
    for (const Sqlca* s : {static_cast<const Sqlca*>(nullptr), static_cast<const Sqlca*>(&full)}) {
      Bytes out;
      ByteWriter w(out, order);
      WriteSqlcaGroup(w, s);
      ByteReader in(out, order);
      auto back = ReadSqlcaGroup(in);
      ASSERT_TRUE(back);
      EXPECT_TRUE(in.empty());
      if (s == nullptr) {
        EXPECT_FALSE(*back);
        EXPECT_EQ(out, Bytes{0xFF});
      } else {
        ASSERT_TRUE(*back);
        EXPECT_EQ(**back, full);
      }
    }
  }
}

TEST(SqlcaRoundTripTest, UpdateCountUsesErrd3AndErrd4) {
  for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{0xFFFFFFFF}, int64_t{1} << 40, int64_t{0x123456789ABC}}) {
    Sqlca s;
    s.set_update_count(n);
    EXPECT_EQ(s.update_count(), n);
    Bytes out;
    ByteWriter w(out);
    WriteSqlcaGroup(w, &s);
    ByteReader in(out);
    auto back = ReadSqlcaGroup(in);
    ASSERT_TRUE(back && *back);
    EXPECT_EQ((*back)->update_count(), n);
  }
}

TEST(SqldardRoundTripTest, ColumnsWithEveryFieldAndNoColumns) {
  SqldaColumn c;
  c.precision = 10;
  c.scale = 2;
  c.length = 0x0A02;
  c.sqltype = sqltype::kDecimal + 1;
  c.ccsid = 0;
  c.name = "AMOUNT";
  c.label = "Amount (EUR)";
  c.base_table = "GOLDEN";
  c.schema = "APP";
  c.column_name = "AMOUNT";
  c.updatable = 1;
  c.parameter_mode = 1;
  SqldaColumn text = c;
  text.name = text.column_name = "NÄME";
  text.sqltype = sqltype::kVarchar + 1;
  text.ccsid = 1208;
  text.length = 32672;
  Sqlca warn;
  warn.sqlcode = 10000;
  warn.sqlstate = "01000";
  for (ByteOrder order : {ByteOrder::kBig, ByteOrder::kLittle}) {
    for (const auto& columns : {std::vector<SqldaColumn>{}, std::vector<SqldaColumn>{c, text}}) {
      for (const Sqlca* sqlca : {static_cast<const Sqlca*>(nullptr), static_cast<const Sqlca*>(&warn)}) {
        Bytes out;
        ByteWriter w(out, order);
        WriteSqldard(w, sqlca, columns, 2);
        ByteReader in(out, order);
        auto back = ReadSqldard(in);
        ASSERT_TRUE(back) << back.error().message();
        EXPECT_TRUE(in.empty());
        EXPECT_EQ(back->columns, columns);
        EXPECT_EQ(back->holdability, 2);
        ASSERT_TRUE(back->sqlca);  // a describe always carries an SQLCA
        if (sqlca) {
          EXPECT_EQ(*back->sqlca, *sqlca);
        }
      }
    }
  }
}

TEST(RowDescriptionRoundTripTest, ManyColumnsSpillIntoContinuationTriplets) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{84}, size_t{85}, size_t{200}, size_t{1012}}) {
    std::vector<FieldDesc> fields;
    for (size_t i = 0; i < n; ++i) {
      fields.push_back({static_cast<uint8_t>(i % 2 ? fdoca::Nullable(fdoca::kVarChar) : fdoca::kBigint),
                        static_cast<uint16_t>(i)});
    }
    Bytes query, params;
    ByteWriter qw(query), pw(params);
    WriteQueryDescription(qw, fields);
    WriteParameterDescription(pw, fields);
    for (const Bytes* d : {&query, &params}) {
      auto back = ParseRowDescription(*d, Limits{});
      ASSERT_TRUE(back) << n;
      EXPECT_EQ(*back, fields);
    }
    // The triplets' own length byte never overflows: 84 fields per triplet.
    EXPECT_EQ(query[0], 3 + 3 * std::min<size_t>(n, 84));
  }
}

}  // namespace
}  // namespace drdaplex::drda::test
