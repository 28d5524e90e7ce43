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

namespace ordo {

void PrintTo(ClockState s, std::ostream* os) { *os << to_string(s); }
void PrintTo(const Segment& s, std::ostream* os) {
  *os << "[" << format_rfc3339(s.from) << ", " << format_rfc3339(s.to) << ") " << to_string(s.state);
}

namespace {

constexpr std::int64_t kNo = std::numeric_limits<std::int64_t>::min();

Instant T(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t.value_or(0);
}

boost::json::object obj(std::string_view json) { return boost::json::parse(json).as_object(); }

Calendar make_calendar(std::string_view json) {
  auto c = Calendar::from_json(obj(json));
  EXPECT_TRUE(c) << json;
  return c ? std::move(*c) : Calendar::twenty_four_seven();
}

SlaTerms make_terms(std::string_view json) {
  auto t = SlaTerms::from_json(obj(json));
  EXPECT_TRUE(t) << json;
  return t ? std::move(*t) : SlaTerms{};
}

// "300 in_progress; 500 p P1; 600 reply" → facts at t0 + offset.
std::vector<TicketFact> facts(Instant t0, std::string_view spec) {
  std::vector<TicketFact> out;
  std::istringstream in{std::string(spec)};
  std::string item;
  while (std::getline(in, item, ';')) {
    std::istringstream words(item);
    std::int64_t offset = 0;
    std::string what, value;
    if (!(words >> offset >> what)) continue;
    if (what == "reply")
      out.push_back(TicketFact::public_reply(t0 + offset));
    else if (what == "p" && words >> value)
      out.push_back(TicketFact::priority(t0 + offset, value));
    else
      out.push_back(TicketFact::status(t0 + offset, what));
  }
  return out;
}

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

// --- invariants, an independent oracle, and the split property ---------------------------

struct Fixture {
  const char* name;
  Calendar calendar;
};

const std::vector<Fixture>& fixtures() {
  static const auto* all = new std::vector<Fixture>{
      {"24x7", Calendar::twenty_four_seven()},
      {"berlin_office", make_calendar(R"({"timezone":"Europe/Berlin","hours":{"mon":[["09:00","17:00"]],
          "tue":[["09:00","17:00"]],"wed":[["09:00","12:00"],["13:00","17:00"]],"thu":[["09:00","17:00"]],
          "fri":[["09:00","15:00"]]},"holidays":["2026-04-03","2026-04-06","2026-12-24","2026-12-25"]})")},
      {"ny_daily", make_calendar(R"({"timezone":"America/New_York","hours":{"mon":[["09:00","17:00"]],
          "tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],
          "fri":[["09:00","17:00"]],"sat":[["09:00","17:00"]],"sun":[["09:00","17:00"]]}})")},
      {"berlin_nights", make_calendar(R"({"timezone":"Europe/Berlin","hours":{"mon":[["00:00","02:30"],["22:00","24:00"]],
          "tue":[["00:00","03:00"]],"sat":[["01:00","04:00"]],"sun":[["00:00","24:00"]]},"holidays":["2026-10-26"]})")},
      {"tokyo", make_calendar(R"({"timezone":"Asia/Tokyo","hours":{"mon":[["08:30","18:00"]],
          "tue":[["08:30","18:00"]],"wed":[["08:30","18:00"]],"thu":[["08:30","18:00"]],"fri":[["08:30","18:00"]]}})")},
  };
  return *all;
}

// A deliberately naive second implementation: status intervals × Calendar::business_seconds,
// crossings via Calendar::add_business_seconds. It shares the table's rules, not the walk.
struct Oracle {
  ClockState state = ClockState::kRunning;
  std::int64_t elapsed = 0, paused = 0, target = 0;
  std::string priority;
  std::optional<Instant> met_at, reached_at, risk_at, due_at;
  Instant end = 0;
};

