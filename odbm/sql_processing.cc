// The SQL commands of CommandProcessor: prepare, describe, execute, cursors
// with block fetch, commit and rollback, all against the connection's SQLite
// database.
#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include "drda/codepoints.h"
#include "odbm/command_processor.h"

namespace drdaplex::odbm {

using drda::DssType;
using drda::Severity;
namespace cp = drda::cp;
namespace fdoca = drda::fdoca;

namespace {

// Bytes of the end-of-data SQLCA row in a query block: SQLCAGRP with an
// empty message (61) and the null SQLDTAGRP indicator after it (1).
constexpr size_t kEndOfDataSize = 62;

SqlError NoSuchStatement(const drda::PackageSection& section) {
  return MakeSqlError("26000", "No statement is prepared in section " + std::to_string(section.section) +
                                   " of package " + section.package + ".");
}

// The parameters SYSIBM.SQLCAMESSAGE takes and returns, as Derby describes
// them: the requester sends an SQLCA's parts and gets the message text back.
std::vector<drda::SqldaColumn> SqlcaMessageParameters() {
  struct P {
    int16_t type, precision;
    int64_t length;
    uint16_t ccsid;
    int16_t mode;
  };
  static constexpr P kParams[] = {
      {497, 10, 4, 0, 1},       {501, 5, 2, 0, 1},        {449, 31, 2400, 1208, 1}, {453, 8, 8, 1208, 1},
      {497, 10, 4, 0, 1},       {497, 10, 4, 0, 1},       {497, 10, 4, 0, 1},       {497, 10, 4, 0, 1},
      {497, 10, 4, 0, 1},       {497, 10, 4, 0, 1},       {453, 11, 11, 1208, 1},   {453, 5, 5, 1208, 1},
      {449, 31, 50, 1208, 1},   {453, 5, 5, 1208, 1},     {449, 31, 2400, 1208, 4}, {497, 10, 4, 0, 4},
  };
  std::vector<drda::SqldaColumn> out;
  for (const P& p : kParams) {
    drda::SqldaColumn c;
    c.sqltype = p.type;
    c.precision = p.precision;
    c.length = p.length;
    c.ccsid = p.ccsid;
    c.parameter_mode = p.mode;
    out.push_back(c);
  }
  return out;
}

std::vector<drda::SqldaColumn> Descriptions(const std::vector<ColumnType>& columns) {
  std::vector<drda::SqldaColumn> out;
  out.reserve(columns.size());
  for (const auto& c : columns) out.push_back(c.description);
  return out;
}

bool FlagIsTrue(const drda::DdmParams& params, drda::cp::CodePoint code_point) {
  auto v = params.U8(code_point);
  return v && *v && **v == drda::kTrue;
}

}  // namespace

int PreparedStatement::parameter_count() const {
  if (translated.kind == StatementKind::kSqlcaMessage) return 16;
  return stmt ? sqlite3_bind_parameter_count(stmt.get()) : 0;
}

PreparedStatement* CommandProcessor::FindStatement(const Command& c, drda::PackageSection* section_out) {
  auto section = drda::ParsePkgnamcsn(c.params.Bytes(cp::PKGNAMCSN));
  if (!section) return nullptr;
  if (section_out) *section_out = *section;
  auto it = statements_.find(section->Key());
  return it == statements_.end() ? nullptr : &it->second;
}

PreparedStatement* CommandProcessor::PreparedOrReport(const Command& c) {
  drda::PackageSection section;
  PreparedStatement* st = FindStatement(c, &section);
  if (!st) {
    WriteSqlError(c.correlator, NoSuchStatement(section));
    return nullptr;
  }
  if (st->prepare_error) {
    // The prepare failed earlier (maybe in this chain): same error again.
    WriteSqlError(c.correlator, *st->prepare_error);
    return nullptr;
  }
  return st;
}

// ---------------------------------------------------------------- prepare

void CommandProcessor::Prpsqlstt(const Command& c) {
  if (!RequireConnected(c)) return;
  auto section = drda::ParsePkgnamcsn(c.params.Bytes(cp::PKGNAMCSN));
  const drda::DdmObject* sqlstt = c.Object(cp::SQLSTT);
  if (!section || !sqlstt) {
    WriteProtocolError(c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                       static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing),
                       section ? cp::SQLSTT : cp::PKGNAMCSN);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  PreparedStatement& st = statements_[section->Key()];
  CloseCursor(st);
  st = PreparedStatement{};
  auto text = drda::ParseStatementText(sqlstt->data, context_.limits);
  if (!text) {
    st.prepare_error = MakeSqlError("42X01", "Syntax error: the statement text cannot be read.");
  } else {
    st.sql = std::move(*text);
    st.translated = TranslateStatement(st.sql, {UpperAscii(user_), "RR"});
    switch (st.translated.kind) {
      case StatementKind::kSql: {
        auto prepared = db_->Prepare(st.translated.sql);
        if (auto* error = std::get_if<SqlError>(&prepared)) {
          st.prepare_error = *error;
          break;
        }
        st.stmt = std::move(std::get<StatementPtr>(prepared));
        const int n = sqlite3_column_count(st.stmt.get());
        std::vector<StorageClass> first_row(static_cast<size_t>(n), StorageClass::kUnknown);
        // Expressions have no declared type. For a read-only statement with
        // no parameters, one step tells their storage class now, so that the
        // description matches the rows OPNQRY will send.
        bool needs_peek = false;
        for (int i = 0; i < n; ++i) needs_peek |= sqlite3_column_decltype(st.stmt.get(), i) == nullptr;
        if (needs_peek && sqlite3_stmt_readonly(st.stmt.get()) &&
            sqlite3_bind_parameter_count(st.stmt.get()) == 0) {
          if (sqlite3_step(st.stmt.get()) == SQLITE_ROW) {
            for (int i = 0; i < n; ++i) first_row[static_cast<size_t>(i)] = StorageClassOf(st.stmt.get(), i);
          }
          sqlite3_reset(st.stmt.get());
        }
        for (int i = 0; i < n; ++i) {
          st.columns.push_back(DescribeColumn(st.stmt.get(), i, first_row[static_cast<size_t>(i)]));
        }
        break;
      }
      case StatementKind::kUnknownCall:
        st.prepare_error = MakeSqlError("42Y03", "'" + st.translated.sql +
                                                     "' is not recognized as a function or procedure.");
        break;
      case StatementKind::kSetRegister:
      case StatementKind::kSqlcaMessage: break;
    }
  }
  if (st.prepare_error) {
    // A failed prepare: SQLERRRM + SQLCARD, and the statement stays known
    // as failed so the rest of the chain answers with the same error.
    drda::BeginReplyMessage(*writer_, c.correlator, cp::SQLERRRM, Severity::kError);
    drda::EndReplyMessage(*writer_);
    WriteSqlError(c.correlator, *st.prepare_error);
    return;
  }
  if (FlagIsTrue(c.params, cp::RTNSQLDA)) {
    WriteSqldard(c.correlator, Descriptions(st.columns));
  } else {
    WriteSuccessCard(c.correlator);
  }
}

void CommandProcessor::Dscsqlstt(const Command& c) {
  if (!RequireConnected(c)) return;
  PreparedStatement* st = PreparedOrReport(c);
  if (!st) return;
  auto typsqlda = c.params.U8(cp::TYPSQLDA);
  const uint8_t kind = typsqlda && *typsqlda ? **typsqlda : 0;
  // Odd TYPSQLDA values ask for the input (parameter) description.
  if (kind % 2 == 1) {
    if (st->translated.kind == StatementKind::kSqlcaMessage) {
      WriteSqldard(c.correlator, SqlcaMessageParameters());
      return;
    }
    // SQLite does not type parameters; describe them as Derby does untyped
    // ones. Clients pick the wire type from the value they bind.
    std::vector<drda::SqldaColumn> params(static_cast<size_t>(st->parameter_count()), DescribeParameter());
    WriteSqldard(c.correlator, params);
  } else {
    WriteSqldard(c.correlator, Descriptions(st->columns));
  }
}

// ---------------------------------------------------------------- execute

std::optional<SqlError> CommandProcessor::BindParameters(PreparedStatement& st, const Command& c) {
  sqlite3_stmt* stmt = st.stmt.get();
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  const int expected = sqlite3_bind_parameter_count(stmt);
  const drda::DdmObject* sqldta = c.Object(cp::SQLDTA);
  if (!sqldta) {
    if (expected == 0) return std::nullopt;
    return MakeSqlError("07004", "The statement has " + std::to_string(expected) +
                                     " parameters but no values were sent.");
  }
  auto data = drda::ParseSqldta(sqldta->data, client_order_, context_.limits);
  if (!data) {
    return MakeSqlError("22018", "The parameter values cannot be read: " + data.error().message() + ".");
  }
  if (auto error = FillExternalValues(*data, c)) return error;
  if (static_cast<int>(data->values.size()) != expected) {
    return MakeSqlError("07001", "The statement has " + std::to_string(expected) + " parameters but " +
                                     std::to_string(data->values.size()) + " values were sent.");
  }
  for (int i = 0; i < expected; ++i) {
    const drda::Value& v = data->values[static_cast<size_t>(i)];
    const int index = i + 1;
    int rc = SQLITE_OK;
    if (std::holds_alternative<drda::Null>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      const bool timestamp = data->fields[static_cast<size_t>(i)].base() == fdoca::kTimestamp;
      const std::string text = timestamp ? TimestampToIso(*s) : *s;
      rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    } else if (auto* b = std::get_if<drda::Bytes>(&v)) {
      rc = sqlite3_bind_blob(stmt, index, b->data(), static_cast<int>(b->size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return TranslateSqliteError(db_->handle(), rc);
  }
  return std::nullopt;
}

std::optional<SqlError> CommandProcessor::FillExternalValues(drda::ParameterData& data, const Command& c) {
  size_t next = 0;
  for (const auto& external : data.externals) {
    // The k-th EXTDTA object carries the k-th non-empty LOB.
    const drda::DdmObject* extdta = nullptr;
    while (next < c.objects.size() && !extdta) {
      if (c.objects[next].code_point == cp::EXTDTA) extdta = &c.objects[next];
      ++next;
    }
    if (!extdta) {
      return MakeSqlError("22018", "A LOB parameter announced " + std::to_string(external.length) +
                                       " bytes but no EXTDTA object carried them.");
    }
    drda::ByteSpan bytes = extdta->data;
    if (extdta_status_byte_ && !bytes.empty()) {
      // Derby clients since 10.6 end each EXTDTA with a status byte; any
      // value but 0x7F means the client's stream failed while sending.
      if (bytes.back() != 0x7F) {
        return MakeSqlError("XJ001", "The requester reported an error while streaming a LOB parameter.");
      }
      bytes = bytes.first(bytes.size() - 1);
    }
    const drda::FieldDesc& field = data.fields[external.index];
    // At SQLAM 7 the EXTDTA of a nullable LOB starts with its null indicator.
    if (field.nullable() && !bytes.empty()) {
      const uint8_t indicator = bytes.front();
      bytes = bytes.subspan(1);
      if (indicator >= 0x80) {
        data.values[external.index] = drda::Null{};
        continue;
      }
    }
    if (field.base() == drda::fdoca::kBlob) {
      data.values[external.index] = drda::Bytes(bytes.begin(), bytes.end());
    } else if (field.base() == 0xCC) {  // DBCLOB: UTF-16
      auto text = drda::Utf16BeToUtf8(bytes);
      if (!text) return MakeSqlError("22018", "A DBCLOB parameter is not valid UTF-16.");
      data.values[external.index] = std::move(*text);
    } else {
      data.values[external.index] = std::string(drda::AsChars(bytes));
    }
  }
  return std::nullopt;
}

std::optional<SqlError> CommandProcessor::ExecuteToCompletion(PreparedStatement& st, int64_t* update_count,
                                                              bool* changed) {
  if (gate_error_) return gate_error_;
  if (auto err = db_->EnsureTransaction()) return err;
  sqlite3* db = db_->handle();
  const int64_t before = sqlite3_total_changes64(db);
  int rc;
  while ((rc = sqlite3_step(st.stmt.get())) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    SqlError e = TranslateSqliteError(db, rc);
    sqlite3_reset(st.stmt.get());
    return e;
  }
  sqlite3_reset(st.stmt.get());
  const bool writes = !sqlite3_stmt_readonly(st.stmt.get());
  *changed = writes;
  // sqlite3_changes counts rows of the last INSERT/UPDATE/DELETE only; DDL
  // and other statements report 0, as JDBC expects.
  *update_count = writes && sqlite3_total_changes64(db) != before ? sqlite3_changes64(db) : 0;
  return std::nullopt;
}

void CommandProcessor::Excsqlimm(const Command& c) {
  if (!RequireConnected(c)) return;
  const drda::DdmObject* sqlstt = c.Object(cp::SQLSTT);
  if (!sqlstt) {
    WriteProtocolError(c.correlator, cp::SYNTAXRM, cp::SYNERRCD,
                       static_cast<uint16_t>(drda::SyntaxErrorCode::kRequiredObjectMissing), cp::SQLSTT);
    close_requested_ = skip_rest_of_chain_ = true;
    return;
  }
  auto text = drda::ParseStatementText(sqlstt->data, context_.limits);
  if (!text) {
    WriteSqlError(c.correlator, MakeSqlError("42X01", "Syntax error: the statement text cannot be read."));
    return;
  }
  PreparedStatement st;
  st.sql = std::move(*text);
  st.translated = TranslateStatement(st.sql, {UpperAscii(user_), "RR"});
  if (st.translated.kind == StatementKind::kSetRegister) {
    WriteSuccessCard(c.correlator);
    return;
  }
  if (st.translated.kind != StatementKind::kSql) {
    WriteSqlError(c.correlator, MakeSqlError("42Y03", "'" + st.translated.sql +
                                                          "' is not recognized as a function or procedure."));
    return;
  }
  auto prepared = db_->Prepare(st.translated.sql);
  if (auto* error = std::get_if<SqlError>(&prepared)) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  st.stmt = std::move(std::get<StatementPtr>(prepared));
  int64_t count = 0;
  bool changed = false;
  if (auto error = ExecuteToCompletion(st, &count, &changed)) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  WriteUpdateNotice(c.correlator, changed);
  WriteSuccessCard(c.correlator, count);
}

void CommandProcessor::Excsqlstt(const Command& c) {
  if (!RequireConnected(c)) return;
  PreparedStatement* st = PreparedOrReport(c);
  if (!st) return;
  switch (st->translated.kind) {
    case StatementKind::kSqlcaMessage: WriteSqlcaMessageReply(c.correlator, c); return;
    case StatementKind::kSetRegister: WriteSuccessCard(c.correlator); return;
    default: break;
  }
  CloseCursor(*st);
  if (auto error = BindParameters(*st, c)) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  int64_t count = 0;
  bool changed = false;
  if (auto error = ExecuteToCompletion(*st, &count, &changed)) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  // Derby announces RDBUPDRM only for EXCSQLIMM; a prepared execute answers
  // with the SQLCARD alone, and requesters (batches above all) expect that.
  WriteSuccessCard(c.correlator, count);
}

void CommandProcessor::Excsqlset(const Command& c) {
  if (!RequireConnected(c)) return;
  // Every SET the clients send (schema, isolation, statement timeout) is a
  // special register SQLite has no notion of; accept them all.
  WriteSuccessCard(c.correlator);
}

void CommandProcessor::WriteSqlcaMessageReply(uint16_t correlator, const Command& c) {
  // Parameters: SQLCODE, SQLERRML, SQLERRMC, SQLERRP, SQLERRD1..6, SQLWARN,
  // SQLSTATE, file, locale, message (out), rc (out). The SQLERRMC we sent
  // holds the message arguments; format them as the message of SQLSTATE.
  std::string message;
  if (const drda::DdmObject* sqldta = c.Object(cp::SQLDTA)) {
    auto data = drda::ParseSqldta(sqldta->data, client_order_, context_.limits);
    if (data && data->values.size() >= 12) {
      auto text = [&](size_t i) {
        auto* s = std::get_if<std::string>(&data->values[i]);
        return s ? *s : std::string();
      };
      std::string sqlstate = text(11);
      while (!sqlstate.empty() && sqlstate.back() == ' ') sqlstate.pop_back();
      message = MessageFromSqlerrmc(sqlstate, text(2));
    }
  }
  std::vector<drda::FieldDesc> fields = {
      {0x03, 4},      {0x05, 2},      {0x33, 32767}, {0x3F, 32767}, {0x03, 4},      {0x03, 4},
      {0x03, 4},      {0x03, 4},      {0x03, 4},     {0x03, 4},     {0x3F, 32767}, {0x3F, 32767},
      {0x33, 32767}, {0x3F, 32767}, {0x33, 32767}, {0x03, 4}};
  writer_->BeginDss(DssType::kObject, correlator);
  writer_->BeginObject(cp::SQLDTARD);
  writer_->BeginObject(cp::FDODSC);
  drda::WriteQueryDescription(writer_->body(), fields);
  writer_->EndObject();
  writer_->BeginObject(cp::FDODTA);
  drda::ByteWriter& out = writer_->body();
  drda::WriteSqlcaGroup(out, nullptr);
  out.PutU8(0x00);  // SQLDTAGRP indicator
  for (size_t i = 0; i < 14; ++i) out.PutU8(0xFF);
  drda::EncodeValue(out, fields[14], drda::Value{message});
  drda::EncodeValue(out, fields[15], drda::Value{int64_t{0}});
  writer_->EndObject();
  writer_->EndObject();
  writer_->EndDss();
}

// ---------------------------------------------------------------- cursors

void CommandProcessor::CloseCursor(PreparedStatement& st) {
  if (st.cursor.state != Cursor::State::kClosed && st.stmt) sqlite3_reset(st.stmt.get());
  st.cursor = Cursor{};
}

void CommandProcessor::CloseAllCursors() {
  for (auto& [key, st] : statements_) CloseCursor(st);
}

std::optional<SqlError> CommandProcessor::OpenCursor(PreparedStatement& st, const Command& c) {
  if (st.prepare_error) return st.prepare_error;
  if (st.translated.kind != StatementKind::kSql || sqlite3_column_count(st.stmt.get()) == 0) {
    return MakeSqlError("07005", "The statement does not return a result set; execute it instead.");
  }
  CloseCursor(st);
  if (auto error = BindParameters(st, c)) return error;
  if (gate_error_) return gate_error_;
  if (auto error = db_->EnsureTransaction()) return error;
  const int rc = sqlite3_step(st.stmt.get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    SqlError e = TranslateSqliteError(db_->handle(), rc);
    sqlite3_reset(st.stmt.get());
    return e;
  }
  // Fix the description now, refining expression columns by the first row.
  const int n = sqlite3_column_count(st.stmt.get());
  st.columns.clear();
  for (int i = 0; i < n; ++i) {
    st.columns.push_back(
        DescribeColumn(st.stmt.get(), i, rc == SQLITE_ROW ? StorageClassOf(st.stmt.get(), i) : StorageClass::kUnknown));
  }
  Cursor& cursor = st.cursor;
  cursor.state = Cursor::State::kOpen;
  cursor.query_instance = next_query_instance_++;
  if (rc == SQLITE_ROW) {
    std::vector<drda::Value> row;
    row.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) row.push_back(ReadColumn(st.stmt.get(), i, st.columns[static_cast<size_t>(i)]));
    cursor.pending_row = std::move(row);
  } else {
    cursor.pending_row.reset();
    cursor.state = Cursor::State::kEnded;  // no rows: the first block says so
  }
  auto blksz = c.params.U32(cp::QRYBLKSZ);
  if (blksz && *blksz) cursor.block_size = std::clamp<size_t>(**blksz, 512, drda::kMaxDssSegment) - 10;
  auto maxblkext = c.params.U16(cp::MAXBLKEXT);
  if (maxblkext && *maxblkext) {
    const auto v = static_cast<int16_t>(**maxblkext);
    // -1 means "any number"; keep one reply bounded all the same.
    cursor.extra_blocks = v < 0 ? 16 : std::min<int>(v, 16);
  }
  return std::nullopt;
}

void CommandProcessor::WriteQueryBlocks(uint16_t correlator, PreparedStatement& st) {
  Cursor& cursor = st.cursor;
  sqlite3_stmt* stmt = st.stmt.get();
  const size_t n = st.columns.size();
  bool end_written = false;
  for (int block = 0; block <= cursor.extra_blocks && !end_written; ++block) {
    writer_->BeginDss(DssType::kObject, correlator);
    writer_->BeginObject(cp::QRYDTA);
    drda::ByteWriter& out = writer_->body();
    const size_t block_start = out.size();
    // An error ends the cursor in-band: an error SQLCA in place of a row.
    auto end_with_error = [&](const SqlError& error) {
      const drda::Sqlca sqlca = error.ToSqlca();
      drda::WriteSqlcaGroup(out, &sqlca);
      out.PutU8(0xFF);
      cursor.state = Cursor::State::kEnded;
      cursor.pending_row.reset();
      end_written = true;
    };
    if (!cursor.pending_bytes.empty()) {
      // Continue a row that was larger than a block.
      const size_t chunk = std::min(cursor.pending_bytes.size(), cursor.block_size);
      out.PutBytes(drda::ByteSpan(cursor.pending_bytes).first(chunk));
      cursor.pending_bytes.erase(cursor.pending_bytes.begin(),
                                 cursor.pending_bytes.begin() + static_cast<std::ptrdiff_t>(chunk));
    }
    while (cursor.pending_bytes.empty()) {
      if (!cursor.pending_row && cursor.state == Cursor::State::kOpen) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
          std::vector<drda::Value> row;
          row.reserve(n);
          for (size_t i = 0; i < n; ++i) row.push_back(ReadColumn(stmt, static_cast<int>(i), st.columns[i]));
          cursor.pending_row = std::move(row);
        } else if (rc == SQLITE_DONE) {
          cursor.state = Cursor::State::kEnded;
        } else {
          // The query failed midway.
          end_with_error(TranslateSqliteError(db_->handle(), rc));
          break;
        }
      }
      const size_t used = out.size() - block_start;
      if (cursor.pending_row) {
        // A value the described column cannot carry ends the cursor with an
        // error rather than reaching the client cut or wrapped.
        std::optional<SqlError> misfit;
        for (size_t i = 0; i < n && !misfit; ++i) misfit = ValueDoesNotFit((*cursor.pending_row)[i], st.columns[i]);
        if (misfit) {
          misfit->message = "Row " + std::to_string(cursor.rows_sent + 1) + ": " + misfit->message + ".";
          end_with_error(*misfit);
          break;
        }
        size_t row_size = 2;  // null SQLCA + SQLDTAGRP indicator
        for (size_t i = 0; i < n; ++i) row_size += drda::EncodedSize(st.columns[i].field, (*cursor.pending_row)[i]);
        if (used + row_size > cursor.block_size && used > 0) break;  // next block
        out.PutU8(0xFF);
        out.PutU8(0x00);
        for (size_t i = 0; i < n; ++i) drda::EncodeValue(out, st.columns[i].field, (*cursor.pending_row)[i]);
        cursor.pending_row.reset();
        ++cursor.rows_sent;
        if (row_size > cursor.block_size) {
          // Larger than a whole block: what does not fit goes on in the
          // following blocks.
          const size_t keep = block_start + cursor.block_size;  // the row started the block
          cursor.pending_bytes.assign(out.buffer().begin() + static_cast<std::ptrdiff_t>(keep), out.buffer().end());
          out.buffer().resize(keep);
          break;
        }
        continue;
      }
      // No more rows: the end-of-data SQLCA (+100, 02000), when it fits.
      if (used + kEndOfDataSize > cursor.block_size) break;
      drda::Sqlca end;
      end.sqlcode = 100;
      end.sqlstate = "02000";
      end.sqlerrd[0] = static_cast<int32_t>(cursor.rows_sent >> 32);
      end.sqlerrd[1] = static_cast<int32_t>(cursor.rows_sent & 0xFFFFFFFF);
      drda::WriteSqlcaGroup(out, &end);
      out.PutU8(0xFF);
      end_written = true;
      break;
    }
    writer_->EndObject();
    writer_->EndDss();
  }
  if (end_written) {
    // With QRYCLSIMP the requester now considers the cursor closed; without
    // it a CLSQRY follows, which an ended cursor answers as well.
    sqlite3_reset(stmt);
    cursor.pending_row.reset();
    cursor.state = Cursor::State::kEnded;
  }
}

void CommandProcessor::Opnqry(const Command& c) {
  if (!RequireConnected(c)) return;
  drda::PackageSection section;
  PreparedStatement* st = FindStatement(c, &section);
  std::optional<SqlError> error;
  if (!st) {
    error = NoSuchStatement(section);
  } else if (st->prepare_error) {
    // Derby answers an OPNQRY after a failed prepare in the same chain with
    // OPNQFLRM and a success SQLCARD: the error was already reported.
    WriteRdbReplyMessage(c.correlator, cp::OPNQFLRM, Severity::kError);
    WriteSuccessCard(c.correlator);
    return;
  } else {
    error = OpenCursor(*st, c);
  }
  if (error) {
    WriteRdbReplyMessage(c.correlator, cp::OPNQFLRM, Severity::kError);
    WriteSqlError(c.correlator, *error);
    return;
  }
  drda::BeginReplyMessage(*writer_, c.correlator, cp::OPNQRYRM, Severity::kInfo);
  writer_->ParamU16(cp::QRYPRCTYP, cp::LMTBLKPRC);
  writer_->ParamU8(cp::SQLCSRHLD, drda::kTrue);
  uint8_t qryinsid[8];
  drda::StoreU32(qryinsid, 0);
  drda::StoreU32(qryinsid + 4, static_cast<uint32_t>(st->cursor.query_instance));
  writer_->Param(cp::QRYINSID, qryinsid);
  writer_->ParamU8(cp::QRYATTUPD, 0x01);  // read-only cursor
  drda::EndReplyMessage(*writer_);
  writer_->BeginDss(DssType::kObject, c.correlator);
  writer_->BeginObject(cp::QRYDSC);
  std::vector<drda::FieldDesc> fields;
  for (const auto& col : st->columns) fields.push_back(col.field);
  drda::WriteQueryDescription(writer_->body(), fields);
  writer_->EndObject();
  writer_->EndDss();
  WriteQueryBlocks(c.correlator, *st);
}

void CommandProcessor::Cntqry(const Command& c) {
  if (!RequireConnected(c)) return;
  drda::PackageSection section;
  PreparedStatement* st = FindStatement(c, &section);
  if (st && st->cursor.state == Cursor::State::kOpen) {
    WriteQueryBlocks(c.correlator, *st);
    return;
  }
  if (st && st->cursor.state == Cursor::State::kEnded) {
    // Some requesters (pydrda) ask once more after the end of data: answer
    // with a block holding only the end-of-data SQLCA, as Derby does.
    WriteQueryBlocks(c.correlator, *st);
    return;
  }
  drda::BeginReplyMessage(*writer_, c.correlator, cp::QRYNOPRM, Severity::kError);
  writer_->Param(cp::RDBNAM, drda::EncodeDdmString(rdbnam_, charset_));
  writer_->Param(cp::PKGNAMCSN, c.params.Bytes(cp::PKGNAMCSN));
  drda::EndReplyMessage(*writer_);
}

void CommandProcessor::Clsqry(const Command& c) {
  if (!RequireConnected(c)) return;
  PreparedStatement* st = FindStatement(c, nullptr);
  if (!st || st->cursor.state == Cursor::State::kClosed) {
    drda::BeginReplyMessage(*writer_, c.correlator, cp::QRYNOPRM, Severity::kError);
    writer_->Param(cp::RDBNAM, drda::EncodeDdmString(rdbnam_, charset_));
    writer_->Param(cp::PKGNAMCSN, c.params.Bytes(cp::PKGNAMCSN));
    drda::EndReplyMessage(*writer_);
    return;
  }
  CloseCursor(*st);
  WriteSuccessCard(c.correlator);
}

// ---------------------------------------------------------------- units of work

void CommandProcessor::WriteUnitOfWorkEnded(uint16_t correlator, uint8_t disposition) {
  uow_updated_ = false;
  // ENDUOWRM (SVRCOD exactly 4, as the Derby client insists) + SQLCARD.
  drda::BeginReplyMessage(*writer_, correlator, cp::ENDUOWRM, Severity::kWarning);
  writer_->ParamU8(cp::UOWDSP, disposition);
  drda::EndReplyMessage(*writer_);
  WriteSuccessCard(correlator);
}

void CommandProcessor::Rdbcmm(const Command& c) {
  if (!RequireConnected(c)) return;
  if (auto error = db_->Commit()) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  WriteUnitOfWorkEnded(c.correlator, 0x01);  // committed
}

void CommandProcessor::Rdbrllbck(const Command& c) {
  if (!RequireConnected(c)) return;
  // Cursors do not survive a rollback.
  CloseAllCursors();
  if (auto error = db_->Rollback()) {
    WriteSqlError(c.correlator, *error);
    return;
  }
  WriteUnitOfWorkEnded(c.correlator, 0x02);  // rolled back
}

}  // namespace drdaplex::odbm
