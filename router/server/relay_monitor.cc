#include "router/server/relay_monitor.h"

#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"

namespace drdaplex::router {

template <typename OnHeader, typename OnEnd>
void RelayMonitor::Framing::Feed(drda::ByteSpan bytes, OnHeader on_header, OnEnd on_end) {
  size_t at = 0;
  while (!broken_ && at < bytes.size()) {
    if (payload_left_ > 0) {
      const size_t skip = std::min(payload_left_, bytes.size() - at);
      payload_left_ -= skip;
      at += skip;
      if (payload_left_ == 0 && !continued_) {
        on_end(chained_);
        header_need_ = 6;
      }
      continue;
    }
    header_[header_have_++] = bytes[at++];
    if (header_have_ < header_need_) continue;
    header_have_ = 0;
    const size_t raw = static_cast<size_t>(header_[0]) << 8 | header_[1];
    const size_t length = raw & 0x7FFF;
    continued_ = (raw & 0x8000) != 0;
    if (header_need_ == 6) {
      if (length < 6 || header_[2] != drda::kDssGdsId) {
        broken_ = true;
        return;
      }
      chained_ = (header_[3] & drda::kDssChained) != 0;
      on_header(static_cast<uint16_t>(header_[4] << 8 | header_[5]));
      payload_left_ = length - 6;
    } else {
      if (length < 2) {
        broken_ = true;
        return;
      }
      payload_left_ = length - 2;
    }
    header_need_ = continued_ ? 2 : 6;
    if (payload_left_ == 0 && !continued_) on_end(chained_);
  }
}

void RelayMonitor::FromClient(drda::ByteSpan bytes) {
  client_.Feed(
      bytes,
      [this](uint16_t correlator) {
        if (chain_start_) request_correlator_ = correlator;
        chain_start_ = false;
      },
      [this](bool chained) {
        if (!chained) {
          chain_start_ = true;
          awaiting_reply_ = true;
        }
      });
}

void RelayMonitor::FromServer(drda::ByteSpan bytes) {
  server_.Feed(
      bytes, [](uint16_t) {},
      [this](bool chained) {
        if (!chained) awaiting_reply_ = false;
      });
}

void RelayMonitor::WriteSessionLost(drda::Bytes& out) const {
  drda::DssWriter w(out);
  drda::BeginReplyMessage(w, request_correlator_, drda::cp::CMDCHKRM,
                          drda::Severity::kSessionDamage);
  drda::EndReplyMessage(w);
  w.Finish();
}

}  // namespace drdaplex::router
