// Plain value types of the client API: connection options, the description
// of a result column or statement parameter, and what the server said about
// itself while connecting. Values only; no behaviour beyond formatting.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "drda/fdoca.h"

namespace drdaplex::client {

// A column or parameter value: Null, int64_t, double, std::string (text,
// DECIMAL digits, DATE/TIME/TIMESTAMP text) or Bytes (binary types).
using Value = drda::Value;
using Null = drda::Null;
using Bytes = drda::Bytes;

struct ConnectOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  // The RDB name (an alias for drdaplex). Blank is sent as 18 spaces, which
  // lets drdaplex pick a datastore. Derby-style attributes ride along
  // (";create=true") exactly as the Derby client sends them.
  std::string database;
  std::string user;
  // With a password: SECMEC 3 (USRIDPWD); without: SECMEC 4 (USRIDONL).
  std::optional<std::string> password;
  // Bound for establishing TCP and for the whole connect handshake.
  std::chrono::milliseconds connect_timeout{5000};
  // Bound for each request/reply round trip after connecting.
  std::chrono::milliseconds io_timeout{30000};
};

// One result column or statement parameter, from the server's SQLDARD.
struct ColumnInfo {
  std::string name;        // empty for parameters and unnamed expressions
  int16_t sqltype = 0;     // DB2 SQLTYPE without the nullable bit (e.g. 496 INTEGER)
  int64_t length = 0;      // bytes, characters, or precision<<8|scale (DECIMAL)
  int16_t precision = 0;
  int16_t scale = 0;
  uint16_t ccsid = 0;      // 1208 for text; 0 for binary strings
  bool nullable = true;
  std::string table;       // base table, when the server says
  std::string schema;

  // SQL type name: "INTEGER", "VARCHAR", "DOUBLE", "VARCHAR FOR BIT DATA"...
  std::string TypeName() const;
};

// What the server reported in EXCSATRD and ACCRDBRM.
struct ServerInfo {
  std::string server_class;    // SRVCLSNM, e.g. "Apache Derby"
  std::string server_name;     // SRVNAM
  std::string release_level;   // SRVRLSLV, e.g. "CSS10140/10.14.2.0 - (...)"
  std::string external_name;   // EXTNAM
  std::string product_id;      // PRDID of ACCRDBRM, e.g. "CSS10140"
  std::string typdefnam;       // data representation of the server's replies
  int version = 0, release = 0, modification = 0;  // parsed from PRDID "XXXvvrrm"
};

}  // namespace drdaplex::client
