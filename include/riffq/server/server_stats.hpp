// riffq/server/server_stats.hpp
// ServerStats: counters a running server keeps (lock-free), and a snapshot with latency
// percentiles from a log2 histogram of statement times (handler call to last row).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace riffq::server {

struct StatsSnapshot {
  uint64_t connections_total = 0;
  uint64_t connections_active = 0;
  uint64_t queries = 0;
  uint64_t errors = 0;
  uint64_t rows = 0;
  uint64_t bytes_sent = 0;
  double latency_p50_ms = 0, latency_p95_ms = 0, latency_p99_ms = 0;
};

class ServerStats {
 public:
  void connection_opened() { connections_total_.fetch_add(1, std::memory_order_relaxed); }
  void query_started() { queries_.fetch_add(1, std::memory_order_relaxed); }
  void error() { errors_.fetch_add(1, std::memory_order_relaxed); }
  void rows(uint64_t n) { rows_.fetch_add(n, std::memory_order_relaxed); }
  void bytes(uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  // Records one statement's duration in microseconds.
  void latency_us(uint64_t us);
  StatsSnapshot snapshot(uint64_t connections_active) const;

 private:
  static constexpr size_t BUCKETS = 40;  // bucket b: [2^b, 2^(b+1)) microseconds
  std::atomic<uint64_t> connections_total_{0}, queries_{0}, errors_{0}, rows_{0}, bytes_{0};
  std::array<std::atomic<uint64_t>, BUCKETS> latency_{};
};

}  // namespace riffq::server
