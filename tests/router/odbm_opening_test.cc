// BuildOdbmOpening, ReplaceParam and OdbmOpeningReader on their own: the
// router's one-chain sign-on to an ODBM parsed back DSS by DSS, and the
// reader fed hand-built ODBM replies whole, split at every offset, and
// wrong in every way it checks. (odbm_sign_on_test.cc runs the same chain
// through a real ODBM protocol engine.)
#include "router/server/odbm_opening.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss_writer.h"
#include "drda/sql_commands.h"
#include "router/server/client_connect_flow.h"
#include "tests/router/router_test_util.h"

namespace drdaplex::router::testing {
namespace {

using drda::DssType;
using State = OdbmOpeningReader::State;

constexpr std::string_view kTicket = "PT16543a1b2c0011223344556677aabbccddeeff00112233445566778899";

drda::Bytes ToBytes(drda::ByteSpan span) { return drda::Bytes(span.begin(), span.end()); }

// (code point, data) of every parameter, for order-preserving comparisons.
std::vector<std::pair<cp::CodePoint, drda::Bytes>> ParamList(drda::ByteSpan params) {
  std::vector<std::pair<cp::CodePoint, drda::Bytes>> out;
  auto objects = drda::ReadObjects(params);
  EXPECT_TRUE(objects) << "parameters do not parse";
  if (!objects) return out;
  for (const auto& o : *objects) out.emplace_back(o.code_point, ToBytes(o.data));
  return out;
}

// One DDM parameter (short length).
drda::Bytes Param(cp::CodePoint code_point, drda::ByteSpan data) {
  drda::Bytes out;
  drda::ByteWriter w(out);
  w.PutU16(static_cast<uint16_t>(4 + data.size()));
  w.PutU16(code_point);
  w.PutBytes(data);
  return out;
}

drda::Bytes Concat(std::initializer_list<drda::Bytes> parts) {
  drda::Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

class BuildOdbmOpeningTest : public ::testing::Test {
 protected:
  BuildOdbmOpeningTest()
      : golden_(LoadCapture("derby-client", "golden")), request_(RequestFromCapture("golden")) {}

  std::vector<drda::Dss> Opening(const ConnectRequest& request, std::string_view datastore,
                                 std::string_view ticket) {
    const drda::Bytes bytes = BuildOdbmOpening(request, datastore, ticket);
    auto dsses = ParseAll(bytes);
    ExpectWellChained(dsses, "ODBM opening");
    for (const auto& dss : dsses) {
      EXPECT_NE(dss.header.type, DssType::kReply) << Describe(dsses);
    }
    return dsses;
  }

  Capture golden_;
  ConnectRequest request_;
};

TEST_F(BuildOdbmOpeningTest, OneChainOfFourCommands) {
  const auto dsses = Opening(request_, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u) << Describe(dsses);
  // Router's own correlators for its three, the client's for ACCRDB.
  EXPECT_EQ(Describe(dsses), "1:EXCSAT 2:ACCSEC 3:SECCHK 4:ACCRDB");
  for (const auto& dss : dsses) EXPECT_EQ(dss.header.type, DssType::kRequest);
  EXPECT_TRUE(dsses[0].header.chained);
  EXPECT_TRUE(dsses[1].header.chained);
  EXPECT_TRUE(dsses[2].header.chained);
  EXPECT_FALSE(dsses[3].header.chained);
}

TEST_F(BuildOdbmOpeningTest, ExcsatIsTheClientsOwnByteForByte) {
  const auto dsses = Opening(request_, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  EXPECT_EQ(ToBytes(FirstObject(dsses[0]).data), request_.excsat_params);
  // The whole object (LL, CP, parameters) is the one the Derby client sent.
  EXPECT_EQ(dsses[0].payload, golden_.requests[0].dsses[0].payload);
}

TEST_F(BuildOdbmOpeningTest, AccsecAsksForUserAndPasswordInEbcdic) {
  const auto dsses = Opening(request_, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  auto accsec = drda::ParseAccsec(FirstObject(dsses[1]).data, drda::DdmCharset::kEbcdic);
  ASSERT_TRUE(accsec) << accsec.error().message();
  EXPECT_EQ(accsec->secmec, 3);
  EXPECT_EQ(accsec->rdbnam, "IMS1");
  EXPECT_EQ(ToBytes(ParamsOf(dsses[1]).Bytes(cp::RDBNAM)),
            drda::EncodeDdmString("IMS1", drda::DdmCharset::kEbcdic));
  EXPECT_TRUE(accsec->sectkn.empty());
}

TEST_F(BuildOdbmOpeningTest, SecchkCarriesTheUserAndTheTicket) {
  const auto dsses = Opening(request_, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  ASSERT_EQ(request_.charset, drda::DdmCharset::kUtf8);
  const drda::DdmParams params = ParamsOf(dsses[2]);
  // UTF-8 after UNICODEMGR 1208, as the ODBM will expect.
  EXPECT_EQ(drda::AsChars(params.Bytes(cp::USRID)), "app");
  EXPECT_EQ(drda::AsChars(params.Bytes(cp::PASSWORD)), kTicket);
  auto secchk = drda::ParseSecchk(FirstObject(dsses[2]).data, drda::DdmCharset::kUtf8);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->secmec, 3);
  EXPECT_EQ(secchk->usrid, "app");
  EXPECT_EQ(secchk->password, std::optional<std::string>(kTicket));
  EXPECT_EQ(secchk->rdbnam, "IMS1");
}

TEST_F(BuildOdbmOpeningTest, WithoutATicketTheClientsCredentialsGo) {
  const auto dsses = Opening(request_, "IMS1", "");
  ASSERT_EQ(dsses.size(), 4u);
  auto accsec = drda::ParseAccsec(FirstObject(dsses[1]).data, drda::DdmCharset::kEbcdic);
  ASSERT_TRUE(accsec);
  EXPECT_EQ(accsec->secmec, 3);
  auto secchk = drda::ParseSecchk(FirstObject(dsses[2]).data, drda::DdmCharset::kUtf8);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->secmec, 3);
  EXPECT_EQ(secchk->usrid, "app");
  EXPECT_EQ(secchk->password, std::optional<std::string>("secret"));
}

TEST_F(BuildOdbmOpeningTest, UserOnlyClientWithoutATicketSignsOnUserOnly) {
  ConnectRequest request = request_;
  request.user = "batch";
  request.secmec = 4;
  request.password.reset();
  const auto dsses = Opening(request, "IMS1", "");
  ASSERT_EQ(dsses.size(), 4u);
  auto accsec = drda::ParseAccsec(FirstObject(dsses[1]).data, drda::DdmCharset::kEbcdic);
  ASSERT_TRUE(accsec);
  EXPECT_EQ(accsec->secmec, 4);
  auto secchk = drda::ParseSecchk(FirstObject(dsses[2]).data, drda::DdmCharset::kUtf8);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->secmec, 4);
  EXPECT_EQ(secchk->usrid, "batch");
  EXPECT_FALSE(secchk->password);
}

TEST_F(BuildOdbmOpeningTest, UserOnlyClientWithATicketSignsOnWithTheTicket) {
  ConnectRequest request = request_;
  request.user = "batch";
  request.secmec = 4;
  request.password.reset();
  const auto dsses = Opening(request, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  auto accsec = drda::ParseAccsec(FirstObject(dsses[1]).data, drda::DdmCharset::kEbcdic);
  ASSERT_TRUE(accsec);
  EXPECT_EQ(accsec->secmec, 3);
  auto secchk = drda::ParseSecchk(FirstObject(dsses[2]).data, drda::DdmCharset::kUtf8);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->secmec, 3);
  EXPECT_EQ(secchk->password, std::optional<std::string>(kTicket));
}

TEST_F(BuildOdbmOpeningTest, AccrdbKeepsEverythingButRdbnam) {
  const auto dsses = Opening(request_, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  // Correlators rise through the router's chain; the reply goes back to
  // the client under its own (OdbmOpeningReader).
  EXPECT_EQ(dsses[3].header.correlator, 4);
  ASSERT_EQ(CodePointOf(dsses[3]), cp::ACCRDB);
  const auto ours = ParamList(FirstObject(dsses[3]).data);
  const auto clients = ParamList(request_.accrdb_params);
  ASSERT_EQ(ours.size(), clients.size());
  bool saw_rdbnam = false;
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].first, clients[i].first) << "parameter " << i << " moved";
    if (ours[i].first == cp::RDBNAM) {
      saw_rdbnam = true;
      EXPECT_EQ(ours[i].second, drda::EncodeDdmString("IMS1", drda::DdmCharset::kUtf8));
    } else {
      EXPECT_EQ(ours[i].second, clients[i].second) << cp::Name(ours[i].first) << " changed";
    }
  }
  EXPECT_TRUE(saw_rdbnam);
  auto accrdb = drda::ParseAccrdb(FirstObject(dsses[3]).data, request_.charset);
  ASSERT_TRUE(accrdb) << accrdb.error().message();
  EXPECT_EQ(accrdb->rdbnam, "IMS1");
  EXPECT_EQ(accrdb->typdefnam, "QTDSQLASC");
  EXPECT_EQ(accrdb->prdid, "DNC10140");
}

TEST_F(BuildOdbmOpeningTest, EbcdicSessionEncodesUserAndRdbnamInEbcdic) {
  ConnectRequest request = request_;
  request.charset = drda::DdmCharset::kEbcdic;
  const auto dsses = Opening(request, "IMS1", kTicket);
  ASSERT_EQ(dsses.size(), 4u);
  EXPECT_EQ(ToBytes(ParamsOf(dsses[2]).Bytes(cp::USRID)),
            drda::EncodeDdmString("app", drda::DdmCharset::kEbcdic));
  auto secchk = drda::ParseSecchk(FirstObject(dsses[2]).data, drda::DdmCharset::kEbcdic);
  ASSERT_TRUE(secchk);
  EXPECT_EQ(secchk->usrid, "app");
  EXPECT_EQ(secchk->password, std::optional<std::string>(kTicket));
  EXPECT_EQ(ToBytes(ParamsOf(dsses[3]).Bytes(cp::RDBNAM)),
            drda::EncodeDdmString("IMS1", drda::DdmCharset::kEbcdic));
}

TEST_F(BuildOdbmOpeningTest, DssesTheClientChainedAfterAccrdbFollowUnchanged) {
  ConnectRequest request = request_;
  const drda::Bytes trailing = BuildBytes([](drda::DssWriter& w) {
    w.BeginGroup();
    w.BeginDss(DssType::kRequest, 3);
    w.BeginObject(cp::EXCSQLIMM);
    drda::WritePkgnamcsn(
        w, {"IM1A", "NULLID", "SYSLH000", {'S', 'Y', 'S', 'L', 'V', 'L', '0', '1'}, 1});
    w.EndObject();
    w.EndDss();
    w.BeginDss(DssType::kObject, 3);
    drda::WriteStatementText(w, cp::SQLSTT, "DROP TABLE T");
    w.EndDss();
  });
  request.trailing_dsses = trailing;
  const drda::Bytes bytes = BuildOdbmOpening(request, "IMS1", kTicket);
  const auto dsses = ParseAll(bytes);
  EXPECT_EQ(Describe(dsses), "1:EXCSAT 2:ACCSEC 3:SECCHK 4:ACCRDB 3:EXCSQLIMM 3:SQLSTT");
  ExpectWellChained(dsses, "opening with trailing DSSes");
  ASSERT_GE(bytes.size(), trailing.size());
  EXPECT_EQ(drda::Bytes(bytes.end() - static_cast<long>(trailing.size()), bytes.end()), trailing);
}

// ------------------------------------------------------------------ ReplaceParam

TEST(ReplaceParam, ReplacesInPlaceAndKeepsTheOthers) {
  const drda::Bytes a = Param(cp::RDBACCCL, std::vector<uint8_t>{0x24, 0x07});
  const drda::Bytes rdbnam = Param(cp::RDBNAM, drda::AsBytes("IM1A;create=true"));
  const drda::Bytes b = Param(cp::PRDID, drda::AsBytes("DNC10140"));
  const drda::Bytes params = Concat({a, rdbnam, b});
  const drda::Bytes out = ReplaceParam(params, cp::RDBNAM, drda::AsBytes("IMS1"));
  EXPECT_EQ(out, Concat({a, Param(cp::RDBNAM, drda::AsBytes("IMS1")), b}));
}

TEST(ReplaceParam, ReplacesTheFirstAndLastParameter) {
  const drda::Bytes a = Param(cp::RDBNAM, drda::AsBytes("OLD"));
  const drda::Bytes b = Param(cp::PRDID, drda::AsBytes("DNC10140"));
  EXPECT_EQ(ReplaceParam(Concat({a, b}), cp::RDBNAM, drda::AsBytes("NEW")),
            Concat({Param(cp::RDBNAM, drda::AsBytes("NEW")), b}));
  EXPECT_EQ(ReplaceParam(Concat({b, a}), cp::RDBNAM, drda::AsBytes("NEW")),
            Concat({b, Param(cp::RDBNAM, drda::AsBytes("NEW"))}));
}

TEST(ReplaceParam, AppendsWhenMissing) {
  const drda::Bytes a = Param(cp::RDBACCCL, std::vector<uint8_t>{0x24, 0x07});
  const drda::Bytes b = Param(cp::PRDID, drda::AsBytes("DNC10140"));
  EXPECT_EQ(ReplaceParam(Concat({a, b}), cp::RDBNAM, drda::AsBytes("IMS1")),
            Concat({a, b, Param(cp::RDBNAM, drda::AsBytes("IMS1"))}));
  EXPECT_EQ(ReplaceParam({}, cp::RDBNAM, drda::AsBytes("IMS1")),
            Param(cp::RDBNAM, drda::AsBytes("IMS1")));
}

TEST(ReplaceParam, KeepsCollectionsByteForByte) {
  // TYPDEFOVR is a collection; it must come through untouched.
  const drda::Bytes typdefovr =
      Param(cp::TYPDEFOVR, Concat({Param(cp::CCSIDSBC, std::vector<uint8_t>{0x04, 0xB8}),
                                   Param(cp::CCSIDMBC, std::vector<uint8_t>{0x04, 0xB8})}));
  const drda::Bytes rdbnam = Param(cp::RDBNAM, drda::AsBytes("IM1A"));
  EXPECT_EQ(ReplaceParam(Concat({rdbnam, typdefovr}), cp::RDBNAM, drda::AsBytes("IMS2")),
            Concat({Param(cp::RDBNAM, drda::AsBytes("IMS2")), typdefovr}));
}

TEST(ReplaceParam, ADuplicateParameterIsReplacedOnce) {
  const drda::Bytes first = Param(cp::RDBNAM, drda::AsBytes("ONE"));
  const drda::Bytes b = Param(cp::PRDID, drda::AsBytes("DNC10140"));
  const drda::Bytes second = Param(cp::RDBNAM, drda::AsBytes("TWO"));
  // Neither alias may survive: the ODBM would read the first one.
  EXPECT_EQ(ReplaceParam(Concat({first, b, second}), cp::RDBNAM, drda::AsBytes("IMS1")),
            Concat({Param(cp::RDBNAM, drda::AsBytes("IMS1")), b}));
}

TEST(ReplaceParam, KeepsAParameterWithAnExtendedLength) {
  // A parameter over 32,763 bytes of data has an extended length
  // (LL 0x8008 + 4 length bytes); "every other parameter byte for byte"
  // includes it.
  const drda::Bytes big_data(40000, 0x5A);
  drda::Bytes big;
  {
    drda::ByteWriter w(big);
    w.PutU16(0x8008);
    w.PutU16(cp::PRDDTA);
    w.PutU32(static_cast<uint32_t>(big_data.size()));
    w.PutBytes(big_data);
  }
  const drda::Bytes rdbnam = Param(cp::RDBNAM, drda::AsBytes("IM1A"));
  const drda::Bytes params = Concat({rdbnam, big});
  auto check = drda::ReadObjects(params);
  ASSERT_TRUE(check) << "the test's own parameters must be valid DDM";
  ASSERT_EQ(check->size(), 2u);
  ASSERT_EQ((*check)[1].data.size(), big_data.size());

  const drda::Bytes out = ReplaceParam(params, cp::RDBNAM, drda::AsBytes("IMS1"));
  auto objects = drda::ReadObjects(out);
  ASSERT_TRUE(objects) << "ReplaceParam's output is no longer valid DDM";
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].code_point, cp::PRDDTA);
  EXPECT_EQ(ToBytes((*objects)[1].data), big_data);
}

