// Errors of the DRDA codec, as one enum registered as a boost::system error
// category named "drda", so that parse errors, I/O errors and timeouts travel
// as one error_code type through sessions.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace drdaplex::drda {

enum class errc {
  // The input holds an incomplete DSS; feed more bytes. Not a failure.
  need_more = 1,
  // DSS length below 6 or a continuation header of 2 bytes or less.
  dss_too_short,
  // Byte 2 of a DSS header is not 0xD0.
  bad_gds_id,
  // Unknown DSS type, or chaining bits that contradict each other.
  bad_format,
  // A DSS, chain or object is larger than the configured limit.
  too_large,
  // An LL/CP object is shorter than 4 bytes or overruns its container.
  bad_object_length,
  // An extended-length LL is not one of 0x8004/8/A/C, or is misplaced.
  bad_extended_length,
  // Collections nested deeper than the limit.
  too_deep,
  // A required parameter or object is absent.
  missing_parameter,
  // A parameter has the wrong size or an impossible value.
  bad_parameter,
  // An FD:OCA description or data item is malformed or unsupported.
  bad_fdoca,
  // A character string cannot be converted.
  bad_encoding,
  // The peer broke the reply sequence (correlators, chaining).
  protocol_violation,
};

const boost::system::error_category& drda_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), drda_category()};
}

template <typename T>
using Result = boost::system::result<T>;

}  // namespace drdaplex::drda

template <>
struct boost::system::is_error_code_enum<drdaplex::drda::errc> : std::true_type {};
