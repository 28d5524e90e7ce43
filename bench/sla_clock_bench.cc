// ordo_sla_bench: SLA clock evaluations per second over realistic incident timelines
// (issue #4, `make bench`), with a baseline measured in the same run.
//
// It generates N incidents with domain/bench_profile.h (seeded; the distributions and their
// sources are documented in src/domain/bench_profile.cc: time of day and week, response
// delay, pauses in pending_customer / pending_supplier, reopens, priority changes,
// reassignments, resolution times), gives each one an agreement — standard or gold
// targets — on a calendar from the mix in bench_calendars() (office hours in Europe/Berlin
// (DST, holidays), America/New_York (DST, holidays), Asia/Kolkata (lunch break, Saturday
// mornings) and 24x7), and then times, over all N:
//
//   walk              reading every timeline (the facts' times and values): the floor
//   business_seconds  one Calendar::business_seconds(reported_at, end of timeline) per
//                     incident: the least calendar work any clock must do — the baseline
//   clock             evaluate_sla_clock(…, with_segments = false): the figures the
//                     sla_* columns and the SLA report need
//   clock+segments    the same with segments (what GET /incidents/{id}/sla returns)
//
// each on 1 and on 2 threads (each thread takes a contiguous half). Prints a table on
// stderr and one JSON object on stdout:
//   {"incidents":N,"facts":F,"runs":[{"name":"clock","threads":1,"seconds":…,"per_second":…,
//     "ratio_to_business_seconds":…},…]}
// ratio_to_business_seconds = clock rate ÷ business_seconds rate (same thread count): the
// fraction of the cheapest calendar query's speed the full clock keeps.
//
//   ordo_sla_bench [--incidents N] [--seed S] [--threads "1 2"]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "domain/bench_profile.h"
#include "domain/calendar.h"
#include "domain/sla_clock.h"

