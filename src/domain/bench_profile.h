// BenchProfile: realistic incident timelines for benchmarks (issue #4 `make bench`, issue #6
// `ordo bench-data`), generated from a seed. Pure: no I/O, no wall time.
//
// Incident `i` of a profile is a function of (seed, options, i) only, so any range of
// incidents can be generated on any thread, in any order, and a database or a benchmark
// run is reproducible from its seed.
//
// The distributions come from the real event logs in /work/shared/data (see the table in
// bench_profile.cc): the ServiceNow incident log (24,918 incidents; time of day and week,
// response delay, pauses, reopens, priority changes, reassignments, resolution times) and
// the Rabobank BPIC 2014 incidents (priority mix). Where the logs say nothing (public
// replies, cancellations, close delay) the figures are stated assumptions.
//
// Thread-safety: a BenchProfile is immutable after construction; incident() may run
// concurrently.
//
//   BenchProfile prof({.seed = 42, .services = 20, .customers = 50, .now = now});
//   IncidentProfile inc = prof.incident(17);
//   std::vector<TicketFact> facts = clock_facts(inc);   // for evaluate_sla_clock
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "domain/sla_clock.h"

namespace ordo {

struct BenchProfileOptions {
  std::uint64_t seed = 1;
  int services = 20;   // incidents name service 0 … services-1
  int customers = 50;  // and customer 0 … customers-1
  int teams = 12;      // assignment groups 0 … teams-1
  Instant now = 0;     // reported_at falls in [now - span_days, now); steps after now are cut
  int span_days = 365;
  // Per service, the UTC offset (seconds) of its users' local time: the time-of-day
  // distribution is applied in local time. Missing entries mean UTC.
  std::vector<std::int32_t> service_utc_offset;
};

// One thing that happened to an incident after it was reported.
struct ProfileStep {
  enum class Kind : std::uint8_t {
    kStatus,       // a workflow transition to `status`
    kPriority,     // impact/urgency changed (so the derived priority changes)
    kPublicReply,  // an agent's public reply
    kReassign,     // assignment_group changed to `team`
  };
  Instant at = 0;
  Kind kind = Kind::kStatus;
  std::string_view status;  // kStatus: one of the incident workflow's states (static storage)
  int impact = 0, urgency = 0;  // kPriority: the new values
  int team = 0;                 // kReassign
};

struct IncidentProfile {
  std::uint64_t index = 0;
  Instant reported_at = 0;
  int impact = 2, urgency = 2;  // at creation
  int service = 0, customer = 0, team = 0;
  std::vector<ProfileStep> steps;  // ordered by `at`; all at or after reported_at, before now
  bool reopened = false;           // true when a resolved → in_progress step is in `steps`

  // The status after the last step ("new" when there is none).
  std::string_view final_status() const;
};

// P1–P4 from impact and urgency by the default matrix (domain/priority.h).
std::string_view bench_priority(int impact, int urgency);

class BenchProfile {
 public:
  explicit BenchProfile(BenchProfileOptions o);
  const BenchProfileOptions& options() const { return o_; }

  // Incident number `index` (0-based). Well-formed: steps follow the incident workflow
  // (new → in_progress → pending_* → in_progress → resolved → closed, reopen, cancel), are
  // in time order, and none is at or after options().now.
  IncidentProfile incident(std::uint64_t index) const;

 private:
  BenchProfileOptions o_;
};

// The SLA clock's view of an incident: status changes, priority changes (only when the
// derived priority really changes) and public replies. Reassignments are not clock facts.
std::vector<TicketFact> clock_facts(const IncidentProfile& inc);

// A calendar mix for clock benchmarks: {"name", calendar JSON} pairs, each with the share of
// agreements that use it (office hours in Europe/Berlin — a DST zone, with holidays —,
// America/New_York, Asia/Kolkata, and 24x7). 24x7 has an empty JSON object.
struct BenchCalendar {
  std::string name;
  std::string json;  // Calendar::from_json input; "" for 24x7
  double share = 0;
  std::int32_t utc_offset = 0;  // the zone's standard offset, for the time-of-day profile
};
const std::vector<BenchCalendar>& bench_calendars();

// Which of bench_calendars() service `service` (of `services`) keeps its hours in: the
// shares spread over the services in order, so both benchmarks agree.
std::size_t bench_service_calendar(int service, int services);

// Per-priority targets (business seconds) of a typical standard SLA and a stricter "gold" one.
std::string bench_targets_json(bool gold);

}  // namespace ordo
