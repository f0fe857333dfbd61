// DSSes longer than 32,767 bytes travel as continuation segments and objects
// longer than 32,767 bytes carry an extended length. No capture has either
// (Derby's own replies stay below one segment), but the Derby client sends
// both for large SQL text and parameters, so the writer must produce exactly
// the layout the brief describes (first LL 0xFFFF + 32,761 payload bytes,
// continuation headers 0xFFFF + 32,765 bytes, the last one without the high
// bit) and the parser must undo it however the bytes are cut.
#include <gtest/gtest.h>

#include "drda/codepoints.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/sql_commands.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

// Offsets of the continuation headers of the DSS at the start of `wire`,
// checked against the layout rules.
std::vector<size_t> CheckSegments(ByteSpan wire, size_t payload_size) {
  std::vector<size_t> headers;
  EXPECT_EQ(LoadU16(wire.data()), 0xFFFF) << "first segment of a continued DSS";
  size_t pos = kMaxDssSegment;
  size_t carried = kMaxDssSegment - kDssHeaderSize;
  for (;;) {
    headers.push_back(pos);
    const uint16_t cl = LoadU16(wire.data() + pos);
    const bool more = cl & 0x8000;
    const size_t len = cl & 0x7FFF;
    carried += len - kContinuationHeaderSize;
    if (!more) {
      EXPECT_EQ(pos + len, wire.size());
      break;
    }
    EXPECT_EQ(cl, 0xFFFF) << "every segment but the last is full";
    pos += kMaxDssSegment;
  }
  EXPECT_EQ(carried, payload_size);
  return headers;
}

TEST(ContinuationTest, HundredKilobyteStatementIsWrittenAsContinuedSegments) {
  const std::string sql = "SELECT '" + std::string(100 * 1024, 'x') + "' FROM SYSIBM.SYSDUMMY1";
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 7);
  WriteStatementText(w, cp::SQLSTT, sql);
  w.EndDss();
  w.Finish();

  // The logical payload: one SQLSTT with extended length 0x8008.
  const size_t data_len = 1 + 4 + sql.size() + 1;
  Bytes payload = {0x80, 0x08, 0x24, 0x14};
  ByteWriter pw(payload);
  pw.PutU32(static_cast<uint32_t>(data_len));
  pw.PutU8(0x00);
  pw.PutU32(static_cast<uint32_t>(sql.size()));
  pw.PutChars(sql);
  pw.PutU8(0xFF);

  EXPECT_EQ(Hex(ByteSpan(wire).first(15)), "ffffd0030007" "80082414" + Hex(ByteSpan(payload).subspan(4, 4)) + "00");
  const auto headers = CheckSegments(wire, payload.size());
  // 102,4xx payload bytes: 32,761 + 32,765 + 32,765 + the rest.
  EXPECT_EQ(headers.size(), 3u);
  EXPECT_EQ(wire.size(), kDssHeaderSize + payload.size() + headers.size() * kContinuationHeaderSize);

  Dss dss;
  auto n = ParseDss(wire, Limits{}, dss);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, wire.size());
  EXPECT_TRUE(dss.payload == payload);
  EXPECT_EQ(dss.header.correlator, 7);
  EXPECT_EQ(dss.header.type, DssType::kObject);
  EXPECT_FALSE(dss.header.chained);
  auto objects = ReadObjects(dss.payload);
  ASSERT_TRUE(objects);
  ASSERT_EQ(objects->size(), 1u);
  auto text = ParseStatementText((*objects)[0].data, Limits{});
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, sql);

  // A small DSS after it, then the stream cut at every offset: the same two
  // DSSes every time, and the parser ends at a boundary.
  Bytes stream = wire;
  DssWriter tail(stream);
  tail.BeginDss(DssType::kRequest, 8);
  tail.BeginObject(cp::RDBCMM);
  tail.EndObject();
  tail.EndDss();
  tail.Finish();
  const Framing whole = FrameInPieces(stream, {});
  ASSERT_FALSE(whole.error);
  ASSERT_EQ(whole.dsses.size(), 2u);
  EXPECT_TRUE(whole.dsses[0].payload == payload);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    const size_t cuts[] = {cut};
    const Framing split = FrameInPieces(stream, cuts);
    ASSERT_FALSE(split.error) << "cut at " << cut;
    ASSERT_TRUE(split.at_boundary) << "cut at " << cut;
    ASSERT_TRUE(split.dsses == whole.dsses) << "cut at " << cut;
  }
  const Framing bytewise = FrameByteByByte(stream);
  EXPECT_TRUE(bytewise.dsses == whole.dsses);
}

