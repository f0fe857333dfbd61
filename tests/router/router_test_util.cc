// Helpers shared by the router's unit tests (see router_test_util.h).
#include "tests/router/router_test_util.h"

#include "config/crypt_hash.h"
#include "config/user_registry.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::router::testing {

namespace dt = drda::test;

std::vector<WireChain> ChainsOf(drda::ByteSpan stream) {
  std::vector<WireChain> chains;
  bool open = false;
  for (const dt::RawDss& raw : dt::SplitStream(stream)) {
    const size_t begin = static_cast<size_t>(raw.wire.data() - stream.data());
    if (!open) {
      chains.emplace_back();
      chains.back().begin = begin;
      open = true;
    }
    chains.back().dsses.push_back(raw.dss);
    chains.back().end = begin + raw.wire.size();
    if (!raw.dss.header.chained) open = false;
  }
  EXPECT_FALSE(open) << "the stream ends inside a chain";
  return chains;
}

Capture LoadCapture(std::string_view folder, std::string_view stem, int conn) {
  Capture capture;
  capture.c2s = dt::ReadFileBytes(dt::FindCapture(folder, stem, conn, true).path);
  capture.s2c = dt::ReadFileBytes(dt::FindCapture(folder, stem, conn, false).path);
  EXPECT_FALSE(capture.c2s.empty());
  EXPECT_FALSE(capture.s2c.empty());
  capture.requests = ChainsOf(capture.c2s);
  capture.replies = ChainsOf(capture.s2c);
  return capture;
}

std::vector<drda::Dss> ParseAll(drda::ByteSpan bytes) {
  std::vector<drda::Dss> out;
  drda::DssStreamParser parser;
  parser.Append(bytes);
  for (;;) {
    auto next = parser.Next();
    if (!next) {
      ADD_FAILURE() << "framing error: " << next.error().message() << " in " << dt::Hex(bytes);
      break;
    }
    if (!*next) break;
    out.push_back(std::move(**next));
  }
  EXPECT_TRUE(parser.at_boundary()) << parser.buffered() << " bytes left that are no whole DSS";
  return out;
}

Credentials CredentialsOf(std::string_view stem) {
  const dt::CaptureStream stream = dt::FindCapture("derby-client", stem, 1, true);
  auto field = [](const std::string& details, std::string_view key) {
    auto raw = dt::DetailField(details, key);
    if (!raw) return std::string();
    std::string_view text = *raw;
    auto value = dt::ParsePyString(text);
    return value ? value->s : std::string();
  };
  for (const dt::ListingLine& line : dt::ListingFor(stream)) {
    if (line.code_point != cp::SECCHK) continue;
    Credentials c{field(line.details, "USRID"), field(line.details, "PASSWORD")};
    EXPECT_FALSE(c.user.empty()) << line.details;
    EXPECT_FALSE(c.password.empty()) << line.details;
    return c;
  }
  ADD_FAILURE() << "no SECCHK in the listing of " << stem;
  return {};
}

ConnectRequest RequestFromCapture(std::string_view stem) {
  const Capture capture = LoadCapture("derby-client", stem);
  const Credentials credentials = CredentialsOf("golden");
  config::UserRegistry users(
      {config::UserConfig{credentials.user, config::HashPassword(credentials.password), false}});
  ClientConnectFlow flow(users, "HWS1");
  EXPECT_GE(capture.requests.size(), 2u);
  if (capture.requests.size() < 2) return {};
  drda::Bytes reply;
  EXPECT_EQ(flow.ProcessChain(capture.requests[0].dsses, reply), ClientConnectFlow::Step::kReply);
  reply.clear();
  EXPECT_EQ(flow.ProcessChain(capture.requests[1].dsses, reply), ClientConnectFlow::Step::kRoute);
  return flow.request();
}

size_t EndOfDsses(drda::ByteSpan bytes, size_t n) {
  const auto raw = dt::SplitStream(bytes);
  EXPECT_GE(raw.size(), n);
  if (n == 0 || raw.size() < n) return 0;
  return static_cast<size_t>(raw[n - 1].wire.data() - bytes.data()) + raw[n - 1].wire.size();
}

drda::Bytes BuildBytes(const std::function<void(drda::DssWriter&)>& write) {
  drda::Bytes out;
  drda::DssWriter w(out);
  write(w);
  w.Finish();
  return out;
}

std::vector<drda::Dss> BuildChain(const std::function<void(drda::DssWriter&)>& write) {
  return ParseAll(BuildBytes(write));
}

