#include "http/metrics.h"

#include <iterator>

#include <fmt/format.h>

namespace ordo {
namespace {

std::string_view method_label(std::string_view m) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    if (m == known) return known;
  return "OTHER";
}

std::string format_double(double v) { return fmt::format("{}", v); }

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

void Metrics::quick_read_handed_off() { quick_handed_off_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

void Metrics::request_finished(std::string_view method, std::string_view route, unsigned status, double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  std::size_t bucket = 0;
  while (bucket < kDurationBuckets.size() && seconds > kDurationBuckets[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  ++requests_[{std::string(method_label(method)), std::string(route), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), Histogram{}).first;
  Histogram& h = it->second;
  ++h.counts[bucket];
  h.sum += seconds;
  ++h.count;
}

std::string Metrics::render(const StoreStats* store) const {
  std::string out;
  auto it = std::back_inserter(out);
  {
    std::lock_guard lock(mu_);
    fmt::format_to(it, "# HELP ordo_http_requests_total HTTP requests answered, by method, route pattern and status.\n");
    fmt::format_to(it, "# TYPE ordo_http_requests_total counter\n");
    for (const auto& [key, n] : requests_) {
      const auto& [method, route, status] = key;
      fmt::format_to(it, "ordo_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", escape_label_value(method),
           escape_label_value(route), status, n);
    }
    fmt::format_to(it, "# HELP ordo_http_request_duration_seconds Time from a parsed request to its response, by route pattern.\n");
    fmt::format_to(it, "# TYPE ordo_http_request_duration_seconds histogram\n");
    for (const auto& [route, h] : durations_) {
      std::string r = escape_label_value(route);
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
        cumulative += h.counts[i];
        fmt::format_to(it, "ordo_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", r,
             format_double(kDurationBuckets[i]), cumulative);
      }
      cumulative += h.counts.back();
      fmt::format_to(it, "ordo_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", r, cumulative);
      fmt::format_to(it, "ordo_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", r, format_double(h.sum));
      fmt::format_to(it, "ordo_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", r, h.count);
    }
  }
  fmt::format_to(it, "# HELP ordo_http_in_flight Requests being handled now.\n");
  fmt::format_to(it, "# TYPE ordo_http_in_flight gauge\n");
  fmt::format_to(it, "ordo_http_in_flight {}\n", in_flight_.load(std::memory_order_relaxed));
  fmt::format_to(it, "# HELP ordo_http_quick_reads_handed_off_total Quick reads that would have waited on an I/O thread and went to the worker pool.\n");
  fmt::format_to(it, "# TYPE ordo_http_quick_reads_handed_off_total counter\n");
  fmt::format_to(it, "ordo_http_quick_reads_handed_off_total {}\n", quick_handed_off_.load(std::memory_order_relaxed));
  if (store) {
    fmt::format_to(it, "# HELP ordo_store_write_batch_size Commands committed per write transaction (group commit).\n");
    fmt::format_to(it, "# TYPE ordo_store_write_batch_size histogram\n");
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < StoreStats::kBatchBuckets.size(); ++i) {
      cumulative += store->batch_size_counts[i].load(std::memory_order_relaxed);
      fmt::format_to(it, "ordo_store_write_batch_size_bucket{{le=\"{}\"}} {}\n", StoreStats::kBatchBuckets[i], cumulative);
    }
    cumulative += store->batch_size_counts.back().load(std::memory_order_relaxed);
    fmt::format_to(it, "ordo_store_write_batch_size_bucket{{le=\"+Inf\"}} {}\n", cumulative);
    fmt::format_to(it, "ordo_store_write_batch_size_sum {}\n", store->batch_size_sum.load(std::memory_order_relaxed));
    // _count must equal the +Inf bucket; the buckets and `batches` are updated separately, so
    // a scrape racing a batch could otherwise see them disagree.
    fmt::format_to(it, "ordo_store_write_batch_size_count {}\n", cumulative);
    fmt::format_to(it, "# HELP ordo_store_commands_total Commands committed by the store.\n");
    fmt::format_to(it, "# TYPE ordo_store_commands_total counter\n");
    fmt::format_to(it, "ordo_store_commands_total {}\n", store->commands.load(std::memory_order_relaxed));
    fmt::format_to(it, "# HELP ordo_store_db_errors_total Database errors seen by the store.\n");
    fmt::format_to(it, "# TYPE ordo_store_db_errors_total counter\n");
    fmt::format_to(it, "ordo_store_db_errors_total {}\n", store->db_errors.load(std::memory_order_relaxed));
    fmt::format_to(it, "# HELP ordo_store_write_queue Write commands waiting for the writer's next transaction.\n");
    fmt::format_to(it, "# TYPE ordo_store_write_queue gauge\n");
    fmt::format_to(it, "ordo_store_write_queue {}\n", store->write_queue.load(std::memory_order_relaxed));
  }
  return out;
}

}  // namespace ordo