// ------------------------------------------------------------- OdbmOpeningReader

// What an ODBM answers to the opening: EXCSATRD, ACCSECRD, SECCHKRM (the
// router's), then ACCRDBRM + PBSD for the ACCRDB the router sent under
// correlator 4 (`accrdb_correlator`; the client's is 2).
struct OdbmReply {
  drda::Bytes bytes;
  size_t router_end = 0;  // end of the SECCHKRM
};

OdbmReply MakeOdbmReply(std::optional<uint8_t> accsec_code = std::nullopt,
                        uint8_t secchk_code = 0, uint16_t accrdb_correlator = 4) {
  OdbmReply r;
  r.bytes = BuildBytes([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::ExcsatReply excsatrd;
    excsatrd.srvnam = "ODBMB1";
    excsatrd.managers = {{cp::AGENT, 7}, {cp::UNICODEMGR, 1208}};
    drda::WriteExcsatrd(w, 1, excsatrd);
    w.BeginGroup();
    drda::WriteAccsecrd(w, 2, {3, accsec_code});
    w.BeginGroup();
    drda::WriteSecchkrm(w, 3, {static_cast<uint16_t>(secchk_code ? 8 : 0), secchk_code});
    if (secchk_code) return;
    w.BeginGroup();
    drda::AccrdbReply accrdbrm;
    accrdbrm.prdid = "CSS10140";
    drda::WriteAccrdbrm(w, accrdb_correlator, accrdbrm, drda::DdmCharset::kUtf8);
    w.BeginDss(DssType::kReply, accrdb_correlator);
    w.BeginObject(cp::PBSD);
    w.ParamU8(cp::PBSD_ISO, 8);
    w.EndObject();
    w.EndDss();
  });
  r.router_end = EndOfDsses(r.bytes, 3);
  return r;
}

