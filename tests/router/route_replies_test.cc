// WriteAccessFailure: what a client gets when the router cannot give it a
// database. Every failure kind is parsed back: the router's SECCHKRM in
// front, the reply message with SVRCOD 8 and the client's RDBNAM, for
// RDBAFLRM the TYPDEFNAM/TYPDEFOVR the Derby client reads, and an SQLCARD
// with SQLSTATE 08004 and the message, all in one well-chained chain.
#include "router/server/route_replies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "drda/connect.h"
#include "drda/sqlca.h"
#include "router/server/client_connect_flow.h"
#include "tests/router/router_test_util.h"

namespace drdaplex::router::testing {
namespace {

using drda::DssType;

struct Case {
  AccessFailure failure;
  cp::CodePoint reply_message;
};

const Case kCases[] = {
    {AccessFailure::kUnknownDatabase, cp::RDBNFNRM},
    {AccessFailure::kNotAuthorized, cp::RDBATHRM},
    {AccessFailure::kAccessFailed, cp::RDBAFLRM},
};

// Derby's SQLERRMC ends with the SQLSTATE after a 0x14 separator.
const std::string kSqlstateToken = std::string(1, '\x14') + "08004";

drda::Sqlca ReadSqlcard(const drda::Dss& dss) {
  const drda::DdmObject card = FirstObject(dss);
  EXPECT_EQ(card.code_point, cp::SQLCARD);
  drda::ByteReader in(card.data);
  auto sqlca = drda::ReadSqlcaGroup(in);
  EXPECT_TRUE(sqlca) << "SQLCARD does not parse";
  EXPECT_TRUE(in.empty()) << in.remaining() << " bytes after the SQLCA";
  if (!sqlca || !*sqlca) {
    ADD_FAILURE() << "null SQLCA: no error to report";
    return {};
  }
  return **sqlca;
}

class RouteRepliesTest : public ::testing::Test {
 protected:
  RouteRepliesTest() : request_(RequestFromCapture("golden")) {}

  // Checks the failure chain that starts at DSS `first` of `dsses`.
  void ExpectFailure(const std::vector<drda::Dss>& dsses, size_t first, const Case& c,
                     const ConnectRequest& request, const std::string& message) {
    const size_t expected = first + (c.reply_message == cp::RDBAFLRM ? 3 : 2);
    ASSERT_EQ(dsses.size(), expected) << Describe(dsses);
    for (size_t i = first; i < dsses.size(); ++i) {
      EXPECT_EQ(dsses[i].header.correlator, request.accrdb_correlator) << Describe(dsses);
    }
    const drda::Dss& rm = dsses[first];
    EXPECT_EQ(rm.header.type, DssType::kReply);
    ASSERT_EQ(CodePointOf(rm), c.reply_message) << cp::Name(CodePointOf(rm));
    EXPECT_EQ(U16Param(rm, cp::SVRCOD), 8);
    EXPECT_EQ(drda::DecodeDdmString(ParamsOf(rm).Bytes(cp::RDBNAM), request.charset),
              request.rdbnam.empty() ? std::string(18, ' ') : request.rdbnam);

    size_t next = first + 1;
    if (c.reply_message == cp::RDBAFLRM) {
      const drda::Dss& typdef = dsses[next++];
      EXPECT_EQ(typdef.header.type, DssType::kObject);
      auto objects = drda::ReadObjects(typdef.payload);
      ASSERT_TRUE(objects);
      ASSERT_EQ(objects->size(), 2u);
      EXPECT_EQ((*objects)[0].code_point, cp::TYPDEFNAM);
      EXPECT_EQ(drda::DecodeDdmString((*objects)[0].data, request.charset), "QTDSQLASC");
      EXPECT_EQ((*objects)[1].code_point, cp::TYPDEFOVR);
      auto ccsids = drda::DdmParams::Parse((*objects)[1].data);
      ASSERT_TRUE(ccsids);
      EXPECT_TRUE(ccsids->Has(cp::CCSIDSBC));
      EXPECT_TRUE(ccsids->Has(cp::CCSIDMBC));
    }

    const drda::Dss& card = dsses[next];
    EXPECT_EQ(card.header.type, DssType::kObject);
    const drda::Sqlca sqlca = ReadSqlcard(card);
    EXPECT_EQ(sqlca.sqlstate, "08004");
    EXPECT_LT(sqlca.sqlcode, 0);
    EXPECT_NE(sqlca.message.find(message), std::string::npos) << sqlca.message;
  }

