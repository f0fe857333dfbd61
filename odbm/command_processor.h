// The DRDA application server of one connection: takes each request chain a
// requester sends and produces the reply chain, driving the connect flow
// (EXCSAT, ACCSEC, SECCHK, ACCRDB) and the SQL commands against the
// connection's SQLite database. No I/O happens here: bytes in, bytes out,
// so the whole protocol is testable without sockets. Not thread-safe: one
// per connection, used from that connection's strand.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/pass_ticket.h"
#include "config/user_registry.h"
#include "drda/bytes.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/limits.h"
#include "drda/sql_commands.h"
#include "odbm/datastore_directory.h"
#include "odbm/prepared_statement.h"
#include "odbm/sqlite_database.h"
#include "odbm/write_gate.h"

namespace drdaplex::odbm {

// What every connection of one ODBM process shares; must outlive them.
struct OdbmContext {
  DatastoreDirectory* directory = nullptr;
  const config::UserRegistry* users = nullptr;
  drda::Limits limits;
  int busy_timeout_ms = 5000;
  // Pass tickets from the plex's routers (config/pass_ticket.h); null when
  // the ODBM has no plex key.
  config::PassTicketVerifier* tickets = nullptr;
  // ROUTERONLY=Y: sign-on only with a router's pass ticket, so no client
  // can bypass the routers.
  bool router_only = false;
  // The write gates of the process's database files (odbm/write_gate.h);
  // the Server sets them, as it can park a session. Null: no gate, writers
  // meet only in SQLite's busy handler.
  WriteGates* write_gates = nullptr;
};

class CommandProcessor {
 public:
  explicit CommandProcessor(OdbmContext& context) : context_(context) {}
  // Rolls back what was not committed, then gives the write gate up.
  ~CommandProcessor();
  CommandProcessor(const CommandProcessor&) = delete;
  CommandProcessor& operator=(const CommandProcessor&) = delete;

  // Processes one complete request chain (the last DSS unchained) and
  // appends the reply chain to `reply`. Returns true when the reply is
  // complete. False: the chain stopped before a command that will write
  // while another connection holds the database file's write gate; the
  // caller waits for the gate (write_gate()->Acquire, without holding its
  // thread) and calls ResumeChain with the outcome, keeping `chain` and
  // `reply` alive until the reply is complete. Only with context.write_gates.
  bool ProcessChain(const std::vector<drda::Dss>& chain, drda::Bytes& reply);
  // Goes on with a stopped chain: `granted` says whether the caller now
  // holds the gate; if not (the wait timed out), the waiting command is
  // answered with 40XL1, as a lock wait that timed out. Same return value.
  bool ResumeChain(bool granted);

  // The write gate of the connection's database file (null before ACCRDB
  // or without gates), and whether this connection holds it.
  const std::shared_ptr<WriteGate>& write_gate() const { return gate_; }
  bool holds_write_gate() const { return gate_held_; }

  // Appends the reply for a chain the transport could not even frame.
  void ReplyFramingError(boost::system::error_code error, drda::Bytes& reply);

  // After the last reply: the connection must be closed (security failure,
  // unknown database, protocol error).
  bool close_requested() const { return close_requested_; }

  // Which datastore serves the connection ("" before ACCRDB).
  std::string datastore() const;
  const std::string& user() const { return user_; }

 private:
  struct Command {
    drda::cp::CodePoint code_point = 0;
    uint16_t correlator = 0;
    drda::ByteSpan data;  // the command's parameters, undecoded
    drda::DdmParams params;
    std::vector<drda::DdmObject> objects;  // command data objects (SQLSTT, SQLDTA...)

    const drda::DdmObject* Object(drda::cp::CodePoint cp) const;
  };

  enum class Phase { kNew, kExchanged, kSecurityAccepted, kAuthenticated, kConnected };

  // Connect flow.
  void Excsat(const Command& c);
  void Accsec(const Command& c);
  void Secchk(const Command& c);
  void Accrdb(const Command& c);
  drda::SecurityCheckCode CheckSignOn(const drda::SecchkCommand& secchk) const;

