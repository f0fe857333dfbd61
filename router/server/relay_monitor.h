// RelayMonitor: follows the DSS framing of a relayed connection without
// decoding anything, to know one thing: is the client waiting for a reply?
// A request chain ends with an unchained DSS from the client; its reply
// chain ends with an unchained DSS from the server. If the ODBM goes away
// in between, the router answers the waiting client with a DRDA error
// (CMDCHKRM, session damage) instead of leaving it to a bare close.
//
// Reads only headers (6 bytes per DSS, 2 per continuation segment) and
// skips payloads in bulk, so it costs nearly nothing per relayed byte.
// Not thread-safe; one per connection.
#pragma once

#include <cstdint>

#include "drda/bytes.h"

namespace drdaplex::router {

class RelayMonitor {
 public:
  // A request the router sent on the client's behalf (its ACCRDB) awaits
  // its reply under `correlator`.
  void ExpectReply(uint16_t correlator) {
    awaiting_reply_ = true;
    request_correlator_ = correlator;
  }
  void FromClient(drda::ByteSpan bytes);
  void FromServer(drda::ByteSpan bytes);

  bool awaiting_reply() const { return awaiting_reply_; }
  // Correlator of the first request of the last request chain.
  uint16_t request_correlator() const { return request_correlator_; }
  // Appends CMDCHKRM (SVRCOD 128, session damage) for that request.
  void WriteSessionLost(drda::Bytes& out) const;

 private:
  // One direction's framing state.
  class Framing {
   public:
    // Calls on_dss(correlator, chained) when a DSS header is read and
    // on_end(chained) when a DSS (with all continuations) is complete.
    template <typename OnHeader, typename OnEnd>
    void Feed(drda::ByteSpan bytes, OnHeader on_header, OnEnd on_end);
    bool broken() const { return broken_; }

   private:
    uint8_t header_[6] = {};
    size_t header_have_ = 0;
    size_t header_need_ = 6;     // 6 for a DSS header, 2 for a continuation
    size_t payload_left_ = 0;    // bytes of the current segment to skip
    bool continued_ = false;     // another segment follows this one
    bool chained_ = false;       // of the current DSS
    bool broken_ = false;        // framing lost; stop following
  };

  Framing client_;
  Framing server_;
  bool awaiting_reply_ = false;
  bool chain_start_ = true;  // the next client DSS starts a request chain
  uint16_t request_correlator_ = 1;
};

}  // namespace drdaplex::router
