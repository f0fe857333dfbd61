// ClientConnectFlow: the router answers EXCSAT, ACCSEC and SECCHK itself and
// stops at ACCRDB. Driven with the real Derby client's connect chains from
// the captures (whose replies the router's must match where Derby's are
// fixed by the protocol) and with hand-built chains for everything a client
// can get wrong.
#include "router/server/client_connect_flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/crypt_hash.h"
#include "config/user_registry.h"
#include "drda/connect.h"
#include "drda/dss_writer.h"
#include "drda/sql_commands.h"
#include "tests/drda/capture_util.h"
#include "tests/router/router_test_util.h"

namespace drdaplex::router::testing {
namespace {

using drda::DssType;
using Step = ClientConnectFlow::Step;

// EXCSQLIMM + SQLSTT, as the Derby client sends Statement.execute.
void WriteExecuteImmediate(drda::DssWriter& w, uint16_t correlator, const std::string& sql) {
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, correlator);
  w.BeginObject(cp::EXCSQLIMM);
  drda::WritePkgnamcsn(w,
                       {"IM1A", "NULLID", "SYSLH000", {'S', 'Y', 'S', 'L', 'V', 'L', '0', '1'}, 1});
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, correlator);
  drda::WriteStatementText(w, cp::SQLSTT, sql);
  w.EndDss();
}

class ClientConnectFlowTest : public ::testing::Test {
 protected:
  ClientConnectFlowTest()
      : golden_(LoadCapture("derby-client", "golden")),
        credentials_(CredentialsOf("golden")),
        users_({config::UserConfig{credentials_.user, config::HashPassword(credentials_.password),
                                   false},
                config::UserConfig{"batch", "", true}}),
        flow_(users_, "HWS1") {}

  // Runs one chain; the reply (if any) is left in reply_ and replies_.
  Step Process(const std::vector<drda::Dss>& chain) {
    reply_.clear();
    const Step step = flow_.ProcessChain(chain, reply_);
    replies_ = ParseAll(reply_);
    return step;
  }

  // The Derby client's EXCSAT + ACCSEC from the golden capture.
  void Exchange() {
    ASSERT_GE(golden_.requests.size(), 2u);
    ASSERT_EQ(Process(golden_.requests[0].dsses), Step::kReply);
    ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  }

  // Expects a single error reply message `rm` with `param` = `value`.
  void ExpectSingleError(cp::CodePoint rm, cp::CodePoint param, uint8_t value,
                         uint16_t correlator) {
    ASSERT_EQ(replies_.size(), 1u) << Describe(replies_);
    const drda::Dss& dss = replies_[0];
    EXPECT_EQ(dss.header.type, DssType::kReply);
    EXPECT_FALSE(dss.header.chained);
    EXPECT_EQ(dss.header.correlator, correlator);
    EXPECT_EQ(CodePointOf(dss), rm) << cp::Name(CodePointOf(dss));
    EXPECT_EQ(U16Param(dss, cp::SVRCOD), 8);
    if (param != 0) {
      EXPECT_EQ(U8Param(dss, param), value) << cp::Name(param);
    }
  }

  Capture golden_;
  Credentials credentials_;
  config::UserRegistry users_;
  ClientConnectFlow flow_;
  drda::Bytes reply_;
  std::vector<drda::Dss> replies_;
};

TEST_F(ClientConnectFlowTest, CaptureHoldsTheConnectChainsTheTestsAssume) {
  ASSERT_GE(golden_.requests.size(), 2u);
  EXPECT_EQ(Describe(golden_.requests[0].dsses), "1:EXCSAT 2:ACCSEC");
  EXPECT_EQ(Describe(golden_.requests[1].dsses), "1:SECCHK 2:ACCRDB");
  EXPECT_EQ(credentials_.user, "app");
  EXPECT_EQ(credentials_.password, "secret");
}