Oracle oracle(const Calendar& cal, const SlaTerms& terms, const ClockInput& in, bool response) {
  const Instant now = std::max(in.now, in.reported_at);
  enum M { kRun, kPause, kHalt, kMet, kStop } m = kRun;
  Oracle o;
  std::int64_t threshold = 0;
  std::string pending;
  Instant stopped_at = 0;
  auto cls = [&](std::string_view s) -> char {
    if (s == "resolved") return 'r';
    if (s == "closed" || s == "cancelled") return 'f';
    return std::count(terms.pause_statuses.begin(), terms.pause_statuses.end(), s) ? 'p' : 'o';
  };
  auto retarget = [&](const std::string& p, Instant t) {
    o.priority = p;
    o.target = response ? terms.find(p)->response : terms.find(p)->resolution;
    threshold = (o.target * terms.at_risk_percent + 99) / 100;
    if (o.elapsed >= o.target) {
      if (!o.reached_at) o.reached_at = t;
    } else {
      o.reached_at.reset();
    }
    if (o.elapsed >= threshold) {
      if (!o.risk_at) o.risk_at = t;
    } else {
      o.risk_at.reset();
    }
  };
  auto account = [&](Instant a, Instant b) {
    std::int64_t bs = cal.business_seconds(a, b);
    if (m == kRun) {
      if (!o.risk_at && o.elapsed + bs >= threshold) o.risk_at = cal.add_business_seconds(a, threshold - o.elapsed);
      if (!o.reached_at && o.elapsed + bs >= o.target)
        o.reached_at = cal.add_business_seconds(a, o.target - o.elapsed);
      o.elapsed += bs;
    } else if (m == kPause) {
      o.paused += bs;
    }
  };
  std::string status = in.status.empty() ? "new" : std::string(in.status);
  retarget(std::string(in.priority), in.reported_at);
  char c0 = cls(status);
  if (response) {
    if (status == "new") m = c0 == 'p' ? kPause : kRun;
    else { m = kMet; o.met_at = in.reported_at; }
  } else {
    m = c0 == 'o' ? kRun : c0 == 'p' ? kPause : c0 == 'r' ? kHalt : kStop;
    if (m == kHalt) o.met_at = in.reported_at;
    if (m == kStop) stopped_at = in.reported_at;
  }
  Instant cur = in.reported_at;
  for (const TicketFact& f : in.timeline) {
    if (f.at > now) break;
    Instant t = std::max(f.at, in.reported_at);
    account(cur, t);
    cur = t;
    bool accounting = m == kRun || m == kPause;
    switch (f.kind) {
      case TicketFact::Kind::kStatus: {
        char c = cls(f.value);
        if (response) {
          if (accounting && status == "new" && f.value != "new") { m = kMet; o.met_at = t; }
        } else if (accounting) {
          m = c == 'o' ? kRun : c == 'p' ? kPause : c == 'r' ? kHalt : kStop;
          if (m == kHalt) o.met_at = t;
          if (m == kStop) stopped_at = t;
        } else if (m == kHalt && (c == 'o' || c == 'p')) {
          o.paused += cal.business_seconds(*o.met_at, t);
          o.met_at.reset();
          m = c == 'o' ? kRun : kPause;
          if (!pending.empty()) retarget(pending, t);
          pending.clear();
        } else if (m == kHalt && c == 'f') {
          m = kMet;
        }
        status = f.value;
        break;
      }
      case TicketFact::Kind::kPriority:
        if (accounting) retarget(f.value, t);
        else if (m == kHalt) pending = f.value;
        break;
      case TicketFact::Kind::kPublicReply:
        if (response && accounting) { m = kMet; o.met_at = t; }
        break;
    }
  }
  account(cur, now);
  o.state = m == kRun ? ClockState::kRunning : m == kPause ? ClockState::kPaused
          : m == kStop ? ClockState::kStopped : ClockState::kMet;
  o.end = (m == kHalt || m == kMet) ? *o.met_at : m == kStop ? stopped_at : now;
  if (m == kRun) o.due_at = o.reached_at ? *o.reached_at : cal.add_business_seconds(now, o.target - o.elapsed);
  return o;
}

