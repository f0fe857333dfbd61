#include "client/result_set.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "client/cursor.h"
#include "client/sql_error.h"

namespace drdaplex::client {
namespace {

std::string DoubleToString(double d) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

std::string Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

}  // namespace

std::string ValueToString(const Value& value) {
  struct Visitor {
    std::string operator()(Null) const { return {}; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return DoubleToString(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const Bytes& b) const {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string out;
      out.reserve(b.size() * 2);
      for (uint8_t x : b) {
        out.push_back(kHex[x >> 4]);
        out.push_back(kHex[x & 15]);
      }
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

ResultSet::ResultSet(std::shared_ptr<internal::Cursor> cursor) : cursor_(std::move(cursor)) {}
ResultSet::ResultSet(ResultSet&&) noexcept = default;

ResultSet& ResultSet::operator=(ResultSet&& other) noexcept {
  if (this != &other) {
    try {
      Close();
    } catch (...) {
    }
    cursor_ = std::move(other.cursor_);
  }
  return *this;
}

ResultSet::~ResultSet() {
  try {
    Close();
  } catch (...) {
    // A destructor cannot report; the server drops the cursor with the
    // connection at the latest.
  }
}

bool ResultSet::Next() {
  if (!cursor_ || cursor_->closed) return false;
  return internal::CursorNext(*cursor_);
}

void ResultSet::Close() {
  if (cursor_) internal::CursorClose(*cursor_);
}

bool ResultSet::is_closed() const { return !cursor_ || cursor_->closed; }

const std::vector<ColumnInfo>& ResultSet::columns() const {
  static const std::vector<ColumnInfo> kNone;
  return cursor_ ? cursor_->columns : kNone;
}

int ResultSet::FindColumn(std::string_view name) const {
  const auto& cols = columns();
  for (size_t i = 0; i < cols.size(); ++i) {
    const std::string& n = cols[i].name;
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return static_cast<int>(i) + 1;
    }
  }
  throw SqlError("07009", "no column named '" + std::string(name) + "'");
}

const std::vector<Value>& ResultSet::Row() const {
  if (!cursor_ || !cursor_->on_row) throw SqlError("24000", "the result set is not positioned on a row");
  return cursor_->current;
}

const Value& ResultSet::Get(int index) const {
  const auto& row = Row();
  if (index < 1 || static_cast<size_t>(index) > row.size()) {
    throw SqlError("07009", "column index " + std::to_string(index) + " is out of range 1.." +
                                std::to_string(row.size()));
  }
  return row[static_cast<size_t>(index) - 1];
}

bool ResultSet::IsNull(int index) const { return std::holds_alternative<Null>(Get(index)); }

int64_t ResultSet::GetInt64(int index) const {
  const Value& v = Get(index);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (std::holds_alternative<Null>(v)) return 0;
  double d;
  if (const auto* x = std::get_if<double>(&v)) {
    d = *x;
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    const std::string t = Trim(*s);
    int64_t out = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec == std::errc() && end == t.data() + t.size() && !t.empty()) return out;
    char* stop = nullptr;
    d = std::strtod(t.c_str(), &stop);
    if (t.empty() || stop != t.c_str() + t.size()) {
      throw SqlError("22018", "column " + std::to_string(index) + " value '" + *s + "' is not a number");
    }
  } else {
    throw SqlError("22018", "column " + std::to_string(index) + " holds binary data, not a number");
  }
  if (!std::isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
    throw SqlError("22003", "column " + std::to_string(index) + " value is out of range for a 64-bit integer");
  }
  return static_cast<int64_t>(d);
}

double ResultSet::GetDouble(int index) const {
  const Value& v = Get(index);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (std::holds_alternative<Null>(v)) return 0.0;
  if (const auto* s = std::get_if<std::string>(&v)) {
    const std::string t = Trim(*s);
    char* stop = nullptr;
    const double d = std::strtod(t.c_str(), &stop);
    if (!t.empty() && stop == t.c_str() + t.size()) return d;
    throw SqlError("22018", "column " + std::to_string(index) + " value '" + *s + "' is not a number");
  }
  throw SqlError("22018", "column " + std::to_string(index) + " holds binary data, not a number");
}

std::string ResultSet::GetString(int index) const { return ValueToString(Get(index)); }

}  // namespace drdaplex::client