TEST_F(ClientConnectFlowTest, DerbyExcsatAndAccsecGetExcsatrdAndAccsecrd) {
  ASSERT_EQ(Process(golden_.requests[0].dsses), Step::kReply);
  ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  ExpectWellChained(replies_, "EXCSATRD + ACCSECRD");

  const drda::Dss& excsatrd = replies_[0];
  EXPECT_EQ(excsatrd.header.type, DssType::kReply);
  EXPECT_EQ(excsatrd.header.correlator, 1);
  ASSERT_EQ(CodePointOf(excsatrd), cp::EXCSATRD);
  auto server = drda::ParseExcsatrd(FirstObject(excsatrd).data);
  ASSERT_TRUE(server) << server.error().message();
  EXPECT_EQ(server->srvnam, "HWS1");
  EXPECT_NE(server->extnam.find("HWS1"), std::string::npos) << server->extnam;
  // Derby's client reads the product id in front of the '/'.
  EXPECT_TRUE(server->srvrlslv.starts_with("CSS10140/")) << server->srvrlslv;
  const std::vector<drda::ManagerLevel> granted = {
      {cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}, {cp::UNICODEMGR, 1208}};
  EXPECT_EQ(server->managers, granted);

  const drda::Dss& accsecrd = replies_[1];
  EXPECT_EQ(accsecrd.header.correlator, 2);
  ASSERT_EQ(CodePointOf(accsecrd), cp::ACCSECRD);
  auto security = drda::ParseAccsecrd(FirstObject(accsecrd).data);
  ASSERT_TRUE(security) << security.error().message();
  EXPECT_EQ(security->secmec, 3);
  EXPECT_FALSE(security->secchkcd);
  // Byte for byte what Derby answered to the same ACCSEC.
  ASSERT_GE(golden_.replies.size(), 1u);
  ASSERT_EQ(golden_.replies[0].dsses.size(), 2u);
  EXPECT_EQ(Serialize({accsecrd}), Serialize({golden_.replies[0].dsses[1]}));
  EXPECT_FALSE(flow_.authenticated());
}

TEST_F(ClientConnectFlowTest, DerbySecchkAndAccrdbRouteWithTheClientsRequest) {
  Exchange();
  const std::vector<drda::Dss>& chain = golden_.requests[1].dsses;
  ASSERT_EQ(Process(chain), Step::kRoute);
  EXPECT_TRUE(reply_.empty()) << "the SECCHKRM must wait for the ODBM's ACCRDB reply";
  EXPECT_TRUE(flow_.authenticated());

  const ConnectRequest& request = flow_.request();
  EXPECT_EQ(request.user, "app");
  EXPECT_EQ(request.secmec, 3);
  EXPECT_EQ(request.password, std::optional<std::string>("secret"));
  EXPECT_EQ(request.rdbnam, "IM1A;create=true  ");
  EXPECT_EQ(request.charset, drda::DdmCharset::kUtf8);
  EXPECT_EQ(request.accrdb_correlator, 2);
  const drda::DdmObject excsat = FirstObject(golden_.requests[0].dsses[0]);
  EXPECT_EQ(request.excsat_params, drda::Bytes(excsat.data.begin(), excsat.data.end()));
  const drda::DdmObject accrdb = FirstObject(chain[1]);
  EXPECT_EQ(request.accrdb_params, drda::Bytes(accrdb.data.begin(), accrdb.data.end()));
  EXPECT_TRUE(request.trailing_dsses.empty());

  // reply_prefix: exactly one SECCHKRM (SVRCOD 0, SECCHKCD 0), chained.
  const auto prefix = ParseAll(request.reply_prefix);
  ASSERT_EQ(prefix.size(), 1u) << Describe(prefix);
  EXPECT_EQ(prefix[0].header.type, DssType::kReply);
  EXPECT_EQ(prefix[0].header.correlator, 1);
  EXPECT_TRUE(prefix[0].header.chained);
  EXPECT_FALSE(prefix[0].header.same_correlator) << "the ACCRDB reply has another correlator";
  EXPECT_TRUE(request.reply_prefix[3] & drda::kDssChained);
  ASSERT_EQ(CodePointOf(prefix[0]), cp::SECCHKRM);
  auto secchkrm = drda::ParseSecchkrm(FirstObject(prefix[0]).data);
  ASSERT_TRUE(secchkrm);
  EXPECT_EQ(secchkrm->svrcod, 0);
  EXPECT_EQ(secchkrm->secchkcd, 0);
  // Derby's SECCHKRM in front of its ACCRDBRM is the very same bytes.
  ASSERT_GE(golden_.replies.size(), 2u);
  const WireChain& derby = golden_.replies[1];
  ASSERT_GE(derby.dsses.size(), 1u);
  EXPECT_EQ(request.reply_prefix,
            drda::Bytes(golden_.s2c.begin() + static_cast<long>(derby.begin),
                        golden_.s2c.begin() +
                            static_cast<long>(derby.begin + request.reply_prefix.size())));
}

