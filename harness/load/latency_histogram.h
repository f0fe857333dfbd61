// LatencyHistogram: an HDR-style log-linear histogram of non-negative
// integer values (the bench records microseconds). Values below 128 have
// a bucket each; above, every power-of-two range [2^e, 2^(e+1)) is cut
// into 128 equal buckets, so a bucket is at most 1/128 of its values wide
// and the value reported for it (its midpoint) is within 0.4 % of any
// value recorded in it. Values beyond 2^31 (35 minutes in us) share the
// last bucket; min, max, count and sum are exact. Histograms with the same
// layout merge by adding counts, which is how per-client recordings become
// one result.
//
// LiveHistogram is the same layout with relaxed atomic 32-bit counters for
// one writer (the client thread that owns it) and any number of readers
// (the sampler taking per-second differences): the writer never waits and
// never shares a cache line it writes with another writer.
//
// LatencyHistogram is a value type, not thread-safe; LiveHistogram as said.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace drdaplex::load {

struct HistogramLayout {
  static constexpr int kSubBits = 7;
  static constexpr int64_t kSubCount = int64_t{1} << kSubBits;  // 128
  static constexpr int kMaxExponent = 31;                       // 2^31 and above: last bucket
  static constexpr size_t kBuckets = kSubCount + (kMaxExponent - kSubBits + 1) * kSubCount;

  static size_t BucketOf(int64_t value);
  static int64_t BucketLow(size_t bucket);   // smallest value of the bucket
  static int64_t BucketHigh(size_t bucket);  // largest value of the bucket
  static double BucketMid(size_t bucket);
};

class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(int64_t value);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t min() const { return count_ ? min_ : 0; }
  int64_t max() const { return count_ ? max_ : 0; }
  double Mean() const;
  // The value at percentile p (0..100): the midpoint of the bucket holding
  // the ceil(p/100 * count)-th smallest value, clamped to [min, max]. 0 when
  // empty.
  double Percentile(double p) const;
  const std::vector<uint64_t>& counts() const { return counts_; }

 private:
  friend class LiveHistogram;
  // Adds `count` values known only by their bucket (the mean then uses its
  // midpoint, the bounds its edges).
  void AddBucket(size_t bucket, uint64_t count);

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
  int64_t min_ = 0, max_ = 0;
};

class LiveHistogram {
 public:
  LiveHistogram();
  // Writer only.
  void Record(int64_t value);
  // Any thread: adds this histogram's counts minus `seen` (same size, the
  // counts at the previous call; updated to the current ones) to `into`.
  void AddNewTo(LatencyHistogram& into, std::vector<uint32_t>& seen) const;
  // After the writer has finished: everything recorded, exact min/max/sum.
  void AddAllTo(LatencyHistogram& into) const;

 private:
  std::unique_ptr<std::atomic<uint32_t>[]> counts_;
  // Written by the writer only; read after it has been joined.
  int64_t min_ = 0, max_ = 0;
  double sum_ = 0;
  uint64_t count_ = 0;
};

}  // namespace drdaplex::load
