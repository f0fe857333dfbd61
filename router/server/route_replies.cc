#include "router/server/route_replies.h"

#include <algorithm>

#include "drda/connect.h"
#include "drda/dss_writer.h"
#include "drda/sqlca.h"

namespace drdaplex::router {

namespace {
// Derby's SQLERRMC: message tokens separated by 0x14, then the SQLSTATE.
constexpr char kTokenSeparator = '\x14';
constexpr std::string_view kConnectionRejected = "08004";
constexpr int32_t kConnectionRejectedCode = -40001;  // what Derby sends with 08004
}  // namespace

drda::cp::CodePoint ReplyMessageFor(AccessFailure failure) {
  switch (failure) {
    case AccessFailure::kUnknownDatabase: return drda::cp::RDBNFNRM;
    case AccessFailure::kNotAuthorized: return drda::cp::RDBATHRM;
    case AccessFailure::kAccessFailed: return drda::cp::RDBAFLRM;
  }
  return drda::cp::RDBAFLRM;
}

void WriteAccessFailure(const ConnectRequest& request, AccessFailure failure,
                        std::string_view message, drda::Bytes& out) {
  out.insert(out.end(), request.reply_prefix.begin(), request.reply_prefix.end());
  drda::Sqlca sqlca;
  sqlca.sqlcode = kConnectionRejectedCode;
  sqlca.sqlstate = std::string(kConnectionRejected);
  // Bounded: an exit's message ends up here. The cut moves back to the
  // start of a UTF-8 character, never into one.
  size_t cut = std::min<size_t>(message.size(), 512);
  while (cut < message.size() && cut > 0 && (static_cast<uint8_t>(message[cut]) & 0xC0) == 0x80) --cut;
  sqlca.message = std::string(message.substr(0, cut)) + kTokenSeparator + sqlca.sqlstate;
  drda::DssWriter w(out);
  drda::WriteRdbAccessFailure(w, request.accrdb_correlator, ReplyMessageFor(failure),
                              request.rdbnam, sqlca, request.charset);
  w.Finish();
}

}  // namespace drdaplex::router
