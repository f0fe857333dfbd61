// The router's sign-on to an ODBM end to end, without sockets: the Derby
// client's connect chains through ClientConnectFlow, BuildOdbmOpening's
// chain through the ODBM's own protocol engine (CommandProcessor with a
// plex key, ROUTERONLY=Y), and the ODBM's reply through OdbmOpeningReader.
// What the client finally gets must have the shape Derby gave it.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "config/pass_ticket.h"
#include "drda/connect.h"
#include "odbm/command_processor.h"
#include "router/server/client_connect_flow.h"
#include "router/server/odbm_opening.h"
#include "tests/odbm/processor_fixture.h"
#include "tests/router/router_test_util.h"

namespace drdaplex::router::testing {
namespace {

using State = OdbmOpeningReader::State;
using std::chrono::system_clock;

class OdbmSignOnTest : public odbm::testing::ProcessorTest {
 protected:
  OdbmSignOnTest()
      : key_(config::PlexKey::Generate()),
        verifier_(key_, "ODBMB1"),
        golden_(LoadCapture("derby-client", "golden")),
        request_(RequestFromCapture("golden")) {
    context_.tickets = &verifier_;
    context_.router_only = true;
  }

  std::string Ticket(const config::PlexKey& key, std::string_view odbm = "ODBMB1",
                     system_clock::time_point when = system_clock::now()) const {
    return config::MakePassTicket(key, request_.user, odbm, when);
  }

  // Sends the opening to `processor` and returns the ODBM's reply bytes.
  drda::Bytes RunOpening(odbm::CommandProcessor& processor, const ConnectRequest& request,
                         std::string_view datastore, std::string_view ticket) {
    const drda::Bytes opening = BuildOdbmOpening(request, datastore, ticket);
    auto chains = odbm::testing::SplitChains(opening);
    EXPECT_EQ(chains.size(), 1u) << "the opening must be one chain";
    drda::Bytes reply;
    if (chains.size() == 1) processor.ProcessChain(chains[0], reply);
    return reply;
  }

  drda::Bytes RunOpening(std::string_view ticket) {
    return RunOpening(*processor_, request_, "IMS1", ticket);
  }

