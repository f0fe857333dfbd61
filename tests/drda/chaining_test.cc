// DssWriter's chaining bits: the Derby client checks them on every reply
// (same correlator inside one command's group, a new group gets the next
// correlator, the chain ends unchained), and Derby's own writer produces the
// patterns the captures show: requests 0x51/0x53/0x43/0x01, replies
// 0x52/0x43/0x02.
#include <gtest/gtest.h>

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/sqlca.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

struct Header {
  uint8_t format;
  uint16_t correlator;
  friend bool operator==(const Header&, const Header&) = default;
};
std::ostream& operator<<(std::ostream& os, const Header& h) {
  return os << "[" << h.correlator << " 0x" << std::hex << int{h.format} << std::dec << "]";
}

std::vector<Header> Headers(const Bytes& wire) {
  std::vector<Header> out;
  for (const RawDss& r : SplitStream(wire)) out.push_back({r.wire[3], r.dss.header.correlator});
  return out;
}

void ReplyMessage(DssWriter& w, uint16_t corr, cp::CodePoint code_point) {
  BeginReplyMessage(w, corr, code_point, code_point == cp::ENDUOWRM ? Severity::kWarning : Severity::kInfo);
  EndReplyMessage(w);
}
void Sqlcard(DssWriter& w, uint16_t corr) {
  w.BeginDss(DssType::kObject, corr);
  w.BeginObject(cp::SQLCARD);
  WriteSqlcaGroup(w.body(), nullptr);
  w.EndObject();
  w.EndDss();
}
void Command(DssWriter& w, uint16_t corr, cp::CodePoint code_point) {
  w.BeginDss(DssType::kRequest, corr);
  w.BeginObject(code_point);
  w.EndObject();
  w.EndDss();
}

TEST(ChainingTest, ReplyGroupsGetSameCorrelatorInsideAndChainedBetween) {
  // EXCSQLIMM + RDBCMM answered like Derby: RDBUPDRM + SQLCARD, ENDUOWRM + SQLCARD.
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  ReplyMessage(w, 1, cp::RDBUPDRM);
  Sqlcard(w, 1);
  w.BeginGroup();
  ReplyMessage(w, 2, cp::ENDUOWRM);
  Sqlcard(w, 2);
  w.Finish();
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x52, 1}, {0x43, 1}, {0x52, 2}, {0x03, 2}}));
  EXPECT_EQ(w.dss_count(), 0u);
}

TEST(ChainingTest, RequestChainLikeTheDerbyClientsBatch) {
  Bytes wire;
  DssWriter w(wire);
  for (uint16_t k = 1; k <= 3; ++k) {
    w.BeginGroup();
    Command(w, k, cp::EXCSQLSTT);
    w.ObjectDss(DssType::kObject, k, cp::SQLDTA, {});
  }
  w.Finish();
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x51, 1}, {0x43, 1}, {0x51, 2}, {0x43, 2}, {0x51, 3}, {0x03, 3}}));
}

TEST(ChainingTest, PrepareAndDescribeChainMatchesTheGoldenCapture) {
  // PRPSQLSTT[1 0x51] SQLATTR[1 0x53] SQLSTT[1 0x43] DSCSQLSTT[2 0x01]
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  Command(w, 1, cp::PRPSQLSTT);
  w.ObjectDss(DssType::kObject, 1, cp::SQLATTR, {});
  w.ObjectDss(DssType::kObject, 1, cp::SQLSTT, {});
  w.BeginGroup();
  Command(w, 2, cp::DSCSQLSTT);
  w.Finish();
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x51, 1}, {0x53, 1}, {0x43, 1}, {0x01, 2}}));
}

TEST(ChainingTest, ALoneDssIsUnchained) {
  for (auto [type, format] : {std::pair{DssType::kRequest, 0x01}, std::pair{DssType::kReply, 0x02},
                              std::pair{DssType::kObject, 0x03}}) {
    Bytes wire;
    DssWriter w(wire);
    w.ObjectDss(type, 1, cp::RDBCMM, {});
    w.Finish();
    EXPECT_EQ(wire[3], format);
  }
}

TEST(ChainingTest, WithoutBeginGroupEverythingIsOneGroup) {
  Bytes wire;
  DssWriter w(wire);
  ReplyMessage(w, 1, cp::OPNQRYRM);
  w.ObjectDss(DssType::kObject, 1, cp::QRYDSC, {});
  w.ObjectDss(DssType::kObject, 1, cp::QRYDTA, {});
  w.Finish();
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x52, 1}, {0x53, 1}, {0x03, 1}}));
}