  // SQL commands.
  void Prpsqlstt(const Command& c);
  void Dscsqlstt(const Command& c);
  void Excsqlimm(const Command& c);
  void Excsqlstt(const Command& c);
  void Excsqlset(const Command& c);
  void Opnqry(const Command& c);
  void Cntqry(const Command& c);
  void Clsqry(const Command& c);
  void Rdbcmm(const Command& c);
  void Rdbrllbck(const Command& c);

  // Replies.
  void WriteSqlcard(uint16_t correlator, const drda::Sqlca* sqlca);
  void WriteSqlError(uint16_t correlator, const SqlError& error);
  void WriteSuccessCard(uint16_t correlator, int64_t update_count = 0);
  void WriteSqldard(uint16_t correlator, const std::vector<drda::SqldaColumn>& columns);
  void WriteRdbReplyMessage(uint16_t correlator, drda::cp::CodePoint code_point, drda::Severity svrcod);
  void WriteProtocolError(uint16_t correlator, drda::cp::CodePoint rm, drda::cp::CodePoint param,
                          uint16_t value, drda::cp::CodePoint code_point = 0);
  void WriteUpdateNotice(uint16_t correlator, bool changed);
  void WriteUnitOfWorkEnded(uint16_t correlator, uint8_t disposition);
  void WriteQueryBlocks(uint16_t correlator, PreparedStatement& st);
  void WriteSqlcaMessageReply(uint16_t correlator, const Command& c);

  // Runs the chain's commands from next_command_ on; false when one must
  // wait for the write gate.
  bool RunCommands();
  void Dispatch(const Command& c);
  // Whether the command is about to write (EXCSQLIMM of SQL, EXCSQLSTT or
  // OPNQRY of a statement SQLite says is not read-only) while this
  // connection lacks the gate.
  bool NeedsWriteGate(const Command& c);
  // Gives the gate up once the connection holds no write transaction any
  // more (commit, rollback, or a statement that wrote nothing).
  void ReleaseWriteGateIfDone();

  // Helpers.
  bool RequireConnected(const Command& c);
  PreparedStatement* FindStatement(const Command& c, drda::PackageSection* section_out);
  // The statement a command addresses, or nullptr after replying with the
  // SQLCARD that says why there is none (never prepared, or failed).
  PreparedStatement* PreparedOrReport(const Command& c);
  std::optional<SqlError> BindParameters(PreparedStatement& st, const Command& c);
  // Moves the bytes of LOB parameters from the command's EXTDTA objects
  // into `data`.
  std::optional<SqlError> FillExternalValues(drda::ParameterData& data, const Command& c);
  std::optional<SqlError> ExecuteToCompletion(PreparedStatement& st, int64_t* update_count, bool* changed);
  std::optional<SqlError> OpenCursor(PreparedStatement& st, const Command& c);
  void CloseCursor(PreparedStatement& st);
  void CloseAllCursors();
  std::string rdbnam_for_reply() const { return rdbnam_; }
  drda::DdmCharset charset() const { return charset_; }

  OdbmContext& context_;
  drda::Bytes* reply_ = nullptr;
  std::unique_ptr<drda::DssWriter> writer_;
  Phase phase_ = Phase::kNew;
  bool skip_rest_of_chain_ = false;
  bool close_requested_ = false;
  bool unicode_ = false;
  drda::DdmCharset charset_ = drda::DdmCharset::kEbcdic;
  uint16_t secmec_ = 0;
  std::string user_;
  std::string rdbnam_;
  drda::ByteOrder client_order_ = drda::ByteOrder::kBig;
  // Whether the requester ends each EXTDTA it sends with a status byte
  // (Derby clients since 10.6, known from their PRDID).
  bool extdta_status_byte_ = false;
  const DatastoreInfo* datastore_ = nullptr;
  std::unique_ptr<SqliteDatabase> db_;
  std::map<std::string, PreparedStatement> statements_;
  uint64_t next_query_instance_ = 0;
  bool uow_updated_ = false;
  // The chain being processed, kept across a wait for the write gate.
  std::vector<Command> commands_;
  size_t next_command_ = 0;
  std::shared_ptr<WriteGate> gate_;
  bool gate_held_ = false;
  // Set while a command runs whose wait for the gate timed out: the
  // command's write fails with it instead of reaching SQLite.
  std::optional<SqlError> gate_error_;
};

}  // namespace drdaplex::odbm
