// DDM code points used by drdaplex, with the spellings of the DRDA/DDM
// specification so a reader can search the spec (or Derby's CodePoint.java,
// or Wireshark's packet-drda.c) for each one. Constants only.
#pragma once

#include <cstdint>

namespace drdaplex::drda::cp {

using CodePoint = uint16_t;

// Commands (requester -> server, RQSDSS).
inline constexpr CodePoint EXCSAT = 0x1041;
inline constexpr CodePoint ACCSEC = 0x106D;
inline constexpr CodePoint SECCHK = 0x106E;
inline constexpr CodePoint ACCRDB = 0x2001;
inline constexpr CodePoint BGNBND = 0x2002;
inline constexpr CodePoint BNDSQLSTT = 0x2004;
inline constexpr CodePoint CLSQRY = 0x2005;
inline constexpr CodePoint CNTQRY = 0x2006;
inline constexpr CodePoint DRPPKG = 0x2007;
inline constexpr CodePoint DSCSQLSTT = 0x2008;
inline constexpr CodePoint ENDBND = 0x2009;
inline constexpr CodePoint EXCSQLIMM = 0x200A;
inline constexpr CodePoint EXCSQLSTT = 0x200B;
inline constexpr CodePoint OPNQRY = 0x200C;
inline constexpr CodePoint PRPSQLSTT = 0x200D;
inline constexpr CodePoint RDBCMM = 0x200E;
inline constexpr CodePoint RDBRLLBCK = 0x200F;
inline constexpr CodePoint REBIND = 0x2010;
inline constexpr CodePoint DSCRDBTBL = 0x2012;
inline constexpr CodePoint EXCSQLSET = 0x2014;
inline constexpr CodePoint SYNCCTL = 0x1055;

// Reply data and objects.
inline constexpr CodePoint EXCSATRD = 0x1443;
inline constexpr CodePoint ACCSECRD = 0x14AC;
inline constexpr CodePoint SQLCARD = 0x2408;
inline constexpr CodePoint SQLDARD = 0x2411;
inline constexpr CodePoint SQLDTARD = 0x2413;
inline constexpr CodePoint SQLCINRD = 0x240B;
inline constexpr CodePoint SQLRSLRD = 0x240E;
inline constexpr CodePoint QRYDSC = 0x241A;
inline constexpr CodePoint QRYDTA = 0x241B;
inline constexpr CodePoint EXTDTA = 0x146C;
inline constexpr CodePoint PBSD = 0xC000;
inline constexpr CodePoint PBSD_ISO = 0xC001;
inline constexpr CodePoint PBSD_SCHEMA = 0xC002;

// Command objects.
inline constexpr CodePoint SQLSTT = 0x2414;
inline constexpr CodePoint SQLATTR = 0x2450;
inline constexpr CodePoint SQLDTA = 0x2412;
inline constexpr CodePoint OUTOVR = 0x2415;
inline constexpr CodePoint FDODSC = 0x0010;
inline constexpr CodePoint FDODTA = 0x147A;
inline constexpr CodePoint TYPDEFNAM = 0x002F;
inline constexpr CodePoint TYPDEFOVR = 0x0035;

// Reply messages (RPYDSS).
inline constexpr CodePoint SECCHKRM = 0x1219;
inline constexpr CodePoint ACCRDBRM = 0x2201;
inline constexpr CodePoint QRYNOPRM = 0x2202;
inline constexpr CodePoint RDBNACRM = 0x2204;
inline constexpr CodePoint OPNQRYRM = 0x2205;
inline constexpr CodePoint RDBACCRM = 0x2207;
inline constexpr CodePoint ENDQRYRM = 0x220B;
inline constexpr CodePoint ENDUOWRM = 0x220C;
inline constexpr CodePoint ABNUOWRM = 0x220D;
inline constexpr CodePoint QRYPOPRM = 0x220F;
inline constexpr CodePoint RDBNFNRM = 0x2211;
inline constexpr CodePoint OPNQFLRM = 0x2212;
inline constexpr CodePoint SQLERRRM = 0x2213;
inline constexpr CodePoint RDBUPDRM = 0x2218;
inline constexpr CodePoint RDBAFLRM = 0x221A;
inline constexpr CodePoint RDBATHRM = 0x22CB;
inline constexpr CodePoint SYNTAXRM = 0x124C;
inline constexpr CodePoint PRCCNVRM = 0x1245;
inline constexpr CodePoint CMDNSPRM = 0x1250;
inline constexpr CodePoint PRMNSPRM = 0x1251;
inline constexpr CodePoint VALNSPRM = 0x1252;
inline constexpr CodePoint OBJNSPRM = 0x1253;
inline constexpr CodePoint CMDCHKRM = 0x1254;
inline constexpr CodePoint MGRLVLRM = 0x1210;
inline constexpr CodePoint AGNPRMRM = 0x1232;

// Parameters.
inline constexpr CodePoint EXTNAM = 0x115E;
inline constexpr CodePoint SRVNAM = 0x116D;
inline constexpr CodePoint SRVRLSLV = 0x115A;
inline constexpr CodePoint SRVCLSNM = 0x1147;
inline constexpr CodePoint MGRLVLLS = 0x1404;
inline constexpr CodePoint SECMEC = 0x11A2;
inline constexpr CodePoint SECTKN = 0x11DC;
inline constexpr CodePoint SECMGRNM = 0x1196;
inline constexpr CodePoint SECCHKCD = 0x11A4;
inline constexpr CodePoint USRID = 0x11A0;
inline constexpr CodePoint PASSWORD = 0x11A1;
inline constexpr CodePoint NEWPASSWORD = 0x11DE;
inline constexpr CodePoint RDBNAM = 0x2110;
inline constexpr CodePoint RDBACCCL = 0x210F;
inline constexpr CodePoint PRDID = 0x112E;
inline constexpr CodePoint PRDDTA = 0x2104;
inline constexpr CodePoint CRRTKN = 0x2135;
inline constexpr CodePoint RDBALWUPD = 0x211A;
inline constexpr CodePoint TRGDFTRT = 0x213B;
inline constexpr CodePoint SVRCOD = 0x1149;
inline constexpr CodePoint SRVDGN = 0x1153;
inline constexpr CodePoint CODPNT = 0x000C;
inline constexpr CodePoint SYNERRCD = 0x114A;
inline constexpr CodePoint PRCCNVCD = 0x113F;
inline constexpr CodePoint CCSIDSBC = 0x119C;
inline constexpr CodePoint CCSIDDBC = 0x119D;
inline constexpr CodePoint CCSIDMBC = 0x119E;
inline constexpr CodePoint PKGNAMCSN = 0x2113;
inline constexpr CodePoint PKGSN = 0x210C;
inline constexpr CodePoint RTNSQLDA = 0x2116;
inline constexpr CodePoint TYPSQLDA = 0x2146;
inline constexpr CodePoint RDBCMTOK = 0x2105;
inline constexpr CodePoint OUTEXP = 0x2111;
inline constexpr CodePoint QRYBLKSZ = 0x2114;
inline constexpr CodePoint MAXBLKEXT = 0x2141;
inline constexpr CodePoint MAXRSLCNT = 0x2140;
inline constexpr CodePoint RSLSETFLG = 0x2142;
inline constexpr CodePoint QRYROWSET = 0x2156;
inline constexpr CodePoint QRYCLSIMP = 0x215D;
inline constexpr CodePoint QRYINSID = 0x215B;
inline constexpr CodePoint QRYPRCTYP = 0x2102;
inline constexpr CodePoint SQLCSRHLD = 0x211F;
inline constexpr CodePoint QRYATTUPD = 0x2150;
inline constexpr CodePoint QRYATTSCR = 0x2149;
inline constexpr CodePoint QRYATTSNS = 0x2157;
inline constexpr CodePoint QRYATTSET = 0x214A;
inline constexpr CodePoint UOWDSP = 0x2115;
inline constexpr CodePoint RTNEXTDTA = 0x2148;
inline constexpr CodePoint QRYSCRORN = 0x2152;
inline constexpr CodePoint QRYROWNBR = 0x213D;
inline constexpr CodePoint QRYBLKRST = 0x2154;
inline constexpr CodePoint QRYRTNDTA = 0x2155;
inline constexpr CodePoint DYNDTAFMT = 0x214B;
inline constexpr CodePoint PRCNAM = 0x2138;
inline constexpr CodePoint DIAGLVL = 0x2160;

// Values of QRYPRCTYP (themselves code points).
inline constexpr CodePoint LMTBLKPRC = 0x2417;
inline constexpr CodePoint FIXROWPRC = 0x2418;

// Managers named in MGRLVLLS.
inline constexpr CodePoint AGENT = 0x1403;
inline constexpr CodePoint SQLAM = 0x2407;
inline constexpr CodePoint RDB = 0x240F;
inline constexpr CodePoint SECMGR = 0x1440;
inline constexpr CodePoint CMNTCPIP = 0x1474;
inline constexpr CodePoint CCSIDMGR = 0x14CC;
inline constexpr CodePoint UNICODEMGR = 0x1C08;
inline constexpr CodePoint XAMGR = 0x1C01;
inline constexpr CodePoint SYNCPTMGR = 0x14C0;
inline constexpr CodePoint RSYNCMGR = 0x14C1;

// Human-readable name of a code point, "UNKNOWN" when not listed above.
const char* Name(CodePoint code_point);

}  // namespace drdaplex::drda::cp

