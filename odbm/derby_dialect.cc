#include "odbm/derby_dialect.h"

#include <cctype>
#include <regex>
#include <vector>

namespace drdaplex::odbm {
namespace {

// Skips blanks and SQL comments at the front.
std::string_view SkipLeading(std::string_view s) {
  for (;;) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    if (s.substr(0, 2) == "--") {
      const size_t nl = s.find('\n');
      s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
    } else if (s.substr(0, 2) == "/*") {
      const size_t end = s.find("*/");
      s = end == std::string_view::npos ? std::string_view{} : s.substr(end + 2);
    } else {
      return s;
    }
  }
}

bool StartsWithWord(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !(std::isalnum(static_cast<unsigned char>(s[word.size()])) ||
                                      s[word.size()] == '_');
}

// Applies `rewrite` to the parts of `sql` outside quoted literals and
// identifiers, so that text inside strings is never touched.
template <typename F>
std::string RewriteOutsideQuotes(std::string_view sql, F rewrite) {
  std::string out, code;
  for (size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      out += rewrite(code);
      code.clear();
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out.append(sql.substr(i, std::min(j + 1, sql.size()) - i));
      i = j + 1;
    } else {
      code.push_back(c);
      ++i;
    }
  }
  return out + rewrite(code);
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

}  // namespace

TranslatedStatement TranslateStatement(std::string_view sql, const DialectContext& context) {
  std::string_view body = SkipLeading(sql);
  TranslatedStatement t;
  if (StartsWithWord(body, "SET")) {
    std::string_view rest = SkipLeading(body.substr(3));
    // SQLite has no SET statement at all: every special-register SET is
    // accepted; the registers that matter are fixed by the datastore.
    (void)rest;
    t.kind = StatementKind::kSetRegister;
    return t;
  }
  if (StartsWithWord(body, "CALL")) {
    std::string_view proc = SkipLeading(body.substr(4));
    t.kind = StartsWithWord(proc, "SYSIBM.SQLCAMESSAGE") ? StatementKind::kSqlcaMessage
                                                         : StatementKind::kUnknownCall;
    t.sql = std::string(proc.substr(0, proc.find('(')));
    return t;
  }
  // Fast path: most statements contain none of the spellings rewritten below.
  std::string upper(body);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.find("VALUES") == std::string::npos && upper.find("FETCH") == std::string::npos &&
      upper.find("CURRENT") == std::string::npos) {
    t.sql = std::string(body);
    return t;
  }
  static const std::regex kValuesStart(R"(^(\s*)VALUES(\s+)(?!\())", std::regex::icase);
  static const std::regex kFetchFirst(
      R"(\bFETCH\s+(?:FIRST|NEXT)\s+(\d+)\s+ROWS?\s+ONLY\b)", std::regex::icase);
  static const std::regex kFetchFirstRow(R"(\bFETCH\s+(?:FIRST|NEXT)\s+ROWS?\s+ONLY\b)", std::regex::icase);
  static const std::regex kCurrentIsolation(R"(\bCURRENT\s+ISOLATION\b)", std::regex::icase);
  static const std::regex kCurrentSchema(R"(\bCURRENT\s+SCHEMA\b)", std::regex::icase);
  bool first = true;
  t.sql = RewriteOutsideQuotes(body, [&](const std::string& code) {
    std::string s = code;
    if (first) {
      // "VALUES 1, 2" is a one-row query in DB2; SQLite wants SELECT.
      s = std::regex_replace(s, kValuesStart, "$1SELECT$2");
      first = false;
    }
    s = std::regex_replace(s, kFetchFirst, "LIMIT $1");
    s = std::regex_replace(s, kFetchFirstRow, "LIMIT 1");
    s = std::regex_replace(s, kCurrentIsolation, Quote(context.isolation));
    s = std::regex_replace(s, kCurrentSchema, Quote(context.current_schema));
    return s;
  });
  return t;
}

}  // namespace drdaplex::odbm