TEST(ContinuationTest, SegmentBoundariesMayCutObjectHeaders) {
  // Thousands of 5-byte parameters: the continuation headers land inside
  // LL/CP headers and data alike; they are removed before DDM parsing.
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(cp::EXCSQLSTT);
  for (int i = 0; i < 14000; ++i) w.ParamU8(static_cast<cp::CodePoint>(0x2100 + i % 64), static_cast<uint8_t>(i));
  w.EndObject();
  w.EndDss();
  w.Finish();
  ASSERT_GT(wire.size(), 2 * kMaxDssSegment);
  Dss dss;
  ASSERT_TRUE(ParseDss(wire, Limits{}, dss));
  auto objects = ReadObjects(dss.payload);
  ASSERT_TRUE(objects);
  ASSERT_EQ(objects->size(), 1u);
  EXPECT_EQ(objects->front().code_point, cp::EXCSQLSTT);
  auto params = ReadObjects(objects->front().data);
  ASSERT_TRUE(params) << params.error().message();
  ASSERT_EQ(params->size(), 14000u);
  for (int i = 0; i < 14000; ++i) {
    ASSERT_EQ((*params)[i].code_point, 0x2100 + i % 64);
    ASSERT_EQ((*params)[i].data.size(), 1u);
    ASSERT_EQ((*params)[i].data[0], static_cast<uint8_t>(i));
  }
}

TEST(ContinuationTest, FullLastSegmentHasNoContinuationBit) {
  // Exactly 32,761 + 32,765 payload bytes: the second (last) segment is full
  // and its header reads 0x7FFF, not 0xFFFF.
  const size_t payload_size = (kMaxDssSegment - kDssHeaderSize) + (kMaxDssSegment - kContinuationHeaderSize);
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::QRYDTA);
  w.body().PutFill(0xAB, payload_size - 8);  // minus LL, CP and the 4 extension bytes
  w.EndObject();
  w.EndDss();
  w.Finish();
  ASSERT_EQ(wire.size(), kDssHeaderSize + payload_size + kContinuationHeaderSize);
  EXPECT_EQ(LoadU16(&wire[kMaxDssSegment]), 0x7FFF);
  Dss dss;
  auto n = ParseDss(wire, Limits{}, dss);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, wire.size());
  EXPECT_EQ(dss.payload.size(), payload_size);
}

TEST(ContinuationTest, DssOfExactlyOneSegmentIsNotContinued) {
  for (size_t total : {kMaxDssSegment, kMaxDssSegment + 1}) {
    Bytes wire;
    DssWriter w(wire);
    w.BeginDss(DssType::kObject, 1);
    w.body().PutFill(0, total - kDssHeaderSize);  // raw payload, no objects
    w.EndDss();
    w.Finish();
    Dss dss;
    ASSERT_TRUE(ParseDss(wire, Limits{}, dss));
    EXPECT_EQ(dss.payload.size(), total - kDssHeaderSize);
    if (total == kMaxDssSegment) {
      EXPECT_EQ(LoadU16(wire.data()), 0x7FFF);
      EXPECT_EQ(wire.size(), total);
    } else {
      // One payload byte spills into a 3-byte last segment.
      EXPECT_EQ(LoadU16(wire.data()), 0xFFFF);
      EXPECT_EQ(LoadU16(&wire[kMaxDssSegment]), 0x0003);
      EXPECT_EQ(wire.size(), total + kContinuationHeaderSize);
    }
  }
}