TEST(ChainingTest, FinishEndsAChainAndTheNextStartsFresh) {
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  ReplyMessage(w, 1, cp::ENDUOWRM);
  Sqlcard(w, 1);
  w.Finish();
  w.BeginGroup();
  Sqlcard(w, 1);
  w.BeginGroup();
  Sqlcard(w, 2);
  w.Finish();
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x52, 1}, {0x03, 1}, {0x43, 1}, {0x03, 2}}));
}

TEST(ChainingTest, DiscardGroupDropsOnlyTheFailedCommandsReplies) {
  // Command 1 succeeded; command 2 (OPNQRY) failed after its OPNQRYRM and
  // QRYDSC were written: they are replaced by SQLERRRM + SQLCARD.
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  ReplyMessage(w, 1, cp::ENDUOWRM);
  Sqlcard(w, 1);
  w.BeginGroup();
  ReplyMessage(w, 2, cp::OPNQRYRM);
  w.ObjectDss(DssType::kObject, 2, cp::QRYDSC, {});
  EXPECT_EQ(w.dss_count(), 4u);
  w.DiscardGroup();
  EXPECT_EQ(w.dss_count(), 2u);
  w.BeginGroup();
  ReplyMessage(w, 2, cp::SQLERRRM);
  Sqlcard(w, 2);
  w.Finish();

  Bytes expected;
  DssWriter e(expected);
  e.BeginGroup();
  ReplyMessage(e, 1, cp::ENDUOWRM);
  Sqlcard(e, 1);
  e.BeginGroup();
  ReplyMessage(e, 2, cp::SQLERRRM);
  Sqlcard(e, 2);
  e.Finish();
  EXPECT_EQ(Hex(wire), Hex(expected));
  EXPECT_EQ(Headers(wire), (std::vector<Header>{{0x52, 1}, {0x43, 1}, {0x52, 2}, {0x03, 2}}));
}

TEST(ChainingTest, DiscardGroupKeepsWhatWasThereBeforeTheWriter) {
  Bytes wire = {0xAA, 0xBB};  // e.g. a previous chain already queued
  DssWriter w(wire);
  w.BeginGroup();
  Sqlcard(w, 1);
  w.DiscardGroup();
  EXPECT_EQ(wire, (Bytes{0xAA, 0xBB}));
  w.DiscardGroup();  // nothing left to drop
  EXPECT_EQ(wire, (Bytes{0xAA, 0xBB}));
  w.Finish();
  EXPECT_EQ(wire, (Bytes{0xAA, 0xBB}));
}

TEST(ChainingTest, ContinuedDssCarriesTheBitsInItsFirstHeaderOnly) {
  Bytes wire;
  DssWriter w(wire);
  w.BeginGroup();
  w.ObjectDss(DssType::kObject, 1, cp::EXTDTA, Bytes(70000, 0x42));
  Sqlcard(w, 1);
  w.Finish();
  EXPECT_EQ(wire[3], 0x53);
  // Continuation headers carry a length only.
  EXPECT_EQ(LoadU16(&wire[kMaxDssSegment]), 0xFFFF);
  const auto dsses = SplitStream(wire);
  ASSERT_EQ(dsses.size(), 2u);
  EXPECT_TRUE(dsses[0].dss.header.chained);
  EXPECT_TRUE(dsses[0].dss.header.same_correlator);
  EXPECT_FALSE(dsses[1].dss.header.chained);
}

TEST(ChainingTest, ParsedHeadersRoundTripThroughFormatByte) {
  for (int format = 0; format < 256; ++format) {
    const uint8_t bytes[] = {0x00, 0x06, 0xD0, static_cast<uint8_t>(format), 0x12, 0x34};
    Dss dss;
    auto n = ParseDss(bytes, Limits{}, dss);
    const int type = format & 0x0F;
    const bool chained = format & 0x40;
    const bool valid = (format & 0x80) == 0 && type >= 1 && type <= 5 && (chained || (format & 0x30) == 0);
    EXPECT_EQ(static_cast<bool>(n), valid) << "format 0x" << std::hex << format;
    if (n) {
      EXPECT_EQ(dss.header.FormatByte(), format);
      EXPECT_EQ(dss.header.correlator, 0x1234);
    } else {
      EXPECT_EQ(n.error(), errc::bad_format);
    }
  }
}

}  // namespace
}  // namespace drdaplex::drda::test