namespace drdaplex::drda {

// DRDA boolean parameter values are EBCDIC '1' and '0'.
inline constexpr uint8_t kTrue = 0xF1;
inline constexpr uint8_t kFalse = 0xF0;

// SECMEC values.
enum class SecurityMechanism : uint16_t {
  kUserPassword = 3,       // USRIDPWD
  kUserOnly = 4,           // USRIDONL
  kUserNewPassword = 5,    // USRIDNWPWD
  kEncryptedUserPassword = 9,  // EUSRIDPWD
};

// SECCHKCD values the server uses.
enum class SecurityCheckCode : uint8_t {
  kOk = 0x00,
  kMechanismNotSupported = 0x01,
  kPasswordMissing = 0x10,
  kUserIdMissing = 0x12,
  kUserIdInvalid = 0x13,  // Derby uses it for any bad user or password.
};

// SVRCOD severities.
enum class Severity : uint16_t {
  kInfo = 0,
  kWarning = 4,
  kError = 8,
  kSevere = 16,
  kAccessDamage = 32,
  kPermanentDamage = 64,
  kSessionDamage = 128,
};

// SYNERRCD reason codes of SYNTAXRM.
enum class SyntaxErrorCode : uint8_t {
  kDssLessThanSix = 0x01,
  kDssLengthMismatch = 0x02,
  kInvalidGdsId = 0x03,
  kInvalidFormat = 0x04,
  kObjectLengthLessThanFour = 0x07,
  kTooBig = 0x09,
  kInvalidExtendedLength = 0x0C,
  kRequiredObjectMissing = 0x0E,
  kInvalidCorrelator = 0x13,
  kRequiredValueMissing = 0x14,
  kInvalidContinuation = 0x16,
  kChainOffSameCorrelatorOn = 0x18,
  kChainOffContinueOnErrorOn = 0x1A,
  kInvalidCodePointForCommand = 0x1D,
};

}  // namespace drdaplex::drda
