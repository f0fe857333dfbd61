#include "router/server/odbm_opening.h"

#include <fmt/format.h>

#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"

namespace drdaplex::router {

namespace cp = drda::cp;
using drda::DssType;

namespace {

// The router's correlators towards the ODBM, rising through the chain.
constexpr uint16_t kExcsatCorrelator = 1;
constexpr uint16_t kAccsecCorrelator = 2;
constexpr uint16_t kSecchkCorrelator = 3;
constexpr uint16_t kAccrdbCorrelator = 4;

void RawCommand(drda::DssWriter& w, uint16_t correlator, cp::CodePoint code_point,
                drda::ByteSpan params) {
  w.BeginGroup();
  w.BeginDss(DssType::kRequest, correlator);
  w.BeginObject(code_point);
  w.body().PutBytes(params);
  w.EndObject();
  w.EndDss();
}

}  // namespace

drda::Bytes ReplaceParam(drda::ByteSpan params, cp::CodePoint code_point, drda::ByteSpan value) {
  drda::Bytes out;
  drda::ByteWriter writer(out);
  auto put = [&](cp::CodePoint cp, drda::ByteSpan data) {
    if (4 + data.size() <= 0x7FFF) {
      writer.PutU16(static_cast<uint16_t>(4 + data.size()));
      writer.PutU16(cp);
    } else {
      // Extended length, as DssWriter writes it: LL 0x8008, the code point,
      // then four bytes with the length of the data alone.
      writer.PutU16(0x8008);
      writer.PutU16(cp);
      writer.PutU32(static_cast<uint32_t>(data.size()));
    }
    writer.PutBytes(data);
  };
  bool replaced = false;
  drda::DdmObjectReader reader(params);
  while (!reader.done()) {
    auto next = reader.Next();
    if (!next || !*next) break;  // the caller parsed these params already
    if ((*next)->code_point == code_point) {
      if (!replaced) put(code_point, value);
      replaced = true;
    } else {
      put((*next)->code_point, (*next)->data);
    }
  }
  if (!replaced) put(code_point, value);
  return out;
}

drda::Bytes BuildOdbmOpening(const ConnectRequest& request, std::string_view datastore,
                             std::string_view pass_ticket) {
  drda::Bytes out;
  drda::DssWriter w(out);
  RawCommand(w, kExcsatCorrelator, cp::EXCSAT, request.excsat_params);

  drda::AccsecCommand accsec;
  accsec.secmec = pass_ticket.empty()
                      ? request.secmec
                      : static_cast<uint16_t>(drda::SecurityMechanism::kUserPassword);
  accsec.rdbnam = std::string(datastore);
  w.BeginGroup();
  // ACCSEC travels before the ODBM's EXCSATRD, so still in EBCDIC.
  drda::WriteAccsec(w, kAccsecCorrelator, accsec, drda::DdmCharset::kEbcdic);

  drda::SecchkCommand secchk;
  secchk.secmec = accsec.secmec;
  secchk.rdbnam = accsec.rdbnam;
  secchk.usrid = request.user;
  if (!pass_ticket.empty()) {
    secchk.password = std::string(pass_ticket);
  } else {
    secchk.password = request.password;
  }
  w.BeginGroup();
  drda::WriteSecchk(w, kSecchkCorrelator, secchk, request.charset);

  const drda::Bytes rdbnam = drda::EncodeDdmString(std::string(datastore), request.charset);
  RawCommand(w, kAccrdbCorrelator, cp::ACCRDB,
             ReplaceParam(request.accrdb_params, cp::RDBNAM, rdbnam));
  w.Finish();
  if (!request.trailing_dsses.empty()) {
    MarkLastDssChained(out);
    out.insert(out.end(), request.trailing_dsses.begin(), request.trailing_dsses.end());
  }
  return out;
}

OdbmOpeningReader::State OdbmOpeningReader::Feed(drda::ByteSpan received) {
  if (state_ != State::kNeedMore) return state_;
  buffer_.insert(buffer_.end(), received.begin(), received.end());
  size_t at = 0;
  while (state_ == State::kNeedMore) {
    drda::Dss dss;
    auto used = drda::ParseDss(drda::ByteSpan(buffer_).subspan(at), limits_, dss);
    if (!used) {
      if (used.error() == drda::errc::need_more) break;
      reason_ = fmt::format("ODBM reply cannot be framed: {}", used.error().message());
      state_ = State::kRefused;
      break;
    }
    if (replies_seen_ < 3) {
      state_ = CheckReply(dss);
      ++replies_seen_;
      at += *used;
      continue;
    }
    // The reply chain to ACCRDB: back under the client's correlator (the
    // first segment's header holds it), kept for the client.
    if (dss.header.correlator == kAccrdbCorrelator) {
      buffer_[at + 4] = static_cast<uint8_t>(client_correlator_ >> 8);
      buffer_[at + 5] = static_cast<uint8_t>(client_correlator_);
    }
    client_bytes_.insert(client_bytes_.end(), buffer_.begin() + static_cast<long>(at),
                         buffer_.begin() + static_cast<long>(at + *used));
    at += *used;
    if (!dss.header.chained) {
      state_ = State::kAccepted;
      client_bytes_.insert(client_bytes_.end(), buffer_.begin() + static_cast<long>(at), buffer_.end());
      at = buffer_.size();
    }
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(at));
  return state_;
}

OdbmOpeningReader::State OdbmOpeningReader::CheckReply(const drda::Dss& dss) {
  static constexpr cp::CodePoint kExpected[] = {cp::EXCSATRD, cp::ACCSECRD, cp::SECCHKRM};
  const cp::CodePoint expected = kExpected[replies_seen_];
  auto objects = drda::ReadObjects(dss.payload);
  if (!objects || objects->empty()) {
    reason_ = "ODBM reply holds no DDM object";
    return State::kRefused;
  }
  const drda::DdmObject& reply = (*objects)[0];
  if (reply.code_point != expected) {
    reason_ = fmt::format("ODBM answered {} with {}", cp::Name(expected), cp::Name(reply.code_point));
    return State::kRefused;
  }
  if (expected == cp::EXCSATRD) return State::kNeedMore;
  auto params = drda::DdmParams::Parse(reply.data);
  if (!params) {
    reason_ = fmt::format("ODBM {} cannot be parsed", cp::Name(expected));
    return State::kRefused;
  }
  auto secchkcd = params->U8(cp::SECCHKCD);
  const int code = secchkcd && *secchkcd ? **secchkcd : 0;
  if (code != 0) {
    reason_ = fmt::format("ODBM refused the router's sign-on ({} SECCHKCD 0x{:02X}); "
                          "do router and ODBM share the plex key?",
                          cp::Name(expected), code);
    return State::kRefused;
  }
  return State::kNeedMore;
}

}  // namespace drdaplex::router
