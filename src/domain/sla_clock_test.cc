#include "domain/sla_clock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "domain/sla_clock_test_support.h"

namespace ordo {
namespace {

using namespace sla_test;

// --- the state-machine table, row by row (24x7, so figures are wall seconds) -------------

const Instant kT0 = 1772438400;  // 2026-03-02T08:00:00Z

const SlaTerms& unit_terms() {
  // Thresholds at 80 %: P1 480 / 2880, P2 1440 / 5760, P3 2880 / 11520.
  static const SlaTerms terms = make_terms(R"({"targets":{
      "P1":{"response":600,"resolution":3600},
      "P2":{"response":1800,"resolution":7200},
      "P3":{"response":3600,"resolution":14400}}})");
  return terms;
}

struct Expect {
  ClockState state = ClockState::kRunning;
  std::int64_t elapsed = 0;
  std::int64_t paused = 0;
  std::int64_t met = kNo;  // offsets from kT0; kNo = null
  std::int64_t due = kNo;
  bool breached = false;
  std::int64_t breached_at = kNo;
  bool at_risk = false;
  std::int64_t at_risk_at = kNo;
  std::int64_t target = -1;       // -1: not checked
  const char* priority = nullptr;  // nullptr: not checked
};

struct TransitionCase {
  const char* name;  // starts with the table row it exercises
  friend void PrintTo(const TransitionCase& c, std::ostream* os) { *os << c.name; }
  const char* status;
  const char* timeline;
  std::int64_t now;
  Expect response;
  Expect resolution;
};

using S = ClockState;