// Invariants 1–6 of the header, checked against the calendar and the oracle.
void check_invariants(const Calendar& cal, const SlaTerms& terms, const ClockInput& in, const ClockResult& r,
                      const std::string& ctx) {
  const Instant now = std::max(in.now, in.reported_at);
  for (const TargetResult* t : {&r.response, &r.resolution}) {
    SCOPED_TRACE(ctx + " " + std::string(to_string(t->target)));
    Oracle o = oracle(cal, terms, in, t->target == SlaTarget::kResponse);
    EXPECT_EQ(t->state, o.state);
    EXPECT_EQ(t->priority, o.priority);
    EXPECT_EQ(t->target_seconds, o.target);
    EXPECT_EQ(t->elapsed_seconds, o.elapsed);
    EXPECT_EQ(t->paused_seconds, o.paused);
    EXPECT_EQ(t->met_at, o.met_at);
    EXPECT_EQ(t->breached, o.elapsed > o.target);
    EXPECT_EQ(t->breached_at, t->breached ? o.reached_at : std::nullopt);
    EXPECT_EQ(t->at_risk_at, o.risk_at);
    EXPECT_EQ(t->at_risk, o.risk_at.has_value() && !t->breached &&
                              (o.state == ClockState::kRunning || o.state == ClockState::kPaused));
    EXPECT_EQ(t->due_at, o.due_at);
    if (t->due_at && t->elapsed_seconds < t->target_seconds) {
      EXPECT_GE(*t->due_at, now);
      EXPECT_EQ(cal.business_seconds(now, *t->due_at), t->target_seconds - t->elapsed_seconds);
    } else if (t->due_at) {  // the target is used up: due when it was reached, not later than now
      EXPECT_LE(*t->due_at, now);
    }
    // Segments partition [reported_at, end).
    Instant at = in.reported_at;
    std::int64_t running = 0, paused = 0, total = 0;
    for (std::size_t i = 0; i < t->segments.size(); ++i) {
      const Segment& s = t->segments[i];
      EXPECT_EQ(s.from, at) << "gap or overlap at segment " << i;
      EXPECT_LT(s.from, s.to) << "empty segment " << i;
      if (i > 0) EXPECT_NE(s.state, t->segments[i - 1].state) << "unmerged segment " << i;
      const std::int64_t len = s.to - s.from;
      const std::int64_t working = cal.business_seconds(s.from, s.to);
      if (s.state == SegmentState::kOutsideHours) {
        EXPECT_EQ(working, 0) << "working time inside outside_hours segment " << i;
      } else {
        EXPECT_EQ(working, len) << "non-working time inside segment " << i;
        (s.state == SegmentState::kRunning ? running : paused) += len;
      }
      total += len;
      at = s.to;
    }
    EXPECT_EQ(at, std::max(o.end, in.reported_at));
    EXPECT_EQ(total, o.end - in.reported_at);
    EXPECT_EQ(running, t->elapsed_seconds);
    EXPECT_EQ(paused, t->paused_seconds);
  }
  // Both machines see the same statuses until the response ends: its segments are a prefix.
  const auto& a = r.response.segments;
  const auto& b = r.resolution.segments;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_LT(i, b.size()) << ctx;
    EXPECT_EQ(a[i].from, b[i].from) << ctx;
    EXPECT_EQ(a[i].state, b[i].state) << ctx;
    if (i + 1 < a.size()) EXPECT_EQ(a[i].to, b[i].to) << ctx;
    else EXPECT_LE(a[i].to, b[i].to) << ctx;
  }
}

