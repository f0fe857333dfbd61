// The SQL that Derby clients send which SQLite does not speak: statements
// the Derby network client generates by itself (SET CURRENT ISOLATION,
// VALUES CURRENT ISOLATION, CALL SYSIBM.SQLCAMESSAGE...) and a few Derby/DB2
// spellings (VALUES expr, FETCH FIRST n ROWS ONLY). Pure text in, text out.
#pragma once

#include <string>
#include <string_view>

namespace drdaplex::odbm {

enum class StatementKind {
  kSql,            // pass the (rewritten) text to SQLite
  kSetRegister,    // SET CURRENT ISOLATION / SCHEMA / STATEMENT_TIMEOUT...: accepted, no effect
  kSqlcaMessage,   // CALL SYSIBM.SQLCAMESSAGE(...): answered by the server itself
  kUnknownCall,    // CALL of a procedure we do not have
};

struct TranslatedStatement {
  StatementKind kind = StatementKind::kSql;
  std::string sql;  // for kSql: the text for SQLite
};

struct DialectContext {
  std::string current_schema = "APP";
  // What VALUES CURRENT ISOLATION answers: SQLite transactions are
  // serializable, which DB2 spells RR.
  std::string isolation = "RR";
};

TranslatedStatement TranslateStatement(std::string_view sql, const DialectContext& context);

}  // namespace drdaplex::odbm
