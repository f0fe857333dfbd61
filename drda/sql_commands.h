// Typed helpers for the SQL commands' parameters and objects: the package
// name/section that keys a statement (PKGNAMCSN), statement text (SQLSTT,
// SQLATTR), the FD:OCA parameter block (SQLDTA) and cursor ids (QRYINSID).
#pragma once

#include <string>
#include <vector>

#include "drda/bytes.h"
#include "drda/dss_writer.h"
#include "drda/errc.h"
#include "drda/fdoca.h"
#include "drda/limits.h"

namespace drdaplex::drda {

// PKGNAMCSN: which package section a command addresses. The Derby client
// gives every statement object its own section of package SYSLH000/SYSLN000.
struct PackageSection {
  std::string rdbnam;
  std::string collection;
  std::string package;
  Bytes token;  // 8-byte consistency token
  uint16_t section = 0;

  // A key that identifies the statement within one connection.
  std::string Key() const;
};
Result<PackageSection> ParsePkgnamcsn(ByteSpan data);
void WritePkgnamcsn(DssWriter& w, const PackageSection& p);

// SQLSTT and SQLATTR carry an NOCM (nullable mixed, 4-byte length, UTF-8)
// followed by an NOCS (nullable single-byte); the text is whichever is set.
Result<std::string> ParseStatementText(ByteSpan data, const Limits& limits);
void WriteStatementText(DssWriter& w, uint16_t code_point, std::string_view text);

// SQLDTA: FDODSC + FDODTA. Tolerates a missing FDODTA group indicator
// (some requesters omit it).
struct ParameterData {
  std::vector<FieldDesc> fields;
  std::vector<Value> values;
  // LOB parameters (BLOB/CLOB types): FDODTA holds only their length; their
  // bytes follow in EXTDTA objects, one per non-empty LOB, in this order.
  // Their entry in `values` is Null until the caller fills it.
  struct External {
    size_t index;     // into values
    uint64_t length;  // as announced
  };
  std::vector<External> externals;
};
Result<ParameterData> ParseSqldta(ByteSpan sqldta_data, ByteOrder order, const Limits& limits);

// True for the FD:OCA types whose values travel in EXTDTA.
bool IsLobType(uint8_t fdoca_type);
void WriteSqldta(DssWriter& w, const std::vector<FieldDesc>& fields, const std::vector<Value>& values,
                 ByteOrder order = ByteOrder::kBig);

}  // namespace drdaplex::drda
