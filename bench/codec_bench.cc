// Throughput of the DRDA codec on the paths every statement takes: framing
// (and decoding) what the Derby client sends, encoding a query block, and the
// SQLCARD every reply ends with.
//
//   build/bin/codec_bench [--benchmark_filter=...]
//
// The golden capture is found next to the source tree (from __FILE__) or
// under $DRDAPLEX_SOURCE_DIR.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "drda/codepoints.h"
#include "drda/ddm.h"
#include "drda/dss.h"
#include "drda/dss_writer.h"
#include "drda/fdoca.h"
#include "drda/sql_commands.h"
#include "drda/sqlca.h"

namespace drdaplex::drda {
namespace {

namespace fs = std::filesystem;

const Bytes& GoldenClientStream() {
  static const Bytes bytes = [] {
    fs::path root = fs::path(__FILE__).parent_path().parent_path();
    if (const char* env = std::getenv("DRDAPLEX_SOURCE_DIR")) root = env;
    std::ifstream in(root / "fixtures" / "drda-captures" / "derby-client" / "golden.1.c2s.bin", std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  return bytes;
}

// Framing only: the stream arrives in reads of state.range(0) bytes (0 = all
// at once; 1460 = one Ethernet TCP segment at a time).
void BM_FrameGoldenClientStream(benchmark::State& state) {
  const Bytes& stream = GoldenClientStream();
  if (stream.empty()) {
    state.SkipWithError("golden.1.c2s.bin not found (set DRDAPLEX_SOURCE_DIR)");
    return;
  }
  const size_t read_size = state.range(0) == 0 ? stream.size() : static_cast<size_t>(state.range(0));
  size_t dsses = 0;
  for (auto _ : state) {
    DssStreamParser parser;
    for (size_t pos = 0; pos < stream.size(); pos += read_size) {
      parser.Append(ByteSpan(stream).subspan(pos, std::min(read_size, stream.size() - pos)));
      for (;;) {
        auto next = parser.Next();
        if (!next || !*next) break;
        benchmark::DoNotOptimize((*next)->payload.data());
        ++dsses;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(dsses));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["DSS/s"] = benchmark::Counter(static_cast<double>(dsses), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FrameGoldenClientStream)->Arg(0)->Arg(1460);

// What a server reads per DSS: framing, the DDM objects, and the typed views
// of the command objects (PKGNAMCSN, SQL text, SQLDTA parameters).
void BM_DecodeGoldenClientStream(benchmark::State& state) {
  const Bytes& stream = GoldenClientStream();
  if (stream.empty()) {
    state.SkipWithError("golden.1.c2s.bin not found (set DRDAPLEX_SOURCE_DIR)");
    return;
  }
  const Limits limits;
  size_t dsses = 0;
  for (auto _ : state) {
    DssStreamParser parser(limits);
    parser.Append(stream);
    for (;;) {
      auto next = parser.Next();
      if (!next || !*next) break;
      ++dsses;
      DdmObjectReader reader((*next)->payload);
      for (;;) {
        auto obj = reader.Next();
        if (!obj || !*obj) break;
        switch ((*obj)->code_point) {
          case cp::SQLSTT:
          case cp::SQLATTR:
            benchmark::DoNotOptimize(ParseStatementText((*obj)->data, limits));
            break;
          case cp::SQLDTA:
            benchmark::DoNotOptimize(ParseSqldta((*obj)->data, ByteOrder::kBig, limits));
            break;
          default:
            if (auto params = DdmParams::Parse((*obj)->data)) {
              if (const DdmObject* pkg = params->Find(cp::PKGNAMCSN)) {
                benchmark::DoNotOptimize(ParsePkgnamcsn(pkg->data));
              }
            }
        }
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(dsses));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.counters["DSS/s"] = benchmark::Counter(static_cast<double>(dsses), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeGoldenClientStream);

// One QRYDTA block of 100 rows of (INTEGER, VARCHAR(250), DOUBLE,
// VARCHAR(32)) as the golden SELECT returns them: about 26 KB.
void BM_EncodeQueryBlock(benchmark::State& state) {
  const std::vector<FieldDesc> fields = {{fdoca::Nullable(fdoca::kInteger), 4},
                                         {fdoca::Nullable(fdoca::kVarChar), 250},
                                         {fdoca::Nullable(fdoca::kFloat8), 8},
                                         {fdoca::Nullable(fdoca::kVarChar), 32}};
  std::vector<std::vector<Value>> rows;
  for (int id = 1; id <= 100; ++id) {
    std::string name = "name-" + std::to_string(id) + "-";
    while (name.size() < 240) name.push_back(static_cast<char>('a' + (id + name.size()) % 26));
    rows.push_back({int64_t{id}, std::move(name), id * 1.25,
                    id % 3 == 0 ? Value{Null{}} : Value{"n" + std::to_string(id)}});
  }
  Bytes out;
  size_t block_bytes = 0;
  for (auto _ : state) {
    out.clear();
    DssWriter w(out);
    w.BeginDss(DssType::kObject, 1);
    w.BeginObject(cp::QRYDTA);
    size_t used = 0;
    for (const auto& row : rows) {
      // The router checks that a row fits the block before writing it.
      size_t row_size = 2;
      for (size_t i = 0; i < fields.size(); ++i) row_size += EncodedSize(fields[i], row[i]);
      used += row_size;
      if (used > kMaxQueryBlockPayload) break;
      WriteSqlcaGroup(w.body(), nullptr);
      w.body().PutU8(0x00);
      for (size_t i = 0; i < fields.size(); ++i) EncodeValue(w.body(), fields[i], row[i]);
    }
    w.EndObject();
    w.EndDss();
    w.Finish();
    block_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * block_bytes));
  state.counters["block_bytes"] = static_cast<double>(block_bytes);
}
BENCHMARK(BM_EncodeQueryBlock);

Sqlca BenchSqlca(bool error) {
  Sqlca s;
  if (error) {
    s.sqlcode = -20001;
    s.sqlstate = "42X05";
    s.message = "NO_SUCH_TABLE\x14" "42X05";
  } else {
    s.sqlstate = "     ";
    s.set_update_count(1);
  }
  return s;
}

// SQLCARD as a whole OBJDSS: success (update count 1) and error (tokens).
void BM_EncodeSqlcard(benchmark::State& state) {
  const Sqlca sqlca = BenchSqlca(state.range(0) != 0);
  Bytes out;
  for (auto _ : state) {
    out.clear();
    DssWriter w(out);
    w.BeginDss(DssType::kObject, 1);
    w.BeginObject(cp::SQLCARD);
    WriteSqlcaGroup(w.body(), &sqlca);
    w.EndObject();
    w.EndDss();
    w.Finish();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeSqlcard)->ArgName("error")->Arg(0)->Arg(1);

void BM_DecodeSqlcard(benchmark::State& state) {
  const Sqlca sqlca = BenchSqlca(state.range(0) != 0);
  Bytes wire;
  DssWriter w(wire);
  w.BeginDss(DssType::kObject, 1);
  w.BeginObject(cp::SQLCARD);
  WriteSqlcaGroup(w.body(), &sqlca);
  w.EndObject();
  w.EndDss();
  w.Finish();
  const Limits limits;
  for (auto _ : state) {
    Dss dss;
    auto n = ParseDss(wire, limits, dss);
    DdmObjectReader reader(dss.payload);
    auto obj = reader.Next();
    if (!n || !obj || !*obj) {
      state.SkipWithError("SQLCARD does not parse");
      return;
    }
    ByteReader in((*obj)->data);
    auto decoded = ReadSqlcaGroup(in);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_DecodeSqlcard)->ArgName("error")->Arg(0)->Arg(1);

}  // namespace
}  // namespace drdaplex::drda

BENCHMARK_MAIN();
