// The spare-capacity measurement of drdaplex-system: /proc/stat parsing and
// the idle-share arithmetic.
#include "registry/cpu_sampler.h"

#include <gtest/gtest.h>

namespace drdaplex::registry {
namespace {

constexpr char kStat[] =
    "cpu  100 20 80 700 100 0 0 0 5 0\n"
    "cpu0 50 10 40 350 50 0 0 0 0 0\n"
    "cpu1 50 10 40 350 50 0 0 0 0 0\n"
    "intr 12345 0 0\n"
    "ctxt 999\n";

TEST(CpuSamplerTest, ParsesTheAggregateLineAndCountsCpus) {
  std::string error;
  const auto times = ParseProcStat(kStat, &error);
  ASSERT_TRUE(times) << error;
  EXPECT_EQ(times->idle, 800u);    // idle + iowait
  EXPECT_EQ(times->total, 1000u);  // guest is already in user
  EXPECT_EQ(times->cpus, 2u);
  EXPECT_DOUBLE_EQ(SpareCapacitySinceBoot(*times).value(), 160.0);  // 80 % idle × 100 × 2
}

TEST(CpuSamplerTest, SpareCapacityIsTheIdleShareOfTheIntervalTimesCpus) {
  const CpuTimes before{800, 1000, 4};
  EXPECT_DOUBLE_EQ(SpareCapacity(before, CpuTimes{900, 1400, 4}).value(), 100.0);  // 25 %
  EXPECT_DOUBLE_EQ(SpareCapacity(before, CpuTimes{800, 1100, 4}).value(), 0.0);    // all busy
  EXPECT_DOUBLE_EQ(SpareCapacity(before, CpuTimes{900, 1100, 4}).value(), 400.0);  // all idle
  EXPECT_FALSE(SpareCapacity(before, before));                                     // no tick passed
  EXPECT_FALSE(SpareCapacity(before, CpuTimes{700, 1200, 4}));  // counters went back
}

TEST(CpuSamplerTest, RefusesMalformedInput) {
  std::string error;
  EXPECT_FALSE(ParseProcStat("intr 1 2 3\n", &error));
  EXPECT_NE(error.find("no cpu line"), std::string::npos);
  EXPECT_FALSE(ParseProcStat("cpu 1 2 x 4\n", &error));
  EXPECT_NE(error.find("'x'"), std::string::npos);
  EXPECT_FALSE(ParseProcStat("cpu 1 2\n", &error));
  EXPECT_NE(error.find("fields"), std::string::npos);
}

TEST(CpuSamplerTest, ReadsTheRealProcStat) {
  std::string error;
  const auto times = ReadCpuTimes("/proc/stat", &error);
  ASSERT_TRUE(times) << error;
  EXPECT_GE(times->cpus, 1u);
  EXPECT_GT(times->total, 0u);
  EXPECT_FALSE(ReadCpuTimes("/nonexistent/stat", &error));
}

}  // namespace
}  // namespace drdaplex::registry
