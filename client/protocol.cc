#include "client/protocol.h"

namespace drdaplex::client::internal {
namespace {

namespace cp = drda::cp;
namespace fdoca = drda::fdoca;

// TYPSQLDA: 4 = extended output description, 5 = extended input description.
constexpr uint8_t kExtendedOutputSqlda = 4;
constexpr uint8_t kExtendedInputSqlda = 5;
constexpr uint8_t kCloseImplicitly = 1;  // QRYCLSIMP: close at end of data
constexpr std::string_view kCursorAttributes = "WITH HOLD ";

void BeginCommand(RequestChain& chain, cp::CodePoint command, const drda::PackageSection& pkg,
                  uint16_t* correlator) {
  *correlator = chain.NextCommand();
  drda::DssWriter& w = chain.writer();
  w.BeginDss(drda::DssType::kRequest, *correlator);
  w.BeginObject(command);
  drda::WritePkgnamcsn(w, pkg);
}

void EndCommand(RequestChain& chain) {
  chain.writer().EndObject();
  chain.writer().EndDss();
}

void AddParameters(RequestChain& chain, uint16_t correlator, const ParameterRow* params) {
  if (params == nullptr || params->fields.empty()) return;
  drda::DssWriter& w = chain.writer();
  w.BeginDss(drda::DssType::kObject, correlator);
  drda::WriteSqldta(w, params->fields, params->values);
  w.EndDss();
}

void AddStatementText(RequestChain& chain, uint16_t correlator, cp::CodePoint code_point, std::string_view text) {
  drda::DssWriter& w = chain.writer();
  w.BeginDss(drda::DssType::kObject, correlator);
  drda::WriteStatementText(w, code_point, text);
  w.EndDss();
}

// The FD:OCA type to send a null as, from the server's description.
drda::FieldDesc FieldForNull(const ColumnInfo* described) {
  constexpr uint16_t kLong = kMaxParameterBytes;
  if (described == nullptr) return {fdoca::Nullable(fdoca::kVarMix), kLong};
  switch (described->sqltype) {
    case drda::sqltype::kInteger: return {fdoca::Nullable(fdoca::kInteger), 4};
    case drda::sqltype::kSmallint: return {fdoca::Nullable(fdoca::kSmallint), 2};
    case drda::sqltype::kBigint: return {fdoca::Nullable(fdoca::kBigint), 8};
    case drda::sqltype::kFloat:
      return described->length == 4 ? drda::FieldDesc{fdoca::Nullable(fdoca::kFloat4), 4}
                                    : drda::FieldDesc{fdoca::Nullable(fdoca::kFloat8), 8};
    case drda::sqltype::kDecimal: {
      const int p = described->precision > 0 ? described->precision : 31;
      return {fdoca::Nullable(fdoca::kDecimal), static_cast<uint16_t>(p << 8 | (described->scale & 0xFF))};
    }
    case drda::sqltype::kDate: return {fdoca::Nullable(fdoca::kDate), 10};
    case drda::sqltype::kTime: return {fdoca::Nullable(fdoca::kTime), 8};
    case drda::sqltype::kTimestamp: return {fdoca::Nullable(fdoca::kTimestamp), 29};
    case drda::sqltype::kBoolean: return {fdoca::Nullable(fdoca::kBoolean), 1};
    case drda::sqltype::kBlob: return {fdoca::Nullable(fdoca::kVarBytes), kLong};
    case drda::sqltype::kVarchar:
    case drda::sqltype::kChar:
    case drda::sqltype::kLongVarchar:
      if (described->ccsid == 0) return {fdoca::Nullable(fdoca::kVarBytes), kLong};
      return {fdoca::Nullable(fdoca::kVarMix), kLong};
    default: return {fdoca::Nullable(fdoca::kVarMix), kLong};
  }
}

}  // namespace

ParameterRow BuildParameterRow(const std::vector<Value>& values, const std::vector<ColumnInfo>& described) {
  ParameterRow row;
  row.fields.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const Value& v = values[i];
    drda::FieldDesc f;
    if (std::holds_alternative<int64_t>(v)) {
      f = {fdoca::Nullable(fdoca::kBigint), 8};
    } else if (std::holds_alternative<double>(v)) {
      f = {fdoca::Nullable(fdoca::kFloat8), 8};
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      if (s->size() > kMaxParameterBytes) {
        throw SqlError("22001", "string parameter " + std::to_string(i + 1) + " is " + std::to_string(s->size()) +
                                    " bytes; at most " + std::to_string(kMaxParameterBytes) + " are supported");
      }
      f = {fdoca::Nullable(fdoca::kLongMix), kMaxParameterBytes};
    } else if (const auto* b = std::get_if<drda::Bytes>(&v)) {
      if (b->size() > kMaxParameterBytes) {
        throw SqlError("22001", "binary parameter " + std::to_string(i + 1) + " is " + std::to_string(b->size()) +
                                    " bytes; at most " + std::to_string(kMaxParameterBytes) + " are supported");
      }
      f = {fdoca::Nullable(fdoca::kLongVarBytes), kMaxParameterBytes};
    } else {
      f = FieldForNull(i < described.size() ? &described[i] : nullptr);
    }
    row.fields.push_back(f);
  }
  row.values = values;
  return row;
}

