// The reply-chain rules the client enforces (the Derby client's), checked
// on chains built with the real codec writer: correlators, chaining, DSS
// types, and what the group reader does with error reply messages.
#include <gtest/gtest.h>

#include "client/wire.h"
#include "drda/connect.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"

namespace drdaplex::client::internal {
namespace {

namespace cp = drda::cp;

struct DssSpec {
  drda::DssType type;
  uint16_t correlator;
  cp::CodePoint code_point;
  unsigned group;  // DSSes of one group are linked with "same correlator"
};

// Writes the DSSes with DssWriter (which sets the chaining bits) and parses
// them back into the assembler; returns the groups.
std::vector<ReplyGroup> Assemble(const std::vector<DssSpec>& specs, uint16_t commands) {
  drda::Bytes bytes;
  drda::DssWriter w(bytes);
  unsigned group = ~0u;
  for (const DssSpec& s : specs) {
    if (s.group != group) {
      w.BeginGroup();
      group = s.group;
    }
    w.BeginDss(s.type, s.correlator);
    w.BeginObject(s.code_point);
    w.ParamU16(cp::SVRCOD, 0);
    w.EndObject();
    w.EndDss();
  }
  w.Finish();
  drda::DssStreamParser parser;
  parser.Append(bytes);
  ReplyChainAssembler assembler(commands, drda::Limits{});
  for (;;) {
    auto next = parser.Next();
    EXPECT_TRUE(next.has_value());
    if (!next || !*next) break;
    if (assembler.Add(**next)) break;
  }
  return assembler.Take();
}

TEST(ReplyChainTest, GroupsRepliesByCorrelator) {
  auto groups = Assemble({{drda::DssType::kReply, 1, cp::RDBUPDRM, 1},
                          {drda::DssType::kObject, 1, cp::SQLCARD, 1},
                          {drda::DssType::kReply, 2, cp::ENDUOWRM, 2},
                          {drda::DssType::kObject, 2, cp::SQLCARD, 2}},
                         2);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].correlator, 1);
  ASSERT_EQ(groups[0].objects.size(), 2u);
  EXPECT_EQ(groups[0].objects[1].code_point, cp::SQLCARD);
  EXPECT_EQ(groups[1].objects[0].code_point, cp::ENDUOWRM);
}

TEST(ReplyChainTest, RejectsAChainNotStartingAtOne) {
  EXPECT_THROW(Assemble({{drda::DssType::kReply, 2, cp::SQLCARD, 1}}, 2), ConnectionFailure);
}

TEST(ReplyChainTest, RejectsASkippedCorrelator) {
  EXPECT_THROW(Assemble({{drda::DssType::kObject, 1, cp::SQLCARD, 1}, {drda::DssType::kObject, 3, cp::SQLCARD, 3}},
                        3),
               ConnectionFailure);
}

TEST(ReplyChainTest, RejectsANewCorrelatorAfterSameCorrelatorFlag) {
  // Both DSSes in one writer group: the first says "same correlator next".
  EXPECT_THROW(Assemble({{drda::DssType::kReply, 1, cp::RDBUPDRM, 1}, {drda::DssType::kObject, 2, cp::SQLCARD, 1}},
                        2),
               ConnectionFailure);
}

TEST(ReplyChainTest, RejectsTheSameCorrelatorWithoutTheFlag) {
  EXPECT_THROW(Assemble({{drda::DssType::kReply, 1, cp::RDBUPDRM, 1}, {drda::DssType::kObject, 1, cp::SQLCARD, 2}},
                        1),
               ConnectionFailure);
}

TEST(ReplyChainTest, RejectsRepliesBeyondTheCommandsSent) {
  EXPECT_THROW(Assemble({{drda::DssType::kObject, 1, cp::SQLCARD, 1}, {drda::DssType::kObject, 2, cp::SQLCARD, 2}},
                        1),
               ConnectionFailure);
}

TEST(ReplyChainTest, RejectsRequestDssesInReplies) {
  EXPECT_THROW(Assemble({{drda::DssType::kRequest, 1, cp::SQLCARD, 1}}, 1), ConnectionFailure);
}

TEST(ReplyChainTest, AcceptsCorrelatorFFFF) {
  auto groups = Assemble({{drda::DssType::kObject, 1, cp::SQLCARD, 1}, {drda::DssType::kObject, 0xFFFF, cp::PBSD, 2}},
                         1);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].objects.size(), 2u);
}

TEST(ReplyChainTest, BoundsTheChain) {
  drda::Limits limits;
  limits.max_chain_dsses = 2;
  ReplyChainAssembler assembler(5, limits);
  drda::Dss dss;
  dss.header.type = drda::DssType::kObject;
  dss.header.chained = true;
  for (uint16_t i = 1; i <= 2; ++i) {
    dss.header.correlator = i;
    EXPECT_FALSE(assembler.Add(dss));
  }
  dss.header.correlator = 3;
  EXPECT_THROW(assembler.Add(dss), ConnectionFailure);
}

