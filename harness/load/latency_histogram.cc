#include "harness/load/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace drdaplex::load {

size_t HistogramLayout::BucketOf(int64_t value) {
  if (value < kSubCount) return value < 0 ? 0 : static_cast<size_t>(value);
  const int exponent = std::bit_width(static_cast<uint64_t>(value)) - 1;  // >= kSubBits
  if (exponent > kMaxExponent) return kBuckets - 1;
  const int shift = exponent - kSubBits;
  const int64_t sub = (value >> shift) - kSubCount;  // 0..127
  return static_cast<size_t>(kSubCount + shift * kSubCount + sub);
}

int64_t HistogramLayout::BucketLow(size_t bucket) {
  if (bucket < static_cast<size_t>(kSubCount)) return static_cast<int64_t>(bucket);
  const int64_t shift = (static_cast<int64_t>(bucket) - kSubCount) / kSubCount;
  const int64_t sub = (static_cast<int64_t>(bucket) - kSubCount) % kSubCount;
  return (kSubCount + sub) << shift;
}

int64_t HistogramLayout::BucketHigh(size_t bucket) {
  if (bucket < static_cast<size_t>(kSubCount)) return static_cast<int64_t>(bucket);
  const int64_t shift = (static_cast<int64_t>(bucket) - kSubCount) / kSubCount;
  return BucketLow(bucket) + (int64_t{1} << shift) - 1;
}

double HistogramLayout::BucketMid(size_t bucket) {
  return (static_cast<double>(BucketLow(bucket)) + static_cast<double>(BucketHigh(bucket))) / 2.0;
}

LatencyHistogram::LatencyHistogram() : counts_(HistogramLayout::kBuckets, 0) {}

void LatencyHistogram::Record(int64_t value) {
  value = std::max<int64_t>(value, 0);
  ++counts_[HistogramLayout::BucketOf(value)];
  min_ = count_ ? std::min(min_, value) : value;
  max_ = count_ ? std::max(max_, value) : value;
  ++count_;
  sum_ += static_cast<double>(value);
}

void LatencyHistogram::AddBucket(size_t bucket, uint64_t count) {
  if (count == 0) return;
  counts_[bucket] += count;
  const int64_t low = HistogramLayout::BucketLow(bucket), high = HistogramLayout::BucketHigh(bucket);
  min_ = count_ ? std::min(min_, low) : low;
  max_ = count_ ? std::max(max_, high) : high;
  count_ += count;
  sum_ += HistogramLayout::BucketMid(bucket) * static_cast<double>(count);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::Mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

double LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0.0;
  const double clamped = std::clamp(p, 0.0, 100.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(clamped / 100.0 * count_)));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      return std::clamp(HistogramLayout::BucketMid(i), static_cast<double>(min_), static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

LiveHistogram::LiveHistogram() : counts_(new std::atomic<uint32_t>[HistogramLayout::kBuckets]) {
  for (size_t i = 0; i < HistogramLayout::kBuckets; ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void LiveHistogram::Record(int64_t value) {
  value = std::max<int64_t>(value, 0);
  auto& slot = counts_[HistogramLayout::BucketOf(value)];
  // One writer: a plain load and store, no read-modify-write needed.
  slot.store(slot.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  min_ = count_ ? std::min(min_, value) : value;
  max_ = count_ ? std::max(max_, value) : value;
  ++count_;
  sum_ += static_cast<double>(value);
}

void LiveHistogram::AddNewTo(LatencyHistogram& into, std::vector<uint32_t>& seen) const {
  if (seen.size() != HistogramLayout::kBuckets) seen.assign(HistogramLayout::kBuckets, 0);
  for (size_t i = 0; i < HistogramLayout::kBuckets; ++i) {
    const uint32_t now = counts_[i].load(std::memory_order_relaxed);
    if (now != seen[i]) {
      into.AddBucket(i, now - seen[i]);
      seen[i] = now;
    }
  }
}

void LiveHistogram::AddAllTo(LatencyHistogram& into) const {
  LatencyHistogram mine;
  for (size_t i = 0; i < HistogramLayout::kBuckets; ++i) mine.counts_[i] = counts_[i].load(std::memory_order_relaxed);
  mine.count_ = count_;
  mine.sum_ = sum_;
  mine.min_ = min_;
  mine.max_ = max_;
  into.Merge(mine);
}

}  // namespace drdaplex::load
