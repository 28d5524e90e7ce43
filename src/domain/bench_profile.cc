#include "domain/bench_profile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "domain/priority.h"

// Where the numbers come from. "SN" is the ServiceNow incident event log
// (/work/shared/data/servicenow-incident-event-log, 24,918 incidents, 2016–2017), taking each
// incident's rows in sys_updated_at order; "RB" is the Rabobank BPIC 2014 incident detail
// (/work/shared/data/bpic2014-rabobank-itsm/Detail_Incident.csv, 46,616 incidents).
//
//   what                         source  figure used here
//   reported: hour of day        SN      opened_at hour shares (kHourShare), in local time
//   reported: day of week        SN      Mon 24 %, Tue–Wed 20 %, Thu 17 %, Fri 15 %, Sat–Sun 2.5 %
//   impact × urgency → priority  SN, RB  SN is 94 % P3 (impact 2, urgency 2); RB spreads wider
//                                        (priority 4–5 of 5: 84 %). Blend: P1 1 %, P2 3 %,
//                                        P3 57 %, P4 39 % (kImpactUrgency)
//   response (first move out     SN      time from opened_at to the first row not in state New:
//     of new)                            p10 0, p25 2 min, p50 21 min, p75 15.5 h, p90 3.9 d,
//                                        p95 7.7 d (kResponseDelay)
//   resolution (reported →       SN      opened_at → resolved_at: p10 6 min, p25 25 min, p50
//     resolved, incl. pauses)            22 h, p75 6.2 d, p90 15.9 d, p95 29 d, p99 118 d
//                                        (kResolution)
//   pauses per incident          SN      entries into an Awaiting * state: 0: 77.4 %, 1: 21.2 %,
//                                        2: 1.3 %, 3: 0.14 %, 4: 0.02 %
//   pause kind                   SN      Awaiting User Info 92 % → pending_customer; Vendor,
//                                        Problem, Evidence 8 % → pending_supplier
//   pause length                 SN      p10 2 h, p25 21 h, p50 93 h, p75 9 d, p90 24 d
//                                        (kPause). Incidents with pauses are the long ones: their
//                                        resolution time is drawn from its upper 45 %, the
//                                        others' so that the mixture keeps the SN table.
//   reassignments                SN      0: 54.4 %, 1: 25 %, 2: 9.2 %, 3: 5 %, 4: 2.8 %, 5–10: 3.7 %
//   priority changes             SN      1.5 % of incidents change priority once
//   reopens                      SN      1.1 % (reopen_count > 0), 1–72 h after resolving
//   closure                      SN      closed_at is resolved_at + ~5 days (auto-close): 3–7 d
//   cancelled                    assumed 2 % are cancelled while new
//   public agent replies         assumed 25 % get one before the first move (this meets the
//                                        response target), 40 % one while in progress
//   services, customers, teams   assumed Zipf-like popularity (weight 1/(k+1)^0.8)
namespace ordo {

namespace {

// splitmix64: tiny, fast, good enough for load generation; one stream per incident.
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(uniform() * static_cast<double>(n)); }
  bool chance(double p) { return uniform() < p; }
  template <std::size_t N>
  int pick(const std::array<double, N>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = uniform() * total;
    for (std::size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(N - 1);
  }
};

// An empirical distribution as quantile knots (p, seconds), p from 0 to 1; sampled by
// inverting it, interpolating log-linearly between knots (linearly next to a zero).
struct Knot {
  double p;
  double v;
};
template <std::size_t N>
double sample(const std::array<Knot, N>& q, double u) {
  for (std::size_t i = 1; i < N; ++i) {
    if (u > q[i].p && i + 1 < N) continue;
    const Knot& a = q[i - 1];
    const Knot& b = q[i];
    double f = b.p > a.p ? (u - a.p) / (b.p - a.p) : 0;
    f = std::clamp(f, 0.0, 1.0);
    if (a.v <= 0 || b.v <= 0) return a.v + f * (b.v - a.v);
    return std::exp(std::log(a.v) + f * (std::log(b.v) - std::log(a.v)));
  }
  return q[N - 1].v;
}

constexpr double kMin = 60, kHour = 3600, kDay = 86400;

constexpr std::array<double, 24> kHourShare{0.011, 0.009, 0.006, 0.005, 0.005, 0.005, 0.013, 0.023,
                                            0.102, 0.121, 0.116, 0.099, 0.054, 0.066, 0.090, 0.086,
                                            0.075, 0.043, 0.019, 0.012, 0.009, 0.014, 0.010, 0.007};
constexpr std::array<double, 7> kWeekdayShare{0.239, 0.199, 0.196, 0.165, 0.154, 0.026, 0.023};  // Mon..Sun

// (impact, urgency) cells, row-major impact 1..3 × urgency 1..3, → P1 P2 P3 / P2 P3 P4 / P3 P4 P4.
constexpr std::array<double, 9> kImpactUrgency{0.010, 0.010, 0.010, 0.020, 0.550, 0.150, 0.010, 0.100, 0.140};

constexpr std::array<Knot, 8> kResponseDelay{{{0, 5},
                                              {0.10, 30},
                                              {0.25, 2 * kMin},
                                              {0.50, 21 * kMin},
                                              {0.75, 15.5 * kHour},
                                              {0.90, 93.4 * kHour},
                                              {0.95, 183.9 * kHour},
                                              {1.0, 30 * kDay}}};
constexpr std::array<Knot, 9> kResolution{{{0, 2 * kMin},
                                           {0.10, 6 * kMin},
                                           {0.25, 25 * kMin},
                                           {0.50, 22.1 * kHour},
                                           {0.75, 148.5 * kHour},
                                           {0.90, 381.5 * kHour},
                                           {0.95, 704 * kHour},
                                           {0.99, 2838 * kHour},
                                           {1.0, 4000 * kHour}}};
constexpr std::array<Knot, 7> kPause{{{0, 10 * kMin},
                                      {0.10, 2 * kHour},
                                      {0.25, 21.3 * kHour},
                                      {0.50, 93.1 * kHour},
                                      {0.75, 214.2 * kHour},
                                      {0.90, 578.1 * kHour},
                                      {1.0, 60 * kDay}}};
constexpr std::array<double, 5> kPauseCount{0.774, 0.212, 0.013, 0.0014, 0.0002};
constexpr std::array<double, 11> kReassignCount{0.544, 0.250, 0.092, 0.050, 0.028, 0.012,
                                                0.008, 0.006, 0.005, 0.003, 0.002};

int zipf(Rng& r, int n) {
  // Inverse-CDF of a continuous 1/(x+1)^0.8 on [0, n): F^-1(u) = ((n+1)^0.2·u + 1 − u)^5 − 1.
  if (n <= 1) return 0;
  double top = std::pow(static_cast<double>(n) + 1, 0.2);
  double x = std::pow(1 + r.uniform() * (top - 1), 5.0) - 1;
  return std::clamp(static_cast<int>(x), 0, n - 1);
}

Instant secs(double s) { return static_cast<Instant>(std::llround(s)); }

}  // namespace

