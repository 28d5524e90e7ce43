// The SLA clock's invariants against an independent oracle on random timelines, and the
// hand-computed scenario files in tests/sla/*.json.
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
