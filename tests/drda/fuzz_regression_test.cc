// Replays the fuzzer's corpus (fixtures/fuzz/drda_request: the seeds cut from
// the captures plus every input that once crashed the fuzzer or broke one of
// its invariants) through the fuzzer's own code path, so that whatever it
// found stays fixed in ordinary g++ builds too. The captured streams go
// through the same checks, cut at a few places.
#include <gtest/gtest.h>

#include <filesystem>

#include "drda/fuzz/request_views.h"
#include "tests/drda/capture_util.h"

namespace drdaplex::drda::test {
namespace {

namespace fs = std::filesystem;

std::string Joined(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& p : problems) out += "\n  " + p;
  return out;
}

TEST(FuzzRegressionTest, EveryCorpusFileRunsCleanThroughTheFuzzerCodePath) {
  const fs::path dir = SourceDir() / "fixtures" / "fuzz" / "drda_request";
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    SCOPED_TRACE(entry.path().filename().string());
    const Bytes input = ReadFileBytes(entry.path());
    EXPECT_EQ(Joined(fuzz::ExerciseFuzzInput(input)), "");
    ++files;
  }
  EXPECT_GE(files, 10u);
}

TEST(FuzzRegressionTest, CapturedStreamsKeepTheFuzzerInvariants) {
  for (const CaptureStream& stream : AllCaptureStreams()) {
    SCOPED_TRACE(stream.Name());
    const Bytes bytes = ReadFileBytes(stream.path);
    for (size_t split : {size_t{0}, size_t{1}, size_t{5}, bytes.size() / 3, bytes.size()}) {
      EXPECT_EQ(Joined(fuzz::ExerciseRequestStream(bytes, split)), "") << "split at " << split;
    }
  }
}

}  // namespace
}  // namespace drdaplex::drda::test
