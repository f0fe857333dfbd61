// The requester's DRDA message layer, below the SQL API and above the
// socket: building a request chain (one DSS group per command, correlators
// 1..n, chaining bits set by drda::DssWriter), checking a reply chain DSS by
// DSS the way the Derby client does (correlators, chaining, DSS types,
// bounded size), and small readers for reply messages, SQLCARDs and the
// objects of one command's reply group.
//
// Internal to the client library. Reply objects own their bytes; nothing
// here is shared between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/sql_error.h"
#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/limits.h"
#include "drda/sqlca.h"

namespace drdaplex::client::internal {

// An SqlError after which the connection cannot be used any more: I/O
// failures and timeouts, replies that break the protocol, and DDM error
// reply messages (the Derby client drops the connection on those too).
class ConnectionFailure : public SqlError {
 public:
  using SqlError::SqlError;
};

// Throws ConnectionFailure 58009 "DRDA protocol error: <what>".
[[noreturn]] void ProtocolError(const std::string& what);

// One request chain, sent with a single write. Every command opens a new
// DSS group and takes the next correlator; its objects (SQLSTT, SQLDTA...)
// are written in the same group and so share the correlator.
class RequestChain {
 public:
  RequestChain() : writer_(bytes_) {}
  RequestChain(const RequestChain&) = delete;
  RequestChain& operator=(const RequestChain&) = delete;

  // Starts the next command; returns its correlator.
  uint16_t NextCommand() {
    writer_.BeginGroup();
    return ++commands_;
  }
  drda::DssWriter& writer() { return writer_; }
  uint16_t commands() const { return commands_; }
  // Fixes the chaining bits; the chain is complete afterwards.
  const drda::Bytes& Finish() {
    writer_.Finish();
    return bytes_;
  }

 private:
  drda::Bytes bytes_;
  drda::DssWriter writer_;
  uint16_t commands_ = 0;
};

// One top-level DDM object of a reply.
struct ReplyObject {
  drda::cp::CodePoint code_point = 0;
  drda::DssType dss_type = drda::DssType::kReply;
  drda::Bytes data;
};

// The replies to one command: every object of the DSSes carrying its
// correlator, in order.
struct ReplyGroup {
  uint16_t correlator = 0;
  std::vector<ReplyObject> objects;
};

// Assembles a reply chain from DSSes as they are parsed, enforcing what the
// Derby client enforces: reply DSS types only (RPYDSS, OBJDSS, encrypted
// OBJDSS); the first correlator is 1; after a DSS marked "same correlator"
// the next has the same one, otherwise the next is one higher; 0xFFFF is
// accepted anywhere; no correlator beyond the last command; the chain ends
// with an unchained DSS. Also bounds the chain's total size.
class ReplyChainAssembler {
 public:
  ReplyChainAssembler(uint16_t commands, const drda::Limits& limits)
      : commands_(commands), limits_(limits) {}

  // Adds the next DSS; returns true when it completed the chain. Throws
  // ConnectionFailure on a violation.
  bool Add(const drda::Dss& dss);
  std::vector<ReplyGroup> Take() { return std::move(groups_); }

 private:
  uint16_t commands_;
  drda::Limits limits_;
  std::vector<ReplyGroup> groups_;
  std::optional<drda::DssHeader> previous_;
  size_t bytes_ = 0;
  size_t dsses_ = 0;
};

// Walks the objects of one reply group. Derby's private PBSD objects
// (session data) are skipped wherever they appear; TYPDEFNAM objects switch
// the byte order for the objects after them, as DRDA allows.
class GroupReader {
 public:
  GroupReader(const ReplyGroup& group, drda::ByteOrder order, std::string context);

  // The next object, or nullptr at the end of the group.
  const ReplyObject* Peek();
  bool NextIs(drda::cp::CodePoint code_point) {
    const ReplyObject* o = Peek();
    return o != nullptr && o->code_point == code_point;
  }
  // Consumes the next object if it is `code_point`.
  const ReplyObject* TakeIf(drda::cp::CodePoint code_point);
  // Consumes the next object, which must be `code_point`; otherwise throws
  // (the fatal error an error reply message describes, or 58009).
  const ReplyObject& Take(drda::cp::CodePoint code_point);
  // Throws unless every object has been consumed.
  void ExpectEnd();
  // Throws for the object at the front, which the caller did not expect.
  [[noreturn]] void Unexpected();

  drda::ByteOrder order() const { return order_; }
  const std::string& context() const { return context_; }

 private:
  const ReplyGroup& group_;
  size_t next_ = 0;
  drda::ByteOrder order_;
  std::string context_;
};

// Parses a reply message's parameters and checks them as the Derby client
// does: SVRCOD present, one of the defined severities and within the range
// allowed for that message (ENDUOWRM exactly 4, RDBUPDRM 0, SQLERRRM and
// OPNQFLRM 8, ACCRDBRM 0..4...), and the message's required parameters
// present (QRYINSID in OPNQRYRM, RDBNAM in OPNQFLRM...).
drda::DdmParams ParseReplyMessage(const ReplyObject& rm);

// When `object` is a DDM error reply message (SYNTAXRM, PRCCNVRM, CMDNSPRM,
// VALNSPRM, OBJNSPRM, PRMNSPRM, CMDCHKRM, AGNPRMRM, MGRLVLRM, RDBNACRM...),
// throws the ConnectionFailure it stands for; otherwise returns.
void ThrowIfFatalReplyMessage(const ReplyObject& object);

// Parses an SQLCARD; std::nullopt for the null SQLCA (success).
std::optional<drda::Sqlca> ParseSqlcard(const ReplyObject& sqlcard, drda::ByteOrder order);

// The message of an SQLCA: SQLERRMC tokens (separated by 0x14) joined with
// spaces, trimmed.
std::string SqlcaMessage(const drda::Sqlca& sqlca);

// The SqlError an SQLCA with a negative SQLCODE stands for.
SqlError SqlErrorFromSqlca(const drda::Sqlca& sqlca);

// Name of a code point for messages: "SQLCARD (0x2408)".
std::string CodePointName(drda::cp::CodePoint code_point);

}  // namespace drdaplex::client::internal
