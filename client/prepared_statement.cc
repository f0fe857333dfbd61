#include "client/prepared_statement.h"

#include <algorithm>
#include <utility>

#include "client/protocol.h"
#include "client/sql_error.h"
#include "client/statement_state.h"

namespace drdaplex::client {
namespace internal {

std::shared_ptr<StatementState> PrepareStatement(const std::shared_ptr<Session>& session, std::string_view sql) {
  return session->Guard([&] {
    if (sql.size() > session->limits().max_sql_bytes) throw SqlError("54001", "the statement is too long");
    auto s = std::make_shared<StatementState>();
    s->session = session;
    s->section = session->AcquireSection();
    s->sql = std::string(sql);
    const drda::PackageSection pkg = session->Package(s->section->number());
    RequestChain chain;
    AddPrepare(chain, pkg, sql);
    AddDescribeInput(chain, pkg);
    auto groups = session->RoundTrip(chain);
    if (groups.empty()) ProtocolError("no reply to PRPSQLSTT");
    GroupReader output(groups[0], session->reply_order(), "PRPSQLSTT");
    DescribeReply out = ReadDescribeReply(output);
    if (out.error) throw *out.error;
    if (groups.size() < 2) ProtocolError("no reply to DSCSQLSTT");
    GroupReader input(groups[1], session->reply_order(), "DSCSQLSTT");
    DescribeReply in = ReadDescribeReply(input);
    if (in.error) throw *in.error;
    s->columns = std::move(out.columns);
    s->parameters = std::move(in.columns);
    s->bindings.resize(s->parameters.size());
    return s;
  });
}

}  // namespace internal

namespace {

// Rows per request chain in ExecuteBatch: bounds the memory of one chain
// and its replies (2 DSSes per row each way).
constexpr size_t kMaxBatchChain = 10000;

}  // namespace

PreparedStatement::PreparedStatement(std::shared_ptr<internal::StatementState> state) : state_(std::move(state)) {}
PreparedStatement::PreparedStatement(PreparedStatement&&) noexcept = default;
PreparedStatement& PreparedStatement::operator=(PreparedStatement&&) noexcept = default;
PreparedStatement::~PreparedStatement() = default;

internal::StatementState& PreparedStatement::state() const {
  if (!state_ || state_->closed) throw SqlError("XJ012", "the prepared statement is closed");
  return *state_;
}

void PreparedStatement::Close() {
  if (state_) state_->closed = true;
  state_.reset();  // the section returns to the session once no result set holds it
}

const std::vector<ColumnInfo>& PreparedStatement::columns() const { return state().columns; }
const std::vector<ColumnInfo>& PreparedStatement::parameters() const { return state().parameters; }

void PreparedStatement::Bind(int index, Value value) {
  auto& s = state();
  if (index < 1 || static_cast<size_t>(index) > s.bindings.size()) {
    throw SqlError("07009", "parameter index " + std::to_string(index) + " is out of range 1.." +
                                std::to_string(s.bindings.size()));
  }
  s.bindings[static_cast<size_t>(index) - 1] = std::move(value);
}

void PreparedStatement::ClearBindings() {
  auto& s = state();
  std::fill(s.bindings.begin(), s.bindings.end(), std::nullopt);
}

std::vector<Value> PreparedStatement::BoundValues() const {
  const auto& s = state();
  std::vector<Value> values;
  values.reserve(s.bindings.size());
  for (size_t i = 0; i < s.bindings.size(); ++i) {
    if (!s.bindings[i]) throw SqlError("07000", "parameter " + std::to_string(i + 1) + " is not bound");
    values.push_back(*s.bindings[i]);
  }
  return values;
}

int64_t PreparedStatement::ExecuteUpdate() {
  auto& s = state();
  if (!s.columns.empty()) {
    throw SqlError("X0Y79", "ExecuteUpdate cannot run a statement that returns rows; use ExecuteQuery");
  }
  const internal::ParameterRow params = internal::BuildParameterRow(BoundValues(), s.parameters);
  return s.session->Guard([&] {
    const bool commit = s.session->auto_commit();
    internal::RequestChain chain;
    internal::AddExecute(chain, s.session->Package(s.section->number()), &params);
    if (commit) internal::Session::AddCommit(chain);
    auto groups = s.session->RoundTrip(chain);
    if (groups.size() != chain.commands()) internal::ProtocolError("missing replies to EXCSQLSTT");
    internal::GroupReader r(groups[0], s.session->reply_order(), "EXCSQLSTT");
    internal::UpdateReply reply = internal::ReadUpdateReply(r);
    s.session->NoteWork();
    if (commit) {
      if (auto e = s.session->ReadEndOfUnitOfWork(groups[1], "RDBCMM"); e && !reply.error) reply.error = e;
    }
    if (reply.error) throw *reply.error;
    return reply.update_count;
  });
}

ResultSet PreparedStatement::ExecuteQuery() {
  auto& s = state();
  if (s.columns.empty()) {
    throw SqlError("X0Y78", "ExecuteQuery cannot run a statement that returns no rows; use ExecuteUpdate");
  }
  const internal::ParameterRow params = internal::BuildParameterRow(BoundValues(), s.parameters);
  // The server holds one cursor per section: close the previous one first.
  if (auto previous = s.last_cursor.lock()) internal::CursorClose(*previous);
  auto cursor = s.session->Guard([&] {
    internal::RequestChain chain;
    internal::AddOpenQuery(chain, s.session->Package(s.section->number()), &params);
    auto groups = s.session->RoundTrip(chain);
    if (groups.size() != 1) internal::ProtocolError("no reply to OPNQRY");
    internal::GroupReader r(groups[0], s.session->reply_order(), "OPNQRY");
    s.session->NoteWork();
    return internal::OpenCursor(s.session, s.section, s.columns, r);
  });
  s.last_cursor = cursor;
  return ResultSet(std::move(cursor));
}

std::vector<int64_t> PreparedStatement::ExecuteBatch(const std::vector<std::vector<Value>>& rows) {
  auto& s = state();
  if (!s.columns.empty()) {
    throw SqlError("X0Y79", "ExecuteBatch cannot run a statement that returns rows");
  }
  std::vector<internal::ParameterRow> params;
  params.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].size() != s.parameters.size()) {
      throw SqlError("07001", "batch row " + std::to_string(i + 1) + " has " + std::to_string(rows[i].size()) +
                                  " values; the statement has " + std::to_string(s.parameters.size()) +
                                  " parameters");
    }
    params.push_back(internal::BuildParameterRow(rows[i], s.parameters));
  }
  std::vector<int64_t> counts;
  counts.reserve(rows.size());
  std::optional<SqlError> first_error;
  return s.session->Guard([&] {
    const bool autocommit = s.session->auto_commit();
    const drda::PackageSection pkg = s.session->Package(s.section->number());
    size_t next = 0;
    bool committed = false;
    while (next < params.size() && !first_error) {
      const size_t end = std::min(params.size(), next + kMaxBatchChain);
      const bool last = end == params.size();
      internal::RequestChain chain;
      for (size_t i = next; i < end; ++i) internal::AddExecute(chain, pkg, &params[i]);
      if (autocommit && last) internal::Session::AddCommit(chain);
      auto groups = s.session->RoundTrip(chain);
      s.session->NoteWork();
      const size_t executes = end - next;
      for (size_t g = 0; g < executes; ++g) {
        if (g >= groups.size()) {
          counts.push_back(BatchError::kExecuteFailed);
          continue;
        }
        internal::GroupReader r(groups[g], s.session->reply_order(), "EXCSQLSTT");
        internal::UpdateReply reply = internal::ReadUpdateReply(r);
        if (reply.error) {
          counts.push_back(BatchError::kExecuteFailed);
          if (!first_error) {
            first_error = SqlError(reply.error->sqlstate(),
                                   "batch row " + std::to_string(next + g + 1) + ": " + reply.error->message(),
                                   reply.error->sqlcode());
          }
        } else {
          counts.push_back(reply.update_count);
        }
      }
      if (autocommit && last) {
        if (groups.size() <= executes) internal::ProtocolError("no reply to RDBCMM after a batch");
        if (auto e = s.session->ReadEndOfUnitOfWork(groups[executes], "RDBCMM"); e && !first_error) first_error = e;
        committed = true;
      } else if (groups.size() > executes) {
        internal::ProtocolError("more replies than commands in a batch");
      }
      next = end;
    }
    // Stopped early after a failure: autocommit still commits what ran.
    if (autocommit && !committed) s.session->Commit();
    if (first_error) throw BatchError(*first_error, counts);
    return counts;
  });
}

}  // namespace drdaplex::client