  config::PlexKey key_;
  config::PassTicketVerifier verifier_;
  Capture golden_;
  ConnectRequest request_;
};

TEST_F(OdbmSignOnTest, TicketIsAcceptedAndTheClientGetsDerbysReplyShape) {
  const drda::Bytes reply = RunOpening(Ticket(key_));
  OdbmOpeningReader reader(request_.accrdb_correlator);
  ASSERT_EQ(reader.Feed(reply), State::kAccepted) << reader.reason();
  EXPECT_EQ(processor_->user(), "app");
  EXPECT_EQ(processor_->datastore(), "IMS1");
  EXPECT_FALSE(processor_->close_requested());

  const auto client = ParseAll(reader.client_bytes());
  ASSERT_EQ(client.size(), 2u) << Describe(client);
  EXPECT_EQ(client[0].header.correlator, request_.accrdb_correlator);
  ASSERT_EQ(CodePointOf(client[0]), cp::ACCRDBRM);
  auto accrdbrm = drda::ParseAccrdbrm(FirstObject(client[0]).data, request_.charset);
  ASSERT_TRUE(accrdbrm) << accrdbrm.error().message();
  EXPECT_EQ(accrdbrm->svrcod, 0);
  EXPECT_EQ(CodePointOf(client[1]), cp::PBSD);
  EXPECT_EQ(client[1].header.correlator, request_.accrdb_correlator);

  // The router's SECCHKRM in front: the chain Derby answered with.
  drda::Bytes to_client = request_.reply_prefix;
  to_client.insert(to_client.end(), reader.client_bytes().begin(), reader.client_bytes().end());
  const auto chain = ParseAll(to_client);
  ASSERT_GE(golden_.replies.size(), 2u);
  EXPECT_EQ(Describe(chain), Describe(golden_.replies[1].dsses));
  ExpectWellChained(chain, "SECCHKRM + the ODBM's ACCRDB reply");
}

TEST_F(OdbmSignOnTest, TheSessionIsUsableAfterwards) {
  OdbmOpeningReader reader(request_.accrdb_correlator);
  ASSERT_EQ(reader.Feed(RunOpening(Ticket(key_))), State::kAccepted) << reader.reason();
  // The Derby client's next chain (EXCSQLIMM DROP TABLE) gets Derby's shape.
  ASSERT_GE(golden_.requests.size(), 3u);
  drda::Bytes reply;
  processor_->ProcessChain(golden_.requests[2].dsses, reply);
  EXPECT_EQ(Describe(ParseAll(reply)), Describe(golden_.replies[2].dsses));
}

TEST_F(OdbmSignOnTest, ReplyFedByteByByte) {
  const drda::Bytes reply = RunOpening(Ticket(key_));
  const size_t router_end = EndOfDsses(reply, 3);
  ASSERT_GT(router_end, 0u);
  OdbmOpeningReader reader(request_.accrdb_correlator);
  size_t i = 0;
  for (; i < reply.size(); ++i) {
    const State s = reader.Feed(drda::ByteSpan(&reply[i], 1));
    if (s == State::kNeedMore) continue;
    ASSERT_EQ(s, State::kAccepted) << reader.reason();
    break;
  }
  EXPECT_EQ(i + 1, reply.size()) << "accepted exactly with the ACCRDB reply's last byte";
  EXPECT_EQ(Describe(ParseAll(reader.client_bytes())), "2:ACCRDBRM 2:PBSD");
}

TEST_F(OdbmSignOnTest, TicketOfAnotherKeyIsRefused) {
  OdbmOpeningReader reader(request_.accrdb_correlator);
  EXPECT_EQ(reader.Feed(RunOpening(Ticket(config::PlexKey::Generate()))), State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKCD 0x13"), std::string::npos) << reader.reason();
  EXPECT_TRUE(reader.client_bytes().empty());
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(OdbmSignOnTest, TicketForAnotherOdbmIsRefused) {
  OdbmOpeningReader reader(request_.accrdb_correlator);
  EXPECT_EQ(reader.Feed(RunOpening(Ticket(key_, "ODBMB2"))), State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKCD"), std::string::npos) << reader.reason();
}

TEST_F(OdbmSignOnTest, ExpiredTicketIsRefused) {
  OdbmOpeningReader reader(request_.accrdb_correlator);
  EXPECT_EQ(
      reader.Feed(RunOpening(Ticket(key_, "ODBMB1", system_clock::now() - std::chrono::hours(1)))),
      State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKCD"), std::string::npos) << reader.reason();
}

TEST_F(OdbmSignOnTest, ReplayedTicketIsRefused) {
  const std::string ticket = Ticket(key_);
  OdbmOpeningReader first(request_.accrdb_correlator);
  ASSERT_EQ(first.Feed(RunOpening(ticket)), State::kAccepted) << first.reason();
  // Another connection to the same ODBM with the same ticket.
  odbm::CommandProcessor second_connection(context_);
  OdbmOpeningReader second(request_.accrdb_correlator);
  EXPECT_EQ(second.Feed(RunOpening(second_connection, request_, "IMS1", ticket)), State::kRefused);
  EXPECT_NE(second.reason().find("SECCHKCD 0x13"), std::string::npos) << second.reason();
}

TEST_F(OdbmSignOnTest, RouterOnlyOdbmRefusesThePlainPassword) {
  ASSERT_EQ(request_.password, std::optional<std::string>("secret"));
  OdbmOpeningReader reader(request_.accrdb_correlator);
  EXPECT_EQ(reader.Feed(RunOpening("")), State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKCD 0x13"), std::string::npos) << reader.reason();
}

TEST_F(OdbmSignOnTest, OdbmWithoutPlexKeyTakesTheClientsPassword) {
  context_.tickets = nullptr;
  context_.router_only = false;
  OdbmOpeningReader reader(request_.accrdb_correlator);
  ASSERT_EQ(reader.Feed(RunOpening("")), State::kAccepted) << reader.reason();
  EXPECT_EQ(Describe(ParseAll(reader.client_bytes())), "2:ACCRDBRM 2:PBSD");
}

TEST_F(OdbmSignOnTest, OdbmWithoutPlexKeyChecksThePasswordAgain) {
  context_.tickets = nullptr;
  context_.router_only = false;
  ConnectRequest request = request_;
  request.password = "not-the-odbms-password";
  OdbmOpeningReader reader(request_.accrdb_correlator);
  EXPECT_EQ(reader.Feed(RunOpening(*processor_, request, "IMS1", "")), State::kRefused);
  EXPECT_NE(reader.reason().find("SECCHKCD 0x13"), std::string::npos) << reader.reason();
}

TEST_F(OdbmSignOnTest, EbcdicSessionSignsOnToo) {
  // A requester without UNICODEMGR: user, ticket and RDBNAM stay EBCDIC on
  // both legs.
  config::UserRegistry users({config::UserConfig{"app", config::HashPassword("secret"), false}});
  ClientConnectFlow flow(users, "HWS1");
  drda::Bytes ignored;
  ASSERT_EQ(flow.ProcessChain(ExcsatAccsecChain(3, /*unicode=*/false), ignored),
            ClientConnectFlow::Step::kReply);
  ignored.clear();
  ASSERT_EQ(flow.ProcessChain(
                SecchkAccrdbChain("app", "secret", "IM1A", 3, drda::DdmCharset::kEbcdic), ignored),
            ClientConnectFlow::Step::kRoute);
  ASSERT_EQ(flow.request().charset, drda::DdmCharset::kEbcdic);
  OdbmOpeningReader reader(request_.accrdb_correlator);
  ASSERT_EQ(reader.Feed(RunOpening(*processor_, flow.request(), "IMS2", Ticket(key_))),
            State::kAccepted)
      << reader.reason();
  EXPECT_EQ(processor_->user(), "app");
  EXPECT_EQ(processor_->datastore(), "IMS2");
  EXPECT_EQ(Describe(ParseAll(reader.client_bytes())), "2:ACCRDBRM 2:PBSD");
}

TEST_F(OdbmSignOnTest, UnknownDatastoreReachesTheClientAsRdbnfnrm) {
  // The sign-on itself succeeds; the ACCRDB's failure is the client's reply.
  OdbmOpeningReader reader(request_.accrdb_correlator);
  ASSERT_EQ(reader.Feed(RunOpening(*processor_, request_, "NOSUCHDS", Ticket(key_))),
            State::kAccepted)
      << reader.reason();
  const auto client = ParseAll(reader.client_bytes());
  ASSERT_FALSE(client.empty());
  EXPECT_EQ(CodePointOf(client[0]), cp::RDBNFNRM) << Describe(client);
  for (const auto& dss : client) EXPECT_EQ(dss.header.correlator, request_.accrdb_correlator);
  EXPECT_EQ(CodePointOf(client.back()), cp::SQLCARD) << Describe(client);
}

}  // namespace
}  // namespace drdaplex::router::testing