// The ACCRDB reply chain as the client must get it: under its correlator 2.
drda::Bytes ClientTail() {
  const OdbmReply as_client = MakeOdbmReply(std::nullopt, 0, 2);
  return drda::Bytes(as_client.bytes.begin() + static_cast<long>(as_client.router_end),
                     as_client.bytes.end());
}

TEST(OdbmOpeningReader, AcceptsAndHandsBackTheRest) {
  const OdbmReply reply = MakeOdbmReply();
  OdbmOpeningReader reader(2);
  ASSERT_EQ(reader.Feed(reply.bytes), State::kAccepted) << reader.reason();
  EXPECT_EQ(reader.client_bytes(), ClientTail());
  const auto dsses = ParseAll(reader.client_bytes());
  EXPECT_EQ(Describe(dsses), "2:ACCRDBRM 2:PBSD");
  EXPECT_TRUE(reader.reason().empty());
}

TEST(OdbmOpeningReader, AnySplitGivesTheSameResult) {
  const OdbmReply reply = MakeOdbmReply();
  const drda::Bytes tail = ClientTail();
  for (size_t cut = 0; cut < reply.bytes.size(); ++cut) {
    OdbmOpeningReader reader(2);
    const drda::ByteSpan all(reply.bytes);
    // Accepted only once the whole reply chain to ACCRDB is in, so that all
    // of it goes back under the client's correlator.
    ASSERT_EQ(reader.Feed(all.first(cut)), State::kNeedMore) << "cut " << cut;
    ASSERT_EQ(reader.Feed(all.subspan(cut)), State::kAccepted)
        << "cut " << cut << ": " << reader.reason();
    EXPECT_EQ(reader.client_bytes(), tail) << "cut " << cut;
  }
}