void AddExecuteImmediate(RequestChain& chain, const drda::PackageSection& pkg, std::string_view sql) {
  uint16_t corr;
  BeginCommand(chain, cp::EXCSQLIMM, pkg, &corr);
  chain.writer().ParamU8(cp::RDBCMTOK, drda::kTrue);
  EndCommand(chain);
  AddStatementText(chain, corr, cp::SQLSTT, sql);
}

void AddPrepare(RequestChain& chain, const drda::PackageSection& pkg, std::string_view sql) {
  uint16_t corr;
  BeginCommand(chain, cp::PRPSQLSTT, pkg, &corr);
  chain.writer().ParamU8(cp::RTNSQLDA, drda::kTrue);
  chain.writer().ParamU8(cp::TYPSQLDA, kExtendedOutputSqlda);
  EndCommand(chain);
  AddStatementText(chain, corr, cp::SQLATTR, kCursorAttributes);
  AddStatementText(chain, corr, cp::SQLSTT, sql);
}

void AddDescribeInput(RequestChain& chain, const drda::PackageSection& pkg) {
  uint16_t corr;
  BeginCommand(chain, cp::DSCSQLSTT, pkg, &corr);
  chain.writer().ParamU8(cp::TYPSQLDA, kExtendedInputSqlda);
  EndCommand(chain);
}

void AddExecute(RequestChain& chain, const drda::PackageSection& pkg, const ParameterRow* params) {
  uint16_t corr;
  BeginCommand(chain, cp::EXCSQLSTT, pkg, &corr);
  chain.writer().ParamU8(cp::RDBCMTOK, drda::kTrue);
  EndCommand(chain);
  AddParameters(chain, corr, params);
}

void AddOpenQuery(RequestChain& chain, const drda::PackageSection& pkg, const ParameterRow* params) {
  uint16_t corr;
  BeginCommand(chain, cp::OPNQRY, pkg, &corr);
  chain.writer().ParamU32(cp::QRYBLKSZ, kQueryBlockSize);
  chain.writer().ParamU8(cp::QRYCLSIMP, kCloseImplicitly);
  EndCommand(chain);
  AddParameters(chain, corr, params);
}

void AddContinueQuery(RequestChain& chain, const drda::PackageSection& pkg, drda::ByteSpan qryinsid) {
  uint16_t corr;
  BeginCommand(chain, cp::CNTQRY, pkg, &corr);
  chain.writer().ParamU32(cp::QRYBLKSZ, kQueryBlockSize);
  chain.writer().Param(cp::QRYINSID, qryinsid);
  EndCommand(chain);
}

void AddCloseQuery(RequestChain& chain, const drda::PackageSection& pkg, drda::ByteSpan qryinsid) {
  uint16_t corr;
  BeginCommand(chain, cp::CLSQRY, pkg, &corr);
  chain.writer().Param(cp::QRYINSID, qryinsid);
  EndCommand(chain);
}

std::optional<SqlError> ReadSqlcardError(GroupReader& reply) {
  bool rolled_back = false;
  if (const ReplyObject* rm = reply.TakeIf(cp::SQLERRRM)) {
    ParseReplyMessage(*rm);
  } else if (const ReplyObject* abn = reply.TakeIf(cp::ABNUOWRM)) {
    ParseReplyMessage(*abn);
    rolled_back = true;
  }
  auto sqlca = ParseSqlcard(reply.Take(cp::SQLCARD), reply.order());
  if (sqlca && sqlca->is_error()) return SqlErrorFromSqlca(*sqlca);
  if (rolled_back) return SqlError("40000", "the server ended the unit of work abnormally (ABNUOWRM)");
  return std::nullopt;
}