std::string_view IncidentProfile::final_status() const {
  for (auto it = steps.rbegin(); it != steps.rend(); ++it)
    if (it->kind == ProfileStep::Kind::kStatus) return it->status;
  return "new";
}

std::string_view bench_priority(int impact, int urgency) {
  static constexpr std::string_view kP[3][3] = {{"P1", "P2", "P3"}, {"P2", "P3", "P4"}, {"P3", "P4", "P4"}};
  return kP[std::clamp(impact, 1, 3) - 1][std::clamp(urgency, 1, 3) - 1];
}

BenchProfile::BenchProfile(BenchProfileOptions o) : o_(std::move(o)) {}

IncidentProfile BenchProfile::incident(std::uint64_t index) const {
  Rng r{o_.seed * 0x2545f4914f6cdd1dULL ^ (index + 1) * 0x9e3779b97f4a7c15ULL};
  r.next();
  IncidentProfile inc;
  inc.index = index;
  inc.service = zipf(r, o_.services);
  inc.customer = zipf(r, o_.customers);
  inc.team = (inc.service * 7 + zipf(r, 3)) % std::max(1, o_.teams);
  const std::int32_t offset = static_cast<std::size_t>(inc.service) < o_.service_utc_offset.size()
                                  ? o_.service_utc_offset[static_cast<std::size_t>(inc.service)]
                                  : 0;

  // When: a local day weighted by weekday, a local hour weighted by the hour profile.
  const std::int64_t first_day = (o_.now - static_cast<Instant>(o_.span_days) * 86400) / 86400;
  for (int attempt = 0;; ++attempt) {
    std::int64_t day = first_day + r.below(o_.span_days + 1);
    int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
    if (!r.chance(kWeekdayShare[static_cast<std::size_t>(weekday)] / kWeekdayShare[0]) && attempt < 50) continue;
    Instant local = day * 86400 + r.pick(kHourShare) * 3600 + r.below(3600);
    inc.reported_at = local - offset;
    if (inc.reported_at < o_.now) break;
    if (attempt >= 50) {
      inc.reported_at = o_.now - 1 - r.below(3600);
      break;
    }
  }
  const int cell = r.pick(kImpactUrgency);
  inc.impact = cell / 3 + 1;
  inc.urgency = cell % 3 + 1;

  auto& steps = inc.steps;
  using K = ProfileStep::Kind;
  auto status = [&](Instant at, std::string_view s) { steps.push_back({at, K::kStatus, s, 0, 0, 0}); };
  const Instant t0 = inc.reported_at;
  const int pauses = r.pick(kPauseCount);
  // Incidents that wait are the long ones: their resolution time is from the upper 45 %;
  // the others lean to the lower 55 % (71 % of them), so that all together follow the table.
  const double u = pauses > 0 ? r.uniform(0.55, 1.0) : r.chance(0.711) ? r.uniform(0, 0.55) : r.uniform(0.55, 1.0);
  // What is resolved quickly was picked up quickly: 70 % of incidents take the response
  // delay at the same quantile as their resolution time (each marginal stays as in SN).
  const double u_response = r.chance(0.7) ? u : r.uniform();
  const Instant first_move = t0 + std::max<Instant>(1, secs(sample(kResponseDelay, u_response)));

  if (r.chance(0.02)) {  // cancelled while new
    status(first_move, "cancelled");
  } else {
    if (r.chance(0.25))  // a public reply first: it meets the response target before the move
      steps.push_back({t0 + std::max<Instant>(1, (first_move - t0) * static_cast<Instant>(r.uniform(20, 90)) / 100),
                       K::kPublicReply, {}, 0, 0, 0});
    status(first_move, "in_progress");

    double total = sample(kResolution, u);
    Instant resolve = std::max(t0 + secs(total), first_move + 60 + r.below(540));
    double work = static_cast<double>(resolve - first_move);
    std::vector<double> pause_len(static_cast<std::size_t>(pauses));
    double paused = 0;
    for (auto& p : pause_len) paused += p = sample(kPause, r.uniform());
    if (paused > 0.9 * work) {  // keep some working time between the pauses
      for (auto& p : pause_len) p *= 0.9 * work / paused;
      paused = 0.9 * work;
    }
    // Split the working time into pauses + 1 stretches at sorted random cut points.
    std::vector<double> cuts(static_cast<std::size_t>(pauses));
    for (auto& c : cuts) c = r.uniform() * (work - paused);
    std::sort(cuts.begin(), cuts.end());
    double clock = static_cast<double>(first_move);
    double prev_cut = 0;
    Instant last = first_move;
    for (int i = 0; i < pauses; ++i) {
      clock += cuts[static_cast<std::size_t>(i)] - prev_cut;
      prev_cut = cuts[static_cast<std::size_t>(i)];
      Instant from = std::max(last + 1, secs(clock));
      status(from, r.chance(0.92) ? "pending_customer" : "pending_supplier");
      clock += pause_len[static_cast<std::size_t>(i)];
      last = std::max(from + 1, secs(clock));
      status(last, "in_progress");
    }
    resolve = std::max(resolve, last + 1);
    status(resolve, "resolved");
    Instant end = resolve;
    if (r.chance(0.011)) {  // reopened, resolved again
      inc.reopened = true;
      Instant reopen = resolve + secs(r.uniform(kHour, 72 * kHour));
      status(reopen, "in_progress");
      end = reopen + std::max<Instant>(600, secs(sample(kResolution, r.uniform()) / 4));
      status(end, "resolved");
    }
    status(end + secs(r.uniform(3 * kDay, 7 * kDay)), "closed");

    // Things that happen while the incident is worked on, at random instants in [t0, resolve).
    auto during = [&](Instant from) { return from + r.below(std::max<Instant>(1, resolve - from)); };
    if (r.chance(0.40)) steps.push_back({during(first_move), K::kPublicReply, {}, 0, 0, 0});
    const int reassign = r.pick(kReassignCount);
    int team = inc.team;
    for (int i = 0; i < reassign; ++i) {
      int to = static_cast<int>(r.below(std::max(1, o_.teams)));
      if (to == team) to = (to + 1) % std::max(1, o_.teams);
      if (to == team) break;  // one team only
      team = to;
      steps.push_back({during(t0), K::kReassign, {}, 0, 0, team});
    }
    if (r.chance(0.015)) {  // escalated (mostly) or downgraded once: the derived priority changes
      int imp = inc.impact, urg = inc.urgency;
      if (urg > 1 && r.chance(0.7)) --urg;
      else if (imp > 1) --imp;
      else if (urg < 3) ++urg;  // already P1-ish: downgraded
      else --urg;               // impact 1, urgency 3: raised after all
      steps.push_back({during(t0), K::kPriority, {}, imp, urg, 0});
    }
  }
  std::stable_sort(steps.begin(), steps.end(), [](const ProfileStep& a, const ProfileStep& b) { return a.at < b.at; });
  // A priority change or reassignment drawn after a reopen point is fine; one after `now`
  // has not happened yet. Cut at now.
  auto cut = std::find_if(steps.begin(), steps.end(), [&](const ProfileStep& s) { return s.at >= o_.now; });
  steps.erase(cut, steps.end());
  if (inc.reopened) {  // only if the reopen itself happened before now
    int resolved_seen = 0;
    bool reopen_seen = false;
    for (const auto& s : steps)
      if (s.kind == ProfileStep::Kind::kStatus) {
        if (s.status == "resolved") ++resolved_seen;
        else if (s.status == "in_progress" && resolved_seen > 0) reopen_seen = true;
      }
    inc.reopened = reopen_seen;
  }
  return inc;
}

