#include "client/sql_error.h"

#include <utility>

namespace drdaplex::client {

SqlError::SqlError(std::string sqlstate, std::string message, int32_t sqlcode)
    : std::runtime_error("SQLSTATE " + sqlstate + ": " + message),
      sqlstate_(std::move(sqlstate)),
      message_(std::move(message)),
      sqlcode_(sqlcode) {}

BatchError::BatchError(const SqlError& first, std::vector<int64_t> update_counts)
    : SqlError(first.sqlstate(), first.message(), first.sqlcode()),
      update_counts_(std::move(update_counts)) {}

}  // namespace drdaplex::client
