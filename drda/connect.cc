#include "drda/connect.h"

#include <algorithm>

#include "drda/ebcdic.h"

namespace drdaplex::drda {
namespace {

std::string Ebcdic(ByteSpan b) { return EbcdicToUtf8(b); }

// Well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF)
// with at least one multi-byte character. EBCDIC identifiers (upper-case
// letters and digits, 0xC1..0xF9, lower-case 0x81..0xA9) practically never
// are: their bytes do not pair up into lead and continuation bytes.
bool IsMultibyteUtf8(ByteSpan b) {
  bool multibyte = false;
  for (size_t i = 0; i < b.size();) {
    const uint8_t c = b[i];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, min = 0x10000;
    } else {
      return false;
    }
    if (i + n > b.size()) return false;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (b[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    multibyte = true;
    i += n;
  }
  return multibyte;
}

void PutString(DssWriter& w, cp::CodePoint code_point, std::string_view s, DdmCharset charset) {
  w.Param(code_point, EncodeDdmString(s, charset));
}

void PutTypdefovr(DssWriter& w, const std::vector<std::pair<cp::CodePoint, uint16_t>>& ccsids) {
  w.BeginObject(cp::TYPDEFOVR);
  for (const auto& [code_point, ccsid] : ccsids) w.ParamU16(code_point, ccsid);
  w.EndObject();
}

template <typename T>
Result<T> Required(const Result<std::optional<T>>& r) {
  if (!r) return r.error();
  if (!*r) return errc::missing_parameter;
  return **r;
}

}  // namespace

std::string DecodeDdmString(ByteSpan bytes, DdmCharset charset) {
  // Mostly-high bytes are EBCDIC from a requester that never switched,
  // unless they are well-formed UTF-8 (a name in a non-Latin script).
  if (charset == DdmCharset::kEbcdic || (LooksLikeEbcdic(bytes) && !IsMultibyteUtf8(bytes))) {
    return Ebcdic(bytes);
  }
  return std::string(AsChars(bytes));
}

Bytes EncodeDdmString(std::string_view text, DdmCharset charset) {
  if (charset == DdmCharset::kUtf8) return Bytes(text.begin(), text.end());
  auto e = Utf8ToEbcdic(text);
  if (e) return std::move(*e);
  // One '?' per character EBCDIC cannot hold; the others are kept.
  std::string safe;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<uint8_t>(text[i]);
    const size_t n = std::min<size_t>(b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1, text.size() - i);
    const std::string_view ch = text.substr(i, n);
    if (Utf8ToEbcdic(ch)) {
      safe += ch;
    } else {
      safe += '?';
    }
    i += n;
  }
  return Utf8ToEbcdic(safe).value();
}

Result<ExcsatCommand> ParseExcsat(ByteSpan command_data) {
  auto params = DdmParams::Parse(command_data);
  if (!params) return params.error();
  ExcsatCommand c;
  c.extnam = Ebcdic(params->Bytes(cp::EXTNAM));
  c.srvnam = Ebcdic(params->Bytes(cp::SRVNAM));
  c.srvrlslv = Ebcdic(params->Bytes(cp::SRVRLSLV));
  c.srvclsnm = Ebcdic(params->Bytes(cp::SRVCLSNM));
  if (params->Has(cp::MGRLVLLS)) {
    auto levels = ParseManagerLevels(params->Bytes(cp::MGRLVLLS));
    if (!levels) return levels.error();
    c.managers = std::move(*levels);
  }
  return c;
}

Result<ExcsatReply> ParseExcsatrd(ByteSpan reply_data) { return ParseExcsat(reply_data); }

static void WriteExcsatLike(DssWriter& w, DssType type, uint16_t correlator, cp::CodePoint code_point,
                            const ExcsatCommand& c) {
  w.BeginDss(type, correlator);
  w.BeginObject(code_point);
  if (!c.extnam.empty()) PutString(w, cp::EXTNAM, c.extnam, DdmCharset::kEbcdic);
  if (!c.managers.empty()) {
    w.BeginObject(cp::MGRLVLLS);
    for (const auto& m : c.managers) {
      w.body().PutU16(m.manager);
      w.body().PutU16(m.level);
    }
    w.EndObject();
  }
  if (!c.srvclsnm.empty()) PutString(w, cp::SRVCLSNM, c.srvclsnm, DdmCharset::kEbcdic);
  if (!c.srvnam.empty()) PutString(w, cp::SRVNAM, c.srvnam, DdmCharset::kEbcdic);
  if (!c.srvrlslv.empty()) PutString(w, cp::SRVRLSLV, c.srvrlslv, DdmCharset::kEbcdic);
  w.EndObject();
  w.EndDss();
}

void WriteExcsat(DssWriter& w, uint16_t correlator, const ExcsatCommand& c) {
  WriteExcsatLike(w, DssType::kRequest, correlator, cp::EXCSAT, c);
}

void WriteExcsatrd(DssWriter& w, uint16_t correlator, const ExcsatReply& r) {
  WriteExcsatLike(w, DssType::kReply, correlator, cp::EXCSATRD, r);
}

Result<AccsecCommand> ParseAccsec(ByteSpan command_data, DdmCharset charset) {
  auto params = DdmParams::Parse(command_data);
  if (!params) return params.error();
  AccsecCommand c;
  auto secmec = Required(params->U16(cp::SECMEC));
  if (!secmec) return secmec.error();
  c.secmec = *secmec;
  c.rdbnam = DecodeDdmString(params->Bytes(cp::RDBNAM), charset);
  ByteSpan tkn = params->Bytes(cp::SECTKN);
  c.sectkn.assign(tkn.begin(), tkn.end());
  return c;
}

void WriteAccsec(DssWriter& w, uint16_t correlator, const AccsecCommand& c, DdmCharset charset) {
  w.BeginDss(DssType::kRequest, correlator);
  w.BeginObject(cp::ACCSEC);
  w.ParamU16(cp::SECMEC, c.secmec);
  if (!c.rdbnam.empty()) PutString(w, cp::RDBNAM, c.rdbnam, charset);
  if (!c.sectkn.empty()) w.Param(cp::SECTKN, c.sectkn);
  w.EndObject();
  w.EndDss();
}

Result<AccsecReply> ParseAccsecrd(ByteSpan reply_data) {
  auto params = DdmParams::Parse(reply_data);
  if (!params) return params.error();
  AccsecReply r;
  auto secmec = Required(params->U16(cp::SECMEC));
  if (!secmec) return secmec.error();
  r.secmec = *secmec;
  auto chk = params->U8(cp::SECCHKCD);
  if (!chk) return chk.error();
  r.secchkcd = *chk;
  return r;
}

void WriteAccsecrd(DssWriter& w, uint16_t correlator, const AccsecReply& r) {
  w.BeginDss(DssType::kReply, correlator);
  w.BeginObject(cp::ACCSECRD);
  w.ParamU16(cp::SECMEC, r.secmec);
  if (r.secchkcd) w.ParamU8(cp::SECCHKCD, *r.secchkcd);
  w.EndObject();
  w.EndDss();
}

Result<SecchkCommand> ParseSecchk(ByteSpan command_data, DdmCharset charset) {
  auto params = DdmParams::Parse(command_data);
  if (!params) return params.error();
  SecchkCommand c;
  auto secmec = Required(params->U16(cp::SECMEC));
  if (!secmec) return secmec.error();
  c.secmec = *secmec;
  c.rdbnam = DecodeDdmString(params->Bytes(cp::RDBNAM), charset);
  c.usrid = DecodeDdmString(params->Bytes(cp::USRID), charset);
  if (const DdmObject* pw = params->Find(cp::PASSWORD)) {
    c.password = DecodeDdmString(pw->data, charset);
  }
  return c;
}

void WriteSecchk(DssWriter& w, uint16_t correlator, const SecchkCommand& c, DdmCharset charset) {
  w.BeginDss(DssType::kRequest, correlator);
  w.BeginObject(cp::SECCHK);
  w.ParamU16(cp::SECMEC, c.secmec);
  if (!c.rdbnam.empty()) PutString(w, cp::RDBNAM, c.rdbnam, charset);
  PutString(w, cp::USRID, c.usrid, charset);
  if (c.password) PutString(w, cp::PASSWORD, *c.password, charset);
  w.EndObject();
  w.EndDss();
}

Result<SecchkReply> ParseSecchkrm(ByteSpan reply_data) {
  auto params = DdmParams::Parse(reply_data);
  if (!params) return params.error();
  SecchkReply r;
  auto svrcod = Required(params->U16(cp::SVRCOD));
  auto chk = Required(params->U8(cp::SECCHKCD));
  if (!svrcod) return svrcod.error();
  if (!chk) return chk.error();
  r.svrcod = *svrcod;
  r.secchkcd = *chk;
  return r;
}

void WriteSecchkrm(DssWriter& w, uint16_t correlator, const SecchkReply& r) {
  BeginReplyMessage(w, correlator, cp::SECCHKRM, static_cast<Severity>(r.svrcod));
  w.ParamU8(cp::SECCHKCD, r.secchkcd);
  EndReplyMessage(w);
}

Result<AccrdbCommand> ParseAccrdb(ByteSpan command_data, DdmCharset charset) {
  auto params = DdmParams::Parse(command_data);
  if (!params) return params.error();
  AccrdbCommand c;
  if (!params->Has(cp::RDBNAM)) return errc::missing_parameter;
  c.rdbnam = DecodeDdmString(params->Bytes(cp::RDBNAM), charset);
  auto acccl = params->U16(cp::RDBACCCL);
  if (!acccl) return acccl.error();
  if (*acccl) c.rdbacccl = **acccl;
  c.prdid = DecodeDdmString(params->Bytes(cp::PRDID), charset);
  c.typdefnam = DecodeDdmString(params->Bytes(cp::TYPDEFNAM), charset);
  ByteSpan prddta = params->Bytes(cp::PRDDTA);
  c.prddta.assign(prddta.begin(), prddta.end());
  ByteSpan crrtkn = params->Bytes(cp::CRRTKN);
  c.crrtkn.assign(crrtkn.begin(), crrtkn.end());
  if (const DdmObject* ovr = params->Find(cp::TYPDEFOVR)) {
    auto ccsids = DdmParams::Parse(ovr->data);
    if (!ccsids) return ccsids.error();
    if (auto v = ccsids->U16(cp::CCSIDSBC); v && *v) c.ccsid_sbc = **v;
    if (auto v = ccsids->U16(cp::CCSIDDBC); v && *v) c.ccsid_dbc = **v;
    if (auto v = ccsids->U16(cp::CCSIDMBC); v && *v) c.ccsid_mbc = **v;
  }
  auto upd = params->U8(cp::RDBALWUPD);
  if (upd && *upd) c.read_only = **upd == kFalse;
  return c;
}

void WriteAccrdb(DssWriter& w, uint16_t correlator, const AccrdbCommand& c, DdmCharset charset) {
  w.BeginDss(DssType::kRequest, correlator);
  w.BeginObject(cp::ACCRDB);
  PutString(w, cp::RDBNAM, c.rdbnam, charset);
  w.ParamU16(cp::RDBACCCL, c.rdbacccl);
  PutString(w, cp::PRDID, c.prdid, charset);
  if (!c.prddta.empty()) w.Param(cp::PRDDTA, c.prddta);
  PutString(w, cp::TYPDEFNAM, c.typdefnam, charset);
  if (!c.crrtkn.empty()) w.Param(cp::CRRTKN, c.crrtkn);
  PutTypdefovr(w, {{cp::CCSIDSBC, c.ccsid_sbc}, {cp::CCSIDDBC, c.ccsid_dbc}, {cp::CCSIDMBC, c.ccsid_mbc}});
  if (c.read_only) w.ParamU8(cp::RDBALWUPD, kFalse);
  w.EndObject();
  w.EndDss();
}

Result<AccrdbReply> ParseAccrdbrm(ByteSpan reply_data, DdmCharset charset) {
  auto params = DdmParams::Parse(reply_data);
  if (!params) return params.error();
  AccrdbReply r;
  auto svrcod = Required(params->U16(cp::SVRCOD));
  if (!svrcod) return svrcod.error();
  r.svrcod = *svrcod;
  r.prdid = DecodeDdmString(params->Bytes(cp::PRDID), charset);
  r.typdefnam = DecodeDdmString(params->Bytes(cp::TYPDEFNAM), charset);
  if (const DdmObject* ovr = params->Find(cp::TYPDEFOVR)) {
    auto ccsids = DdmParams::Parse(ovr->data);
    if (!ccsids) return ccsids.error();
    if (auto v = ccsids->U16(cp::CCSIDSBC); v && *v) r.ccsid_sbc = **v;
    if (auto v = ccsids->U16(cp::CCSIDMBC); v && *v) r.ccsid_mbc = **v;
  }
  return r;
}

void WriteAccrdbrm(DssWriter& w, uint16_t correlator, const AccrdbReply& r, DdmCharset charset) {
  BeginReplyMessage(w, correlator, cp::ACCRDBRM, static_cast<Severity>(r.svrcod));
  PutString(w, cp::PRDID, r.prdid, charset);
  PutString(w, cp::TYPDEFNAM, r.typdefnam, charset);
  PutTypdefovr(w, {{cp::CCSIDSBC, r.ccsid_sbc}, {cp::CCSIDMBC, r.ccsid_mbc}});
  EndReplyMessage(w);
}

std::string DatabaseNameFromRdbnam(std::string_view rdbnam) {
  rdbnam = rdbnam.substr(0, rdbnam.find(';'));
  const size_t first = rdbnam.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const size_t last = rdbnam.find_last_not_of(" \t");
  return std::string(rdbnam.substr(first, last - first + 1));
}

ByteOrder ByteOrderOf(std::string_view typdefnam) {
  return typdefnam == "QTDSQLX86" || typdefnam == "QTDSQLVAX" ? ByteOrder::kLittle : ByteOrder::kBig;
}

void BeginReplyMessage(DssWriter& w, uint16_t correlator, cp::CodePoint code_point, Severity svrcod) {
  w.BeginDss(DssType::kReply, correlator);
  w.BeginObject(code_point);
  w.ParamU16(cp::SVRCOD, static_cast<uint16_t>(svrcod));
}

void EndReplyMessage(DssWriter& w) {
  w.EndObject();
  w.EndDss();
}

uint16_t GrantedManagerLevel(const ManagerLevel& requested) {
  switch (requested.manager) {
    case cp::AGENT:
    case cp::SQLAM:
    case cp::RDB:
    case cp::SECMGR: return std::min<uint16_t>(requested.level, 7);
    case cp::CMNTCPIP: return std::min<uint16_t>(requested.level, 5);
    case cp::UNICODEMGR: return requested.level == 1208 ? 1208 : 0;
    default: return 0;
  }
}

void WriteRdbAccessFailure(DssWriter& w, uint16_t correlator, cp::CodePoint code_point,
                           std::string_view rdbnam, const Sqlca& sqlca, DdmCharset charset) {
  BeginReplyMessage(w, correlator, code_point, Severity::kError);
  // RDBNAM is required here; a requester that sent none gets 18 blanks.
  PutString(w, cp::RDBNAM, rdbnam.empty() ? std::string(18, ' ') : std::string(rdbnam), charset);
  EndReplyMessage(w);
  if (code_point == cp::RDBAFLRM) {
    w.BeginDss(DssType::kObject, correlator);
    PutString(w, cp::TYPDEFNAM, "QTDSQLASC", charset);
    PutTypdefovr(w, {{cp::CCSIDSBC, 1208}, {cp::CCSIDMBC, 1208}});
    w.EndDss();
  }
  w.BeginDss(DssType::kObject, correlator);
  w.BeginObject(cp::SQLCARD);
  WriteSqlcaGroup(w.body(), &sqlca);
  w.EndObject();
  w.EndDss();
}

}  // namespace drdaplex::drda
