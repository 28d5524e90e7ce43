// StoreStats: counters the storage layer keeps for /metrics (write batch sizes, commits,
// database errors). Lock-free; any thread may update or read.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace ordo {

struct StoreStats {
  // Upper bounds of the write-batch-size histogram buckets (commands per transaction).
  static constexpr std::array<std::uint64_t, 8> kBatchBuckets{1, 2, 4, 8, 16, 32, 64, 128};
  std::array<std::atomic<std::uint64_t>, kBatchBuckets.size() + 1> batch_size_counts{};  // last: +Inf
  std::atomic<std::uint64_t> batch_size_sum{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> commands{0};
  std::atomic<std::uint64_t> db_errors{0};
  std::atomic<std::int64_t> write_queue{0};  // write commands waiting for the writer (a gauge)

  void record_batch(std::uint64_t size) {
    std::size_t i = 0;
    while (i < kBatchBuckets.size() && size > kBatchBuckets[i]) ++i;
    batch_size_counts[i].fetch_add(1, std::memory_order_relaxed);
    batch_size_sum.fetch_add(size, std::memory_order_relaxed);
    batches.fetch_add(1, std::memory_order_relaxed);
    commands.fetch_add(size, std::memory_order_relaxed);
  }
};

}  // namespace ordo
