// RelayMonitor: following both directions of real captured sessions in
// every kind of piece (whole chains, single bytes, random cuts), DSSes long
// enough to need continuation segments, the CMDCHKRM it writes when the
// ODBM goes away, and garbage it must survive.
#include "router/server/relay_monitor.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "drda/connect.h"
#include "drda/dss_writer.h"
#include "drda/limits.h"
#include "tests/drda/capture_util.h"
#include "tests/router/router_test_util.h"

namespace drdaplex::router::testing {
namespace {

using drda::DssType;

enum class Pieces { kWhole, kBytes, kRandom };

// Feeds `bytes` in pieces; calls check(fed) after every piece.
template <typename FeedFn, typename CheckFn>
void FeedInPieces(drda::ByteSpan bytes, Pieces pieces, std::mt19937& rng, FeedFn feed,
                  CheckFn check) {
  size_t at = 0;
  while (at < bytes.size()) {
    size_t n = bytes.size() - at;
    if (pieces == Pieces::kBytes) n = 1;
    if (pieces == Pieces::kRandom)
      n = std::min(n, std::uniform_int_distribution<size_t>(1, 40)(rng));
    feed(bytes.subspan(at, n));
    at += n;
    check(at);
    if (::testing::Test::HasFailure()) return;  // one report, not one per byte
  }
}

// Every capture connection with as many reply chains as request chains.
std::vector<drda::test::CaptureStream> RequestStreams() {
  std::vector<drda::test::CaptureStream> out;
  for (const auto& s : drda::test::AllCaptureStreams()) {
    if (s.client_to_server) out.push_back(s);
  }
  return out;
}

void FollowCapture(const drda::test::CaptureStream& stream, Pieces pieces) {
  SCOPED_TRACE(stream.Name());
  const Capture capture = LoadCapture(stream.folder, stream.stem, stream.conn);
  ASSERT_FALSE(capture.requests.empty());
  ASSERT_EQ(capture.requests.size(), capture.replies.size()) << "one reply chain per request chain";
  std::mt19937 rng(12345);
  RelayMonitor monitor;
  EXPECT_FALSE(monitor.awaiting_reply());
  for (size_t i = 0; i < capture.requests.size(); ++i) {
    SCOPED_TRACE("chain " + std::to_string(i) + ": " + Describe(capture.requests[i].dsses));
    const WireChain& request = capture.requests[i];
    const drda::ByteSpan request_bytes =
        drda::ByteSpan(capture.c2s).subspan(request.begin, request.end - request.begin);
    FeedInPieces(
        request_bytes, pieces, rng, [&](drda::ByteSpan b) { monitor.FromClient(b); },
        [&](size_t fed) {
          // Waiting exactly once the whole chain is in.
          ASSERT_EQ(monitor.awaiting_reply(), fed == request_bytes.size())
              << "after " << fed << " bytes";
        });
    EXPECT_EQ(monitor.request_correlator(), request.dsses.front().header.correlator);

    const WireChain& reply = capture.replies[i];
    const drda::ByteSpan reply_bytes =
        drda::ByteSpan(capture.s2c).subspan(reply.begin, reply.end - reply.begin);
    FeedInPieces(
        reply_bytes, pieces, rng, [&](drda::ByteSpan b) { monitor.FromServer(b); },
        [&](size_t fed) {
          ASSERT_EQ(monitor.awaiting_reply(), fed < reply_bytes.size())
              << "after " << fed << " bytes";
        });
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_FALSE(monitor.awaiting_reply());
}

TEST(RelayMonitor, FollowsEveryCaptureChainByChain) {
  const auto streams = RequestStreams();
  ASSERT_GE(streams.size(), 5u);
  for (const auto& s : streams) FollowCapture(s, Pieces::kWhole);
}

TEST(RelayMonitor, FollowsEveryCaptureByteByByte) {
  for (const auto& s : RequestStreams()) FollowCapture(s, Pieces::kBytes);
}

TEST(RelayMonitor, FollowsEveryCaptureInRandomPieces) {
  for (const auto& s : RequestStreams()) FollowCapture(s, Pieces::kRandom);
}

TEST(RelayMonitor, PiecesSpanningChainsAndDirectionsInterleaved) {
  // Whole streams in 7-byte pieces per direction, each direction fed up to
  // the end of the chain it is on: a piece may hold the end of one DSS and
  // the start of the next.
  const Capture capture = LoadCapture("derby-client", "golden");
  ASSERT_EQ(capture.requests.size(), capture.replies.size());
  RelayMonitor monitor;
  for (size_t i = 0; i < capture.requests.size(); ++i) {
    const drda::ByteSpan c2s = drda::ByteSpan(capture.c2s)
                                   .subspan(capture.requests[i].begin,
                                            capture.requests[i].end - capture.requests[i].begin);
    for (size_t at = 0; at < c2s.size(); at += 7)
      monitor.FromClient(c2s.subspan(at, std::min<size_t>(7, c2s.size() - at)));
    ASSERT_TRUE(monitor.awaiting_reply()) << "chain " << i;
    const drda::ByteSpan s2c =
        drda::ByteSpan(capture.s2c)
            .subspan(capture.replies[i].begin, capture.replies[i].end - capture.replies[i].begin);
    for (size_t at = 0; at < s2c.size(); at += 7)
      monitor.FromServer(s2c.subspan(at, std::min<size_t>(7, s2c.size() - at)));
    ASSERT_FALSE(monitor.awaiting_reply()) << "chain " << i;
  }
}

// A request chain whose SQLSTT needs continuation segments, and a reply
// whose QRYDTA does. Data bytes of 0x00 would read as an invalid DSS
// length if the monitor mistook data for a header.
drda::Bytes LongRequest(uint16_t correlator, size_t sql_bytes) {
  return BuildBytes([&](drda::DssWriter& w) {
    w.BeginGroup();
    w.BeginDss(DssType::kRequest, correlator);
    w.BeginObject(cp::EXCSQLIMM);
    w.ParamU8(cp::RDBCMTOK, 0xF1);
    w.EndObject();
    w.EndDss();
    w.BeginDss(DssType::kObject, correlator);
    w.Param(cp::SQLSTT, drda::Bytes(sql_bytes, 0x00));
    w.EndDss();
  });
}

drda::Bytes LongReply(uint16_t correlator, size_t data_bytes) {
  return BuildBytes([&](drda::DssWriter& w) {
    w.BeginDss(DssType::kObject, correlator);
    w.Param(cp::QRYDTA, drda::Bytes(data_bytes, 0x00));
    w.EndDss();
    w.BeginDss(DssType::kObject, correlator);
    w.Param(cp::SQLCARD, drda::Bytes{0xFF});
    w.EndDss();
  });
}

TEST(RelayMonitor, FollowsContinuationSegments) {
  // SQLSTT data sizes: the DSS just fits one segment (6 + 4 + 32757 =
  // 32,767), needs a 1-byte continuation, two segments, several.
  for (size_t size : {size_t{32757}, size_t{32758}, size_t{40000}, size_t{100000}}) {
    SCOPED_TRACE("payload " + std::to_string(size));
    const drda::Bytes request = LongRequest(7, size);
    const drda::Bytes reply = LongReply(7, size);
    // The fixtures are what they claim: continued, and parseable.
    const auto request_dsses = ParseAll(request);
    ASSERT_EQ(request_dsses.size(), 2u);
    const size_t second = drda::LoadU16(&request[0]);
    ASSERT_EQ((request[second] & 0x80) != 0, 10 + size > drda::kMaxDssSegment)
        << "the SQLSTT DSS is continued exactly when it must be";
    for (Pieces pieces : {Pieces::kWhole, Pieces::kBytes, Pieces::kRandom}) {
      std::mt19937 rng(99);
      RelayMonitor monitor;
      FeedInPieces(
          request, pieces, rng, [&](drda::ByteSpan b) { monitor.FromClient(b); },
          [&](size_t fed) { ASSERT_EQ(monitor.awaiting_reply(), fed == request.size()) << fed; });
      EXPECT_EQ(monitor.request_correlator(), 7);
      FeedInPieces(
          reply, pieces, rng, [&](drda::ByteSpan b) { monitor.FromServer(b); },
          [&](size_t fed) { ASSERT_EQ(monitor.awaiting_reply(), fed < reply.size()) << fed; });
      // And the next request is still followed.
      const drda::Bytes next = LongRequest(8, 10);
      monitor.FromClient(next);
      EXPECT_TRUE(monitor.awaiting_reply());
      EXPECT_EQ(monitor.request_correlator(), 8);
    }
  }
}

TEST(RelayMonitor, FollowsHandMadeSmallContinuationSegments) {
  // A DSS in three segments of 10, 5 and 4 bytes (continuations need not
  // be full); the codec's own parser agrees it is one DSS.
  // clang-format off
  const drda::Bytes request = {
      0x80, 0x0A, 0xD0, 0x01, 0x00, 0x09,  // header: 10 bytes, continued, RQSDSS
      0x00, 0x09, 0x20, 0x0E,              // RDBCMM, LL 9: an LL 5 parameter follows
      0x80, 0x05, 0x00, 0x05, 0x11,        // continuation: 5 bytes, more follow
      0x00, 0x04, 0x49, 0x00};             // last continuation: 4 bytes
  // clang-format on
  drda::Dss dss;
  auto used = drda::ParseDss(request, {}, dss);
  ASSERT_TRUE(used) << used.error().message();
  ASSERT_EQ(*used, request.size());
  ASSERT_EQ(dss.payload.size(), 4u + 3u + 2u);

  RelayMonitor monitor;
  for (size_t i = 0; i < request.size(); ++i) {
    monitor.FromClient(drda::ByteSpan(&request[i], 1));
    ASSERT_EQ(monitor.awaiting_reply(), i + 1 == request.size()) << "after byte " << i;
  }
  EXPECT_EQ(monitor.request_correlator(), 9);
}

TEST(RelayMonitor, RequestCorrelatorIsTheFirstOfTheLastChain) {
  RelayMonitor monitor;
  EXPECT_EQ(monitor.request_correlator(), 1) << "before any request";
  const drda::Bytes chain = BuildBytes([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 4, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.BeginGroup();
    drda::WriteAccrdb(w, 5, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
  });
  monitor.FromClient(chain);
  EXPECT_TRUE(monitor.awaiting_reply());
  EXPECT_EQ(monitor.request_correlator(), 4);
  monitor.FromServer(BuildBytes([](drda::DssWriter& w) { drda::WriteSecchkrm(w, 4, {0, 0}); }));
  EXPECT_FALSE(monitor.awaiting_reply());
  monitor.FromClient(LongRequest(11, 10));
  EXPECT_EQ(monitor.request_correlator(), 11);
}

TEST(RelayMonitor, ChainedReplyDssDoesNotEndTheWait) {
  RelayMonitor monitor;
  monitor.FromClient(LongRequest(3, 10));
  ASSERT_TRUE(monitor.awaiting_reply());
  const drda::Bytes reply = LongReply(3, 10);
  const size_t first_end = EndOfDsses(reply, 1);
  monitor.FromServer(drda::ByteSpan(reply).first(first_end));
  EXPECT_TRUE(monitor.awaiting_reply()) << "the first reply DSS is chained";
  monitor.FromServer(drda::ByteSpan(reply).subspan(first_end));
  EXPECT_FALSE(monitor.awaiting_reply());
}

TEST(RelayMonitor, WriteSessionLostIsCmdchkrmForTheWaitingRequest) {
  RelayMonitor monitor;
  monitor.FromClient(LongRequest(6, 10));
  ASSERT_TRUE(monitor.awaiting_reply());
  drda::Bytes out = {0x01, 0x02};
  monitor.WriteSessionLost(out);
  ASSERT_GT(out.size(), 2u);
  EXPECT_EQ(out[0], 0x01) << "appends";
  const auto dsses = ParseAll(drda::ByteSpan(out).subspan(2));
  ASSERT_EQ(dsses.size(), 1u);
  EXPECT_EQ(dsses[0].header.type, DssType::kReply);
  EXPECT_FALSE(dsses[0].header.chained);
  EXPECT_EQ(dsses[0].header.correlator, 6);
  EXPECT_EQ(CodePointOf(dsses[0]), cp::CMDCHKRM);
  EXPECT_EQ(U16Param(dsses[0], cp::SVRCOD), 128);
}

TEST(RelayMonitor, WriteSessionLostBeforeAnyRequestUsesCorrelatorOne) {
  RelayMonitor monitor;
  drda::Bytes out;
  monitor.WriteSessionLost(out);
  const auto dsses = ParseAll(out);
  ASSERT_EQ(dsses.size(), 1u);
  EXPECT_EQ(dsses[0].header.correlator, 1);
  EXPECT_EQ(CodePointOf(dsses[0]), cp::CMDCHKRM);
}

TEST(RelayMonitor, GarbageFromTheClientStopsFollowingIt) {
  for (const drda::Bytes& garbage :
       {drda::Bytes{0x00, 0x03, 0xD0, 0x01, 0x00, 0x01},              // length < 6
        drda::Bytes{0x00, 0x0A, 0xC0, 0x01, 0x00, 0x01},              // GDS id not 0xD0
        drda::Bytes{0x80, 0x06, 0xD0, 0x01, 0x00, 0x01, 0x00, 0x01},  // continuation < 2
        drda::Bytes(1000, 0xFF)}) {
    RelayMonitor monitor;
    monitor.FromClient(garbage);
    EXPECT_FALSE(monitor.awaiting_reply());
    // Framing is lost for good: even a proper chain no longer counts.
    monitor.FromClient(LongRequest(2, 10));
    EXPECT_FALSE(monitor.awaiting_reply());
    drda::Bytes out;
    monitor.WriteSessionLost(out);
    EXPECT_EQ(ParseAll(out).size(), 1u);
  }
}

TEST(RelayMonitor, GarbageFromTheServerKeepsTheClientWaiting) {
  RelayMonitor monitor;
  monitor.FromClient(LongRequest(2, 10));
  ASSERT_TRUE(monitor.awaiting_reply());
  monitor.FromServer(drda::Bytes{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  monitor.FromServer(LongReply(2, 10));
  EXPECT_TRUE(monitor.awaiting_reply()) << "the client never got a reply it could read";
  EXPECT_EQ(monitor.request_correlator(), 2);
}

TEST(RelayMonitor, EmptyPiecesChangeNothing) {
  RelayMonitor monitor;
  monitor.FromClient({});
  monitor.FromServer({});
  EXPECT_FALSE(monitor.awaiting_reply());
  monitor.FromClient(LongRequest(2, 10));
  monitor.FromServer({});
  monitor.FromClient({});
  EXPECT_TRUE(monitor.awaiting_reply());
}

}  // namespace
}  // namespace drdaplex::router::testing
