// Helpers shared by the router's unit tests: the captured Derby-client
// sessions cut into request and reply chains (with their wire bytes), the
// capture's credentials read from its listing, chains built with the codec's
// writers, and accessors for the first DDM object of a DSS.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drda/bytes.h"
#include "drda/codepoints.h"
#include "drda/connect.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "router/server/client_connect_flow.h"

namespace drdaplex::router::testing {

namespace cp = drda::cp;

// One chain of a byte stream: its DSSes and where its bytes lie.
struct WireChain {
  std::vector<drda::Dss> dsses;
  size_t begin = 0;  // offset of the chain's first byte in the stream
  size_t end = 0;    // one past its last byte
};

// One connection of a capture (fixtures/drda-captures/FOLDER/STEM.CONN.*).
struct Capture {
  drda::Bytes c2s;
  drda::Bytes s2c;
  std::vector<WireChain> requests;
  std::vector<WireChain> replies;
};
Capture LoadCapture(std::string_view folder, std::string_view stem, int conn = 1);

// Cuts a whole stream into chains (fails the test on a framing error or a
// stream that ends inside a chain).
std::vector<WireChain> ChainsOf(drda::ByteSpan stream);

// Parses bytes that must be whole DSSes; fails the test otherwise.
std::vector<drda::Dss> ParseAll(drda::ByteSpan bytes);

// The user and password of the SECCHK in a derby-client capture's listing.
struct Credentials {
  std::string user;
  std::string password;
};
Credentials CredentialsOf(std::string_view stem);

// The ConnectRequest a ClientConnectFlow builds from the first two request
// chains (EXCSAT+ACCSEC, SECCHK+ACCRDB) of a derby-client capture whose
// user and password are those of "golden".
ConnectRequest RequestFromCapture(std::string_view stem);

// Offset just past the first `n` DSSes of `bytes`.
size_t EndOfDsses(drda::ByteSpan bytes, size_t n);

// A chain written with a DssWriter (Finish is called) and parsed back.
std::vector<drda::Dss> BuildChain(const std::function<void(drda::DssWriter&)>& write);
drda::Bytes BuildBytes(const std::function<void(drda::DssWriter&)>& write);

// The bytes of whole DSSes as a DssWriter-compatible peer would send them.
drda::Bytes Serialize(const std::vector<drda::Dss>& dsses);

// The Derby client's EXCSAT (managers AGENT..UNICODEMGR) and ACCSEC.
drda::ExcsatCommand ClientExcsat(bool unicode = true);
std::vector<drda::Dss> ExcsatAccsecChain(uint16_t secmec = 3, bool unicode = true);
drda::AccrdbCommand ClientAccrdb(std::string rdbnam);
// SECCHK (correlator 1) + ACCRDB (correlator 2).
std::vector<drda::Dss> SecchkAccrdbChain(std::string_view user, std::optional<std::string> password,
                                         std::string_view rdbnam, uint16_t secmec = 3,
                                         drda::DdmCharset charset = drda::DdmCharset::kUtf8);

// The first DDM object of a DSS (spans point into dss.payload).
drda::DdmObject FirstObject(const drda::Dss& dss);
cp::CodePoint CodePointOf(const drda::Dss& dss);
// The parameters of the DSS's first object.
drda::DdmParams ParamsOf(const drda::Dss& dss);
std::optional<uint16_t> U16Param(const drda::Dss& dss, cp::CodePoint code_point);
std::optional<uint8_t> U8Param(const drda::Dss& dss, cp::CodePoint code_point);

// "1:EXCSATRD 2:ACCSECRD" for failure messages and shape comparisons.
std::string Describe(const std::vector<drda::Dss>& dsses);

// Checks DssWriter's chaining conventions: every DSS chained but the last,
// and "same correlator" exactly where the next DSS has the same correlator.
void ExpectWellChained(const std::vector<drda::Dss>& dsses, const std::string& what);

}  // namespace drdaplex::router::testing