// Invariant 7: apply facts up to t, evaluate at t, continue; at every fact and between facts.
void check_split(const Calendar& cal, const SlaTerms& terms, const StatusModel& model, const ClockInput& in,
                 const ClockResult& whole, std::mt19937_64& rng, const std::string& ctx) {
  const Instant now = std::max(in.now, in.reported_at);
  std::vector<Instant> cuts{in.reported_at, now};
  for (const TicketFact& f : in.timeline) {
    if (f.at > now) break;
    cuts.push_back(std::max(f.at, in.reported_at));
    std::int64_t span = now - cuts.back();
    if (span > 0) cuts.push_back(cuts.back() + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(span + 1)));
  }
  for (Instant cut : cuts) {
    auto clock = SlaClock::start(cal, terms, model, in.reported_at, in.priority, in.status, in.with_segments);
    ASSERT_TRUE(clock);
    std::size_t i = 0;
    for (; i < in.timeline.size() && in.timeline[i].at <= cut; ++i) ASSERT_TRUE(clock->apply(in.timeline[i]));
    ClockInput prefix = in;
    prefix.now = cut;
    auto at_cut = evaluate_sla_clock(cal, terms, model, prefix);
    ASSERT_TRUE(at_cut);
    EXPECT_EQ(clock->evaluate(cut), *at_cut) << ctx << " evaluated at " << format_rfc3339(cut);
    for (; i < in.timeline.size() && in.timeline[i].at <= now; ++i) ASSERT_TRUE(clock->apply(in.timeline[i]));
    EXPECT_EQ(clock->evaluate(now), whole) << ctx << " split at " << format_rfc3339(cut);
    EXPECT_EQ(std::move(*clock).finish(now), whole) << ctx << " split at " << format_rfc3339(cut);
  }
}

// Random incident timelines that follow the workflow, with now and then an odd move.
struct TimelineGen {
  std::mt19937_64 rng;
  explicit TimelineGen(std::uint64_t seed) : rng(seed) {}

  std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  std::int64_t gap() {
    switch (uniform(0, 9)) {
      case 0: return 0;
      case 1: case 2: case 3: return uniform(1, 900);
      case 4: case 5: case 6: return uniform(900, 6 * 3600);
      case 7: case 8: return uniform(6 * 3600, 2 * 86400);
      default: return uniform(2 * 86400, 9 * 86400);
    }
  }
  std::string next_status(const std::string& s) {
    static const std::map<std::string, std::vector<std::string>> next{
        {"new", {"in_progress", "in_progress", "pending_customer", "resolved", "cancelled"}},
        {"in_progress", {"pending_customer", "pending_supplier", "resolved", "resolved", "cancelled"}},
        {"pending_customer", {"in_progress", "in_progress", "resolved", "cancelled"}},
        {"pending_supplier", {"in_progress", "resolved"}},
        {"resolved", {"in_progress", "in_progress", "pending_customer", "closed", "closed"}},
        {"closed", {"in_progress"}},
        {"cancelled", {"in_progress"}},
    };
    if (uniform(0, 19) == 0) return s;  // a no-op change
    const auto& opts = next.at(s);
    return opts[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(opts.size()) - 1))];
  }

  struct Case {
    Instant reported_at;
    std::string priority;
    std::vector<TicketFact> timeline;
    Instant now;
  };

  Case make() {
    static const Instant starts[] = {1767225600 /* 2026-01-01 */, 1774746000 /* Berlin spring */,
                                     1792890000 /* Berlin fall */, 1772953200 /* NY spring */,
                                     1793509200 /* NY fall */, 1775001600 /* Easter week */};
    Case c;
    const Instant base = starts[uniform(0, 5)];
    c.reported_at = base == starts[0] ? base + uniform(0, 360 * 86400) : base + uniform(-5 * 86400, 2 * 86400);
    static const char* prios[] = {"P1", "P2", "P3", "P4"};
    c.priority = prios[uniform(0, 3)];
    std::string status = "new";
    Instant t = c.reported_at;
    if (uniform(0, 9) == 0) t -= uniform(1, 3600);  // an imported fact before reported_at
    const int n = static_cast<int>(uniform(0, 12));
    for (int i = 0; i < n; ++i) {
      t += gap();
      switch (uniform(0, 9)) {
        case 0: case 1: c.timeline.push_back(TicketFact::priority(t, prios[uniform(0, 3)])); break;
        case 2: c.timeline.push_back(TicketFact::public_reply(t)); break;
        default:
          status = next_status(status);
          c.timeline.push_back(TicketFact::status(t, status));
      }
    }
    c.now = uniform(0, 4) == 0 ? c.reported_at + uniform(0, std::max<std::int64_t>(t - c.reported_at, 1))
                               : t + gap();
    return c;
  }
};

