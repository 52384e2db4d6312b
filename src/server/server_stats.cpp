// server_stats.cpp — counters and latency percentiles of a running server.
#include "riffq/server/server_stats.hpp"

#include <bit>

namespace riffq::server {

void ServerStats::latency_us(uint64_t us) {
  size_t b = us == 0 ? 0 : static_cast<size_t>(std::bit_width(us) - 1);
  if (b >= BUCKETS) b = BUCKETS - 1;
  latency_[b].fetch_add(1, std::memory_order_relaxed);
}

StatsSnapshot ServerStats::snapshot(uint64_t connections_active) const {
  StatsSnapshot s;
  s.connections_total = connections_total_.load(std::memory_order_relaxed);
  s.connections_active = connections_active;
  s.queries = queries_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  s.rows = rows_.load(std::memory_order_relaxed);
  s.bytes_sent = bytes_.load(std::memory_order_relaxed);
  std::array<uint64_t, BUCKETS> counts{};
  uint64_t total = 0;
  for (size_t b = 0; b < BUCKETS; ++b)
    total += counts[b] = latency_[b].load(std::memory_order_relaxed);
  // A percentile is reported as the geometric middle of its bucket (within a factor of √2).
  auto percentile = [&](double p) {
    if (total == 0) return 0.0;
    uint64_t rank = static_cast<uint64_t>(p * static_cast<double>(total - 1)) + 1, seen = 0;
    for (size_t b = 0; b < BUCKETS; ++b) {
      seen += counts[b];
      if (seen >= rank) return static_cast<double>(uint64_t{1} << b) * 1.4142 / 1000.0;
    }
    return 0.0;
  };
  s.latency_p50_ms = percentile(0.50);
  s.latency_p95_ms = percentile(0.95);
  s.latency_p99_ms = percentile(0.99);
  return s;
}

}  // namespace riffq::server