namespace {

using ordo::Instant;

struct Input {
  Instant reported_at = 0;
  std::string_view priority;
  std::uint32_t first = 0, count = 0;  // into the flat facts vector
  std::uint8_t calendar = 0, terms = 0;
};

struct Corpus {
  std::vector<ordo::Calendar> calendars;
  std::vector<ordo::SlaTerms> terms;
  std::vector<Input> inputs;
  std::vector<ordo::TicketFact> facts;
  Instant now = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs body(begin, end) over [0, n) split into `threads` contiguous parts; returns seconds.
template <class F>
double timed(std::size_t n, int threads, F body) {
  auto t0 = std::chrono::steady_clock::now();
  if (threads <= 1) {
    body(std::size_t{0}, n);
  } else {
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k) {
      std::size_t b = n * static_cast<std::size_t>(k) / static_cast<std::size_t>(threads);
      std::size_t e = n * static_cast<std::size_t>(k + 1) / static_cast<std::size_t>(threads);
      pool.emplace_back([=] { body(b, e); });
    }
    for (auto& t : pool) t.join();
  }
  return seconds_since(t0);
}

std::atomic<std::int64_t> g_sink{0};  // keeps the optimiser from dropping the work

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 1000000;
  std::uint64_t seed = 42;
  std::vector<int> thread_counts{1, 2};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ordo_sla_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--incidents") {
      n = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--seed") {
      seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--threads") {
      thread_counts.clear();
      std::istringstream in(value());
      for (int t; in >> t;)
        if (t > 0) thread_counts.push_back(t);
    } else {
      std::fprintf(stderr, "usage: ordo_sla_bench [--incidents N] [--seed S] [--threads \"1 2\"]\n");
      return 2;
    }
  }
  if (n == 0 || thread_counts.empty()) {
    std::fprintf(stderr, "ordo_sla_bench: --incidents and --threads must be positive\n");
    return 2;
  }

  Corpus c;
  c.now = 1788000000;  // 2026-08-29T10:40:00Z: fixed, so runs compare
  std::vector<std::int32_t> offsets;
  for (const auto& bc : ordo::bench_calendars()) {
    if (bc.json.empty()) {
      c.calendars.push_back(ordo::Calendar::twenty_four_seven());
    } else {
      auto cal = ordo::Calendar::from_json(boost::json::parse(bc.json).as_object());
      if (!cal) {
        std::fprintf(stderr, "ordo_sla_bench: calendar %s: %s\n", bc.name.c_str(), cal.error().message.c_str());
        return 1;
      }
      c.calendars.push_back(std::move(*cal));
    }
  }
  for (bool gold : {false, true}) {
    auto t = ordo::SlaTerms::from_json(
        boost::json::parse(std::string(R"({"targets":)") + ordo::bench_targets_json(gold) + "}").as_object());
    if (!t) return 1;
    c.terms.push_back(std::move(*t));
  }
  // 20 services; each has one calendar (by the shares), so the time-of-day profile can be
  // applied in that calendar's local time. One incident in five is under gold targets.
  const int services = 20;
  std::vector<std::uint8_t> service_calendar;
  for (int s = 0; s < services; ++s) {
    std::size_t k = ordo::bench_service_calendar(s, services);
    service_calendar.push_back(static_cast<std::uint8_t>(k));
    offsets.push_back(ordo::bench_calendars()[k].utc_offset);
  }
  ordo::BenchProfile prof({.seed = seed, .services = services, .customers = 50, .teams = 12, .now = c.now,
                           .service_utc_offset = offsets});

  auto t_gen = std::chrono::steady_clock::now();
  c.inputs.reserve(n);
  c.facts.reserve(n * 5);
  for (std::size_t i = 0; i < n; ++i) {
    ordo::IncidentProfile inc = prof.incident(i);
    std::vector<ordo::TicketFact> f = ordo::clock_facts(inc);
    Input in;
    in.reported_at = inc.reported_at;
    in.priority = ordo::bench_priority(inc.impact, inc.urgency);
    in.first = static_cast<std::uint32_t>(c.facts.size());
    in.count = static_cast<std::uint32_t>(f.size());
    in.calendar = service_calendar[static_cast<std::size_t>(inc.service)];
    in.terms = inc.customer % 5 == 0 ? 1 : 0;
    for (auto& x : f) c.facts.push_back(std::move(x));
    c.inputs.push_back(in);
  }
  std::fprintf(stderr, "ordo_sla_bench: generated %zu incidents, %zu facts (%.1f per incident) in %.1f s\n", n,
               c.facts.size(), static_cast<double>(c.facts.size()) / static_cast<double>(n), seconds_since(t_gen));

  const ordo::StatusModel model;
  auto span = [&](const Input& in) { return std::span<const ordo::TicketFact>(c.facts.data() + in.first, in.count); };
  auto walk = [&](std::size_t b, std::size_t e) {
    std::int64_t sum = 0;
    for (std::size_t i = b; i < e; ++i) {
      const Input& in = c.inputs[i];
      sum += in.reported_at + static_cast<std::int64_t>(in.priority.size());
      for (const auto& f : span(in)) sum += f.at + static_cast<std::int64_t>(f.value.size());
    }
    g_sink += sum;
  };
  auto business = [&](std::size_t b, std::size_t e) {
    std::int64_t sum = 0;
    for (std::size_t i = b; i < e; ++i) {
      const Input& in = c.inputs[i];
      Instant end = in.count ? c.facts[in.first + in.count - 1].at : c.now;
      sum += c.calendars[in.calendar].business_seconds(in.reported_at, end);
    }
    g_sink += sum;
  };
  std::atomic<int> failures{0};
  auto clock = [&](bool segments) {
    return [&, segments](std::size_t b, std::size_t e) {
      std::int64_t sum = 0;
      for (std::size_t i = b; i < e; ++i) {
        const Input& in = c.inputs[i];
        auto r = ordo::evaluate_sla_clock(c.calendars[in.calendar], c.terms[in.terms], model,
                                          {.reported_at = in.reported_at,
                                           .priority = in.priority,
                                           .timeline = span(in),
                                           .now = c.now,
                                           .with_segments = segments});
        if (!r) {
          ++failures;
          continue;
        }
        sum += r->resolution.elapsed_seconds + r->response.breached + static_cast<std::int64_t>(r->resolution.segments.size());
      }
      g_sink += sum;
    };
  };

  struct Run {
    std::string name;
    int threads;
    double seconds;
  };
  std::vector<Run> runs;
  for (int threads : thread_counts) {
    runs.push_back({"walk", threads, timed(n, threads, walk)});
    runs.push_back({"business_seconds", threads, timed(n, threads, business)});
    runs.push_back({"clock", threads, timed(n, threads, clock(false))});
    runs.push_back({"clock+segments", threads, timed(n, threads, clock(true))});
  }
  if (failures > 0) {
    std::fprintf(stderr, "ordo_sla_bench: %d evaluations failed\n", failures.load());
    return 1;
  }

  boost::json::array out_runs;
  std::fprintf(stderr, "%-18s %7s %10s %14s %10s\n", "run", "threads", "seconds", "per second", "×bus_secs");
  for (const auto& r : runs) {
    double rate = static_cast<double>(n) / r.seconds;
    double base = 0;
    for (const auto& b : runs)
      if (b.name == "business_seconds" && b.threads == r.threads) base = static_cast<double>(n) / b.seconds;
    double ratio = base > 0 ? rate / base : 0;
    std::fprintf(stderr, "%-18s %7d %10.3f %14.0f %10.2f\n", r.name.c_str(), r.threads, r.seconds, rate, ratio);
    out_runs.push_back(boost::json::object{{"name", r.name},
                                           {"threads", r.threads},
                                           {"seconds", r.seconds},
                                           {"per_second", rate},
                                           {"ratio_to_business_seconds", ratio}});
  }
  boost::json::object out{{"incidents", n},
                          {"facts", c.facts.size()},
                          {"seed", seed},
                          {"runs", std::move(out_runs)},
                          {"checksum", g_sink.load()}};
  std::printf("%s\n", boost::json::serialize(out).c_str());
  return 0;
}