  ConnectRequest request_;
};

TEST(ReplyMessageFor, MapsEveryFailure) {
  for (const Case& c : kCases) EXPECT_EQ(ReplyMessageFor(c.failure), c.reply_message);
}

TEST_F(RouteRepliesTest, EveryFailureAfterTheRoutersSecchkrm) {
  ASSERT_FALSE(request_.reply_prefix.empty());
  const std::string message = "alias IM1A: no active ODBM serves it";
  for (const Case& c : kCases) {
    SCOPED_TRACE(cp::Name(c.reply_message));
    drda::Bytes out;
    WriteAccessFailure(request_, c.failure, message, out);
    ASSERT_GE(out.size(), request_.reply_prefix.size());
    EXPECT_EQ(
        drda::Bytes(out.begin(), out.begin() + static_cast<long>(request_.reply_prefix.size())),
        request_.reply_prefix);
    const auto dsses = ParseAll(out);
    ASSERT_FALSE(dsses.empty());
    EXPECT_EQ(CodePointOf(dsses[0]), cp::SECCHKRM);
    EXPECT_EQ(U8Param(dsses[0], cp::SECCHKCD), 0);
    ExpectWellChained(dsses, "access failure chain");
    ExpectFailure(dsses, 1, c, request_, message);
  }
}

TEST_F(RouteRepliesTest, WithoutPrefixTheFailureIsTheWholeChain) {
  ConnectRequest request = request_;
  request.reply_prefix.clear();
  request.accrdb_correlator = 9;
  for (const Case& c : kCases) {
    SCOPED_TRACE(cp::Name(c.reply_message));
    drda::Bytes out;
    WriteAccessFailure(request, c.failure, "routing exit rejected the request", out);
    const auto dsses = ParseAll(out);
    ExpectWellChained(dsses, "access failure chain");
    ExpectFailure(dsses, 0, c, request, "routing exit rejected the request");
  }
}

TEST_F(RouteRepliesTest, AppendsToWhatTheBufferHeld) {
  drda::Bytes out = {0xAB};
  WriteAccessFailure(request_, AccessFailure::kUnknownDatabase, "x", out);
  ASSERT_GT(out.size(), 1u);
  EXPECT_EQ(out[0], 0xAB);
  const auto dsses = ParseAll(drda::ByteSpan(out).subspan(1));
  EXPECT_EQ(Describe(dsses), "1:SECCHKRM 2:RDBNFNRM 2:SQLCARD");
}

TEST_F(RouteRepliesTest, EbcdicSessionGetsAnEbcdicRdbnam) {
  ConnectRequest request = request_;
  request.charset = drda::DdmCharset::kEbcdic;
  request.rdbnam = "IM1A";
  drda::Bytes out;
  WriteAccessFailure(request, AccessFailure::kAccessFailed, "ODBM ODBMB1 cannot be reached", out);
  const auto dsses = ParseAll(out);
  ASSERT_GE(dsses.size(), 2u);
  const drda::ByteSpan rdbnam = ParamsOf(dsses[1]).Bytes(cp::RDBNAM);
  EXPECT_EQ(drda::Bytes(rdbnam.begin(), rdbnam.end()),
            drda::EncodeDdmString("IM1A", drda::DdmCharset::kEbcdic));
  ExpectFailure(dsses, 1, kCases[2], request, "ODBM ODBMB1 cannot be reached");
}

TEST_F(RouteRepliesTest, EmptyRdbnamIsSentAsBlanks) {
  ConnectRequest request = request_;
  request.rdbnam.clear();
  drda::Bytes out;
  WriteAccessFailure(request, AccessFailure::kUnknownDatabase, "blank alias", out);
  ExpectFailure(ParseAll(out), 1, kCases[0], request, "blank alias");
}

TEST_F(RouteRepliesTest, LongMessagesAreBounded) {
  const std::string message(10000, 'm');
  drda::Bytes out;
  WriteAccessFailure(request_, AccessFailure::kNotAuthorized, message, out);
  const auto dsses = ParseAll(out);
  ASSERT_EQ(dsses.size(), 3u) << Describe(dsses);
  const drda::Sqlca sqlca = ReadSqlcard(dsses[2]);
  EXPECT_EQ(sqlca.sqlstate, "08004");
  EXPECT_LE(sqlca.message.size(), 1024u);
  EXPECT_TRUE(sqlca.message.starts_with(std::string(100, 'm')));
  // The SQLSTATE token still ends the message (Derby's SQLERRMC layout).
  EXPECT_TRUE(sqlca.message.ends_with(kSqlstateToken))
      << sqlca.message.substr(sqlca.message.size() - 10);
}

// True when `s` is well-formed UTF-8 (no cut or stray sequences).
bool IsUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    const size_t n = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<uint8_t>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST_F(RouteRepliesTest, BoundingALongMessageKeepsItUtf8) {
  // An exit's message in any language: the bound must not cut a character
  // in two (the Derby client decodes SQLERRMC as UTF-8).
  std::string message;
  while (message.size() < 2000)
    message +=
        "Datenbank \xC3\xA4"
        "nderbar \xE2\x80\x94 ";
  ASSERT_TRUE(IsUtf8(message));
  for (size_t shift = 0; shift < 24; ++shift) {  // 24: the pattern's length
    const std::string shifted = std::string(shift, 'x') + message;
    drda::Bytes out;
    WriteAccessFailure(request_, AccessFailure::kAccessFailed, shifted, out);
    const auto dsses = ParseAll(out);
    ASSERT_EQ(dsses.size(), 4u) << Describe(dsses);
    const drda::Sqlca sqlca = ReadSqlcard(dsses[3]);
    EXPECT_TRUE(IsUtf8(sqlca.message)) << "shift " << shift;
  }
}

TEST_F(RouteRepliesTest, MessageTokensEndWithTheSqlstate) {
  drda::Bytes out;
  WriteAccessFailure(request_, AccessFailure::kUnknownDatabase, "no such alias", out);
  const auto dsses = ParseAll(out);
  ASSERT_EQ(dsses.size(), 3u);
  EXPECT_EQ(ReadSqlcard(dsses[2]).message, "no such alias" + kSqlstateToken);
}

}  // namespace
}  // namespace drdaplex::router::testing
