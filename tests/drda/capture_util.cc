#include "tests/drda/capture_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

namespace drdaplex::drda::test {

namespace fs = std::filesystem;

fs::path SourceDir() { return fs::path(DRDAPLEX_SOURCE_DIR); }

Bytes ReadFileBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Hex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

Bytes FromHex(std::string_view hex) {
  Bytes out;
  int pending = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;  // separators
    if (pending < 0) {
      pending = v;
    } else {
      out.push_back(static_cast<uint8_t>(pending << 4 | v));
      pending = -1;
    }
  }
  return out;
}

std::string CaptureStream::Name() const {
  std::string name = folder + "_" + stem + "_" + std::to_string(conn) + (client_to_server ? "_c2s" : "_s2c");
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

fs::path CaptureStream::ListingPath() const { return path.parent_path() / (stem + ".ddm.txt"); }

std::ostream& operator<<(std::ostream& os, const CaptureStream& s) { return os << s.path.string(); }

std::vector<CaptureStream> AllCaptureStreams() {
  std::vector<CaptureStream> out;
  const fs::path root = SourceDir() / "fixtures" / "drda-captures";
  static const std::regex kName(R"(([A-Za-z0-9_-]+)\.([0-9]+)\.(c2s|s2c)\.bin)");
  for (const char* folder : {"derby-client", "pydrda"}) {
    for (const auto& entry : fs::directory_iterator(root / folder)) {
      std::smatch m;
      const std::string file = entry.path().filename().string();
      if (!std::regex_match(file, m, kName)) continue;
      out.push_back({folder, m[1], std::stoi(m[2]), m[3] == "c2s", entry.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const CaptureStream& a, const CaptureStream& b) {
    // Client-to-server first within a connection.
    const bool a_s2c = !a.client_to_server, b_s2c = !b.client_to_server;
    return std::tie(a.folder, a.stem, a.conn, a_s2c) < std::tie(b.folder, b.stem, b.conn, b_s2c);
  });
  return out;
}

CaptureStream FindCapture(std::string_view folder, std::string_view stem, int conn, bool client_to_server) {
  for (CaptureStream& s : AllCaptureStreams()) {
    if (s.folder == folder && s.stem == stem && s.conn == conn && s.client_to_server == client_to_server) {
      return s;
    }
  }
  ADD_FAILURE() << "no capture " << folder << "/" << stem << "." << conn;
  return {};
}

std::vector<ListingLine> ReadListing(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<ListingLine> out;
  std::string line;
  std::getline(in, line);  // column titles
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ListingLine l;
    std::string frame, dir, flags, cp;
    fields >> l.conn >> frame >> dir >> l.correlator >> l.dss >> flags >> l.length >> cp >> l.name;
    EXPECT_FALSE(fields.fail()) << "bad listing line: " << line;
    l.client_to_server = dir == "C>S";
    l.chained = flags.find('C') != std::string::npos;
    l.same_correlator = flags.find('S') != std::string::npos;
    l.continued = flags.find('K') != std::string::npos;
    l.code_point = static_cast<uint16_t>(std::stoul(cp, nullptr, 16));
    std::string rest;
    std::getline(fields, rest);
    const size_t first = rest.find_first_not_of(' ');
    l.details = first == std::string::npos ? "" : rest.substr(first);
    static constexpr std::string_view kExtra = "(object ";
    if (l.details.starts_with(kExtra)) {
      l.extra_object = true;
      l.details = l.details.substr(l.details.find(')') + 1);
      l.details.erase(0, l.details.find_first_not_of(' '));
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<ListingLine> ListingFor(const CaptureStream& stream) {
  std::vector<ListingLine> out;
  for (ListingLine& l : ReadListing(stream.ListingPath())) {
    if (l.conn == stream.conn && l.client_to_server == stream.client_to_server) out.push_back(std::move(l));
  }
  return out;
}

namespace {

// Pulls every complete DSS out of `parser`; false after a framing error.
bool Drain(DssStreamParser& parser, Framing& f) {
  for (;;) {
    auto next = parser.Next();
    if (!next) {
      f.error = next.error();
      return false;
    }
    if (!*next) return true;
    f.dsses.push_back(std::move(**next));
  }
}

}  // namespace

Framing FrameInPieces(ByteSpan stream, std::span<const size_t> cuts, const Limits& limits) {
  DssStreamParser parser(limits);
  Framing f;
  size_t pos = 0;
  bool ok = true;
  for (size_t i = 0; ok && i <= cuts.size(); ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : stream.size();
    // Exercise both ways of handing bytes to the parser.
    if (i % 2 == 0) {
      parser.Append(stream.subspan(pos, end - pos));
    } else {
      auto dst = parser.PrepareRead(end - pos);
      std::copy(stream.begin() + pos, stream.begin() + end, dst.begin());
      parser.CommitRead(end - pos);
    }
    pos = end;
    ok = Drain(parser, f);
  }
  f.buffered = parser.buffered();
  f.at_boundary = parser.at_boundary();
  return f;
}

Framing FrameByteByByte(ByteSpan stream, const Limits& limits) {
  DssStreamParser parser(limits);
  Framing f;
  for (size_t i = 0; i < stream.size(); ++i) {
    parser.Append(stream.subspan(i, 1));
    if (!Drain(parser, f)) break;
  }
  f.buffered = parser.buffered();
  f.at_boundary = parser.at_boundary();
  return f;
}

std::vector<RawDss> SplitStream(ByteSpan stream, const Limits& limits) {
  std::vector<RawDss> out;
  size_t pos = 0;
  while (pos < stream.size()) {
    RawDss raw;
    auto n = ParseDss(stream.subspan(pos), limits, raw.dss);
    if (!n) {
      ADD_FAILURE() << "ParseDss failed at offset " << pos << ": " << n.error().message();
      break;
    }
    raw.wire = stream.subspan(pos, *n);
    pos += *n;
    out.push_back(std::move(raw));
  }
  return out;
}

Result<std::vector<QueryRow>> DecodeRows(ByteSpan data, const std::vector<FieldDesc>& fields, ByteOrder order) {
  ByteReader in(data, order);
  std::vector<QueryRow> rows;
  while (!in.empty()) {
    QueryRow row;
    auto sqlca = ReadSqlcaGroup(in);
    if (!sqlca) return sqlca.error();
    row.sqlca = std::move(*sqlca);
    const uint8_t indicator = in.GetU8();
    if (!in.ok() || (indicator != 0x00 && indicator != 0xFF)) return errc::bad_fdoca;
    if (indicator == 0x00) {
      row.values.emplace();
      for (const FieldDesc& f : fields) {
        auto v = DecodeValue(in, f);
        if (!v) return v.error();
        row.values->push_back(std::move(*v));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void EncodeRows(ByteWriter& out, const std::vector<FieldDesc>& fields, const std::vector<QueryRow>& rows) {
  for (const QueryRow& row : rows) {
    WriteSqlcaGroup(out, row.sqlca ? &*row.sqlca : nullptr);
    if (!row.values) {
      out.PutU8(0xFF);
      continue;
    }
    out.PutU8(0x00);
    for (size_t i = 0; i < fields.size(); ++i) EncodeValue(out, fields[i], (*row.values)[i]);
  }
}

std::optional<PyValue> ParsePyString(std::string_view& text) {
  if (text.empty() || (text[0] != '\'' && text[0] != '"')) return std::nullopt;
  const char quote = text[0];
  PyValue v;
  v.kind = PyValue::kString;
  size_t i = 1;
  for (;; ++i) {
    if (i >= text.size()) return std::nullopt;
    const char c = text[i];
    if (c == quote) break;
    if (c != '\\') {
      v.s.push_back(c);
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    switch (text[i]) {
      case 'n': v.s.push_back('\n'); break;
      case 'r': v.s.push_back('\r'); break;
      case 't': v.s.push_back('\t'); break;
      case 'x': {
        if (i + 2 >= text.size()) return std::nullopt;
        v.s.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
        break;
      }
      default: v.s.push_back(text[i]); break;
    }
  }
  text.remove_prefix(i + 1);
  v.full_length = v.s.size();
  if (!text.empty() && text[0] == '(') {
    const size_t close = text.find(')');
    if (close == std::string_view::npos) return std::nullopt;
    v.full_length = std::stoul(std::string(text.substr(1, close - 1)));
    text.remove_prefix(close + 1);
    // The listing cuts long strings to a prefix and marks the cut with "..".
    if (v.s.ends_with("..") && v.full_length != v.s.size()) {
      v.truncated = true;
      v.s.resize(v.s.size() - 2);
    }
  }
  return v;
}

std::optional<std::vector<PyValue>> ParsePyList(std::string_view text) {
  if (text.empty() || text[0] != '[') return std::nullopt;
  text.remove_prefix(1);
  std::vector<PyValue> out;
  while (!text.empty() && text[0] != ']') {
    if (text[0] == '\'' || text[0] == '"') {
      auto s = ParsePyString(text);
      if (!s) return std::nullopt;
      out.push_back(std::move(*s));
    } else {
      const size_t end = text.find_first_of(",]");
      if (end == std::string_view::npos) return std::nullopt;
      const std::string token(text.substr(0, end));
      text.remove_prefix(end);
      PyValue v;
      if (token == "None") {
        v.kind = PyValue::kNone;
      } else if (token.find_first_of(".eEn") != std::string::npos) {
        v.kind = PyValue::kFloat;
        v.d = std::stod(token);
      } else {
        v.kind = PyValue::kInt;
        v.i = std::stoll(token);
      }
      out.push_back(std::move(v));
    }
    if (!text.empty() && text[0] == ',') text.remove_prefix(1);
    while (!text.empty() && text[0] == ' ') text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  return out;
}

bool PyValueMatches(const PyValue& expected, const Value& actual, std::string* why) {
  auto fail = [&](const std::string& msg) {
    if (why) *why = msg;
    return false;
  };
  switch (expected.kind) {
    case PyValue::kNone:
      if (!std::holds_alternative<Null>(actual)) return fail("expected NULL");
      return true;
    case PyValue::kInt:
      if (!std::holds_alternative<int64_t>(actual)) return fail("expected an integer");
      if (std::get<int64_t>(actual) != expected.i) {
        return fail("expected " + std::to_string(expected.i) + ", got " +
                    std::to_string(std::get<int64_t>(actual)));
      }
      return true;
    case PyValue::kFloat:
      if (!std::holds_alternative<double>(actual)) return fail("expected a double");
      if (std::get<double>(actual) != expected.d) {
        return fail("expected " + std::to_string(expected.d) + ", got " +
                    std::to_string(std::get<double>(actual)));
      }
      return true;
    case PyValue::kString: {
      if (!std::holds_alternative<std::string>(actual)) return fail("expected a string");
      const std::string& s = std::get<std::string>(actual);
      if (s.size() != expected.full_length) {
        return fail("expected length " + std::to_string(expected.full_length) + ", got " +
                    std::to_string(s.size()) + " ('" + s.substr(0, 40) + "')");
      }
      if (!s.starts_with(expected.s)) return fail("expected '" + expected.s + "', got '" + s + "'");
      return true;
    }
  }
  return fail("unknown kind");
}

std::optional<std::string> DetailField(std::string_view details, std::string_view key) {
  // KEY=value or KEY[group]
  size_t pos = 0;
  std::string_view rest;
  for (;;) {
    pos = details.find(key, pos);
    if (pos == std::string_view::npos) return std::nullopt;
    const size_t after = pos + key.size();
    if ((pos == 0 || details[pos - 1] == ' ' || details[pos - 1] == '[') && after < details.size() &&
        (details[after] == '=' || details[after] == '[')) {
      rest = details.substr(details[after] == '=' ? after + 1 : after);
      break;
    }
    pos = after;
  }
  size_t start = 0;
  if (rest.starts_with("ebcdic:")) start = 7;
  if (rest.starts_with("x'")) start = 1;
  if (start < rest.size() && (rest[start] == '\'' || rest[start] == '"')) {
    std::string_view s = rest.substr(start);
    const size_t before = s.size();
    if (!ParsePyString(s)) return std::nullopt;
    return std::string(rest.substr(0, start + before - s.size()));
  }
  if (!rest.empty() && rest[0] == '[') {
    int depth = 0;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == '[') ++depth;
      if (rest[i] == ']' && --depth == 0) return std::string(rest.substr(0, i + 1));
    }
    return std::nullopt;
  }
  return std::string(rest.substr(0, rest.find_first_of(" ]")));
}

}  // namespace drdaplex::drda::test
