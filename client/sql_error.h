// SqlError: the one exception type of the client library. Every failure a
// caller can see -- an SQL error the server reported in an SQLCA, a DDM
// error reply message, a broken or timed-out connection, a misuse of the
// API -- is an SqlError carrying an SQLSTATE, an SQLCODE (0 when the error
// did not come from an SQLCA) and a message. BatchError adds the update
// counts of a batch that failed part-way.
//
// SQLSTATE classes used by the library itself (the server's own states are
// passed through unchanged):
//   08001 cannot connect        08003 connection closed     08004 rejected by the server
//   08006 connection broken     07000 parameter not bound   07009 bad column/parameter index
//   22001 value too long        22018 value not convertible 24000 invalid cursor state
//   58009 DRDA protocol error (the connection is dropped), 58014..58017 unsupported
//   command/object/parameter/value reported by the server (also dropped).
// Immutable; safe to share between threads.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace drdaplex::client {

class SqlError : public std::runtime_error {
 public:
  SqlError(std::string sqlstate, std::string message, int32_t sqlcode = 0);

  const std::string& sqlstate() const { return sqlstate_; }
  int32_t sqlcode() const { return sqlcode_; }
  // The message without the "SQLSTATE xxxxx: " prefix that what() has.
  const std::string& message() const { return message_; }

 private:
  std::string sqlstate_;
  std::string message_;
  int32_t sqlcode_;
};

// PreparedStatement::ExecuteBatch failed for at least one row. The error is
// the first failing row's; update_counts() has one entry per row sent, with
// kExecuteFailed for rows that failed or got no reply.
class BatchError : public SqlError {
 public:
  static constexpr int64_t kExecuteFailed = -3;  // as JDBC's Statement.EXECUTE_FAILED

  BatchError(const SqlError& first, std::vector<int64_t> update_counts);
  const std::vector<int64_t>& update_counts() const { return update_counts_; }

 private:
  std::vector<int64_t> update_counts_;
};

}  // namespace drdaplex::client
