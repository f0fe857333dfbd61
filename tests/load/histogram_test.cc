// The latency histogram against exact percentiles of sorted data: every
// percentile within 1 % of the exact value, merging equal to recording all
// in one, the live (atomic) variant equal to the plain one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "harness/load/latency_histogram.h"

namespace drdaplex::load {
namespace {

double ExactPercentile(std::vector<int64_t> sorted, double p) {
  const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(p / 100.0 * sorted.size())));
  return static_cast<double>(sorted[rank - 1]);
}

std::vector<int64_t> LogNormalSamples(size_t n, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> latency(std::log(800.0), 1.2);  // us: ~0.8 ms median, long tail
  std::vector<int64_t> v(n);
  for (auto& x : v) x = static_cast<int64_t>(latency(random));
  return v;
}

TEST(LatencyHistogramTest, PercentilesWithinOnePercentOfExact) {
  std::vector<int64_t> samples = LogNormalSamples(200000, 7);
  LatencyHistogram h;
  for (int64_t s : samples) h.Record(s);
  std::sort(samples.begin(), samples.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const double exact = ExactPercentile(samples, p);
    EXPECT_NEAR(h.Percentile(p), exact, std::max(0.5, exact * 0.01)) << "p" << p;
  }
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  double sum = 0;
  for (int64_t s : samples) sum += s;
  EXPECT_NEAR(h.Mean(), sum / samples.size(), 1e-6 * sum);
}

TEST(LatencyHistogramTest, EveryBucketIsNarrowEnough) {
  for (size_t b = 0; b < HistogramLayout::kBuckets; ++b) {
    const int64_t low = HistogramLayout::BucketLow(b), high = HistogramLayout::BucketHigh(b);
    ASSERT_LE(low, high);
    EXPECT_EQ(HistogramLayout::BucketOf(low), b);
    EXPECT_EQ(HistogramLayout::BucketOf(high), b);
    if (b + 1 < HistogramLayout::kBuckets) {
      EXPECT_EQ(HistogramLayout::BucketLow(b + 1), high + 1);
    }
    // The midpoint stands for every value of the bucket within 1 %.
    EXPECT_LE((high - low) / 2.0, 0.01 * std::max<int64_t>(low, 1) + 0.5) << b;
  }
  EXPECT_EQ(HistogramLayout::BucketOf(int64_t{1} << 40), HistogramLayout::kBuckets - 1);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::vector<int64_t> a = LogNormalSamples(5000, 1), b = LogNormalSamples(7000, 2);
  LatencyHistogram ha, hb, all;
  for (int64_t s : a) ha.Record(s), all.Record(s);
  for (int64_t s : b) hb.Record(s), all.Record(s);
  ha.Merge(hb);
  EXPECT_EQ(ha.counts(), all.counts());
  EXPECT_EQ(ha.count(), all.count());
  EXPECT_EQ(ha.max(), all.max());
  EXPECT_EQ(ha.min(), all.min());
  EXPECT_DOUBLE_EQ(ha.Percentile(99), all.Percentile(99));
}

TEST(LatencyHistogramTest, LiveHistogramDeltasAddUpToTheWhole) {
  std::vector<int64_t> samples = LogNormalSamples(3000, 3);
  LiveHistogram live;
  LatencyHistogram plain, deltas;
  std::vector<uint32_t> seen;
  for (size_t i = 0; i < samples.size(); ++i) {
    live.Record(samples[i]);
    plain.Record(samples[i]);
    if (i % 1000 == 999) live.AddNewTo(deltas, seen);
  }
  LatencyHistogram whole;
  live.AddAllTo(whole);
  EXPECT_EQ(deltas.counts(), plain.counts());
  EXPECT_EQ(whole.counts(), plain.counts());
  EXPECT_EQ(whole.max(), plain.max());
  EXPECT_DOUBLE_EQ(whole.Mean(), plain.Mean());
}

TEST(LatencyHistogramTest, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Percentile(50), 0);
  EXPECT_EQ(h.Mean(), 0);
  EXPECT_EQ(h.max(), 0);
}

}  // namespace
}  // namespace drdaplex::load
