// The SQL commands of the requester, as the Derby network client sends them
// (EXCSQLIMM, PRPSQLSTT+SQLATTR+SQLSTT, DSCSQLSTT, EXCSQLSTT+SQLDTA,
// OPNQRY, CNTQRY, CLSQRY), the choice of FD:OCA types for bound parameter
// values, and the readers for the replies every statement kind shares
// (update replies, describe replies). Internal to the client library;
// stateless functions.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "client/sql_error.h"
#include "client/types.h"
#include "client/wire.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"

namespace drdaplex::client::internal {

// The query block size the Derby client asks for.
inline constexpr uint32_t kQueryBlockSize = 32767;
// Longest string or binary parameter: one LONG VARCHAR / LONG VARBINARY.
inline constexpr size_t kMaxParameterBytes = 32767;

// A parameter row as it goes into SQLDTA.
struct ParameterRow {
  std::vector<drda::FieldDesc> fields;
  std::vector<Value> values;
};

// Types come from the values, as the Derby client chooses them from the
// setter: int64 BIGINT (0x17), double DOUBLE (0x0B), string LONG MIXED
// (0x41, length 32767), bytes LONG VARBINARY (0x2B); a null takes the type
// the server described for that parameter. Throws SqlError 22001 for
// strings or bytes over 32,767 bytes.
ParameterRow BuildParameterRow(const std::vector<Value>& values, const std::vector<ColumnInfo>& described);

void AddExecuteImmediate(RequestChain& chain, const drda::PackageSection& pkg, std::string_view sql);
// PRPSQLSTT (RTNSQLDA, extended output SQLDA) + SQLATTR "WITH HOLD " + SQLSTT.
void AddPrepare(RequestChain& chain, const drda::PackageSection& pkg, std::string_view sql);
// DSCSQLSTT for the input (parameter) description.
void AddDescribeInput(RequestChain& chain, const drda::PackageSection& pkg);
void AddExecute(RequestChain& chain, const drda::PackageSection& pkg, const ParameterRow* params);
void AddOpenQuery(RequestChain& chain, const drda::PackageSection& pkg, const ParameterRow* params);
void AddContinueQuery(RequestChain& chain, const drda::PackageSection& pkg, drda::ByteSpan qryinsid);
void AddCloseQuery(RequestChain& chain, const drda::PackageSection& pkg, drda::ByteSpan qryinsid);

// Reply to EXCSQLIMM / EXCSQLSTT: [RDBUPDRM] [SQLERRRM | ABNUOWRM] SQLCARD.
struct UpdateReply {
  std::optional<SqlError> error;
  int64_t update_count = 0;
};
UpdateReply ReadUpdateReply(GroupReader& reply);

// Reply to PRPSQLSTT / DSCSQLSTT: SQLDARD, or [SQLERRRM] SQLCARD.
struct DescribeReply {
  std::optional<SqlError> error;
  std::vector<ColumnInfo> columns;
};
DescribeReply ReadDescribeReply(GroupReader& reply);

std::vector<ColumnInfo> ColumnsFromSqlda(const std::vector<drda::SqldaColumn>& sqlda);
// A column description made from a QRYDSC field when there was no SQLDARD.
ColumnInfo ColumnFromField(const drda::FieldDesc& field);

// "SQLERRRM" and friends: reads [SQLERRRM|ABNUOWRM|OPNQFLRM...] SQLCARD
// at the front of `reply` when present and returns its error.
std::optional<SqlError> ReadSqlcardError(GroupReader& reply);

}  // namespace drdaplex::client::internal