UpdateReply ReadUpdateReply(GroupReader& reply) {
  UpdateReply out;
  if (const ReplyObject* rm = reply.TakeIf(cp::RDBUPDRM)) ParseReplyMessage(*rm);
  bool error_rm = false;
  if (const ReplyObject* rm = reply.TakeIf(cp::SQLERRRM)) {
    ParseReplyMessage(*rm);
    error_rm = true;
  } else if (const ReplyObject* abn = reply.TakeIf(cp::ABNUOWRM)) {
    ParseReplyMessage(*abn);
    error_rm = true;
  }
  auto sqlca = ParseSqlcard(reply.Take(cp::SQLCARD), reply.order());
  reply.ExpectEnd();
  if (sqlca && sqlca->is_error()) {
    out.error = SqlErrorFromSqlca(*sqlca);
  } else if (error_rm) {
    out.error = SqlError("58009", "the server reported an error without an SQLCA error");
  } else if (sqlca) {
    out.update_count = sqlca->update_count();
  }
  return out;
}

DescribeReply ReadDescribeReply(GroupReader& reply) {
  DescribeReply out;
  if (const ReplyObject* sqldard = reply.TakeIf(cp::SQLDARD)) {
    drda::ByteReader in(sqldard->data, reply.order());
    auto d = drda::ReadSqldard(in);
    if (!d || !in.ok()) ProtocolError("malformed SQLDARD in the reply to " + reply.context());
    if (!in.empty()) ProtocolError("SQLDARD has trailing bytes in the reply to " + reply.context());
    if (d->sqlca && d->sqlca->is_error()) {
      out.error = SqlErrorFromSqlca(*d->sqlca);
    } else {
      out.columns = ColumnsFromSqlda(d->columns);
    }
  } else {
    out.error = ReadSqlcardError(reply);
  }
  reply.ExpectEnd();
  return out;
}

std::vector<ColumnInfo> ColumnsFromSqlda(const std::vector<drda::SqldaColumn>& sqlda) {
  std::vector<ColumnInfo> out;
  out.reserve(sqlda.size());
  for (const drda::SqldaColumn& c : sqlda) {
    ColumnInfo info;
    info.name = !c.name.empty() ? c.name : c.label;
    info.sqltype = static_cast<int16_t>(c.sqltype & ~1);
    info.nullable = (c.sqltype & 1) != 0;
    info.length = c.length;
    info.precision = c.precision;
    info.scale = c.scale;
    info.ccsid = c.ccsid;
    info.table = c.base_table;
    info.schema = c.schema;
    out.push_back(std::move(info));
  }
  return out;
}

ColumnInfo ColumnFromField(const drda::FieldDesc& field) {
  ColumnInfo c;
  c.nullable = field.nullable();
  c.length = field.length;
  c.ccsid = 1208;
  switch (field.base()) {
    case fdoca::kInteger: c.sqltype = drda::sqltype::kInteger; c.precision = 10; break;
    case fdoca::kSmallint: c.sqltype = drda::sqltype::kSmallint; c.precision = 5; break;
    case fdoca::kBigint: c.sqltype = drda::sqltype::kBigint; c.precision = 19; break;
    case fdoca::kFloat8: c.sqltype = drda::sqltype::kFloat; c.precision = 15; break;
    case fdoca::kFloat4: c.sqltype = drda::sqltype::kFloat; c.precision = 7; break;
    case fdoca::kDecimal:
      c.sqltype = drda::sqltype::kDecimal;
      c.precision = static_cast<int16_t>(field.length >> 8);
      c.scale = static_cast<int16_t>(field.length & 0xFF);
      break;
    case fdoca::kDate: c.sqltype = drda::sqltype::kDate; break;
    case fdoca::kTime: c.sqltype = drda::sqltype::kTime; break;
    case fdoca::kTimestamp: c.sqltype = drda::sqltype::kTimestamp; break;
    case fdoca::kBoolean: c.sqltype = drda::sqltype::kBoolean; break;
    case fdoca::kChar:
    case fdoca::kMixChar:
    case fdoca::kGraphic: c.sqltype = drda::sqltype::kChar; break;
    case fdoca::kLongVarChar:
    case fdoca::kLongMix: c.sqltype = drda::sqltype::kLongVarchar; break;
    case fdoca::kFixedBytes: c.sqltype = drda::sqltype::kChar; c.ccsid = 0; break;
    case fdoca::kVarBytes: c.sqltype = drda::sqltype::kVarchar; c.ccsid = 0; break;
    case fdoca::kLongVarBytes: c.sqltype = drda::sqltype::kLongVarchar; c.ccsid = 0; break;
    default: c.sqltype = drda::sqltype::kVarchar; break;
  }
  if (c.sqltype != drda::sqltype::kVarchar && c.sqltype != drda::sqltype::kChar &&
      c.sqltype != drda::sqltype::kLongVarchar) {
    c.ccsid = 0;
  }
  return c;
}

}  // namespace drdaplex::client::internal
