#include "drda/errc.h"

#include <string>

namespace drdaplex::drda {
namespace {

class DrdaCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "drda"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::need_more: return "incomplete DSS: more bytes needed";
      case errc::dss_too_short: return "DSS or continuation header length too short";
      case errc::bad_gds_id: return "DSS header does not carry the DDM GDS id 0xD0";
      case errc::bad_format: return "DSS format byte invalid";
      case errc::too_large: return "length exceeds the configured limit";
      case errc::bad_object_length: return "DDM object length invalid";
      case errc::bad_extended_length: return "DDM extended length invalid";
      case errc::too_deep: return "DDM collections nested too deeply";
      case errc::missing_parameter: return "required DDM parameter missing";
      case errc::bad_parameter: return "DDM parameter value invalid";
      case errc::bad_fdoca: return "FD:OCA description or data invalid";
      case errc::bad_encoding: return "character data cannot be converted";
      case errc::protocol_violation: return "DRDA protocol violation";
    }
    return "unknown drda error";
  }
};

}  // namespace

const boost::system::error_category& drda_category() noexcept {
  static const DrdaCategory category;
  return category;
}

}  // namespace drdaplex::drda
