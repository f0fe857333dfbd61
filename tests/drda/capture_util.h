// Helpers shared by the codec tests: locating the captured byte streams in
// fixtures/drda-captures, reading their decoded listings (STEM.ddm.txt),
// framing byte streams with the codec, and reading the Python-style literals
// the listings use for SQL text and parameter values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drda/bytes.h"
#include "drda/dss.h"
#include "drda/fdoca.h"
#include "drda/sqlca.h"

namespace drdaplex::drda::test {

std::filesystem::path SourceDir();
Bytes ReadFileBytes(const std::filesystem::path& path);
std::string Hex(ByteSpan bytes);
Bytes FromHex(std::string_view hex);

// One direction of one TCP connection of a capture: STEM.N.c2s.bin or
// STEM.N.s2c.bin.
struct CaptureStream {
  std::string folder;  // "derby-client" or "pydrda"
  std::string stem;    // "golden"
  int conn = 0;
  bool client_to_server = true;
  std::filesystem::path path;

  // A name usable as a gtest parameter name: derby_client_golden_1_c2s.
  std::string Name() const;
  std::filesystem::path ListingPath() const;
};
std::ostream& operator<<(std::ostream& os, const CaptureStream& s);

// Every capture stream of both folders, in a stable order.
std::vector<CaptureStream> AllCaptureStreams();
// The stream `folder/stem.conn.dir.bin`.
CaptureStream FindCapture(std::string_view folder, std::string_view stem, int conn,
                          bool client_to_server);

// One line of a STEM.ddm.txt listing.
struct ListingLine {
  int conn = 0;
  bool client_to_server = true;
  uint16_t correlator = 0;
  std::string dss;  // RQS, RPY, OBJ
  bool chained = false;
  bool same_correlator = false;
  bool continued = false;
  size_t length = 0;  // DSS length including the 6-byte header
  uint16_t code_point = 0;
  std::string name;
  std::string details;
  // "(object N in the same DSS)": a further object of the previous line's DSS.
  bool extra_object = false;
};
std::vector<ListingLine> ReadListing(const std::filesystem::path& path);
// The listing lines of `stream`'s connection and direction.
std::vector<ListingLine> ListingFor(const CaptureStream& stream);

// DSSes of a byte stream, as DssStreamParser delivers them when the stream
// arrives in pieces that end at `cuts` (offsets, ascending).
struct Framing {
  std::vector<Dss> dsses;
  boost::system::error_code error;  // the first framing error, if any
  size_t buffered = 0;              // bytes left in the parser at the end
  bool at_boundary = false;
};
Framing FrameInPieces(ByteSpan stream, std::span<const size_t> cuts, const Limits& limits = {});
Framing FrameByteByByte(ByteSpan stream, const Limits& limits = {});

// Parses a whole stream with ParseDss alone; also returns each DSS's raw bytes
// (header and continuation headers included). Fails the current test on any
// error.
struct RawDss {
  Dss dss;
  ByteSpan wire;
};
std::vector<RawDss> SplitStream(ByteSpan stream, const Limits& limits = {});

// Rows of a QRYDTA block (or of an FDODTA that starts with an SQLCA, as in
// SQLDTARD): each row is an SQLCAGRP, then 0x00 and the values, or 0xFF (no
// row: the end-of-data SQLCA). The codec has no reader for whole blocks (the
// router assembles them); this one is for checking captures.
struct QueryRow {
  std::optional<Sqlca> sqlca;
  std::optional<std::vector<Value>> values;
};
Result<std::vector<QueryRow>> DecodeRows(ByteSpan data, const std::vector<FieldDesc>& fields, ByteOrder order);
void EncodeRows(ByteWriter& out, const std::vector<FieldDesc>& fields, const std::vector<QueryRow>& rows);

// Python literals as the listings print them.
struct PyValue {
  enum Kind { kNone, kInt, kFloat, kString } kind = kNone;
  int64_t i = 0;
  double d = 0;
  std::string s;
  // 'abc..'(240): only a prefix is shown; full_length is the real length.
  bool truncated = false;
  size_t full_length = 0;
};
// Reads a quoted literal ('..' or "..") at the front of `text` and consumes it
// (and a following "(N)" length annotation).
std::optional<PyValue> ParsePyString(std::string_view& text);
// Reads "[v, v, ...]".
std::optional<std::vector<PyValue>> ParsePyList(std::string_view text);
// Whether a decoded FD:OCA value is what the listing shows.
bool PyValueMatches(const PyValue& expected, const Value& actual, std::string* why);

// The value of KEY=value (a quoted literal, x'..', or up to the next space)
// or the bracketed group of KEY[...] in `details`; std::nullopt when absent.
std::optional<std::string> DetailField(std::string_view details, std::string_view key);

}  // namespace drdaplex::drda::test