const TransitionCase kTransitions[] = {
    {"start_new", "", "", 600,
     {.elapsed = 600, .due = 1800, .target = 1800, .priority = "P2"},
     {.elapsed = 600, .due = 7200, .target = 7200, .priority = "P2"}},
    {"start_in_progress_means_already_responded", "in_progress", "", 600,
     {.state = S::kMet, .met = 0},
     {.elapsed = 600, .due = 7200}},
    {"start_pending_customer", "pending_customer", "", 600,
     {.state = S::kMet, .met = 0},
     {.state = S::kPaused, .paused = 600}},
    {"start_resolved", "resolved", "", 600,
     {.state = S::kMet, .met = 0},
     {.state = S::kMet, .met = 0}},
    {"start_cancelled", "cancelled", "", 600,
     {.state = S::kMet, .met = 0},
     {.state = S::kStopped}},
    {"R1_leaving_new_meets_response", "", "300 in_progress", 900,
     {.state = S::kMet, .elapsed = 300, .met = 300},
     {.elapsed = 900, .due = 7200}},
    {"R1_even_into_a_final_status", "", "300 cancelled", 900,
     {.state = S::kMet, .elapsed = 300, .met = 300},
     {.state = S::kStopped, .elapsed = 300}},
    {"R1_into_a_pause_status", "", "300 pending_customer", 900,
     {.state = S::kMet, .elapsed = 300, .met = 300},
     {.state = S::kPaused, .elapsed = 300, .paused = 600}},
    {"R2_public_reply", "", "120 reply", 900,
     {.state = S::kMet, .elapsed = 120, .met = 120},
     {.elapsed = 900, .due = 7200}},
    {"R3_priority_change_switches_targets", "", "300 p P1", 500,
     {.elapsed = 500, .due = 600, .at_risk = true, .at_risk_at = 480, .target = 600, .priority = "P1"},
     {.elapsed = 500, .due = 3600, .target = 3600, .priority = "P1"}},
    {"R3_priority_change_over_target_breaches_at_the_change", "", "700 p P1", 1000,
     {.elapsed = 1000, .due = 700, .breached = true, .breached_at = 700, .at_risk_at = 700, .target = 600},
     {.elapsed = 1000, .due = 3600, .target = 3600}},
    {"R3_priority_change_back_under_target", "", "700 p P1; 800 p P3", 1000,
     {.elapsed = 1000, .due = 3600, .target = 3600, .priority = "P3"},
     {.elapsed = 1000, .due = 14400, .target = 14400}},
    {"R4_met_response_ignores_later_facts", "", "300 reply; 400 in_progress; 500 p P1; 600 reply", 900,
     {.state = S::kMet, .elapsed = 300, .met = 300, .target = 1800, .priority = "P2"},
     {.elapsed = 900, .due = 3600, .target = 3600, .priority = "P1"}},
    {"S1_back_to_work", "", "100 in_progress; 200 pending_customer; 500 in_progress", 900,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.elapsed = 600, .paused = 300, .due = 7500}},
    {"S1_pending_supplier_does_not_pause_by_default", "", "100 in_progress; 200 pending_supplier", 900,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.elapsed = 900, .due = 7200}},
    {"S2_pause", "", "100 in_progress; 1200 pending_customer", 3000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kPaused, .elapsed = 1200, .paused = 1800}},
    {"S3_resolve", "", "100 in_progress; 2000 resolved", 5000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kMet, .elapsed = 2000, .met = 2000}},
    {"S4_cancel", "", "100 in_progress; 500 cancelled", 900,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kStopped, .elapsed = 500}},
    {"S5_priority_change_while_paused", "", "100 in_progress; 200 pending_customer; 300 p P1", 900,
     {.state = S::kMet, .elapsed = 100, .met = 100, .target = 1800, .priority = "P2"},
     {.state = S::kPaused, .elapsed = 200, .paused = 700, .target = 3600, .priority = "P1"}},
    {"S6_reopen_resumes_the_same_clock", "", "100 in_progress; 1000 resolved; 1600 in_progress", 2000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.elapsed = 1400, .paused = 600, .due = 7800}},
    {"S6_reopen_into_a_pause_status", "", "100 in_progress; 1000 resolved; 1600 pending_customer", 2000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kPaused, .elapsed = 1000, .paused = 1000}},
    {"S6_reopen_applies_the_pending_priority", "",
     "100 in_progress; 1000 resolved; 1200 p P1; 1600 in_progress", 4400,
     {.state = S::kMet, .elapsed = 100, .met = 100, .target = 1800, .priority = "P2"},
     {.elapsed = 3800, .paused = 600, .due = 4200, .breached = true, .breached_at = 4200, .at_risk_at = 3480,
      .target = 3600, .priority = "P1"}},
    {"S6_last_resolve_is_met_at", "", "100 in_progress; 1000 resolved; 1600 in_progress; 2000 resolved", 5000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kMet, .elapsed = 1400, .paused = 600, .met = 2000}},
    {"S7_close_after_resolve_keeps_met_at", "", "100 in_progress; 1000 resolved; 1500 closed; 1800 in_progress",
     3000,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kMet, .elapsed = 1000, .met = 1000}},
    {"S8_priority_change_while_resolved_waits_for_a_reopen", "", "100 in_progress; 1000 resolved; 1200 p P1",
     1300,
     {.state = S::kMet, .elapsed = 100, .met = 100},
     {.state = S::kMet, .elapsed = 1000, .met = 1000, .target = 7200, .priority = "P2"}},
    {"S9_stopped_ignores_later_facts", "", "500 cancelled; 600 in_progress; 700 resolved", 900,
     {.state = S::kMet, .elapsed = 500, .met = 500},
     {.state = S::kStopped, .elapsed = 500}},
    {"met_exactly_at_target_is_not_breached", "", "1800 in_progress", 1900,
     {.state = S::kMet, .elapsed = 1800, .met = 1800, .at_risk_at = 1440},
     {.elapsed = 1900, .due = 7200}},
    {"due_exactly_now_is_not_breached", "", "", 1800,
     {.elapsed = 1800, .due = 1800, .at_risk = true, .at_risk_at = 1440},
     {.elapsed = 1800, .due = 7200}},
    {"one_second_over_is_breached", "", "", 1801,
     {.elapsed = 1801, .due = 1800, .breached = true, .breached_at = 1800, .at_risk_at = 1440},
     {.elapsed = 1801, .due = 7200}},
    {"at_risk_from_80_percent", "", "", 1500,
     {.elapsed = 1500, .due = 1800, .at_risk = true, .at_risk_at = 1440},
     {.elapsed = 1500, .due = 7200}},
    {"facts_after_now_are_not_seen", "", "300 in_progress; 5000 resolved", 1000,
     {.state = S::kMet, .elapsed = 300, .met = 300},
     {.elapsed = 1000, .due = 7200}},
    {"facts_before_reported_at_happen_at_reported_at", "", "-100 in_progress", 600,
     {.state = S::kMet, .met = 0},
     {.elapsed = 600, .due = 7200}},
    {"now_before_reported_at_is_reported_at", "", "", -50,
     {.due = 1800},
     {.due = 7200}},
};

