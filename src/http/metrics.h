// Metrics: the HTTP layer's counters, rendered with the store's StoreStats in the
// Prometheus text exposition format (version 0.0.4) for GET /metrics.
//
//   ordo_http_requests_total{method,route,status}       counter
//   ordo_http_request_duration_seconds{route}           histogram (0.0005 .. 5 s)
//   ordo_http_in_flight                                  gauge
//   ordo_store_write_batch_size / _commands_total / _db_errors_total / _write_queue (from StoreStats)
//
// Routes are labelled by their *pattern* ("/api/v1/{type}/{id}", "unmatched", "static"),
// never by the raw path, and unknown methods become "OTHER", so the label sets stay small
// whatever clients send. Thread-safe: any thread may record or render.
//
//   Metrics m;
//   m.request_started();
//   m.request_finished("GET", "/healthz", 200, 0.0004);
//   std::string text = m.render(&app.store_stats());
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "store/store_stats.h"

namespace ordo {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  static constexpr std::array<double, 13> kDurationBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,    0.25,  0.5,    1,     2.5,   5};

  void request_started();
  // Ends a request begun with request_started().
  void request_finished(std::string_view method, std::string_view route, unsigned status, double seconds);

  // A quick read run on an I/O thread that had to go to the worker pool after all.
  void quick_read_handed_off();

  // The exposition text; `store` may be null (no store metrics then).
  std::string render(const StoreStats* store) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kDurationBuckets.size() + 1> counts{};  // per bucket, last: +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };

  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> quick_handed_off_{0};
  mutable std::mutex mu_;
  // Protected by mu_:
  std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;  // (method, route, status)
  std::map<std::string, Histogram, std::less<>> durations_;                           // by route
};

// Escapes a label value per the exposition format (backslash, double quote, newline).
std::string escape_label_value(std::string_view v);

}  // namespace ordo
