// The Poisson schedule: gaps average 1/rate with the exponential
// distribution's spread (standard deviation = mean), arrivals per second
// have Poisson's variance = mean, and the schedule never goes backwards.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "harness/load/rate_schedule.h"

namespace drdaplex::load {
namespace {

TEST(PoissonScheduleTest, GapsAreExponentialWithTheRate) {
  PoissonSchedule schedule(200.0, 11);
  const int n = 100000;
  std::vector<double> gaps;
  double previous = 0;
  for (int i = 0; i < n; ++i) {
    const double at = schedule.Next();
    ASSERT_GE(at, previous);
    gaps.push_back(at - previous);
    previous = at;
  }
  double mean = 0;
  for (double g : gaps) mean += g;
  mean /= n;
  double var = 0;
  for (double g : gaps) var += (g - mean) * (g - mean);
  const double sd = std::sqrt(var / (n - 1));
  EXPECT_NEAR(mean, 1.0 / 200, 0.02 / 200);
  EXPECT_NEAR(sd / mean, 1.0, 0.03);  // coefficient of variation of an exponential
  EXPECT_NEAR(previous, n / 200.0, 0.02 * n / 200.0);
}

TEST(PoissonScheduleTest, ArrivalsPerSecondHavePoissonVariance) {
  PoissonSchedule schedule(50.0, 12);
  std::vector<int> per_second(2000, 0);
  for (double at = schedule.Next(); at < per_second.size(); at = schedule.Next()) ++per_second[static_cast<size_t>(at)];
  double mean = 0, var = 0;
  for (int c : per_second) mean += c;
  mean /= per_second.size();
  for (int c : per_second) var += (c - mean) * (c - mean);
  var /= per_second.size() - 1;
  EXPECT_NEAR(mean, 50.0, 1.0);
  EXPECT_NEAR(var / mean, 1.0, 0.1);
}

TEST(PoissonScheduleTest, SameSeedSameSchedule) {
  PoissonSchedule a(10, 5), b(10, 5);
  for (int i = 0; i < 100; ++i) EXPECT_DOUBLE_EQ(a.Next(), b.Next());
}

}  // namespace
}  // namespace drdaplex::load