void expect_target(const TargetResult& r, const Expect& e, const std::string& ctx) {
  auto at = [](std::int64_t off) { return off == kNo ? std::nullopt : std::optional<Instant>(kT0 + off); };
  SCOPED_TRACE(ctx);
  EXPECT_EQ(r.state, e.state);
  EXPECT_EQ(r.elapsed_seconds, e.elapsed);
  EXPECT_EQ(r.paused_seconds, e.paused);
  EXPECT_EQ(r.met_at, at(e.met));
  EXPECT_EQ(r.due_at, at(e.due));
  EXPECT_EQ(r.breached, e.breached);
  EXPECT_EQ(r.breached_at, at(e.breached_at));
  EXPECT_EQ(r.at_risk, e.at_risk);
  EXPECT_EQ(r.at_risk_at, at(e.at_risk_at));
  if (e.target >= 0) EXPECT_EQ(r.target_seconds, e.target);
  if (e.priority) EXPECT_EQ(r.priority, e.priority);
}

class Transitions : public testing::TestWithParam<TransitionCase> {};

TEST_P(Transitions, FollowTheTable) {
  const TransitionCase& c = GetParam();
  const Calendar cal = Calendar::twenty_four_seven();
  std::vector<TicketFact> timeline = facts(kT0, c.timeline);
  auto r = evaluate_sla_clock(cal, unit_terms(), StatusModel{},
                              {.reported_at = kT0, .priority = "P2", .status = c.status,
                               .timeline = timeline, .now = kT0 + c.now});
  ASSERT_TRUE(r) << r.error().message;
  expect_target(r->response, c.response, "response");
  expect_target(r->resolution, c.resolution, "resolution");
}

INSTANTIATE_TEST_SUITE_P(Table, Transitions, testing::ValuesIn(kTransitions),
                         [](const auto& info) { return std::string(info.param.name); });

// --- errors -------------------------------------------------------------------------------

struct ErrorCase {
  const char* name;
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
  const char* priority;
  const char* status;
  const char* timeline;
  const char* field;
};

const ErrorCase kErrors[] = {
    {"priority_without_targets", "P9", "", "", "priority"},
    {"unknown_initial_status", "P2", "bogus", "", "status"},
    {"unknown_status_in_timeline", "P2", "", "100 in_progress; 200 bogus", "timeline[1].status"},
    {"timeline_out_of_order", "P2", "", "100 in_progress; 50 resolved", "timeline[1].at"},
    {"priority_change_without_targets", "P2", "", "100 p P9", "timeline[0].priority"},
};

class ClockRejects : public testing::TestWithParam<ErrorCase> {};