TEST(OdbmOpeningReader, ByteByByteAcceptsExactlyAtTheEndOfTheAccrdbReply) {
  const OdbmReply reply = MakeOdbmReply();
  OdbmOpeningReader reader(2);
  size_t i = 0;
  for (; i < reply.bytes.size(); ++i) {
    const State s = reader.Feed(drda::ByteSpan(&reply.bytes[i], 1));
    if (s != State::kNeedMore) {
      ASSERT_EQ(s, State::kAccepted) << reader.reason();
      break;
    }
  }
  EXPECT_EQ(i + 1, reply.bytes.size());
  EXPECT_EQ(reader.client_bytes(), ClientTail());
}

TEST(OdbmOpeningReader, BytesAfterTheVerdictAreIgnored) {
  const OdbmReply reply = MakeOdbmReply();
  OdbmOpeningReader reader(2);
  ASSERT_EQ(reader.Feed(reply.bytes), State::kAccepted);
  const drda::Bytes before = reader.client_bytes();
  EXPECT_EQ(reader.Feed(reply.bytes), State::kAccepted);
  EXPECT_EQ(reader.client_bytes(), before);

  OdbmOpeningReader refused(2);
  const OdbmReply bad = MakeOdbmReply(std::nullopt, 0x13);
  ASSERT_EQ(refused.Feed(bad.bytes), State::kRefused);
  const std::string reason = refused.reason();
  EXPECT_EQ(refused.Feed(reply.bytes), State::kRefused);
  EXPECT_EQ(refused.reason(), reason);
}