std::vector<TicketFact> clock_facts(const IncidentProfile& inc) {
  std::vector<TicketFact> facts;
  facts.reserve(inc.steps.size());
  std::string_view priority = bench_priority(inc.impact, inc.urgency);
  for (const auto& s : inc.steps) {
    switch (s.kind) {
      case ProfileStep::Kind::kStatus: facts.push_back(TicketFact::status(s.at, std::string(s.status))); break;
      case ProfileStep::Kind::kPublicReply: facts.push_back(TicketFact::public_reply(s.at)); break;
      case ProfileStep::Kind::kPriority: {
        std::string_view p = bench_priority(s.impact, s.urgency);
        if (p != priority) facts.push_back(TicketFact::priority(s.at, std::string(p)));
        priority = p;
        break;
      }
      case ProfileStep::Kind::kReassign: break;
    }
  }
  return facts;
}

const std::vector<BenchCalendar>& bench_calendars() {
  static const std::vector<BenchCalendar> cals{
      {"Office hours Berlin",
       R"({"timezone":"Europe/Berlin","hours":{"mon":[["08:00","18:00"]],"tue":[["08:00","18:00"]],)"
       R"("wed":[["08:00","18:00"]],"thu":[["08:00","18:00"]],"fri":[["08:00","18:00"]]},)"
       R"("holidays":["2025-01-01","2025-04-18","2025-04-21","2025-05-01","2025-05-29","2025-06-09",)"
       R"("2025-10-03","2025-12-25","2025-12-26","2026-01-01","2026-04-03","2026-04-06","2026-05-01",)"
       R"("2026-05-14","2026-05-25","2026-10-03","2026-12-25","2026-12-26","2027-01-01"]})",
       0.40, 3600},
      {"Office hours New York",
       R"({"timezone":"America/New_York","hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],)"
       R"("wed":[["09:00","17:00"]],"thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]},)"
       R"("holidays":["2025-01-01","2025-05-26","2025-07-04","2025-09-01","2025-11-27","2025-12-25",)"
       R"("2026-01-01","2026-05-25","2026-07-03","2026-09-07","2026-11-26","2026-12-25","2027-01-01"]})",
       0.25, -18000},
      {"Office hours Bangalore",
       R"({"timezone":"Asia/Kolkata","hours":{"mon":[["09:00","13:00"],["14:00","18:00"]],)"
       R"("tue":[["09:00","13:00"],["14:00","18:00"]],"wed":[["09:00","13:00"],["14:00","18:00"]],)"
       R"("thu":[["09:00","13:00"],["14:00","18:00"]],"fri":[["09:00","13:00"],["14:00","18:00"]],)"
       R"("sat":[["09:00","13:00"]]}})",
       0.10, 19800},
      {"24x7", "", 0.25, 0},
  };
  return cals;
}

std::size_t bench_service_calendar(int service, int services) {
  const auto& cals = bench_calendars();
  double x = (service + 0.5) / std::max(1, services), acc = 0;
  for (std::size_t k = 0; k + 1 < cals.size(); ++k) {
    acc += cals[k].share;
    if (x < acc) return k;
  }
  return cals.size() - 1;
}

std::string bench_targets_json(bool gold) {
  if (gold)
    return R"({"P1":{"response":900,"resolution":14400},"P2":{"response":1800,"resolution":28800},)"
           R"("P3":{"response":14400,"resolution":86400},"P4":{"response":28800,"resolution":180000}})";
  return R"({"P1":{"response":1800,"resolution":28800},"P2":{"response":3600,"resolution":57600},)"
         R"("P3":{"response":28800,"resolution":144000},"P4":{"response":57600,"resolution":288000}})";
}

}  // namespace ordo