TEST_P(ClockRejects, WithFieldError) {
  const ErrorCase& c = GetParam();
  std::vector<TicketFact> timeline = facts(kT0, c.timeline);
  auto r = evaluate_sla_clock(Calendar::twenty_four_seven(), unit_terms(), StatusModel{},
                              {.reported_at = kT0, .priority = c.priority, .status = c.status,
                               .timeline = timeline, .now = kT0 + 1000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, c.field);
}

INSTANTIATE_TEST_SUITE_P(Table, ClockRejects, testing::ValuesIn(kErrors),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SlaClock, FailedApplyLeavesTheClockUnchanged) {
  const Calendar cal = Calendar::twenty_four_seven();
  const StatusModel model;
  auto c = SlaClock::start(cal, unit_terms(), model, kT0, "P2");
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->apply(TicketFact::status(kT0 + 100, "in_progress")));
  ClockResult before = c->evaluate(kT0 + 500);
  EXPECT_FALSE(c->apply(TicketFact::status(kT0 + 200, "bogus")));
  EXPECT_FALSE(c->apply(TicketFact::priority(kT0 + 200, "P9")));
  EXPECT_FALSE(c->apply(TicketFact::status(kT0 + 50, "resolved")));
  EXPECT_EQ(c->evaluate(kT0 + 500), before);
}

// --- SlaTerms -----------------------------------------------------------------------------

TEST(SlaTerms, DefaultsAndRoundTrip) {
  SlaTerms t = make_terms(R"({"targets":{"P1":{"response":900,"resolution":14400}}})");
  EXPECT_EQ(t.pause_statuses, std::vector<std::string>{"pending_customer"});
  EXPECT_EQ(t.at_risk_percent, 80);
  ASSERT_NE(t.find("P1"), nullptr);
  EXPECT_EQ(t.find("P1")->resolution, 14400);
  EXPECT_EQ(t.find("P2"), nullptr);
  EXPECT_EQ(boost::json::serialize(t.to_json()),
            R"({"targets":{"P1":{"response":900,"resolution":14400}},"pause_statuses":["pending_customer"],)"
            R"("at_risk_percent":80})");
  SlaTerms again = make_terms(boost::json::serialize(t.to_json()));
  EXPECT_EQ(again.to_json(), t.to_json());
}

struct TermsCase {
  const char* json;
  const char* field;
};

TEST(SlaTerms, RejectsWithFieldErrors) {
  const TermsCase cases[] = {
      {R"({})", "targets"},
      {R"({"targets":{}})", "targets"},
      {R"({"targets":[1]})", "targets"},
      {R"({"targets":{"P1":900}})", "targets.P1"},
      {R"({"targets":{"P1":{"response":900}}})", "targets.P1.resolution"},
      {R"({"targets":{"P1":{"response":-1,"resolution":10}}})", "targets.P1.response"},
      {R"({"targets":{"P1":{"response":1.5,"resolution":10}}})", "targets.P1.response"},
      {R"({"targets":{"P1":{"response":"900","resolution":10}}})", "targets.P1.response"},
      {R"({"targets":{"P1":{"response":1,"resolution":99999999999}}})", "targets.P1.resolution"},
      {R"({"targets":{"P1":{"response":1,"resolution":1}},"pause_statuses":"pending_customer"})", "pause_statuses"},
      {R"({"targets":{"P1":{"response":1,"resolution":1}},"pause_statuses":[""]})", "pause_statuses[0]"},
      {R"({"targets":{"P1":{"response":1,"resolution":1}},"at_risk_percent":101})", "at_risk_percent"},
      {R"({"targets":{"P1":{"response":1,"resolution":1}},"at_risk_percent":"80"})", "at_risk_percent"},
  };
  for (const TermsCase& c : cases) {
    auto r = SlaTerms::from_json(obj(c.json));
    ASSERT_FALSE(r) << c.json;
    ASSERT_FALSE(r.error().fields.empty()) << c.json;
    EXPECT_EQ(r.error().fields[0].field, c.field) << c.json;
  }
}

