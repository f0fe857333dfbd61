// Typed views of the connect flow: EXCSAT/EXCSATRD, ACCSEC/ACCSECRD,
// SECCHK/SECCHKRM, ACCRDB/ACCRDBRM, for both the server (parse commands,
// write replies) and the requester (write commands, parse replies).
// DDM character parameters are EBCDIC (CCSID 500) until ACCSECRD and UTF-8
// afterwards when UNICODEMGR 1208 was negotiated; DdmCharset says which.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "drda/ddm.h"
#include "drda/dss_writer.h"
#include "drda/errc.h"
#include "drda/sqlca.h"

namespace drdaplex::drda {

enum class DdmCharset { kEbcdic, kUtf8 };

// Decodes a DDM character parameter. With kUtf8, bytes that are plainly
// EBCDIC (some requesters never switch) are still decoded as EBCDIC.
std::string DecodeDdmString(ByteSpan bytes, DdmCharset charset);
// Encodes for the wire; characters EBCDIC cannot hold become '?'.
Bytes EncodeDdmString(std::string_view text, DdmCharset charset);

struct ExcsatCommand {
  std::string extnam;
  std::string srvnam;
  std::string srvrlslv;
  std::string srvclsnm;
  std::vector<ManagerLevel> managers;
};
// EXCSAT/EXCSATRD strings are EBCDIC whatever was negotiated.
Result<ExcsatCommand> ParseExcsat(ByteSpan command_data);
void WriteExcsat(DssWriter& w, uint16_t correlator, const ExcsatCommand& c);
// EXCSATRD has the same parameters.
using ExcsatReply = ExcsatCommand;
Result<ExcsatReply> ParseExcsatrd(ByteSpan reply_data);
void WriteExcsatrd(DssWriter& w, uint16_t correlator, const ExcsatReply& r);

struct AccsecCommand {
  uint16_t secmec = 0;
  std::string rdbnam;
  Bytes sectkn;
};
Result<AccsecCommand> ParseAccsec(ByteSpan command_data, DdmCharset charset);
void WriteAccsec(DssWriter& w, uint16_t correlator, const AccsecCommand& c, DdmCharset charset);

struct AccsecReply {
  uint16_t secmec = 0;
  std::optional<uint8_t> secchkcd;
};
Result<AccsecReply> ParseAccsecrd(ByteSpan reply_data);
void WriteAccsecrd(DssWriter& w, uint16_t correlator, const AccsecReply& r);

struct SecchkCommand {
  uint16_t secmec = 0;
  std::string rdbnam;
  std::string usrid;
  std::optional<std::string> password;
};
Result<SecchkCommand> ParseSecchk(ByteSpan command_data, DdmCharset charset);
void WriteSecchk(DssWriter& w, uint16_t correlator, const SecchkCommand& c, DdmCharset charset);

struct SecchkReply {
  uint16_t svrcod = 0;
  uint8_t secchkcd = 0;
};
Result<SecchkReply> ParseSecchkrm(ByteSpan reply_data);
void WriteSecchkrm(DssWriter& w, uint16_t correlator, const SecchkReply& r);

struct AccrdbCommand {
  std::string rdbnam;
  uint16_t rdbacccl = cp::SQLAM;
  std::string prdid;
  std::string typdefnam;  // QTDSQLASC, QTDSQLX86, QTDSQLJVM...
  Bytes prddta;
  Bytes crrtkn;
  uint16_t ccsid_sbc = 1208;
  uint16_t ccsid_dbc = 1200;
  uint16_t ccsid_mbc = 1208;
  bool read_only = false;
};
Result<AccrdbCommand> ParseAccrdb(ByteSpan command_data, DdmCharset charset);
void WriteAccrdb(DssWriter& w, uint16_t correlator, const AccrdbCommand& c, DdmCharset charset);

struct AccrdbReply {
  uint16_t svrcod = 0;
  std::string prdid;
  std::string typdefnam = "QTDSQLASC";
  uint16_t ccsid_sbc = 1208;
  uint16_t ccsid_mbc = 1208;
};
Result<AccrdbReply> ParseAccrdbrm(ByteSpan reply_data, DdmCharset charset);
void WriteAccrdbrm(DssWriter& w, uint16_t correlator, const AccrdbReply& r, DdmCharset charset);

// The database name a requester asked for: RDBNAM up to the first ';'
// (Derby URL attributes ride along), blank-trimmed.
std::string DatabaseNameFromRdbnam(std::string_view rdbnam);

// Byte order a TYPDEFNAM announces for FD:OCA numbers.
ByteOrder ByteOrderOf(std::string_view typdefnam);

// Begins an RPYDSS holding reply message `code_point` with its SVRCOD; the
// caller adds parameters and calls EndReplyMessage.
void BeginReplyMessage(DssWriter& w, uint16_t correlator, cp::CodePoint code_point, Severity svrcod);
void EndReplyMessage(DssWriter& w);

// The manager levels a drdaplex server (ODBM or router) grants for a level
// an EXCSAT asks for: up to 7 for AGENT/SQLAM/RDB/SECMGR, up to 5 for
// CMNTCPIP, UNICODEMGR only as 1208 (UTF-8), 0 for managers we lack. The
// router answers EXCSAT before it knows the ODBM, so both must agree here.
uint16_t GrantedManagerLevel(const ManagerLevel& requested);

// The reply chain to an ACCRDB that cannot be served: reply message
// `code_point` (RDBNFNRM: no such database; RDBATHRM: not authorised;
// RDBAFLRM: access failed) with SVRCOD 8 and RDBNAM, then the SQLCARD
// that says why. RDBAFLRM also carries TYPDEFNAM/TYPDEFOVR before the
// SQLCARD: the Derby client reads them there unconditionally.
void WriteRdbAccessFailure(DssWriter& w, uint16_t correlator, cp::CodePoint code_point,
                           std::string_view rdbnam, const Sqlca& sqlca, DdmCharset charset);

}  // namespace drdaplex::drda