TEST(OdbmOpeningReader, RefusedSecchkNamesItsCode) {
  const OdbmReply reply = MakeOdbmReply(std::nullopt, 0x13);
  OdbmOpeningReader reader(2);
  EXPECT_EQ(reader.Feed(reply.bytes), State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKRM"), std::string::npos) << reader.reason();
  EXPECT_NE(reader.reason().find("SECCHKCD 0x13"), std::string::npos) << reader.reason();
  EXPECT_TRUE(reader.client_bytes().empty());
}

TEST(OdbmOpeningReader, RefusedSecmecNamesItsCode) {
  const OdbmReply reply = MakeOdbmReply(0x01);
  OdbmOpeningReader reader(2);
  EXPECT_EQ(reader.Feed(reply.bytes), State::kRefused);
  EXPECT_NE(reader.reason().find("ACCSECRD"), std::string::npos) << reader.reason();
  EXPECT_NE(reader.reason().find("SECCHKCD 0x01"), std::string::npos) << reader.reason();
}

TEST(OdbmOpeningReader, UnexpectedReplyIsRefused) {
  // The ODBM could not even read the EXCSAT.
  const drda::Bytes bytes = BuildBytes([](drda::DssWriter& w) {
    drda::BeginReplyMessage(w, 1, cp::SYNTAXRM, drda::Severity::kError);
    w.ParamU8(cp::SYNERRCD, 0x02);
    drda::EndReplyMessage(w);
  });
  OdbmOpeningReader reader(2);
  EXPECT_EQ(reader.Feed(bytes), State::kRefused);
  EXPECT_NE(reader.reason().find("EXCSATRD"), std::string::npos) << reader.reason();
  EXPECT_NE(reader.reason().find("SYNTAXRM"), std::string::npos) << reader.reason();
}

TEST(OdbmOpeningReader, RepliesOutOfOrderAreRefused) {
  const drda::Bytes bytes = BuildBytes([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsatrd(w, 1, {});
    w.BeginGroup();
    drda::WriteSecchkrm(w, 3, {0, 0});
  });
  OdbmOpeningReader reader(2);
  EXPECT_EQ(reader.Feed(bytes), State::kRefused);
  EXPECT_NE(reader.reason().find("ACCSECRD"), std::string::npos) << reader.reason();
}

TEST(OdbmOpeningReader, UnframableBytesAreRefused) {
  OdbmOpeningReader reader(2);
  const drda::Bytes garbage = {0x00, 0x10, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46};
  EXPECT_EQ(reader.Feed(garbage), State::kRefused);
  EXPECT_NE(reader.reason().find("framed"), std::string::npos) << reader.reason();
}

TEST(OdbmOpeningReader, DssWithoutAnObjectIsRefused) {
  OdbmOpeningReader reader(2);
  const drda::Bytes empty_dss = {0x00, 0x06, 0xD0, 0x02, 0x00, 0x01};
  EXPECT_EQ(reader.Feed(empty_dss), State::kRefused);
  EXPECT_FALSE(reader.reason().empty());
}

TEST(OdbmOpeningReader, OversizedDssIsRefusedUnderItsLimits) {
  drda::Limits limits;
  limits.max_dss_bytes = 64;
  OdbmOpeningReader reader(2, limits);
  const drda::Bytes big = BuildBytes([](drda::DssWriter& w) {
    drda::ExcsatReply r;
    r.extnam = std::string(200, 'x');
    drda::WriteExcsatrd(w, 1, r);
  });
  EXPECT_EQ(reader.Feed(big), State::kRefused);
  EXPECT_NE(reader.reason().find("framed"), std::string::npos) << reader.reason();
}

TEST(OdbmOpeningReader, NothingFedIsNeedMore) {
  OdbmOpeningReader reader(2);
  EXPECT_EQ(reader.Feed({}), State::kNeedMore);
  EXPECT_TRUE(reader.client_bytes().empty());
}

}  // namespace
}  // namespace drdaplex::router::testing
