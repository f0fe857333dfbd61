// Malformed and hostile input: every case must come back as its specific
// errc (the server maps them to SYNTAXRM reason codes), never crash, and never
// make the codec allocate more than the bytes in hand justify. A replaced
// global operator new records the largest single allocation while a test
// watches.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"
#include "tests/drda/capture_util.h"

namespace {
std::atomic<bool> g_watching{false};
std::atomic<size_t> g_largest_allocation{0};
}  // namespace

// g++ sees free() on memory from operator new once these are inlined and
// warns; here they are a matched pair.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  if (g_watching.load(std::memory_order_relaxed)) {
    size_t seen = g_largest_allocation.load(std::memory_order_relaxed);
    while (n > seen && !g_largest_allocation.compare_exchange_weak(seen, n)) {
    }
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace drdaplex::drda::test {
namespace {

// Records the largest allocation made while it lives.
class AllocationWatch {
 public:
  AllocationWatch() {
    g_largest_allocation = 0;
    g_watching = true;
  }
  ~AllocationWatch() { g_watching = false; }
  size_t largest() const { return g_largest_allocation; }
};
constexpr size_t kSmall = 64 * 1024;

boost::system::error_code ParseError(const Bytes& input, const Limits& limits = {}) {
  Dss dss;
  auto n = ParseDss(input, limits, dss);
  return n ? boost::system::error_code{} : n.error();
}

boost::system::error_code StreamError(const Bytes& input, const Limits& limits = {}) {
  DssStreamParser parser(limits);
  parser.Append(input);
  for (;;) {
    auto next = parser.Next();
    if (!next) return next.error();
    if (!*next) return {};
  }
}

TEST(MalformedDssTest, BadGdsIdIsReportedAsSoonAsItsByteArrives) {
  EXPECT_EQ(ParseError({0x00, 0x0A, 0xC0, 0x01, 0x00, 0x01, 0, 4, 0x20, 0x0E}), errc::bad_gds_id);
  EXPECT_EQ(ParseError({0x00, 0x0A, 0xC0}), errc::bad_gds_id);
  EXPECT_EQ(ParseError({0x00, 0x0A}), errc::need_more);
  EXPECT_EQ(StreamError({0x00, 0x0A, 0x00}), errc::bad_gds_id);
}

TEST(MalformedDssTest, LengthBelowSixIsTooShort) {
  for (uint8_t ll : {0, 1, 5}) {
    EXPECT_EQ(ParseError({0x00, ll, 0xD0, 0x01, 0x00, 0x01}), errc::dss_too_short) << int{ll};
    EXPECT_EQ(ParseError({0x00, ll}), errc::dss_too_short) << "from the length bytes alone";
    EXPECT_EQ(ParseError({0x80, ll, 0xD0, 0x01, 0x00, 0x01}), errc::dss_too_short) << "continued";
  }
}

TEST(MalformedDssTest, ContinuationHeaderOfTwoOrLessIsTooShort) {
  for (uint8_t cl : {0, 1, 2}) {
    // LL 0x8008 (continued, 2 payload bytes), then a continuation header.
    EXPECT_EQ(ParseError({0x80, 0x08, 0xD0, 0x03, 0x00, 0x01, 0xAA, 0xBB, 0x00, cl}), errc::dss_too_short);
    EXPECT_EQ(ParseError({0x80, 0x08, 0xD0, 0x03, 0x00, 0x01, 0xAA, 0xBB, 0x80, cl}), errc::dss_too_short);
  }
  // 3 is the smallest: one payload byte.
  EXPECT_FALSE(ParseError({0x80, 0x08, 0xD0, 0x03, 0x00, 0x01, 0xAA, 0xBB, 0x00, 0x03, 0xCC}));
}

TEST(MalformedDssTest, ChainingBitsThatContradictEachOther) {
  EXPECT_EQ(ParseError({0x00, 0x06, 0xD0, 0x11, 0x00, 0x01}), errc::bad_format);  // same correlator, not chained
  EXPECT_EQ(ParseError({0x00, 0x06, 0xD0, 0x21, 0x00, 0x01}), errc::bad_format);  // continue on error, not chained
  EXPECT_EQ(ParseError({0x00, 0x06, 0xD0, 0x81, 0x00, 0x01}), errc::bad_format);  // reserved bit
  EXPECT_EQ(ParseError({0x00, 0x06, 0xD0, 0x40, 0x00, 0x01}), errc::bad_format);  // type 0
  EXPECT_EQ(ParseError({0x00, 0x06, 0xD0, 0x46, 0x00, 0x01}), errc::bad_format);  // type 6
  EXPECT_FALSE(ParseError({0x00, 0x06, 0xD0, 0x71, 0x00, 0x01}));                 // all three, chained
}

TEST(MalformedDssTest, DssAboveTheLimitIsRejectedFromItsHeader) {
  Limits limits;
  limits.max_dss_bytes = 1000;
  // Only the 6-byte header of a 2,000-byte DSS: rejected before its payload.
  const Bytes header = {0x07, 0xD0, 0xD0, 0x03, 0x00, 0x01};
  {
    AllocationWatch watch;
    EXPECT_EQ(ParseError(header, limits), errc::too_large);
    EXPECT_EQ(StreamError(header, limits), errc::too_large);
    EXPECT_LT(watch.largest(), kSmall);
  }
  // A continued DSS: the first segment and the next continuation header are
  // enough to know it will exceed 40,000 bytes.
  limits.max_dss_bytes = 40000;
  Bytes continued = {0xFF, 0xFF, 0xD0, 0x03, 0x00, 0x01};
  continued.resize(kMaxDssSegment, 0x00);
  continued.push_back(0xFF);
  continued.push_back(0xFF);
  AllocationWatch watch;
  EXPECT_EQ(ParseError(continued, limits), errc::too_large);
  EXPECT_EQ(StreamError(continued, limits), errc::too_large);
  // (the stream parser holds the 32 KB it was given, nothing more)
  EXPECT_LT(watch.largest(), 2 * kMaxDssSegment);
}

TEST(MalformedDssTest, DefaultLimitsStillAcceptLargeDsses) {
  Bytes wire;
  DssWriter w(wire);
  w.ObjectDss(DssType::kObject, 1, cp::EXTDTA, Bytes(1 << 20, 0x00));
  w.Finish();
  EXPECT_FALSE(ParseError(wire));
  Limits tight;
  tight.max_dss_bytes = (1 << 20) - 1;
  EXPECT_EQ(ParseError(wire, tight), errc::too_large);
}

TEST(MalformedDssTest, PartialDssLeavesTheParserReadyForTheRest) {
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  w.ObjectDss(DssType::kRequest, 1, cp::EXCSQLIMM, Bytes(10, 0x01));
  w.ObjectDss(DssType::kObject, 1, cp::SQLSTT, Bytes(40000, 0x02));  // continued
  w.Finish();
  const size_t first = SplitStream(wire)[0].wire.size();
  // Cut inside the first header, inside the second header, inside the
  // second DSS's payload, and inside its continuation header.
  for (size_t cut : {size_t{3}, first + 4, first + 100, first + kMaxDssSegment + 1}) {
    SCOPED_TRACE(cut);
    DssStreamParser parser;
    parser.Append(ByteSpan(wire).first(cut));
    std::vector<Dss> got;
    for (;;) {
      auto next = parser.Next();
      ASSERT_TRUE(next) << next.error().message();
      if (!*next) break;
      got.push_back(std::move(**next));
    }
    EXPECT_EQ(got.size(), cut > first ? 1u : 0u);
    EXPECT_EQ(parser.buffered(), cut > first ? cut - first : cut);
    EXPECT_FALSE(parser.at_boundary());
    parser.Append(ByteSpan(wire).subspan(cut));
    for (;;) {
      auto next = parser.Next();
      ASSERT_TRUE(next);
      if (!*next) break;
      got.push_back(std::move(**next));
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].payload.size(), 40000u + 8);
    EXPECT_TRUE(parser.at_boundary());
  }
}

TEST(MalformedDssTest, AfterAFramingErrorTheStreamStaysFailed) {
  DssStreamParser parser;
  parser.Append(Bytes{0x00, 0x06, 0xC0, 0x01, 0x00, 0x01});
  EXPECT_EQ(parser.Next().error(), errc::bad_gds_id);
  // Framing is lost: good bytes after it do not resynchronise silently.
  parser.Append(Bytes{0x00, 0x06, 0xD0, 0x01, 0x00, 0x02});
  EXPECT_EQ(parser.Next().error(), errc::bad_gds_id);
}

TEST(MalformedObjectTest, LengthBelowFourOrTooFewBytes) {
  EXPECT_EQ(ReadObjects(Bytes{0x00, 0x03, 0x24, 0x14}).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(Bytes{0x00, 0x00, 0x24, 0x14}).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(Bytes{0x00, 0x04, 0x24, 0x14, 0x00, 0x04, 0x24}).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(Bytes{0x00}).error(), errc::bad_object_length);
  EXPECT_TRUE(ReadObjects(Bytes{0x00, 0x04, 0x24, 0x14}));  // empty data is fine
}

TEST(MalformedObjectTest, ObjectOverrunningItsContainer) {
  EXPECT_EQ(ReadObjects(Bytes{0x00, 0x10, 0x24, 0x14, 0x00, 0x00}).error(), errc::bad_object_length);
  // A parameter overrunning its command (the command itself fits the DSS).
  const Bytes command = {0x00, 0x0A, 0x10, 0x6D, 0x00, 0x08, 0x11, 0xA2, 0x00, 0x03};
  auto objects = ReadObjects(command);
  ASSERT_TRUE(objects);
  EXPECT_EQ(ParseAccsec((*objects)[0].data, DdmCharset::kEbcdic).error(), errc::bad_object_length);
}

TEST(MalformedObjectTest, ExtendedLengthsThatAreNotFourSixOrEightBytes) {
  for (uint16_t ll : {0x8000, 0x8001, 0x8002, 0x8003, 0x8005, 0x8006, 0x8007, 0x8009, 0x800B, 0x800D, 0xFFFF}) {
    Bytes data = {static_cast<uint8_t>(ll >> 8), static_cast<uint8_t>(ll), 0x24, 0x1B};
    data.resize(64, 0);
    EXPECT_EQ(ReadObjects(data).error(), errc::bad_extended_length) << std::hex << ll;
  }
  // Length bytes missing, or a length past the container (no overflow with
  // eight length bytes).
  EXPECT_EQ(ReadObjects(FromHex("80082414" "0000")).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(FromHex("80082414" "00000005" "61")).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(FromHex("800c2414" "ffffffffffffffff" "61")).error(), errc::bad_object_length);
  EXPECT_EQ(ReadObjects(FromHex("800c2414" "8000000000000000" "61")).error(), errc::bad_object_length);
}

TEST(MalformedObjectTest, StreamingLengthOnlyForQueryDataAndLobs) {
  EXPECT_EQ(ReadObjects(FromHex("80042414" "6162")).error(), errc::bad_extended_length);  // SQLSTT
  EXPECT_EQ(ReadObjects(FromHex("80042412" "6162")).error(), errc::bad_extended_length);  // SQLDTA
  EXPECT_TRUE(ReadObjects(FromHex("8004241b" "6162")));                                     // QRYDTA
}

TEST(MalformedObjectTest, DeepNestingIsJustBytes) {
  // ReadObjects reads one level; nesting is the caller's choice, and a deep
  // chain of collections costs nothing up front.
  Bytes data;
  for (int i = 0; i < 1000; ++i) {
    Bytes outer = {0x00, 0x00, 0x00, 0x35};
    outer.insert(outer.end(), data.begin(), data.end());
    if (outer.size() > 0x7FFF) break;
    StoreU16(outer.data(), static_cast<uint16_t>(outer.size()));
    data = std::move(outer);
  }
  auto objects = ReadObjects(data);
  ASSERT_TRUE(objects);
  EXPECT_EQ(objects->size(), 1u);
}

TEST(MalformedCommandTest, ConnectCommandsWithMissingOrBadParameters) {
  auto command = [](std::string_view params_hex) { return FromHex(params_hex); };
  EXPECT_EQ(ParseAccsec(command("0008211041414141"), DdmCharset::kEbcdic).error(), errc::missing_parameter);
  EXPECT_EQ(ParseAccsec(command("000711a2000003"), DdmCharset::kEbcdic).error(), errc::bad_parameter);
  EXPECT_EQ(ParseSecchk(command("0008211041414141"), DdmCharset::kUtf8).error(), errc::missing_parameter);
  EXPECT_EQ(ParseAccrdb(command("0006210f2407"), DdmCharset::kUtf8).error(), errc::missing_parameter);
  EXPECT_EQ(ParseAccrdb(command("00062110414100072110f0f0f0" "0005210f24"), DdmCharset::kUtf8).error(),
            errc::bad_parameter);
  EXPECT_EQ(ParseSecchkrm(command("000611490000")).error(), errc::missing_parameter);
  EXPECT_EQ(ParseAccsecrd(command("000511a4ff")).error(), errc::missing_parameter);
  EXPECT_EQ(ParseExcsat(command("000a1404140300071440")).error(), errc::bad_parameter);  // MGRLVLLS of 6 bytes
}

TEST(MalformedCommandTest, PackageNamesThatDoNotAddUp) {
  EXPECT_EQ(ParsePkgnamcsn(Bytes(63, 0x40)).error(), errc::bad_parameter);
  EXPECT_EQ(ParsePkgnamcsn(Bytes(65, 0x40)).error(), errc::bad_parameter);
  EXPECT_EQ(ParsePkgnamcsn(FromHex("ffff4141")).error(), errc::bad_parameter);  // name longer than the data
  EXPECT_EQ(ParsePkgnamcsn({}).error(), errc::bad_parameter);
}

TEST(MalformedCommandTest, HugeStatementLengthsAllocateNothing) {
  AllocationWatch watch;
  EXPECT_EQ(ParseStatementText(FromHex("00ffffffff61"), Limits{}).error(), errc::too_large);
  EXPECT_EQ(ParseStatementText(FromHex("00" "000f4240" "616263"), Limits{}).error(), errc::bad_parameter);
  EXPECT_EQ(ParseStatementText(FromHex("01"), Limits{}).error(), errc::bad_parameter);  // bad null indicator
  EXPECT_EQ(ParseStatementText(FromHex("00" "0000"), Limits{}).error(), errc::bad_parameter);
  EXPECT_LT(watch.largest(), kSmall);
  Limits tight;
  tight.max_sql_bytes = 2;
  EXPECT_EQ(ParseStatementText(FromHex("00" "00000003" "616263" "ff"), tight).error(), errc::too_large);
}

TEST(MalformedFdocaTest, SqldardClaimingThirtyThousandColumnsInTwentyBytes) {
  // Null SQLCA, null SQLDHROW, SQLNUMROW 30,000, then 16 bytes.
  Bytes data = {0xFF, 0xFF, 0x75, 0x30};
  data.resize(20, 0);
  AllocationWatch watch;
  ByteReader in(data);
  EXPECT_EQ(ReadSqldard(in).error(), errc::bad_fdoca);
  EXPECT_LT(watch.largest(), kSmall);
}

TEST(MalformedFdocaTest, SqldardCutShortOrWithBadIndicators) {
  Bytes out;
  ByteWriter w(out);
  SqldaColumn c;
  c.name = "ID";
  WriteSqldard(w, nullptr, {c, c});
  for (size_t cut = 0; cut < out.size(); ++cut) {
    ByteReader in(ByteSpan(out).first(cut));
    EXPECT_FALSE(ReadSqldard(in)) << "cut at " << cut;
  }
  Bytes bad_dhrow = {0xFF, 0x01};
  ByteReader in(bad_dhrow);
  EXPECT_EQ(ReadSqldard(in).error(), errc::bad_fdoca);
  Bytes negative_count = {0xFF, 0xFF, 0xFF, 0xFF};
  ByteReader in2(negative_count);
  EXPECT_EQ(ReadSqldard(in2).error(), errc::bad_fdoca);
}

TEST(MalformedFdocaTest, SqlcaWithBadIndicatorsOrCutShort) {
  for (const char* hex : {"01", "00", "00000000", "00" "00000000" "3030303030" "4353533130313430" "01",
                          "00" "00000000" "3030303030" "4353533130313430" "ff" "00"}) {
    const Bytes data = FromHex(hex);
    ByteReader in(data);
    EXPECT_EQ(ReadSqlcaGroup(in).error(), errc::bad_fdoca) << hex;
  }
  // SQLCAXGRP absent (0xFF) is fine; SQLDIAGGRP present is not supported.
  const Bytes short_form = FromHex("00" "00000000" "3030303030" "4353533130313430" "ff" "ff");
  ByteReader ok(short_form);
  EXPECT_TRUE(ReadSqlcaGroup(ok));
  const Bytes with_diag = FromHex("00" "00000000" "3030303030" "4353533130313430" "ff" "00");
  ByteReader diag(with_diag);
  EXPECT_FALSE(ReadSqlcaGroup(diag));
}

TEST(MalformedFdocaTest, RowDescriptionsThatAreNotTriplets) {
  for (const char* hex : {"", "02", "0276", "0576d00200",  // empty, short, a cut field
                          "0976d00200043300fa00",             // field cut
                          "067f00020004",                     // CPT before any GDA
                          "0675d0020004",                     // unknown triplet type
                          "0976d002000433",                   // length past the data
                          "0671e4d00001"}) {                  // only the RLO tail: no GDA
    EXPECT_EQ(ParseRowDescription(FromHex(hex), Limits{}).error(), errc::bad_fdoca) << hex;
  }
  // More columns than Limits::max_columns.
  Bytes many;
  ByteWriter w(many);
  WriteQueryDescription(w, std::vector<FieldDesc>(2000, FieldDesc{fdoca::kInteger, 4}));
  AllocationWatch watch;
  EXPECT_EQ(ParseRowDescription(many, Limits{}).error(), errc::too_large);
  EXPECT_LT(watch.largest(), kSmall);
}

Bytes SqldtaData(std::string_view fdodsc_hex, std::string_view fdodta_hex) {
  Bytes out;
  DssWriter w(out);
  w.BeginDss(DssType::kObject, 1);
  w.Param(cp::FDODSC, FromHex(fdodsc_hex));
  if (!fdodta_hex.empty()) w.Param(cp::FDODTA, FromHex(fdodta_hex));
  w.EndDss();
  return Bytes(out.begin() + kDssHeaderSize, out.end());
}

TEST(MalformedFdocaTest, ParameterDataThatDoesNotMatchItsDescription) {
  const std::string int_desc = "0676d0030004" "0671e4d00001";
  EXPECT_EQ(ParseSqldta(SqldtaData(int_desc, ""), ByteOrder::kBig, Limits{}).error(), errc::missing_parameter);
  EXPECT_EQ(ParseSqldta(SqldtaData(int_desc, "00000000"), ByteOrder::kBig, Limits{}).error(), errc::bad_fdoca);
  EXPECT_EQ(ParseSqldta(SqldtaData(int_desc, "000000000001ff"), ByteOrder::kBig, Limits{}).error(),
            errc::bad_fdoca);  // trailing byte
  EXPECT_TRUE(ParseSqldta(SqldtaData(int_desc, "000000000001"), ByteOrder::kBig, Limits{}));
  EXPECT_TRUE(ParseSqldta(SqldtaData(int_desc, "0000000001"), ByteOrder::kBig, Limits{}));  // no group indicator
  // LOB parameters announce their length in 1-8 bytes (length attribute
  // 0x8001-0x8008); anything else, or missing length bytes, is malformed.
  EXPECT_EQ(ParseSqldta(SqldtaData("0676d0c98004" "0671e4d00001", "0000"), ByteOrder::kBig, Limits{}).error(),
            errc::bad_fdoca);
  for (const char* length : {"0004", "8000", "8009", "ffff"}) {
    EXPECT_EQ(ParseSqldta(SqldtaData("0676d0c9" + std::string(length) + "0671e4d00001", "000000000005"),
                          ByteOrder::kBig, Limits{})
                  .error(),
              errc::bad_fdoca)
        << length;
  }
  // Packed decimal with a digit nibble > 9; VARGRAPHIC with a lone surrogate;
  // a VARCHAR longer than the data.
  EXPECT_FALSE(ParseSqldta(SqldtaData("0676d00f0502" "0671e4d00001", "00001a3c"), ByteOrder::kBig, Limits{}));
  EXPECT_FALSE(ParseSqldta(SqldtaData("0676d0390010" "0671e4d00001", "00000001d83d"), ByteOrder::kBig, Limits{}));
  AllocationWatch watch;
  EXPECT_FALSE(ParseSqldta(SqldtaData("0676d0330010" "0671e4d00001", "0000ffff61"), ByteOrder::kBig, Limits{}));
  EXPECT_LT(watch.largest(), kSmall);
}

TEST(ErrcTest, EveryCodeHasItsOwnMessageInTheDrdaCategory) {
  std::set<std::string> messages;
  for (int e = static_cast<int>(errc::need_more); e <= static_cast<int>(errc::protocol_violation); ++e) {
    const boost::system::error_code ec = static_cast<errc>(e);
    EXPECT_STREQ(ec.category().name(), "drda");
    EXPECT_NE(ec.message(), "unknown drda error");
    messages.insert(ec.message());
  }
  EXPECT_EQ(messages.size(), static_cast<size_t>(errc::protocol_violation));
  const boost::system::error_code ec = errc::too_large;
  EXPECT_EQ(ec, errc::too_large);
  EXPECT_NE(ec, errc::too_deep);
}

}  // namespace
}  // namespace drdaplex::drda::test