TEST_F(ClientConnectFlowTest, LongRdbnamCaptureRoutesWithItsRdbnam) {
  const Capture capture = LoadCapture("derby-client", "long-rdbnam");
  ASSERT_GE(capture.requests.size(), 2u);
  ASSERT_EQ(Process(capture.requests[0].dsses), Step::kReply);
  ASSERT_EQ(Process(capture.requests[1].dsses), Step::kRoute);
  EXPECT_EQ(flow_.request().rdbnam, "IM1A;retrieveMessageText=false");
  EXPECT_EQ(flow_.request().user, "app");
}

TEST_F(ClientConnectFlowTest, WrongPasswordFromTheCaptureIsRefusedLikeDerbyDoes) {
  const Capture capture = LoadCapture("derby-client", "auth-failure");
  ASSERT_GE(capture.requests.size(), 2u);
  ASSERT_EQ(Process(capture.requests[0].dsses), Step::kReply);
  ASSERT_EQ(Process(capture.requests[1].dsses), Step::kClose);
  ExpectSingleError(cp::SECCHKRM, cp::SECCHKCD, 0x13, 1);
  EXPECT_FALSE(flow_.authenticated());
  // Nothing for the chained ACCRDB: Derby's reply is this one DSS too.
  ASSERT_GE(capture.replies.size(), 2u);
  const WireChain& derby = capture.replies[1];
  EXPECT_EQ(reply_, drda::Bytes(capture.s2c.begin() + static_cast<long>(derby.begin),
                                capture.s2c.begin() + static_cast<long>(derby.end)));
}

TEST_F(ClientConnectFlowTest, UnknownUserIsRefused) {
  Exchange();
  ASSERT_EQ(Process(SecchkAccrdbChain("nobody", "secret", "IM1A")), Step::kClose);
  ExpectSingleError(cp::SECCHKRM, cp::SECCHKCD, 0x13, 1);
  EXPECT_FALSE(flow_.authenticated());
}

TEST_F(ClientConnectFlowTest, UserNamesMatchCaseInsensitively) {
  Exchange();
  ASSERT_EQ(Process(SecchkAccrdbChain("APP", "secret", "IM1A")), Step::kRoute);
  EXPECT_EQ(flow_.request().user, "APP");
}

TEST_F(ClientConnectFlowTest, MissingPasswordWithSecmec3IsRefused) {
  Exchange();
  ASSERT_EQ(Process(SecchkAccrdbChain("app", std::nullopt, "IM1A")), Step::kClose);
  ExpectSingleError(cp::SECCHKRM, cp::SECCHKCD, 0x10, 1);
}

TEST_F(ClientConnectFlowTest, MissingUserIsRefused) {
  Exchange();
  ASSERT_EQ(Process(SecchkAccrdbChain("", "secret", "IM1A")), Step::kClose);
  ExpectSingleError(cp::SECCHKRM, cp::SECCHKCD, 0x12, 1);
}

TEST_F(ClientConnectFlowTest, UserOnlySignOnForAUsridonlUser) {
  ASSERT_EQ(Process(ExcsatAccsecChain(4)), Step::kReply);
  ASSERT_EQ(replies_.size(), 2u);
  auto accsecrd = drda::ParseAccsecrd(FirstObject(replies_[1]).data);
  ASSERT_TRUE(accsecrd);
  EXPECT_EQ(accsecrd->secmec, 4);
  EXPECT_FALSE(accsecrd->secchkcd);

  ASSERT_EQ(Process(SecchkAccrdbChain("batch", std::nullopt, "IM1A", 4)), Step::kRoute);
  EXPECT_EQ(flow_.request().user, "batch");
  EXPECT_EQ(flow_.request().secmec, 4);
  EXPECT_FALSE(flow_.request().password);
  const auto prefix = ParseAll(flow_.request().reply_prefix);
  ASSERT_EQ(prefix.size(), 1u);
  EXPECT_EQ(U8Param(prefix[0], cp::SECCHKCD), 0);
}

TEST_F(ClientConnectFlowTest, UserOnlySignOnRefusedForAPasswordUser) {
  ASSERT_EQ(Process(ExcsatAccsecChain(4)), Step::kReply);
  ASSERT_EQ(Process(SecchkAccrdbChain("app", std::nullopt, "IM1A", 4)), Step::kClose);
  ExpectSingleError(cp::SECCHKRM, cp::SECCHKCD, 0x13, 1);
  EXPECT_FALSE(flow_.authenticated());
}

