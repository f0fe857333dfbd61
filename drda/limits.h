// Every length read off the wire is checked against one of these before any
// buffer grows. They are deliberately generous for real clients and small
// enough that a hostile peer cannot make a process allocate without bound.
#pragma once

#include <cstddef>
#include <cstdint>

namespace drdaplex::drda {

struct Limits {
  // Largest logical DSS (after joining continuation segments). Derby batch
  // chains are ~58 KB, but a single large SQLSTT/SQLDTA can be longer.
  size_t max_dss_bytes = 16 * 1024 * 1024;
  // Largest chain of DSSes the server buffers before it answers.
  size_t max_chain_bytes = 64 * 1024 * 1024;
  // Most DSSes in one chain (the Derby client's executeBatch sends 2 per row).
  size_t max_chain_dsses = 100000;
  // Deepest nesting of DDM collections (commands hold parameters that hold
  // parameters; nothing real goes deeper than 4).
  int max_ddm_depth = 8;
  // Most columns in an FD:OCA description (Derby's limit is 1012).
  size_t max_columns = 1012;
  // Longest SQL statement text.
  size_t max_sql_bytes = 2 * 1024 * 1024;
};

// Fixed protocol limits.
inline constexpr size_t kDssHeaderSize = 6;
inline constexpr size_t kMaxDssSegment = 32767;  // incl. the 6-byte header
inline constexpr size_t kContinuationHeaderSize = 2;
inline constexpr size_t kMaxShortObjectLength = 32767;  // LL without the extension bit
// A QRYDTA object must fit one DSS: 32,767 - 6 (DSS header) - 4 (LL CP).
inline constexpr size_t kMaxQueryBlockPayload = kMaxDssSegment - kDssHeaderSize - 4;

}  // namespace drdaplex::drda