TEST(SlaTerms, PauseStatusesAndAtRiskPercentAreHonoured) {
  SlaTerms terms = make_terms(R"({"targets":{"P2":{"response":1000,"resolution":1000}},
      "pause_statuses":["pending_customer","pending_supplier"],"at_risk_percent":50})");
  std::vector<TicketFact> timeline = facts(kT0, "100 in_progress; 300 pending_supplier");
  auto r = evaluate_sla_clock(Calendar::twenty_four_seven(), terms, StatusModel{},
                              {.reported_at = kT0, .priority = "P2", .timeline = timeline, .now = kT0 + 1000});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->resolution.state, ClockState::kPaused);
  EXPECT_EQ(r->resolution.elapsed_seconds, 300);
  EXPECT_EQ(r->resolution.paused_seconds, 700);
  EXPECT_FALSE(r->resolution.at_risk);  // 300 < 500
  EXPECT_EQ(r->response.met_at, kT0 + 100);
}

TEST(SlaClock, ZeroPercentIsAtRiskFromTheStart) {
  SlaTerms terms = make_terms(R"({"targets":{"P2":{"response":100,"resolution":1000}},"at_risk_percent":0})");
  auto r = evaluate_sla_clock(Calendar::twenty_four_seven(), terms, StatusModel{},
                              {.reported_at = kT0, .priority = "P2", .now = kT0});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->resolution.at_risk);
  EXPECT_EQ(r->resolution.at_risk_at, kT0);
  EXPECT_TRUE(r->resolution.segments.empty());  // [reported_at, now) is empty
}

TEST(SlaClock, ZeroTargetIsBreachedByTheFirstRunningSecond) {
  SlaTerms terms = make_terms(R"({"targets":{"P1":{"response":0,"resolution":0}}})");
  auto at = [&](Instant now) {
    return *evaluate_sla_clock(Calendar::twenty_four_seven(), terms, StatusModel{},
                               {.reported_at = kT0, .priority = "P1", .now = now});
  };
  EXPECT_FALSE(at(kT0).response.breached);
  EXPECT_EQ(at(kT0).response.due_at, kT0);
  EXPECT_TRUE(at(kT0 + 1).response.breached);
  EXPECT_EQ(at(kT0 + 1).response.breached_at, kT0);
}

TEST(SlaClock, CustomStatusModel) {
  // A service-request workflow: the clock waits while awaiting approval.
  StatusModel model{.initial = "submitted",
                    .open = {"submitted", "awaiting_approval", "approved", "fulfilling"},
                    .resolved = "fulfilled",
                    .final_statuses = {"closed", "rejected"}};
  SlaTerms terms = make_terms(R"({"targets":{"P3":{"response":3600,"resolution":36000}},
                                  "pause_statuses":["awaiting_approval"]})");
  std::vector<TicketFact> timeline =
      facts(kT0, "600 awaiting_approval; 4200 approved; 4800 fulfilling; 9000 fulfilled");
  auto r = evaluate_sla_clock(Calendar::twenty_four_seven(), terms, model,
                              {.reported_at = kT0, .priority = "P3", .timeline = timeline, .now = kT0 + 10000});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->response.met_at, kT0 + 600);
  EXPECT_EQ(r->resolution.met_at, kT0 + 9000);
  EXPECT_EQ(r->resolution.elapsed_seconds, 600 + 4800);
  EXPECT_EQ(r->resolution.paused_seconds, 3600);
}

// --- segments and JSON ----------------------------------------------------------------------