TEST_F(ClientConnectFlowTest, SecchkWithAnotherSecmecThanAccsecIsOutOfOrder) {
  Exchange();  // SECMEC 3 accepted
  ASSERT_EQ(Process(SecchkAccrdbChain("batch", std::nullopt, "IM1A", 4)), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x11, 1);
}

TEST_F(ClientConnectFlowTest, UnsupportedSecmecIsAnsweredAndTheClientMayRetry) {
  ASSERT_EQ(Process(ExcsatAccsecChain(9)), Step::kReply);
  ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  ASSERT_EQ(CodePointOf(replies_[1]), cp::ACCSECRD);
  auto refused = drda::ParseAccsecrd(FirstObject(replies_[1]).data);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->secmec, 3) << "the mechanism the server offers instead";
  EXPECT_EQ(refused->secchkcd, std::optional<uint8_t>(0x01));
  EXPECT_FALSE(flow_.authenticated());

  // The client retries with SECMEC 3 on its own.
  const auto retry = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteAccsec(w, 1, {3, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  });
  ASSERT_EQ(Process(retry), Step::kReply);
  ASSERT_EQ(replies_.size(), 1u);
  auto accepted = drda::ParseAccsecrd(FirstObject(replies_[0]).data);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->secmec, 3);
  EXPECT_FALSE(accepted->secchkcd);
  ASSERT_EQ(Process(SecchkAccrdbChain("app", "secret", "IM1A")), Step::kRoute);
  EXPECT_EQ(flow_.request().secmec, 3);
}

TEST_F(ClientConnectFlowTest, SecchkAfterARefusedSecmecIsOutOfOrder) {
  ASSERT_EQ(Process(ExcsatAccsecChain(9)), Step::kReply);
  ASSERT_EQ(Process(SecchkAccrdbChain("app", "secret", "IM1A", 9)), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x11, 1);
  EXPECT_FALSE(flow_.authenticated());
}

TEST_F(ClientConnectFlowTest, AccsecWithoutSecmecIsASyntaxError) {
  ASSERT_EQ(Process(BuildChain([](drda::DssWriter& w) {
              w.BeginGroup();
              drda::WriteExcsat(w, 1, ClientExcsat());
              w.BeginGroup();
              w.BeginDss(DssType::kRequest, 2);
              w.BeginObject(cp::ACCSEC);
              w.ParamString(cp::RDBNAM, "IM1A");
              w.EndObject();
              w.EndDss();
            })),
            Step::kClose);
  ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  EXPECT_EQ(CodePointOf(replies_[0]), cp::EXCSATRD);
  EXPECT_EQ(CodePointOf(replies_[1]), cp::SYNTAXRM);
  EXPECT_EQ(replies_[1].header.correlator, 2);
  ExpectWellChained(replies_, "EXCSATRD + SYNTAXRM");
}

TEST_F(ClientConnectFlowTest, AccrdbBeforeSecchkIsOutOfOrder) {
  Exchange();
  const auto accrdb_only = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteAccrdb(w, 1, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(accrdb_only), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x11, 1);
  EXPECT_TRUE(flow_.request().rdbnam.empty());
}

TEST_F(ClientConnectFlowTest, AccsecBeforeExcsatIsOutOfOrder) {
  const auto accsec_only = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteAccsec(w, 1, {3, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  });
  ASSERT_EQ(Process(accsec_only), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x06, 1);
}

TEST_F(ClientConnectFlowTest, SecchkBeforeAccsecIsOutOfOrder) {
  const auto excsat_only = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, ClientExcsat());
  });
  ASSERT_EQ(Process(excsat_only), Step::kReply);
  ASSERT_EQ(Process(SecchkAccrdbChain("app", "secret", "IM1A")), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x11, 1);
}

TEST_F(ClientConnectFlowTest, SecondSecchkAfterSignOnIsOutOfOrder) {
  Exchange();
  const auto secchk = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(secchk), Step::kReply);
  ASSERT_EQ(Process(secchk), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x11, 1);
}

