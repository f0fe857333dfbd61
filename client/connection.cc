#include "client/connection.h"

#include <utility>

#include "client/cursor.h"
#include "client/protocol.h"
#include "client/session.h"
#include "client/statement_state.h"

namespace drdaplex::client {

Connection Connection::Open(const ConnectOptions& options) {
  return Connection(internal::Session::Open(options));
}

Connection::Connection(std::shared_ptr<internal::Session> session) : session_(std::move(session)) {}
Connection::Connection(Connection&&) noexcept = default;

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    session_ = std::move(other.session_);
  }
  return *this;
}

Connection::~Connection() { Close(); }

internal::Session& Connection::session() const {
  if (!session_) throw SqlError("08003", "the connection is closed");
  return *session_;
}

int64_t Connection::Execute(std::string_view sql) {
  internal::Session& s = session();
  return s.Guard([&] {
    if (sql.size() > s.limits().max_sql_bytes) throw SqlError("54001", "the statement is too long");
    auto section = s.AcquireSection();
    const bool commit = s.auto_commit();
    internal::RequestChain chain;
    internal::AddExecuteImmediate(chain, s.Package(section->number()), sql);
    if (commit) internal::Session::AddCommit(chain);
    auto groups = s.RoundTrip(chain);
    if (groups.size() != chain.commands()) internal::ProtocolError("missing replies to EXCSQLIMM");
    internal::GroupReader r(groups[0], s.reply_order(), "EXCSQLIMM");
    internal::UpdateReply reply = internal::ReadUpdateReply(r);
    s.NoteWork();
    if (commit) {
      if (auto e = s.ReadEndOfUnitOfWork(groups[1], "RDBCMM"); e && !reply.error) reply.error = e;
    }
    if (reply.error) throw *reply.error;
    return reply.update_count;
  });
}

ResultSet Connection::Query(std::string_view sql) {
  internal::Session& s = session();
  auto cursor = s.Guard([&] {
    if (sql.size() > s.limits().max_sql_bytes) throw SqlError("54001", "the statement is too long");
    auto section = s.AcquireSection();
    const drda::PackageSection pkg = s.Package(section->number());
    internal::RequestChain chain;
    internal::AddPrepare(chain, pkg, sql);
    internal::AddOpenQuery(chain, pkg, nullptr);
    auto groups = s.RoundTrip(chain);
    if (groups.empty()) internal::ProtocolError("no reply to PRPSQLSTT");
    internal::GroupReader prepare(groups[0], s.reply_order(), "PRPSQLSTT");
    internal::DescribeReply described = internal::ReadDescribeReply(prepare);
    // A failed prepare makes the OPNQRY fail too (OPNQFLRM); the prepare's
    // error is the one that explains it.
    if (described.error) throw *described.error;
    if (groups.size() < 2) internal::ProtocolError("no reply to OPNQRY");
    internal::GroupReader open(groups[1], s.reply_order(), "OPNQRY");
    s.NoteWork();
    return internal::OpenCursor(session_, std::move(section), std::move(described.columns), open);
  });
  return ResultSet(std::move(cursor));
}

Value Connection::QueryScalar(std::string_view sql) {
  ResultSet rs = Query(sql);
  Value v = Null{};
  if (rs.Next()) v = rs.Get(1);
  rs.Close();
  return v;
}

PreparedStatement Connection::Prepare(std::string_view sql) {
  session();  // throws 08003 for a moved-from connection
  return PreparedStatement(internal::PrepareStatement(session_, sql));
}

void Connection::SetAutoCommit(bool on) { session().SetAutoCommit(on); }
bool Connection::auto_commit() const { return session().auto_commit(); }
void Connection::Commit() { session().Commit(); }
void Connection::Rollback() { session().Rollback(); }

void Connection::Close() noexcept {
  if (session_) session_->Close();
}

bool Connection::is_closed() const { return !session_ || session_->closed() || session_->broken(); }

const ServerInfo& Connection::server() const { return session().server(); }

}  // namespace drdaplex::client