ReplyObject Rm(cp::CodePoint code_point, uint16_t svrcod, std::vector<std::pair<cp::CodePoint, drda::Bytes>> extra = {}) {
  drda::Bytes bytes;
  drda::DssWriter w(bytes);
  w.BeginDss(drda::DssType::kReply, 1);
  w.BeginObject(code_point);
  w.ParamU16(cp::SVRCOD, svrcod);
  for (auto& [p, v] : extra) w.Param(p, v);
  w.EndObject();
  w.EndDss();
  w.Finish();
  // The object's data: skip the DSS header (6) and the object's LL/CP (4).
  return {code_point, drda::DssType::kReply, drda::Bytes(bytes.begin() + 10, bytes.end())};
}

TEST(ReplyMessageTest, ChecksSeverityRanges) {
  EXPECT_NO_THROW(ParseReplyMessage(Rm(cp::ENDUOWRM, 4, {{cp::UOWDSP, {0x01}}})));
  EXPECT_THROW(ParseReplyMessage(Rm(cp::ENDUOWRM, 0, {{cp::UOWDSP, {0x01}}})), ConnectionFailure);
  EXPECT_NO_THROW(ParseReplyMessage(Rm(cp::SQLERRRM, 8)));
  EXPECT_THROW(ParseReplyMessage(Rm(cp::SQLERRRM, 4)), ConnectionFailure);
  EXPECT_THROW(ParseReplyMessage(Rm(cp::ENDQRYRM, 5)), ConnectionFailure);  // not a severity
}

TEST(ReplyMessageTest, ChecksRequiredParameters) {
  EXPECT_THROW(ParseReplyMessage(Rm(cp::ENDUOWRM, 4)), ConnectionFailure);  // no UOWDSP
  EXPECT_THROW(ParseReplyMessage(Rm(cp::OPNQRYRM, 0, {{cp::QRYPRCTYP, {0x24, 0x17}}})), ConnectionFailure);
  EXPECT_NO_THROW(ParseReplyMessage(
      Rm(cp::OPNQRYRM, 0, {{cp::QRYPRCTYP, {0x24, 0x17}}, {cp::QRYINSID, drda::Bytes(8, 0)}})));
  EXPECT_THROW(ParseReplyMessage(Rm(cp::OPNQFLRM, 8)), ConnectionFailure);  // no RDBNAM
}

TEST(ReplyMessageTest, ErrorReplyMessagesBreakTheConnectionWithTheirMeaning) {
  try {
    ThrowIfFatalReplyMessage(Rm(cp::SYNTAXRM, 8, {{cp::SYNERRCD, {0x13}}, {cp::CODPNT, {0x20, 0x0C}}}));
    FAIL();
  } catch (const ConnectionFailure& e) {
    EXPECT_EQ(e.sqlstate(), "58009");
    EXPECT_NE(e.message().find("SYNERRCD 0x13"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("OPNQRY"), std::string::npos) << e.message();
  }
  try {
    ThrowIfFatalReplyMessage(Rm(cp::CMDNSPRM, 8, {{cp::CODPNT, {0x20, 0x14}}}));
    FAIL();
  } catch (const ConnectionFailure& e) {
    EXPECT_EQ(e.sqlstate(), "58014");
  }
  EXPECT_NO_THROW(ThrowIfFatalReplyMessage(Rm(cp::ENDUOWRM, 4)));
}

TEST(GroupReaderTest, SkipsPbsdAndReportsFatalMessagesFirst) {
  ReplyGroup g{1, {{cp::PBSD, drda::DssType::kReply, {}}, Rm(cp::PRCCNVRM, 8, {{cp::PRCCNVCD, {0x11}}})}};
  GroupReader r(g, drda::ByteOrder::kBig, "EXCSQLIMM");
  try {
    r.Take(cp::SQLCARD);
    FAIL();
  } catch (const ConnectionFailure& e) {
    EXPECT_EQ(e.sqlstate(), "58009");
    EXPECT_NE(e.message().find("PRCCNVCD 0x11"), std::string::npos) << e.message();
  }
}

TEST(SqlcaTest, MessageJoinsTokens) {
  drda::Sqlca s;
  s.sqlcode = -20001;
  s.sqlstate = "42X05";
  s.message = "NO_SUCH_TABLE\x14" "42X05";
  const SqlError e = SqlErrorFromSqlca(s);
  EXPECT_EQ(e.sqlstate(), "42X05");
  EXPECT_EQ(e.sqlcode(), -20001);
  EXPECT_EQ(e.message(), "NO_SUCH_TABLE 42X05");
  EXPECT_STREQ(e.what(), "SQLSTATE 42X05: NO_SUCH_TABLE 42X05");
}

}  // namespace
}  // namespace drdaplex::client::internal