drda::Bytes Serialize(const std::vector<drda::Dss>& dsses) {
  drda::Bytes out;
  drda::DssWriter w(out);
  for (const drda::Dss& dss : dsses) {
    // One group per DSS; the flags are set below from the originals.
    w.BeginGroup();
    w.BeginDss(dss.header.type, dss.header.correlator);
    w.body().PutBytes(dss.payload);
    w.EndDss();
  }
  w.Finish();
  // Keep the originals' flags (the writer recomputed them by group).
  size_t at = 0;
  for (const drda::Dss& dss : dsses) {
    out[at + 3] = dss.header.FormatByte();
    size_t length = (drda::LoadU16(&out[at]) & 0x7FFF);
    bool continued = (drda::LoadU16(&out[at]) & 0x8000) != 0;
    at += length;
    while (continued) {
      const uint16_t segment = drda::LoadU16(&out[at]);
      continued = (segment & 0x8000) != 0;
      at += segment & 0x7FFF;
    }
  }
  return out;
}

drda::ExcsatCommand ClientExcsat(bool unicode) {
  drda::ExcsatCommand excsat;
  excsat.extnam = "derbydncmain";
  excsat.srvnam = "Derby";
  excsat.srvrlslv = "DNC10140/10.14.2.0 - (1828579)";
  excsat.srvclsnm = "QDERBY/JVM";
  excsat.managers = {{cp::AGENT, 7}, {cp::SQLAM, 7}, {cp::RDB, 7}, {cp::SECMGR, 7}};
  if (unicode) excsat.managers.push_back({cp::UNICODEMGR, 1208});
  return excsat;
}

std::vector<drda::Dss> ExcsatAccsecChain(uint16_t secmec, bool unicode) {
  return BuildChain([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteExcsat(w, 1, ClientExcsat(unicode));
    w.BeginGroup();
    drda::WriteAccsec(w, 2, {secmec, "IM1A", {}}, drda::DdmCharset::kEbcdic);
  });
}

drda::AccrdbCommand ClientAccrdb(std::string rdbnam) {
  drda::AccrdbCommand accrdb;
  accrdb.rdbnam = std::move(rdbnam);
  accrdb.prdid = "DNC10140";
  accrdb.typdefnam = "QTDSQLASC";
  accrdb.prddta = {0x37, 0xC4, 0xD5, 0xC3};
  accrdb.crrtkn = {0xD5, 0xC6, 0xF0, 0xF0, 0xF1};
  return accrdb;
}

std::vector<drda::Dss> SecchkAccrdbChain(std::string_view user, std::optional<std::string> password,
                                         std::string_view rdbnam, uint16_t secmec,
                                         drda::DdmCharset charset) {
  return BuildChain([&](drda::DssWriter& w) {
    w.BeginGroup();
    drda::WriteSecchk(w, 1, {secmec, std::string(rdbnam), std::string(user), password}, charset);
    w.BeginGroup();
    drda::WriteAccrdb(w, 2, ClientAccrdb(std::string(rdbnam)), charset);
  });
}

drda::DdmObject FirstObject(const drda::Dss& dss) {
  auto objects = drda::ReadObjects(dss.payload);
  EXPECT_TRUE(objects && !objects->empty()) << "DSS without a DDM object";
  if (!objects || objects->empty()) return {};
  return (*objects)[0];
}

cp::CodePoint CodePointOf(const drda::Dss& dss) { return FirstObject(dss).code_point; }

drda::DdmParams ParamsOf(const drda::Dss& dss) {
  auto params = drda::DdmParams::Parse(FirstObject(dss).data);
  EXPECT_TRUE(params) << "parameters of " << cp::Name(CodePointOf(dss)) << " do not parse";
  return params ? std::move(*params) : drda::DdmParams{};
}

std::optional<uint16_t> U16Param(const drda::Dss& dss, cp::CodePoint code_point) {
  auto v = ParamsOf(dss).U16(code_point);
  EXPECT_TRUE(v) << cp::Name(code_point) << " has the wrong size";
  return v ? *v : std::nullopt;
}

std::optional<uint8_t> U8Param(const drda::Dss& dss, cp::CodePoint code_point) {
  auto v = ParamsOf(dss).U8(code_point);
  EXPECT_TRUE(v) << cp::Name(code_point) << " has the wrong size";
  return v ? *v : std::nullopt;
}

std::string Describe(const std::vector<drda::Dss>& dsses) {
  std::string s;
  for (const drda::Dss& dss : dsses) {
    if (!s.empty()) s += ' ';
    auto objects = drda::ReadObjects(dss.payload);
    const char* name = objects && !objects->empty() ? cp::Name((*objects)[0].code_point) : "?";
    s += std::to_string(dss.header.correlator) + ":" + name;
  }
  return s;
}

void ExpectWellChained(const std::vector<drda::Dss>& dsses, const std::string& what) {
  for (size_t i = 0; i < dsses.size(); ++i) {
    const bool last = i + 1 == dsses.size();
    EXPECT_EQ(dsses[i].header.chained, !last) << what << ": DSS " << i << " of " << Describe(dsses);
    const bool same = !last && dsses[i + 1].header.correlator == dsses[i].header.correlator;
    EXPECT_EQ(dsses[i].header.same_correlator, same)
        << what << ": same-correlator bit of DSS " << i << " of " << Describe(dsses);
  }
}

}  // namespace drdaplex::router::testing