TEST_F(ClientConnectFlowTest, SqlCommandBeforeAccrdbGetsRdbnacrm) {
  Exchange();
  const auto secchk = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(secchk), Step::kReply);
  const auto sql =
      BuildChain([](drda::DssWriter& w) { WriteExecuteImmediate(w, 1, "DROP TABLE T"); });
  ASSERT_EQ(Process(sql), Step::kClose);
  ExpectSingleError(cp::RDBNACRM, 0, 0, 1);
}

TEST_F(ClientConnectFlowTest, SqlCommandRightAfterExcsatGetsRdbnacrm) {
  const auto chain = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, ClientExcsat());
    WriteExecuteImmediate(w, 2, "DROP TABLE T");
  });
  ASSERT_EQ(Process(chain), Step::kClose);
  ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  EXPECT_EQ(Describe(replies_), "1:EXCSATRD 2:RDBNACRM");
  ExpectWellChained(replies_, "EXCSATRD + RDBNACRM");
}

TEST_F(ClientConnectFlowTest, ObjectDssInTheConnectFlowIsAProtocolError) {
  Exchange();
  const auto object = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    w.ObjectDss(DssType::kObject, 1, cp::SECTKN, drda::AsBytes("encrypted"));
  });
  ASSERT_EQ(Process(object), Step::kClose);
  ExpectSingleError(cp::PRCCNVRM, cp::PRCCNVCD, 0x03, 1);
}

TEST_F(ClientConnectFlowTest, SecchkWithAnEncryptedTokenObjectIsRefused) {
  Exchange();
  // SECCHK followed by an OBJDSS (SECTKN) under its correlator: SECMEC 9's
  // shape, which the router does not take.
  const auto chain = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.ObjectDss(DssType::kObject, 1, cp::SECTKN, drda::AsBytes("encrypted"));
  });
  ASSERT_EQ(Process(chain), Step::kClose);
  ASSERT_FALSE(replies_.empty());
  EXPECT_EQ(CodePointOf(replies_.back()), cp::PRCCNVRM) << Describe(replies_);
  EXPECT_EQ(U8Param(replies_.back(), cp::PRCCNVCD), 0x03);
  ExpectWellChained(replies_, "reply to SECCHK + OBJDSS");
}

TEST_F(ClientConnectFlowTest, GarbageObjectsGetSyntaxrm) {
  // A DSS whose payload is no DDM object: LL 2 < 4.
  drda::Dss garbage;
  garbage.header.type = DssType::kRequest;
  garbage.header.correlator = 1;
  garbage.payload = {0x00, 0x02, 0x10, 0x41};
  ASSERT_EQ(Process({garbage}), Step::kClose);
  ExpectSingleError(cp::SYNTAXRM, 0, 0, 1);
  EXPECT_TRUE(ParamsOf(replies_[0]).Has(cp::SYNERRCD));
}

TEST_F(ClientConnectFlowTest, GarbageAfterAGoodCommandStillGetsOneReplyChain) {
  // EXCSAT is answered, then the second DSS of the same chain cannot be
  // read. The client sent one chain, so it must get one chain back: the
  // EXCSATRD chained to the SYNTAXRM.
  std::vector<drda::Dss> chain = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, ClientExcsat());
    w.BeginGroup();
    drda::WriteAccsec(w, 2, {3, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  });
  ASSERT_EQ(chain.size(), 2u);
  chain[1].payload = {0x00, 0x02, 0x10, 0x6D};
  ASSERT_EQ(Process(chain), Step::kClose);
  ASSERT_EQ(replies_.size(), 2u) << Describe(replies_);
  EXPECT_EQ(CodePointOf(replies_[0]), cp::EXCSATRD);
  EXPECT_EQ(CodePointOf(replies_[1]), cp::SYNTAXRM);
  ExpectWellChained(replies_, "EXCSATRD + SYNTAXRM");
}

TEST_F(ClientConnectFlowTest, MalformedExcsatIsASyntaxError) {
  drda::Dss excsat;
  excsat.header.type = DssType::kRequest;
  excsat.header.correlator = 1;
  // EXCSAT holding a MGRLVLLS of 3 bytes (pairs of 2+2 expected).
  excsat.payload = {0x00, 0x0B, 0x10, 0x41, 0x00, 0x07, 0x14, 0x04, 0x14, 0x03, 0x00};
  ASSERT_EQ(Process({excsat}), Step::kClose);
  ExpectSingleError(cp::SYNTAXRM, 0, 0, 1);
}

