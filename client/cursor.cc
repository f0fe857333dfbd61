#include "client/cursor.h"

#include <algorithm>
#include <utility>

#include "client/protocol.h"
#include "drda/sqlca.h"

namespace drdaplex::client::internal {
namespace {

namespace cp = drda::cp;
namespace fdoca = drda::fdoca;

constexpr uint8_t kQueryDescriptionTail[] = {0x09, 0x71, 0xE0, 0x54, 0x00, 0x01, 0xD0, 0x00,
                                             0x01, 0x06, 0x71, 0xF0, 0xE0, 0x00, 0x00};
constexpr int32_t kEndOfData = 100;

bool Decodable(const drda::FieldDesc& f) {
  switch (f.base()) {
    case fdoca::kInteger: case fdoca::kSmallint: case fdoca::kBigint: case fdoca::kFloat8:
    case fdoca::kFloat4: case fdoca::kDecimal: case fdoca::kDate: case fdoca::kTime:
    case fdoca::kTimestamp: case fdoca::kFixedBytes: case fdoca::kVarBytes: case fdoca::kLongVarBytes:
    case fdoca::kChar: case fdoca::kVarChar: case fdoca::kLongVarChar: case fdoca::kGraphic:
    case fdoca::kVarGraphic: case fdoca::kMixChar: case fdoca::kVarMix: case fdoca::kLongMix:
    case fdoca::kBoolean:
      return true;
    default:
      return false;
  }
}

// Decodes every complete row in cursor.pending; keeps an incomplete tail.
void DecodeRows(Cursor& c) {
  drda::ByteReader in(c.pending, c.order);
  size_t consumed = 0;
  while (!in.empty() && !c.end_of_data) {
    auto sqlca = drda::ReadSqlcaGroup(in);
    if (!sqlca) {
      if (!in.ok()) break;  // the SQLCA continues in the next block
      ProtocolError("malformed SQLCA in QRYDTA");
    }
    const uint8_t indicator = in.GetU8();
    if (!in.ok()) break;
    if (*sqlca) {
      const drda::Sqlca& s = **sqlca;
      if (s.sqlcode == kEndOfData) {
        // QRYCLSIMP=1: the server closed the cursor at end of data.
        if (indicator != 0xFF) ProtocolError("row data after the end-of-data SQLCA");
        c.end_of_data = true;
        c.server_open = false;
        consumed = in.position();
        if (!in.empty()) ProtocolError("bytes after the end-of-data SQLCA in QRYDTA");
        break;
      }
      if (s.is_error()) {
        c.error = SqlErrorFromSqlca(s);
        c.end_of_data = true;
        consumed = in.position();
        break;
      }
    }
    if (indicator == 0xFF) {  // an SQLCA (a warning) without a row
      consumed = in.position();
      continue;
    }
    if (indicator != 0x00) ProtocolError("bad row indicator in QRYDTA");
    std::vector<Value> row;
    row.reserve(c.fields.size());
    bool complete = true;
    for (const drda::FieldDesc& f : c.fields) {
      auto v = drda::DecodeValue(in, f);
      if (!v) {
        if (!in.ok()) {
          complete = false;
          break;
        }
        ProtocolError("malformed column value in QRYDTA");
      }
      row.push_back(std::move(*v));
    }
    if (!complete) break;
    c.rows.push_back(std::move(row));
    consumed = in.position();
  }
  c.pending.erase(c.pending.begin(), c.pending.begin() + static_cast<std::ptrdiff_t>(consumed));
  if (c.pending.size() > c.session->limits().max_dss_bytes) ProtocolError("a row exceeds the size limit");
}

// Reads what may follow the query blocks of an OPNQRY or CNTQRY reply:
// QRYDTA*, [SQLCARD], [ENDQRYRM SQLCARD]. Returns whether any QRYDTA came.
bool ReadQueryData(Cursor& c, GroupReader& r) {
  bool got_data = false;
  while (const ReplyObject* block = r.TakeIf(cp::QRYDTA)) {
    got_data = true;
    if (c.end_of_data) {
      if (!block->data.empty()) ProtocolError("QRYDTA after the end of data");
      continue;
    }
    c.pending.insert(c.pending.end(), block->data.begin(), block->data.end());
    DecodeRows(c);
  }
  if (r.NextIs(cp::SQLCARD)) {
    auto sqlca = ParseSqlcard(r.Take(cp::SQLCARD), r.order());
    if (sqlca && sqlca->is_error() && !c.error) {
      c.error = SqlErrorFromSqlca(*sqlca);
      c.end_of_data = true;
    }
  }
  if (const ReplyObject* end = r.TakeIf(cp::ENDQRYRM)) {
    ParseReplyMessage(*end);
    auto sqlca = ParseSqlcard(r.Take(cp::SQLCARD), r.order());
    if (sqlca && sqlca->is_error() && !c.error) c.error = SqlErrorFromSqlca(*sqlca);
    c.server_open = false;
    c.end_of_data = true;
  }
  r.ExpectEnd();
  if (c.end_of_data && !c.pending.empty()) ProtocolError("query data ended inside a row");
  return got_data;
}

void Fetch(Cursor& c) {
  RequestChain chain;
  AddContinueQuery(chain, c.package, c.qryinsid);
  auto groups = c.session->RoundTrip(chain);
  if (groups.size() != 1) ProtocolError("no reply to CNTQRY");
  GroupReader r(groups[0], c.order, "CNTQRY");
  const ReplyObject* first = r.Peek();
  if (first != nullptr && (first->code_point == cp::QRYNOPRM || first->code_point == cp::ABNUOWRM ||
                           first->code_point == cp::SQLERRRM)) {
    const bool not_open = first->code_point == cp::QRYNOPRM;
    if (not_open) {
      ParseReplyMessage(*r.TakeIf(cp::QRYNOPRM));
      c.server_open = false;
      c.end_of_data = true;
      if (r.NextIs(cp::SQLCARD)) {
        auto sqlca = ParseSqlcard(r.Take(cp::SQLCARD), r.order());
        if (sqlca && sqlca->is_error()) c.error = SqlErrorFromSqlca(*sqlca);
      }
      r.ExpectEnd();
      if (!c.error) c.error = SqlError("24501", "the cursor is not open on the server (QRYNOPRM)");
      return;
    }
    auto e = ReadSqlcardError(r);
    r.ExpectEnd();
    c.end_of_data = true;
    c.error = e ? *e : SqlError("58009", "the server failed the fetch without an SQL error");
    return;
  }
  const size_t rows_before = c.rows.size();
  const bool got_data = ReadQueryData(c, r);
  if (!got_data && !c.end_of_data && !c.error && c.rows.size() == rows_before) {
    ProtocolError("CNTQRY reply without query data");
  }
}

}  // namespace

std::shared_ptr<Cursor> OpenCursor(std::shared_ptr<Session> session, std::shared_ptr<SectionLease> section,
                                   std::vector<ColumnInfo> columns, GroupReader& r) {
  auto c = std::make_shared<Cursor>();
  c->session = std::move(session);
  c->package = c->session->Package(section->number());
  c->section = std::move(section);
  c->order = r.order();

  const ReplyObject* first = r.Peek();
  if (first == nullptr) ProtocolError("empty reply to OPNQRY");
  if (first->code_point == cp::OPNQFLRM || first->code_point == cp::QRYPOPRM) {
    ParseReplyMessage(*first);
    const bool previously_open = first->code_point == cp::QRYPOPRM;
    r.TakeIf(first->code_point);
    std::optional<SqlError> e;
    if (r.NextIs(cp::SQLCARD)) {
      auto sqlca = ParseSqlcard(r.Take(cp::SQLCARD), r.order());
      if (sqlca && sqlca->is_error()) e = SqlErrorFromSqlca(*sqlca);
    }
    r.ExpectEnd();
    if (e) throw *e;
    if (previously_open) throw SqlError("24502", "the cursor is already open (QRYPOPRM)");
    throw SqlError("24000", "the query could not be opened (OPNQFLRM)");
  }
  if (first->code_point != cp::OPNQRYRM) {
    if (first->code_point == cp::SQLERRRM || first->code_point == cp::ABNUOWRM ||
        first->code_point == cp::SQLCARD) {
      auto e = ReadSqlcardError(r);
      r.ExpectEnd();
      if (e) throw *e;
      ProtocolError("OPNQRY answered with an SQLCARD and no cursor");
    }
    r.Unexpected();
  }
  const drda::DdmParams open = ParseReplyMessage(r.Take(cp::OPNQRYRM));
  auto prctyp = open.U16(cp::QRYPRCTYP);
  if (!prctyp || !*prctyp || (**prctyp != cp::LMTBLKPRC && **prctyp != cp::FIXROWPRC)) {
    ProtocolError("OPNQRYRM without a valid QRYPRCTYP");
  }
  const drda::ByteSpan insid = open.Bytes(cp::QRYINSID);
  if (insid.size() != 8) ProtocolError("OPNQRYRM without an 8-byte QRYINSID");
  c->qryinsid.assign(insid.begin(), insid.end());
  c->server_open = true;

  // Optional SQLDARD and a warning SQLCARD before the description.
  for (;;) {
    if (const ReplyObject* sqldard = r.TakeIf(cp::SQLDARD)) {
      drda::ByteReader in(sqldard->data, r.order());
      auto d = drda::ReadSqldard(in);
      if (!d || !in.ok()) ProtocolError("malformed SQLDARD in the reply to OPNQRY");
      if (columns.empty()) columns = ColumnsFromSqlda(d->columns);
      continue;
    }
    if (const ReplyObject* sqlcard = r.TakeIf(cp::SQLCARD)) {
      auto sqlca = ParseSqlcard(*sqlcard, r.order());
      if (sqlca && sqlca->is_error()) c->error = SqlErrorFromSqlca(*sqlca);
      continue;
    }
    break;
  }
  drda::Bytes description;
  while (const ReplyObject* qrydsc = r.TakeIf(cp::QRYDSC)) {
    description.insert(description.end(), qrydsc->data.begin(), qrydsc->data.end());
  }
  if (description.empty()) r.Take(cp::QRYDSC);  // reports what came instead
  auto fields = drda::ParseRowDescription(description, c->session->limits());
  if (!fields) ProtocolError("malformed QRYDSC: " + fields.error().message());
  constexpr size_t kTail = sizeof kQueryDescriptionTail;
  if (description.size() < kTail ||
      !std::equal(description.end() - kTail, description.end(), std::begin(kQueryDescriptionTail))) {
    ProtocolError("QRYDSC does not end with the SQLCADTA/SQLDTARD row layout");
  }
  c->fields = std::move(*fields);
  if (columns.empty()) {
    for (const drda::FieldDesc& f : c->fields) columns.push_back(ColumnFromField(f));
  } else if (columns.size() != c->fields.size()) {
    ProtocolError("QRYDSC describes " + std::to_string(c->fields.size()) + " columns, SQLDARD " +
                  std::to_string(columns.size()));
  }
  c->columns = std::move(columns);
  for (size_t i = 0; i < c->fields.size(); ++i) {
    if (!Decodable(c->fields[i])) {
      // Not a protocol error: LOB columns need EXTDTA, which this client
      // does not implement. Close the cursor and say so.
      ReadQueryData(*c, r);
      CursorClose(*c);
      throw SqlError("0A000", "column " + std::to_string(i + 1) + " has FD:OCA type " +
                                  std::to_string(c->fields[i].type) + ", which this client does not support");
    }
  }
  ReadQueryData(*c, r);
  return c;
}

bool CursorNext(Cursor& c) {
  c.on_row = false;
  for (;;) {
    if (c.closed) return false;
    if (!c.rows.empty()) {
      c.current = std::move(c.rows.front());
      c.rows.pop_front();
      c.on_row = true;
      return true;
    }
    if (c.error) {
      SqlError e = *c.error;
      c.error.reset();
      throw e;
    }
    if (c.end_of_data || !c.server_open) {
      CursorClose(c);
      return false;
    }
    c.session->Guard([&] { Fetch(c); });
  }
}

void CursorClose(Cursor& c) {
  if (c.closed) return;
  c.closed = true;
  c.on_row = false;
  c.rows.clear();
  if (c.session->closed() || c.session->broken()) return;
  const bool close_query = c.server_open;
  const bool commit = c.session->auto_commit();
  if (!close_query && !commit) return;
  c.session->Guard([&] {
    RequestChain chain;
    if (close_query) AddCloseQuery(chain, c.package, c.qryinsid);
    if (commit) Session::AddCommit(chain);
    auto groups = c.session->RoundTrip(chain);
    if (groups.size() != chain.commands()) ProtocolError("missing replies to CLSQRY/RDBCMM");
    std::optional<SqlError> error;
    size_t g = 0;
    if (close_query) {
      c.server_open = false;
      GroupReader r(groups[g++], c.order, "CLSQRY");
      if (const ReplyObject* rm = r.TakeIf(cp::QRYNOPRM)) {
        ParseReplyMessage(*rm);  // closed already: fine when closing
        if (r.NextIs(cp::SQLCARD)) ParseSqlcard(r.Take(cp::SQLCARD), r.order());
      } else if (r.NextIs(cp::ENDQRYRM)) {
        ParseReplyMessage(r.Take(cp::ENDQRYRM));
        if (r.NextIs(cp::SQLCARD)) ParseSqlcard(r.Take(cp::SQLCARD), r.order());
      } else {
        error = ReadSqlcardError(r);
      }
      r.ExpectEnd();
    }
    if (commit) {
      if (auto e = c.session->ReadEndOfUnitOfWork(groups[g], "RDBCMM"); e && !error) error = e;
    }
    if (error) throw *error;
  });
}

}  // namespace drdaplex::client::internal
