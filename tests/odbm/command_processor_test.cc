// The protocol engine's answers to what requesters get wrong, or right:
// authentication, unknown databases, routing inside the ODBM, malformed
// input, commands out of order, and SQL errors that leave the connection
// usable.
#include <sqlite3.h>

#include "drda/connect.h"
#include "drda/dss_writer.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"
#include "tests/odbm/processor_fixture.h"
#include "tests/odbm/request_chains.h"

namespace drdaplex::odbm::testing {
namespace {

namespace cp = drda::cp;
using drda::DssType;
using namespace chains;

// The data of the first object with `code_point` in a reply.
std::optional<drda::ByteSpan> FirstObject(const std::vector<drda::Dss>& reply, cp::CodePoint code_point) {
  for (const auto& dss : reply) {
    auto objects = drda::ReadObjects(dss.payload);
    if (!objects) continue;
    for (const auto& o : *objects) {
      if (o.code_point == code_point) return o.data;
    }
  }
  return std::nullopt;
}

// The SQLCA that opens the first `code_point` object of a reply: the SQLCA
// of an SQLCARD, or the in-band error row of a QRYDTA.
std::optional<drda::Sqlca> LeadingSqlca(const std::vector<drda::Dss>& reply, cp::CodePoint code_point) {
  auto data = FirstObject(reply, code_point);
  if (!data) return std::nullopt;
  drda::ByteReader in(*data);
  auto sqlca = drda::ReadSqlcaGroup(in);
  if (!sqlca || !*sqlca) return std::nullopt;
  return **sqlca;
}

std::optional<drda::Sqlca> FirstSqlca(const std::vector<drda::Dss>& reply) {
  return LeadingSqlca(reply, cp::SQLCARD);
}

// The text of the first row's first column in a QRYDTA (a VARCHAR).
std::string FirstVarcharValue(const std::vector<drda::Dss>& reply) {
  auto data = FirstObject(reply, cp::QRYDTA);
  if (!data) return {};
  drda::ByteReader in(*data);
  in.GetU8();  // null SQLCA
  in.GetU8();  // SQLDTAGRP indicator
  auto v = drda::DecodeValue(in, {drda::fdoca::Nullable(drda::fdoca::kVarChar), 100});
  return v && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

class CommandProcessorTest : public ProcessorTest {
 protected:
  void Connect(const std::string& rdbnam = "IM1A") {
    Process(ExcsatAccsec(3));
    auto reply = ObjectsOf(Process(SecchkAccrdb("app", "secret", rdbnam)));
    ASSERT_EQ(Describe(reply), "1:SECCHKRM 2:ACCRDBRM 2:PBSD ");
    ASSERT_FALSE(processor_->close_requested());
  }
};

TEST_F(CommandProcessorTest, ConnectFlowAnswersLikeDerby) {
  EXPECT_EQ(Describe(ObjectsOf(Process(ExcsatAccsec(3)))), "1:EXCSATRD 2:ACCSECRD ");
  EXPECT_EQ(Describe(ObjectsOf(Process(SecchkAccrdb("app", "secret", "IO1A;create=true")))),
            "1:SECCHKRM 2:ACCRDBRM 2:PBSD ");
  EXPECT_EQ(processor_->datastore(), "IMS1");
  EXPECT_FALSE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, WrongPasswordGetsSecchkrmAndNothingElse) {
  Process(ExcsatAccsec(3));
  auto reply = Process(SecchkAccrdb("app", "wrong", "IM1A"));
  ASSERT_EQ(Describe(ObjectsOf(reply)), "1:SECCHKRM ");
  auto objects = drda::ReadObjects(reply[0].payload);
  auto params = drda::DdmParams::Parse((*objects)[0].data);
  EXPECT_EQ(**params->U8(cp::SECCHKCD), 0x13);
  EXPECT_EQ(**params->U16(cp::SVRCOD), 8);
  EXPECT_TRUE(processor_->close_requested());
  EXPECT_EQ(processor_->datastore(), "");
}

TEST_F(CommandProcessorTest, UserOnlyIsRefusedUnlessConfigured) {
  Process(ExcsatAccsec(4));
  EXPECT_EQ(Describe(ObjectsOf(Process(SecchkAccrdb("app", std::nullopt, "IM1A", 4)))), "1:SECCHKRM ");
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, UnknownAliasGetsRdbnfnrmNamingIt) {
  Process(ExcsatAccsec(3));
  auto reply = Process(SecchkAccrdb("app", "secret", "NOPE;create=true"));
  EXPECT_EQ(Describe(ObjectsOf(reply)), "1:SECCHKRM 2:RDBNFNRM 2:SQLCARD ");
  auto sqlca = FirstSqlca(reply);
  ASSERT_TRUE(sqlca);
  EXPECT_EQ(sqlca->sqlstate, "08004");
  EXPECT_NE(sqlca->message.find("NOPE"), std::string::npos) << sqlca->message;
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, SharedAliasAlternatesDatastores) {
  std::vector<std::string> served;
  for (int i = 0; i < 4; ++i) {
    processor_ = std::make_unique<CommandProcessor>(context_);
    Connect("IM1A");
    served.push_back(processor_->datastore());
  }
  EXPECT_EQ(served, (std::vector<std::string>{"IMS1", "IMS2", "IMS1", "IMS2"}));
}

TEST_F(CommandProcessorTest, BlankNameSpreadsOverAllDatastores) {
  std::vector<std::string> served;
  for (int i = 0; i < 2; ++i) {
    processor_ = std::make_unique<CommandProcessor>(context_);
    Connect(std::string(18, ' '));
    served.push_back(processor_->datastore());
  }
  EXPECT_EQ(served, (std::vector<std::string>{"IMS1", "IMS2"}));
}

TEST_F(CommandProcessorTest, DatastoreFunctionTellsWhichDatastoreServes) {
  Connect("IO2A");
  auto reply = Process(PrepareAndOpen("VALUES DRDAPLEX_DATASTORE()", 2));
  EXPECT_EQ(Describe(ObjectsOf(reply)), "1:SQLDARD 2:OPNQRYRM 2:QRYDSC 2:QRYDTA ");
  EXPECT_EQ(FirstVarcharValue(reply), "IMS2");
}

TEST_F(CommandProcessorTest, SqlErrorKeepsTheConnectionUsable) {
  Connect();
  auto reply = Process(PrepareAndOpen("SELECT * FROM NO_SUCH_TABLE", 2));
  EXPECT_EQ(Describe(ObjectsOf(reply)), "1:SQLERRRM 1:SQLCARD 2:OPNQFLRM 2:SQLCARD ");
  auto sqlca = FirstSqlca(reply);
  ASSERT_TRUE(sqlca);
  EXPECT_EQ(sqlca->sqlstate, "42X05");
  EXPECT_LT(sqlca->sqlcode, 0);
  EXPECT_FALSE(processor_->close_requested());
  auto ok = Process(ExecuteImmediate("CREATE TABLE T (ID INTEGER)"));
  EXPECT_EQ(Describe(ObjectsOf(ok)), "1:RDBUPDRM 1:SQLCARD ");
  EXPECT_EQ(FirstSqlca(ok)->sqlcode, 0);
}

TEST_F(CommandProcessorTest, DuplicateKeyCarriesConstraintAndTableArguments) {
  Connect();
  Process(ExecuteImmediate("CREATE TABLE T (ID INTEGER PRIMARY KEY)"));
  Process(ExecuteImmediate("INSERT INTO T VALUES (1)"));
  auto sqlca = FirstSqlca(Process(ExecuteImmediate("INSERT INTO T VALUES (1)")));
  ASSERT_TRUE(sqlca);
  EXPECT_EQ(sqlca->sqlstate, "23505");
  // The Derby client builds its exception from these arguments: constraint, table, message id.
  EXPECT_EQ(sqlca->message, "T.ID\x14T\x14" "23505");
}

TEST_F(CommandProcessorTest, SqlBeforeAccrdbGetsRdbnacrm) {
  Process(ExcsatAccsec(3));
  EXPECT_EQ(Describe(ObjectsOf(Process(ExecuteImmediate("SELECT 1")))), "1:RDBNACRM ");
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, MalformedObjectGetsSyntaxrmAndClose) {
  drda::Dss bad;
  bad.header.type = DssType::kRequest;
  bad.header.correlator = 1;
  bad.payload = {0x00, 0x02, 0x10, 0x41};  // LL 2 < 4
  auto reply = Process({bad});
  EXPECT_EQ(Describe(ObjectsOf(reply)), "1:SYNTAXRM ");
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, UnknownCommandGetsCmdnsprm) {
  Connect();
  drda::Dss odd;
  odd.header.type = DssType::kRequest;
  odd.header.correlator = 1;
  odd.payload = {0x00, 0x04, 0x12, 0x34};
  EXPECT_EQ(Describe(ObjectsOf(Process({odd}))), "1:CMDNSPRM ");
  EXPECT_TRUE(processor_->close_requested());
}

TEST_F(CommandProcessorTest, CommittedRowsSurviveAndUncommittedRollBackAtDisconnect) {
  Connect("IO1A");
  Process(ExecuteImmediate("CREATE TABLE T (ID INTEGER)"));
  drda::Bytes commit_bytes;
  {
    drda::DssWriter w(commit_bytes);
    w.BeginGroup();
    w.BeginDss(DssType::kRequest, 1);
    w.BeginObject(cp::RDBCMM);
    w.EndObject();
    w.EndDss();
    w.Finish();
  }
  EXPECT_EQ(Describe(ObjectsOf(Process(Chain(commit_bytes)))), "1:ENDUOWRM 1:SQLCARD ");
  Process(ExecuteImmediate("INSERT INTO T VALUES (1)"));
  processor_.reset();  // the connection drops with the insert uncommitted

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.File("shared.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM T", -1, &stmt, nullptr), SQLITE_OK)
      << "the committed CREATE TABLE must be there";
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 0) << "the uncommitted INSERT must be rolled back";
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

std::optional<drda::Sqlca> QueryBlockSqlca(const std::vector<drda::Dss>& reply) {
  return LeadingSqlca(reply, cp::QRYDTA);
}

TEST_F(CommandProcessorTest, ValuesTooLongForTheirColumnEndTheCursorWith22001) {
  Connect();
  Process(ExecuteImmediate("CREATE TABLE T (A TEXT)"));
  Process(ExecuteImmediate("INSERT INTO T VALUES (printf('%.*c', 40000, 'x'))"));
  auto sqlca = QueryBlockSqlca(Process(PrepareAndOpen("SELECT A FROM T", 2)));
  ASSERT_TRUE(sqlca) << "the row must be replaced by an error SQLCA, not cut";
  EXPECT_EQ(sqlca->sqlstate, "22001");
  EXPECT_LT(sqlca->sqlcode, 0);
}

TEST_F(CommandProcessorTest, IntegersOutOfRangeForTheirColumnEndTheCursorWith22003) {
  Connect();
  Process(ExecuteImmediate("CREATE TABLE T (A INTEGER)"));
  Process(ExecuteImmediate("INSERT INTO T VALUES (5000000000)"));
  auto sqlca = QueryBlockSqlca(Process(PrepareAndOpen("SELECT A FROM T", 2)));
  ASSERT_TRUE(sqlca);
  EXPECT_EQ(sqlca->sqlstate, "22003");
}

TEST_F(CommandProcessorTest, ClobParameterTravelsInExtdta) {
  Connect();
  Process(ExecuteImmediate("CREATE TABLE T (A VARCHAR(40000))"));
  // PRPSQLSTT, then EXCSQLSTT + SQLDTA (a nullable CLOB announced by its
  // 4-byte length) + EXTDTA (null indicator, the bytes, and the status byte
  // a Derby 10.14 client ends it with), as the Derby client sends a long
  // setString.
  const std::string text = std::string(20000, 'a') + "z";
  drda::Bytes out;
  drda::DssWriter w(out);
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(cp::PRPSQLSTT);
  drda::WritePkgnamcsn(w, Section(3));
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, 1);
  drda::WriteStatementText(w, cp::SQLSTT, "INSERT INTO T VALUES (?)");
  w.EndDss();
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 2);
  w.BeginObject(cp::EXCSQLSTT);
  drda::WritePkgnamcsn(w, Section(3));
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, 2);
  w.BeginObject(cp::SQLDTA);
  w.BeginObject(cp::FDODSC);
  drda::WriteParameterDescription(w.body(), {{0xCF, 0x8004}});
  w.EndObject();
  w.BeginObject(cp::FDODTA);
  w.body().PutU8(0x00);  // SQLDTAGRP
  w.body().PutU8(0x00);  // not null
  w.body().PutU32(static_cast<uint32_t>(text.size()));
  w.EndObject();
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, 2);
  w.BeginObject(cp::EXTDTA);
  w.body().PutU8(0x00);
  w.body().PutChars(text);
  w.body().PutU8(0x7F);
  w.EndObject();
  w.EndDss();
  w.Finish();
  auto reply = Process(Chain(out));
  EXPECT_EQ(Describe(ObjectsOf(reply)), "1:SQLCARD 2:SQLCARD ");
  auto sqlca = FirstSqlca(std::vector<drda::Dss>(reply.begin() + 1, reply.end()));
  ASSERT_TRUE(sqlca);
  EXPECT_EQ(sqlca->sqlcode, 0) << sqlca->sqlstate << " " << sqlca->message;
  auto check = Process(PrepareAndOpen(
      "SELECT CAST(LENGTH(A) AS TEXT) || SUBSTR(A, 1, 1) || SUBSTR(A, -1, 1) FROM T", 4));
  EXPECT_EQ(FirstVarcharValue(check), "20001az");
}

}  // namespace
}  // namespace drdaplex::odbm::testing
