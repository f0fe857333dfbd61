// Request chains as the Derby client sends them, for driving a
// CommandProcessor in tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drda/connect.h"
#include "drda/dss_writer.h"
#include "drda/sql_commands.h"
#include "tests/odbm/processor_fixture.h"

namespace drdaplex::odbm::testing::chains {

namespace cp = drda::cp;
using drda::DssType;

inline std::vector<drda::Dss> Chain(const drda::Bytes& bytes) {
  auto chains = SplitChains(bytes);
  EXPECT_EQ(chains.size(), 1u);
  return chains.empty() ? std::vector<drda::Dss>{} : chains[0];
}

// EXCSAT + ACCSEC, as the Derby client sends them (EBCDIC).
inline std::vector<drda::Dss> ExcsatAccsec(uint16_t secmec) {
  drda::Bytes out;
  drda::DssWriter w(out);
  drda::ExcsatCommand excsat;
  excsat.extnam = "test";
  excsat.managers = {{cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}, {cp::UNICODEMGR, 1208}};
  w.BeginGroup();
  drda::WriteExcsat(w, 1, excsat);
  w.BeginGroup();
  drda::WriteAccsec(w, 2, {secmec, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  w.Finish();
  return Chain(out);
}

// SECCHK + ACCRDB (UTF-8, after UNICODEMGR 1208).
inline std::vector<drda::Dss> SecchkAccrdb(const std::string& user, std::optional<std::string> password,
                                    const std::string& rdbnam, uint16_t secmec = 3) {
  drda::Bytes out;
  drda::DssWriter w(out);
  w.BeginGroup();
  drda::WriteSecchk(w, 1, {secmec, rdbnam, user, std::move(password)}, drda::DdmCharset::kUtf8);
  w.BeginGroup();
  drda::AccrdbCommand accrdb;
  accrdb.rdbnam = rdbnam;
  accrdb.prdid = "DNC10140";
  accrdb.typdefnam = "QTDSQLASC";
  drda::WriteAccrdb(w, 2, accrdb, drda::DdmCharset::kUtf8);
  w.Finish();
  return Chain(out);
}

inline drda::PackageSection Section(uint16_t n) {
  return {"IM1A", "NULLID", "SYSLH000", {'S', 'Y', 'S', 'L', 'V', 'L', '0', '1'}, n};
}

// EXCSQLIMM; with `commit`, RDBCMM chained after it (autocommit).
inline std::vector<drda::Dss> ExecuteImmediate(const std::string& sql, bool commit = false) {
  drda::Bytes out;
  drda::DssWriter w(out);
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(cp::EXCSQLIMM);
  drda::WritePkgnamcsn(w, Section(1));
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, 1);
  drda::WriteStatementText(w, cp::SQLSTT, sql);
  w.EndDss();
  if (commit) {
    w.BeginGroup();
    w.BeginDss(DssType::kRequest, 2);
    w.BeginObject(cp::RDBCMM);
    w.EndObject();
    w.EndDss();
  }
  w.Finish();
  return Chain(out);
}

// PRPSQLSTT + `command` (OPNQRY or EXCSQLSTT) of the same section in one
// chain. A query asks for its description (RTNSQLDA) and 32 KiB blocks
// closed implicitly at the end, as Statement.executeQuery does.
inline std::vector<drda::Dss> PrepareAnd(cp::CodePoint command, const std::string& sql, uint16_t section) {
  const bool query = command == cp::OPNQRY;
  drda::Bytes out;
  drda::DssWriter w(out);
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(cp::PRPSQLSTT);
  drda::WritePkgnamcsn(w, Section(section));
  if (query) w.ParamU8(cp::RTNSQLDA, drda::kTrue);
  w.EndObject();
  w.EndDss();
  w.BeginDss(DssType::kObject, 1);
  drda::WriteStatementText(w, cp::SQLSTT, sql);
  w.EndDss();
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 2);
  w.BeginObject(command);
  drda::WritePkgnamcsn(w, Section(section));
  if (query) {
    w.ParamU32(cp::QRYBLKSZ, 32767);
    w.ParamU8(cp::QRYCLSIMP, 1);
  }
  w.EndObject();
  w.EndDss();
  w.Finish();
  return Chain(out);
}

inline std::vector<drda::Dss> PrepareAndOpen(const std::string& sql, uint16_t section) {
  return PrepareAnd(cp::OPNQRY, sql, section);
}

// As a prepared statement's first run.
inline std::vector<drda::Dss> PrepareAndExecute(const std::string& sql, uint16_t section) {
  return PrepareAnd(cp::EXCSQLSTT, sql, section);
}

// One command without parameters (RDBCMM, RDBRLLBCK).
inline std::vector<drda::Dss> Single(cp::CodePoint command) {
  drda::Bytes out;
  drda::DssWriter w(out);
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, 1);
  w.BeginObject(command);
  w.EndObject();
  w.EndDss();
  w.Finish();
  return Chain(out);
}

}  // namespace drdaplex::odbm::testing::chains
