#include "domain/bench_profile.h"

#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "domain/calendar.h"
#include "domain/registry.h"
#include "domain/sla_clock.h"

namespace ordo {
namespace {

constexpr Instant kNow = 1788000000;  // 2026-08-29T10:40:00Z

BenchProfile profile(std::uint64_t seed = 7) {
  return BenchProfile({.seed = seed, .services = 20, .customers = 50, .teams = 12, .now = kNow});
}

TEST(BenchProfile, SameSeedAndIndexGiveTheSameIncident) {
  auto a = profile(7).incident(123);
  auto b = profile(7).incident(123);
  ASSERT_EQ(a.steps.size(), b.steps.size());
  EXPECT_EQ(a.reported_at, b.reported_at);
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    EXPECT_EQ(a.steps[i].at, b.steps[i].at);
    EXPECT_EQ(a.steps[i].status, b.steps[i].status);
  }
  EXPECT_NE(profile(8).incident(123).reported_at, a.reported_at) << "another seed, another incident";
}

// Every generated timeline is one the incident workflow allows, in time order, inside
// [now - span, now), and the clock accepts it.
TEST(BenchProfile, TimelinesAreWellFormed) {
  const Workflow w = incident_workflow();
  const auto prof = profile();
  const Calendar cal = Calendar::twenty_four_seven();
  auto terms = SlaTerms::from_json(boost::json::parse(R"({"targets":)" + bench_targets_json(false) + "}").as_object());
  ASSERT_TRUE(terms);
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const IncidentProfile inc = prof.incident(i);
    SCOPED_TRACE("incident " + std::to_string(i));
    ASSERT_LT(inc.reported_at, kNow);
    ASSERT_GE(inc.reported_at, kNow - 366 * 86400);
    ASSERT_GE(inc.service, 0);
    ASSERT_LT(inc.service, 20);
    ASSERT_GE(inc.customer, 0);
    ASSERT_LT(inc.customer, 50);
    std::string status = w.initial;
    Instant last = inc.reported_at;
    for (const auto& s : inc.steps) {
      ASSERT_GE(s.at, last);
      ASSERT_LT(s.at, kNow);
      last = s.at;
      ASSERT_TRUE(std::find(w.final_states.begin(), w.final_states.end(), status) == w.final_states.end())
          << "nothing happens after " << status;
      if (s.kind == ProfileStep::Kind::kStatus) {
        ASSERT_TRUE(w.allowed(status, s.status)) << status << " -> " << s.status;
        status = s.status;
      } else {
        ASSERT_NE(status, "resolved") << "patches and replies happen while the incident is open";
      }
    }
    EXPECT_EQ(inc.final_status(), status);
    auto r = evaluate_sla_clock(cal, *terms, StatusModel{},
                                {.reported_at = inc.reported_at,
                                 .priority = bench_priority(inc.impact, inc.urgency),
                                 .timeline = clock_facts(inc),
                                 .now = kNow,
                                 .with_segments = false});
    ASSERT_TRUE(r) << r.error().message;
  }
}

double share(int n, int of) { return static_cast<double>(n) / of; }

// The figures the profile documents (bench_profile.cc) come out of it, roughly.
TEST(BenchProfile, DistributionsRoughlyMatchTheDataSets) {
  const auto prof = profile(3);
  const int n = 50000;
  std::map<std::string_view, int> priority;
  int paused = 0, reopened = 0, reassigned = 0, priority_changed = 0, cancelled = 0, weekend = 0, office = 0;
  std::vector<double> resolution_h, response_min;
  for (int i = 0; i < n; ++i) {
    const IncidentProfile inc = prof.incident(static_cast<std::uint64_t>(i));
    ++priority[bench_priority(inc.impact, inc.urgency)];
    // Only incidents reported more than 120 days ago, so that `now` cuts few timelines short.
    bool old = inc.reported_at < kNow - 120 * 86400;
    std::int64_t weekday = ((inc.reported_at / 86400) + 3) % 7;
    weekend += weekday >= 5;
    std::int64_t hour = inc.reported_at % 86400 / 3600;
    office += hour >= 8 && hour < 18;
    bool p = false, ra = false, pc = false;
    Instant resolved = 0, moved = 0;
    for (const auto& s : inc.steps) {
      if (s.kind == ProfileStep::Kind::kStatus) {
        if (s.status.starts_with("pending_")) p = true;
        if (s.status == "resolved" && !resolved) resolved = s.at;
        if (s.status == "cancelled") ++cancelled;
        if (!moved) moved = s.at;
      }
      ra = ra || s.kind == ProfileStep::Kind::kReassign;
      pc = pc || s.kind == ProfileStep::Kind::kPriority;
    }
    if (!old) continue;
    paused += p;
    reassigned += ra;
    priority_changed += pc;
    reopened += inc.reopened;
    if (resolved) resolution_h.push_back(static_cast<double>(resolved - inc.reported_at) / 3600);
    if (moved) response_min.push_back(static_cast<double>(moved - inc.reported_at) / 60);
  }
  EXPECT_NEAR(share(priority["P1"], n), 0.01, 0.005);
  EXPECT_NEAR(share(priority["P3"], n), 0.57, 0.02);
  EXPECT_NEAR(share(priority["P4"], n), 0.39, 0.02);
  EXPECT_NEAR(share(weekend, n), 0.05, 0.02);
  EXPECT_GT(share(office, n), 0.75) << "most incidents are reported in office hours (UTC here)";
  EXPECT_NEAR(share(cancelled, n), 0.02, 0.005);
  const int old_n = static_cast<int>(response_min.size());
  EXPECT_NEAR(share(paused, old_n), 0.226, 0.03);
  EXPECT_NEAR(share(reassigned, old_n), 0.456, 0.03);
  EXPECT_NEAR(share(priority_changed, old_n), 0.015, 0.005);
  EXPECT_NEAR(share(reopened, old_n), 0.011, 0.005);
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  EXPECT_GT(median(resolution_h), 22.1 / 2) << "the ServiceNow median is 22 h";
  EXPECT_LT(median(resolution_h), 22.1 * 2);
  EXPECT_GT(median(response_min), 21.0 / 2) << "the ServiceNow median is 21 min";
  EXPECT_LT(median(response_min), 21.0 * 2);
}

TEST(BenchProfile, CalendarsParseAndSharesAddUp) {
  double total = 0;
  for (const auto& c : bench_calendars()) {
    total += c.share;
    if (c.json.empty()) continue;
    auto cal = Calendar::from_json(boost::json::parse(c.json).as_object());
    EXPECT_TRUE(cal) << c.name << ": " << (cal ? "" : cal.error().message);
  }
  EXPECT_NEAR(total, 1.0, 1e-9);
  for (bool gold : {false, true})
    EXPECT_TRUE(SlaTerms::from_json(boost::json::parse(R"({"targets":)" + bench_targets_json(gold) + "}").as_object()));
}

}  // namespace
}  // namespace ordo