TEST(SlaClockProperty, RandomTimelinesKeepEveryInvariant) {
  TimelineGen gen(0x5eed);
  std::mt19937_64 cut_rng(42);
  const StatusModel model;
  const SlaTerms terms_by_percent[] = {
      make_terms(R"({"targets":{"P1":{"response":900,"resolution":14400},"P2":{"response":1800,"resolution":28800},
          "P3":{"response":3600,"resolution":57600},"P4":{"response":14400,"resolution":144000}}})"),
      make_terms(R"({"targets":{"P1":{"response":0,"resolution":3600},"P2":{"response":60,"resolution":7200},
          "P3":{"response":7,"resolution":86400},"P4":{"response":86400,"resolution":864000}},
          "at_risk_percent":50,"pause_statuses":["pending_customer","pending_supplier"]})"),
      make_terms(R"({"targets":{"P1":{"response":900,"resolution":14400},"P2":{"response":1800,"resolution":28800},
          "P3":{"response":3600,"resolution":57600},"P4":{"response":14400,"resolution":144000}},
          "at_risk_percent":100})"),
  };
  int evaluated = 0;
  for (int i = 0; i < 3000; ++i) {
    TimelineGen::Case c = gen.make();
    const Fixture& fx = fixtures()[static_cast<std::size_t>(i) % fixtures().size()];
    const SlaTerms& terms = terms_by_percent[static_cast<std::size_t>(i / 5) % 3];
    ClockInput in{.reported_at = c.reported_at, .priority = c.priority, .timeline = c.timeline, .now = c.now};
    std::string ctx = "case " + std::to_string(i) + " (" + fx.name + ", reported " + format_rfc3339(c.reported_at) + ")";
    auto r = evaluate_sla_clock(fx.calendar, terms, model, in);
    ASSERT_TRUE(r) << ctx << ": " << r.error().message;
    check_invariants(fx.calendar, terms, in, *r, ctx);
    check_split(fx.calendar, terms, model, in, *r, cut_rng, ctx);
    // Monotone in `now`: the clock never runs backwards.
    ClockInput later = in;
    later.now = std::max(in.now, in.reported_at) + gen.gap();
    auto r2 = evaluate_sla_clock(fx.calendar, terms, model, later);
    ASSERT_TRUE(r2);
    EXPECT_GE(r2->response.elapsed_seconds, r->response.elapsed_seconds) << ctx;
    EXPECT_GE(r2->resolution.elapsed_seconds, r->resolution.elapsed_seconds) << ctx;
    EXPECT_GE(r2->resolution.elapsed_seconds + r2->resolution.paused_seconds,
              r->resolution.elapsed_seconds + r->resolution.paused_seconds) << ctx;
    ++evaluated;
    if (HasFailure()) break;  // one readable failure, not thousands
  }
  EXPECT_EQ(evaluated, 3000);
}

// --- scenario files: tests/sla/*.json ------------------------------------------------------

std::vector<std::string> scenario_files() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(std::string(ORDO_SOURCE_DIR) + "/tests/sla", ec))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SlaScenarios, DirectoryHasTheScenarios) { EXPECT_GE(scenario_files().size(), 20u); }

class SlaScenario : public testing::TestWithParam<std::string> {};

std::optional<Instant> json_instant(const boost::json::value& v) {
  if (!v.is_string()) return std::nullopt;
  return parse_rfc3339(v.get_string());
}