TEST(ExtendedLengthTest, WriterSwitchesToExtendedLengthAbove32767) {
  for (size_t data_len : {kMaxShortObjectLength - 4, kMaxShortObjectLength - 3, size_t{100000}}) {
    Bytes wire;
    DssWriter w(wire);
    w.BeginDss(DssType::kObject, 1);
    w.Param(cp::EXTDTA, Bytes(data_len, 0x11));
    w.EndDss();
    w.Finish();
    Dss dss;
    ASSERT_TRUE(ParseDss(wire, Limits{}, dss));
    const uint16_t ll = LoadU16(dss.payload.data());
    if (data_len + 4 <= kMaxShortObjectLength) {
      EXPECT_EQ(ll, data_len + 4);
    } else {
      EXPECT_EQ(ll, 0x8008);
      EXPECT_EQ(LoadU32(&dss.payload[4]), data_len);
    }
    auto objects = ReadObjects(dss.payload);
    ASSERT_TRUE(objects);
    ASSERT_EQ(objects->size(), 1u);
    EXPECT_EQ((*objects)[0].data.size(), data_len);
  }
}

TEST(ExtendedLengthTest, ReaderAcceptsFourSixAndEightLengthBytes) {
  // 0x8008 + 4 bytes, 0x800A + 6, 0x800C + 8, each followed by a short object.
  for (const char* hex : {"80082414" "00000003" "616263" "0005241b" "ff",
                          "800a2414" "000000000003" "616263" "0005241b" "ff",
                          "800c2414" "0000000000000003" "616263" "0005241b" "ff"}) {
    const Bytes data = FromHex(hex);
    auto objects = ReadObjects(data);
    ASSERT_TRUE(objects) << hex;
    ASSERT_EQ(objects->size(), 2u);
    EXPECT_EQ(std::string(AsChars((*objects)[0].data)), "abc");
    EXPECT_EQ((*objects)[1].code_point, cp::QRYDTA);
  }
}

TEST(ExtendedLengthTest, StreamingLengthRunsToTheEndOfTheContainer) {
  // 0x8004: layer-B streaming, only for QRYDTA and EXTDTA.
  for (cp::CodePoint c : {cp::QRYDTA, cp::EXTDTA}) {
    Bytes data = {0x80, 0x04, static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c), 1, 2, 3, 4, 5};
    auto objects = ReadObjects(data);
    ASSERT_TRUE(objects);
    ASSERT_EQ(objects->size(), 1u);
    EXPECT_EQ((*objects)[0].data.size(), 5u);
  }
}

TEST(ExtendedLengthTest, NestedCollectionsWithLargeParametersParse) {
  // An SQLDTA over 32 KB: SQLDTA and FDODTA both get extended lengths and the
  // DSS is continued.
  const std::vector<FieldDesc> fields(3, FieldDesc{fdoca::Nullable(fdoca::kLongMix), 32767});
  const std::vector<Value> values = {std::string(20000, 'a'), std::string(30000, 'b'), Value{Null{}}};
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 1);
  WriteSqldta(w, fields, values);
  w.EndDss();
  w.Finish();
  Dss dss;
  ASSERT_TRUE(ParseDss(wire, Limits{}, dss));
  EXPECT_EQ(LoadU16(dss.payload.data()), 0x8008);
  auto objects = ReadObjects(dss.payload);
  ASSERT_TRUE(objects);
  auto p = ParseSqldta((*objects)[0].data, ByteOrder::kBig, Limits{});
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->values, values);
}

}  // namespace
}  // namespace drdaplex::drda::test