TEST_F(ClientConnectFlowTest, AccrdbWithoutRdbnamIsASyntaxError) {
  Exchange();
  const auto chain = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.BeginGroup();
    w.BeginDss(DssType::kRequest, 2);
    w.BeginObject(cp::ACCRDB);
    w.ParamU16(cp::RDBACCCL, cp::SQLAM);
    w.EndObject();
    w.EndDss();
  });
  ASSERT_EQ(Process(chain), Step::kClose);
  EXPECT_EQ(Describe(replies_), "1:SECCHKRM 2:SYNTAXRM");
  ExpectWellChained(replies_, "SECCHKRM + SYNTAXRM");
}

TEST_F(ClientConnectFlowTest, SecchkAndAccrdbInSeparateChains) {
  Exchange();
  const auto secchk = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(secchk), Step::kReply);
  ASSERT_EQ(replies_.size(), 1u);
  EXPECT_FALSE(replies_[0].header.chained) << "a reply sent on its own ends its chain";
  EXPECT_EQ(CodePointOf(replies_[0]), cp::SECCHKRM);
  EXPECT_EQ(U8Param(replies_[0], cp::SECCHKCD), 0);
  EXPECT_TRUE(flow_.authenticated());

  const auto accrdb = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteAccrdb(w, 5, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(accrdb), Step::kRoute);
  EXPECT_TRUE(reply_.empty());
  EXPECT_TRUE(flow_.request().reply_prefix.empty());
  EXPECT_EQ(flow_.request().accrdb_correlator, 5);
  EXPECT_EQ(flow_.request().rdbnam, "IM1A");
  EXPECT_EQ(flow_.request().user, "app");
}

TEST_F(ClientConnectFlowTest, WholeConnectFlowInOneChainPrefixesAllReplies) {
  const auto chain = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, ClientExcsat());
    w.BeginGroup();
    drda::WriteAccsec(w, 2, {3, "IM1A", {}}, drda::DdmCharset::kEbcdic);
    w.BeginGroup();
    drda::WriteSecchk(w, 3, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.BeginGroup();
    drda::WriteAccrdb(w, 4, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
  });
  ASSERT_EQ(Process(chain), Step::kRoute);
  EXPECT_TRUE(reply_.empty());
  const auto prefix = ParseAll(flow_.request().reply_prefix);
  EXPECT_EQ(Describe(prefix), "1:EXCSATRD 2:ACCSECRD 3:SECCHKRM");
  for (const auto& dss : prefix) EXPECT_TRUE(dss.header.chained) << Describe(prefix);
  EXPECT_EQ(flow_.request().accrdb_correlator, 4);
  EXPECT_EQ(flow_.request().charset, drda::DdmCharset::kUtf8);
}

TEST_F(ClientConnectFlowTest, WithoutUnicodemgrTheSessionStaysEbcdic) {
  ASSERT_EQ(Process(ExcsatAccsecChain(3, /*unicode=*/false)), Step::kReply);
  ASSERT_EQ(replies_.size(), 2u);
  auto server = drda::ParseExcsatrd(FirstObject(replies_[0]).data);
  ASSERT_TRUE(server);
  EXPECT_TRUE(
      std::none_of(server->managers.begin(), server->managers.end(),
                   [](const drda::ManagerLevel& m) { return m.manager == cp::UNICODEMGR; }));
  ASSERT_EQ(
      Process(SecchkAccrdbChain("app", "secret", "IM1A;create=true", 3, drda::DdmCharset::kEbcdic)),
      Step::kRoute);
  EXPECT_EQ(flow_.request().charset, drda::DdmCharset::kEbcdic);
  EXPECT_EQ(flow_.request().user, "app");
  EXPECT_EQ(flow_.request().password, std::optional<std::string>("secret"));
  EXPECT_EQ(flow_.request().rdbnam, "IM1A;create=true");
}