TEST_P(SlaScenario, MatchesHandComputedFigures) {
  std::ifstream f(GetParam());
  std::stringstream buf;
  buf << f.rdbuf();
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(buf.str(), ec);
  ASSERT_FALSE(ec) << GetParam() << ": " << ec.message();
  const boost::json::object& s = doc.as_object();
  ASSERT_TRUE(s.contains("why") && s.at("why").is_string() && !s.at("why").get_string().empty())
      << "every scenario says how its figures were computed";

  // Inputs.
  Calendar cal = Calendar::twenty_four_seven();
  if (s.at("calendar").is_object()) {
    auto c = Calendar::from_json(s.at("calendar").as_object());
    ASSERT_TRUE(c) << c.error().message;
    cal = std::move(*c);
  } else {
    ASSERT_TRUE(s.at("calendar").is_string() && s.at("calendar").get_string() == "24x7");
  }
  auto terms = SlaTerms::from_json(s.at("agreement").as_object());
  ASSERT_TRUE(terms) << terms.error().message;
  std::vector<TicketFact> timeline;
  for (const auto& v : s.at("timeline").as_array()) {
    const auto& e = v.as_object();
    auto at = json_instant(e.at("at"));
    ASSERT_TRUE(at) << boost::json::serialize(e);
    if (e.contains("status")) timeline.push_back(TicketFact::status(*at, std::string(e.at("status").as_string())));
    else if (e.contains("priority")) timeline.push_back(TicketFact::priority(*at, std::string(e.at("priority").as_string())));
    else if (e.contains("public_reply") && e.at("public_reply").is_bool() && e.at("public_reply").get_bool()) timeline.push_back(TicketFact::public_reply(*at));
    else FAIL() << "unknown fact " << boost::json::serialize(e);
  }
  auto reported_at = json_instant(s.at("reported_at"));
  auto now = json_instant(s.at("now"));
  ASSERT_TRUE(reported_at && now);
  std::string status = s.contains("status") ? std::string(s.at("status").as_string()) : "";
  ClockInput in{.reported_at = *reported_at, .priority = s.at("priority").as_string(), .status = status,
                .timeline = timeline, .now = *now};
  const StatusModel model;
  auto r = evaluate_sla_clock(cal, *terms, model, in);

  const boost::json::object& expected = s.at("expected").as_object();
  if (expected.contains("error_field")) {
    ASSERT_FALSE(r);
    ASSERT_FALSE(r.error().fields.empty());
    EXPECT_EQ(r.error().fields[0].field, expected.at("error_field").as_string());
    return;
  }
  ASSERT_TRUE(r) << r.error().message << (r.error().fields.empty() ? "" : " " + r.error().fields[0].field);

  // Figures: every member given is compared with to_json's; segments as [from, to, state].
  for (const char* target : {"response", "resolution"}) {
    SCOPED_TRACE(target);
    ASSERT_TRUE(expected.contains(target));
    boost::json::object got = to_json(target == std::string("response") ? r->response : r->resolution);
    for (const auto& [key, want] : expected.at(target).as_object()) {
      ASSERT_TRUE(got.contains(key)) << "unknown member " << key;
      if (key == "segments") {
        boost::json::array triples;
        for (const auto& seg : got.at("segments").as_array())
          triples.push_back(boost::json::array{seg.at("from"), seg.at("to"), seg.at("state")});
        EXPECT_EQ(boost::json::serialize(triples), boost::json::serialize(want));
      } else {
        EXPECT_EQ(got.at(key), want) << key << ": got " << boost::json::serialize(got.at(key)) << ", want "
                                     << boost::json::serialize(want);
      }
    }
  }
  check_invariants(cal, *terms, in, *r, GetParam());
  std::mt19937_64 rng(1);
  check_split(cal, *terms, model, in, *r, rng, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Files, SlaScenario, testing::ValuesIn(scenario_files()), [](const auto& info) {
  std::string name = std::filesystem::path(info.param).stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
});

}  // namespace
}  // namespace ordo