TEST(SlaClock, SegmentsMergeEqualStatesAndSplitOnHours) {
  // Berlin office hours; Monday 2026-03-02 (CET). Two running statuses in a row merge.
  Calendar cal = make_calendar(R"({"timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],
      "tue":[["09:00","17:00"]]}})");
  std::vector<TicketFact> timeline = facts(T("2026-03-02T15:00:00Z"),
                                           "0 in_progress; 600 pending_supplier; 1200 pending_customer; 61200 in_progress");
  auto r = evaluate_sla_clock(cal, unit_terms(), StatusModel{},
                              {.reported_at = T("2026-03-02T14:00:00Z"), .priority = "P3",
                               .timeline = timeline, .now = T("2026-03-03T09:00:00Z")});
  ASSERT_TRUE(r);
  std::vector<Segment> want{
      {T("2026-03-02T14:00:00Z"), T("2026-03-02T15:20:00Z"), SegmentState::kRunning},
      {T("2026-03-02T15:20:00Z"), T("2026-03-02T16:00:00Z"), SegmentState::kPaused},
      {T("2026-03-02T16:00:00Z"), T("2026-03-03T08:00:00Z"), SegmentState::kOutsideHours},
      {T("2026-03-03T08:00:00Z"), T("2026-03-03T09:00:00Z"), SegmentState::kRunning},
  };
  EXPECT_EQ(r->resolution.segments, want);
  EXPECT_EQ(r->resolution.elapsed_seconds, 4800 + 3600);
  EXPECT_EQ(r->resolution.paused_seconds, 2400);  // the pause ended (08:00Z) as Tuesday opened
}

TEST(SlaClock, WithoutSegmentsTheFiguresAreTheSame) {
  Calendar cal = make_calendar(R"({"timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]]}})");
  std::vector<TicketFact> timeline = facts(T("2026-03-02T08:30:00Z"), "0 in_progress; 3600 pending_customer; 90000 in_progress");
  ClockInput in{.reported_at = T("2026-03-02T08:00:00Z"), .priority = "P2", .timeline = timeline,
                .now = T("2026-03-10T12:00:00Z")};
  ClockResult with = *evaluate_sla_clock(cal, unit_terms(), StatusModel{}, in);
  in.with_segments = false;
  ClockResult without = *evaluate_sla_clock(cal, unit_terms(), StatusModel{}, in);
  EXPECT_FALSE(with.resolution.segments.empty());
  EXPECT_TRUE(without.resolution.segments.empty());
  with.response.segments.clear();
  with.resolution.segments.clear();
  EXPECT_EQ(with, without);
}

TEST(SlaClock, Json) {
  std::vector<TicketFact> timeline = facts(kT0, "300 in_progress; 1200 pending_customer");
  auto r = evaluate_sla_clock(Calendar::twenty_four_seven(), unit_terms(), StatusModel{},
                              {.reported_at = kT0, .priority = "P2", .timeline = timeline, .now = kT0 + 1800});
  ASSERT_TRUE(r);
  EXPECT_EQ(boost::json::serialize(to_json(r->response)),
            R"({"target":"response","priority":"P2","state":"met","target_seconds":1800,"elapsed_seconds":300,)"
            R"("paused_seconds":0,"due_at":null,"met_at":"2026-03-02T08:05:00Z","breached":false,)"
            R"("breached_at":null,"at_risk":false,"at_risk_at":null,"segments":[{"from":"2026-03-02T08:00:00Z",)"
            R"("to":"2026-03-02T08:05:00Z","state":"running"}]})");
  boost::json::object both = to_json(*r);
  EXPECT_EQ(both.at("resolution").at("state").as_string(), "paused");
  EXPECT_EQ(both.at("resolution").at("segments").as_array().size(), 2u);
  EXPECT_EQ(both.at("resolution").at("segments").as_array()[1].at("state").as_string(), "paused");
}

TEST(SlaClock, EvaluateDoesNotMoveTheClock) {
  const Calendar cal = Calendar::twenty_four_seven();
  const StatusModel model;
  auto c = SlaClock::start(cal, unit_terms(), model, kT0, "P2");
  ASSERT_TRUE(c);
  ClockResult a = c->evaluate(kT0 + 5000);
  ClockResult b = c->evaluate(kT0 + 100);  // earlier again: still fine, nothing was consumed
  EXPECT_EQ(a.resolution.elapsed_seconds, 5000);
  EXPECT_EQ(b.resolution.elapsed_seconds, 100);
}

}  // namespace
}  // namespace ordo