TEST_F(ClientConnectFlowTest, UnicodemgrWithAnotherCcsidIsNotUtf8) {
  drda::ExcsatCommand excsat = ClientExcsat(false);
  excsat.managers.push_back({cp::UNICODEMGR, 1200});
  const auto chain = BuildChain([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, excsat);
    w.BeginGroup();
    drda::WriteAccsec(w, 2, {3, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  });
  ASSERT_EQ(Process(chain), Step::kReply);
  auto server = drda::ParseExcsatrd(FirstObject(replies_[0]).data);
  ASSERT_TRUE(server);
  ASSERT_EQ(server->managers.size(), 5u);
  EXPECT_EQ(server->managers[4], (drda::ManagerLevel{cp::UNICODEMGR, 0}));
  ASSERT_EQ(Process(SecchkAccrdbChain("app", "secret", "IM1A", 3, drda::DdmCharset::kEbcdic)),
            Step::kRoute);
  EXPECT_EQ(flow_.request().charset, drda::DdmCharset::kEbcdic);
}

TEST_F(ClientConnectFlowTest, SecondExcsatIsAnsweredButTheFirstIsPassedOn) {
  Exchange();
  const auto again = BuildChain([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::ExcsatCommand other = ClientExcsat(false);
    other.extnam = "another";
    drda::WriteExcsat(w, 1, other);
  });
  ASSERT_EQ(Process(again), Step::kReply);
  ASSERT_EQ(replies_.size(), 1u);
  EXPECT_EQ(CodePointOf(replies_[0]), cp::EXCSATRD);
  ASSERT_EQ(Process(golden_.requests[1].dsses), Step::kRoute);
  const drda::DdmObject first = FirstObject(golden_.requests[0].dsses[0]);
  EXPECT_EQ(flow_.request().excsat_params, drda::Bytes(first.data.begin(), first.data.end()));
  EXPECT_EQ(flow_.request().charset, drda::DdmCharset::kUtf8);
}

TEST_F(ClientConnectFlowTest, DssesChainedAfterAccrdbArePassedOnUnchanged) {
  Exchange();
  const drda::Bytes wire = BuildBytes([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.BeginGroup();
    drda::WriteAccrdb(w, 2, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
    WriteExecuteImmediate(w, 3, "CREATE TABLE T (ID INTEGER)");
  });
  const auto chain = ParseAll(wire);
  ASSERT_EQ(chain.size(), 4u);
  ASSERT_EQ(Process(chain), Step::kRoute);
  // The bytes of DSSes 3 and 4 as the client sent them.
  const size_t accrdb_end = drda::LoadU16(&wire[0]) + drda::LoadU16(&wire[drda::LoadU16(&wire[0])]);
  EXPECT_EQ(flow_.request().trailing_dsses,
            drda::Bytes(wire.begin() + static_cast<long>(accrdb_end), wire.end()));
  const auto trailing = ParseAll(flow_.request().trailing_dsses);
  EXPECT_EQ(Describe(trailing), "3:EXCSQLIMM 3:SQLSTT");
}

TEST_F(ClientConnectFlowTest, LongDssChainedAfterAccrdbIsPassedOnWithItsContinuations) {
  Exchange();
  // A statement longer than one DSS segment: the writer continues it.
  const std::string sql = "INSERT INTO T VALUES ('" + std::string(40000, 'x') + "')";
  const drda::Bytes wire = BuildBytes([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {3, "IM1A", "app", "secret"}, drda::DdmCharset::kUtf8);
    w.BeginGroup();
    drda::WriteAccrdb(w, 2, ClientAccrdb("IM1A"), drda::DdmCharset::kUtf8);
    WriteExecuteImmediate(w, 3, sql);
  });
  const auto chain = ParseAll(wire);
  ASSERT_EQ(chain.size(), 4u);
  ASSERT_GT(chain[3].payload.size(), drda::kMaxDssSegment);
  ASSERT_EQ(Process(chain), Step::kRoute);
  drda::DssStreamParser parser;
  parser.Append(flow_.request().trailing_dsses);
  std::vector<drda::Dss> trailing;
  for (;;) {
    auto next = parser.Next();
    ASSERT_TRUE(next) << "trailing DSSes cannot be framed: " << next.error().message();
    if (!*next) break;
    trailing.push_back(std::move(**next));
  }
  ASSERT_EQ(trailing.size(), 2u) << Describe(trailing);
  EXPECT_TRUE(parser.at_boundary());
  EXPECT_EQ(trailing[0], chain[2]);
  EXPECT_EQ(trailing[1], chain[3]) << "the long SQLSTT DSS must arrive whole";
}

TEST_F(ClientConnectFlowTest, ReplyFramingErrorWritesSyntaxrm) {
  drda::Bytes reply;
  flow_.ReplyFramingError(drda::make_error_code(drda::errc::too_large), reply);
  const auto dsses = ParseAll(reply);
  ASSERT_EQ(dsses.size(), 1u);
  EXPECT_FALSE(dsses[0].header.chained);
  EXPECT_EQ(CodePointOf(dsses[0]), cp::SYNTAXRM);
  EXPECT_EQ(U16Param(dsses[0], cp::SVRCOD), 8);
  EXPECT_TRUE(ParamsOf(dsses[0]).Has(cp::SYNERRCD));
}

TEST_F(ClientConnectFlowTest, RepliesAreAppendedAfterWhatTheBufferHeld) {
  reply_ = {0xAA, 0xBB};
  ASSERT_EQ(flow_.ProcessChain(golden_.requests[0].dsses, reply_), Step::kReply);
  ASSERT_GT(reply_.size(), 2u);
  EXPECT_EQ(reply_[0], 0xAA);
  EXPECT_EQ(reply_[1], 0xBB);
  EXPECT_EQ(Describe(ParseAll(drda::ByteSpan(reply_).subspan(2))), "1:EXCSATRD 2:ACCSECRD");
}

TEST_F(ClientConnectFlowTest, RouteLeavesWhatTheBufferHeldBeforeInPlace) {
  // "appends the router's replies": bytes the caller had in the buffer are
  // the caller's, also when the step is kRoute.
  Exchange();
  reply_ = {0xAA, 0xBB};
  ASSERT_EQ(flow_.ProcessChain(golden_.requests[1].dsses, reply_), Step::kRoute);
  EXPECT_EQ(reply_, (drda::Bytes{0xAA, 0xBB}));
  EXPECT_EQ(Describe(ParseAll(flow_.request().reply_prefix)), "1:SECCHKRM");
}

// ------------------------------------------------------------ MarkLastDssChained

TEST(MarkLastDssChained, ChainsOnlyTheLastDss) {
  drda::Bytes bytes = BuildBytes([](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchkrm(w, 1, {0, 0});
    w.BeginGroup();
    drda::WriteSecchkrm(w, 2, {0, 0});
  });
  const drda::Bytes before = bytes;
  MarkLastDssChained(bytes);
  const auto dsses = ParseAll(bytes);
  ASSERT_EQ(dsses.size(), 2u);
  EXPECT_TRUE(dsses[0].header.chained);
  EXPECT_TRUE(dsses[1].header.chained);
  EXPECT_FALSE(dsses[1].header.same_correlator);
  // Exactly one byte changed: the second DSS's format byte.
  size_t changed = 0;
  for (size_t i = 0; i < bytes.size(); ++i) changed += bytes[i] != before[i];
  EXPECT_EQ(changed, 1u);
  EXPECT_EQ(bytes[before.size() / 2 + 3], before[before.size() / 2 + 3] | drda::kDssChained);
}

TEST(MarkLastDssChained, EmptyInputStaysEmpty) {
  drda::Bytes bytes;
  MarkLastDssChained(bytes);
  EXPECT_TRUE(bytes.empty());
}

TEST(MarkLastDssChained, LastDssWithContinuationSegments) {
  // DssWriter splits a DSS over 32,767 bytes into continuation segments;
  // the function must chain that DSS's header, not poke into its data.
  const drda::Bytes big_data(50000, 0x00);
  drda::Bytes bytes = BuildBytes([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchkrm(w, 1, {0, 0});
    w.BeginGroup();
    w.ObjectDss(DssType::kObject, 2, cp::QRYDTA, big_data);
  });
  const drda::Bytes before = bytes;
  MarkLastDssChained(bytes);
  drda::DssStreamParser parser;
  parser.Append(bytes);
  std::vector<drda::Dss> dsses;
  for (;;) {
    auto next = parser.Next();
    ASSERT_TRUE(next) << next.error().message();
    if (!*next) break;
    dsses.push_back(std::move(**next));
  }
  ASSERT_EQ(dsses.size(), 2u);
  EXPECT_TRUE(dsses[1].header.chained) << "the last DSS (with continuations) must be chained";
  ASSERT_EQ(CodePointOf(dsses[1]), cp::QRYDTA);
  const drda::DdmObject qrydta = FirstObject(dsses[1]);
  EXPECT_EQ(drda::Bytes(qrydta.data.begin(), qrydta.data.end()), big_data)
      << "its data must not change";
}

}  // namespace
}  // namespace drdaplex::router::testing
