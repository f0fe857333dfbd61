// Character conversion for DDM string parameters. Before ACCSECRD every DDM
// string is EBCDIC (CCSID 500 for the Derby client); after it, UTF-8 when
// UNICODEMGR 1208 was negotiated. These functions are pure and allocation
// bounded by their input size.
#pragma once

#include <string>
#include <string_view>

#include "drda/bytes.h"
#include "drda/errc.h"

namespace drdaplex::drda {

enum class Ccsid { k500, k37 };

// Every EBCDIC byte has a Unicode equivalent, so this cannot fail.
std::string EbcdicToUtf8(ByteSpan ebcdic, Ccsid ccsid = Ccsid::k500);

// Fails with errc::bad_encoding for characters outside U+0000..U+00FF.
Result<Bytes> Utf8ToEbcdic(std::string_view utf8, Ccsid ccsid = Ccsid::k500);

// Heuristic for DDM strings whose encoding the peer did not promise (some
// requesters never leave EBCDIC): true when most bytes are >= 0x80.
bool LooksLikeEbcdic(ByteSpan text);

}  // namespace drdaplex::drda
