#include "drda/sqlca.h"

namespace drdaplex::drda {
namespace {

// VCS / VCM: 2-byte big-endian length, then the bytes.
void PutVarString(ByteWriter& out, std::string_view s) {
  out.PutU16(static_cast<uint16_t>(std::min<size_t>(s.size(), 0xFFFF)));
  out.PutChars(s.substr(0, 0xFFFF));
}
std::string GetVarString(ByteReader& in) {
  const uint16_t n = in.GetU16();
  return std::string(AsChars(in.GetBytes(n)));
}
// A VCM+VCS pair: the mixed (UTF-8) form carries the text, the single-byte
// form is empty; readers take whichever is not empty.
void PutStringPair(ByteWriter& out, std::string_view s) {
  PutVarString(out, s);
  PutVarString(out, {});
}
std::string GetStringPair(ByteReader& in) {
  std::string m = GetVarString(in);
  std::string s = GetVarString(in);
  return m.empty() ? s : m;
}
std::string Fixed(std::string_view s, size_t n) {
  std::string out(s.substr(0, n));
  out.resize(n, ' ');
  return out;
}

}  // namespace

int64_t Sqlca::update_count() const {
  return static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(sqlerrd[3])) << 32 |
                              static_cast<uint32_t>(sqlerrd[2]));
}

void Sqlca::set_update_count(int64_t n) {
  sqlerrd[2] = static_cast<int32_t>(static_cast<uint32_t>(n));
  sqlerrd[3] = static_cast<int32_t>(static_cast<uint64_t>(n) >> 32);
}

void WriteSqlcaGroup(ByteWriter& out, const Sqlca* sqlca) {
  if (sqlca == nullptr) {
    out.PutU8(0xFF);
    return;
  }
  out.PutU8(0x00);
  out.PutI32(sqlca->sqlcode);
  out.PutChars(Fixed(sqlca->sqlstate, 5));
  out.PutChars(Fixed(sqlca->sqlerrproc, 8));
  // SQLCAXGRP
  out.PutU8(0x00);
  for (int32_t d : sqlca->sqlerrd) out.PutI32(d);
  out.PutChars(Fixed(sqlca->sqlwarn, 11));
  PutVarString(out, sqlca->rdbname);
  PutVarString(out, sqlca->message);  // SQLERRMSG_m
  PutVarString(out, {});              // SQLERRMSG_s
  // SQLDIAGGRP: null
  out.PutU8(0xFF);
}

Result<std::optional<Sqlca>> ReadSqlcaGroup(ByteReader& in) {
  const uint8_t indicator = in.GetU8();
  if (!in.ok()) return errc::bad_fdoca;
  if (indicator == 0xFF) return std::optional<Sqlca>{};
  if (indicator != 0x00) return errc::bad_fdoca;
  Sqlca s;
  s.sqlcode = in.GetI32();
  s.sqlstate = std::string(AsChars(in.GetBytes(5)));
  s.sqlerrproc = std::string(AsChars(in.GetBytes(8)));
  const uint8_t ext = in.GetU8();
  if (ext == 0x00) {
    for (int32_t& d : s.sqlerrd) d = in.GetI32();
    s.sqlwarn = std::string(AsChars(in.GetBytes(11)));
    s.rdbname = GetVarString(in);
    s.message = GetStringPair(in);
  } else if (ext != 0xFF) {
    return errc::bad_fdoca;
  }
  const uint8_t diag = in.GetU8();
  if (!in.ok() || diag != 0xFF) return errc::bad_fdoca;  // SQLDIAGGRP is never sent
  return std::optional<Sqlca>{std::move(s)};
}

void WriteSqldard(ByteWriter& out, const Sqlca* sqlca, const std::vector<SqldaColumn>& columns,
                  int16_t holdability) {
  // A successful describe still carries a non-null SQLCA (as Derby does).
  Sqlca ok;
  ok.sqlstate = "     ";
  WriteSqlcaGroup(out, sqlca ? sqlca : &ok);
  // SQLDHROW
  out.PutU8(0x00);
  out.PutI16(holdability);
  for (int i = 0; i < 5; ++i) out.PutI16(0);  // RETURN, SCROLL, SENSITIVE, FCODE, KEYTYPE
  PutVarString(out, {});                      // SQLDRDBNAM
  PutStringPair(out, {});                     // SQLDSCHEMA
  out.PutI16(static_cast<int16_t>(columns.size()));
  for (const SqldaColumn& c : columns) {
    out.PutI16(c.precision);
    out.PutI16(c.scale);
    out.PutI64(c.length);
    out.PutI16(c.sqltype);
    out.PutU16(c.ccsid);
    // SQLDOPTGRP
    out.PutU8(0x00);
    out.PutI16(0);  // SQLUNNAMED
    PutStringPair(out, c.name);
    PutStringPair(out, c.label);
    PutStringPair(out, {});  // SQLCOMMENTS
    out.PutU8(0xFF);         // SQLUDTGRP: null
    // SQLDXGRP
    out.PutU8(0x00);
    out.PutI16(0);  // SQLXKEYMEM
    out.PutI16(c.updatable);
    out.PutI16(0);  // SQLXGENERATED
    out.PutI16(c.parameter_mode);
    PutVarString(out, {});  // SQLXRDBNAM
    PutStringPair(out, {});  // SQLXCORNAME
    PutStringPair(out, c.base_table);
    PutStringPair(out, c.schema);
    PutStringPair(out, c.column_name);
  }
}

Result<Sqldard> ReadSqldard(ByteReader& in) {
  Sqldard d;
  auto sqlca = ReadSqlcaGroup(in);
  if (!sqlca) return sqlca.error();
  d.sqlca = std::move(*sqlca);
  const uint8_t dhrow = in.GetU8();
  if (dhrow == 0x00) {
    d.holdability = in.GetI16();
    for (int i = 0; i < 5; ++i) in.GetI16();
    GetVarString(in);
    GetStringPair(in);
  } else if (dhrow != 0xFF) {
    return errc::bad_fdoca;
  }
  const int16_t n = in.GetI16();
  if (!in.ok() || n < 0) return errc::bad_fdoca;
  // Each column takes at least 16 bytes: refuse counts the data cannot hold.
  if (static_cast<size_t>(n) * 16 > in.remaining()) return errc::bad_fdoca;
  d.columns.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    SqldaColumn c;
    c.precision = in.GetI16();
    c.scale = in.GetI16();
    c.length = in.GetI64();
    c.sqltype = in.GetI16();
    c.ccsid = in.GetU16();
    if (in.GetU8() == 0x00) {  // SQLDOPTGRP
      in.GetI16();
      c.name = GetStringPair(in);
      c.label = GetStringPair(in);
      GetStringPair(in);
      const uint8_t udt = in.GetU8();
      if (udt == 0x00) {
        // SQLUDTGRP: XTYPE I4, then RDB name, schema and name strings.
        in.GetI32();
        GetVarString(in);
        GetStringPair(in);
        GetStringPair(in);
      }
      if (in.GetU8() == 0x00) {  // SQLDXGRP
        in.GetI16();
        c.updatable = in.GetI16();
        in.GetI16();
        c.parameter_mode = in.GetI16();
        GetVarString(in);
        GetStringPair(in);
        c.base_table = GetStringPair(in);
        c.schema = GetStringPair(in);
        c.column_name = GetStringPair(in);
      }
    }
    if (!in.ok()) return errc::bad_fdoca;
    d.columns.push_back(std::move(c));
  }
  return d;
}

}  // namespace drdaplex::drda
