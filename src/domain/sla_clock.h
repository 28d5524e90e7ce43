// The SLA clock as a pure function (DESIGN.md "Service levels: the clock (normative)").
//
// Given when a ticket was reported, the facts that happened to it (status changes, priority
// changes, public agent replies, ordered by time), a Calendar, the agreement's terms and an
// evaluation instant `now`, it computes for each target — response and resolution — how much
// business time the clock ran, whether and when the target was met or breached, when it is
// due, and the segments (running / paused / outside_hours) that explain the figures.
// Nothing here reads wall time or does I/O: `now` is an input (STYLE.md §8).
//
// Thread-safety: all inputs are read-only; evaluate_sla_clock may run concurrently. An
// SlaClock is a value owned by one thread; it keeps pointers to the Calendar, SlaTerms and
// StatusModel it was started with, which must outlive it.
//
//   SlaTerms terms = *SlaTerms::from_json(agreement_json);
//   std::vector<TicketFact> facts{TicketFact::status(t1, "in_progress"), TicketFact::status(t2, "resolved")};
//   auto r = evaluate_sla_clock(cal, terms, StatusModel{}, {.reported_at = t0, .priority = "P2",
//                                                          .timeline = facts, .now = now});
//   if (r) reply(to_json(*r));
//
// ─── THE CLOCK AS A STATE MACHINE ──────────────────────────────────────────────────────────
// One machine per target; both read the same facts. States:
//   RUNNING  ticket in a non-paused open status: working time counts as elapsed.
//   PAUSED   ticket in a pause status of the agreement: working time counts as paused.
//   HALTED   resolution only: ticket is `resolved`, met_at = the resolve instant. Nothing is
//            accounted while halted; a reopen accounts [met_at, reopen) as paused time.
//   MET      final, met_at set.
//   STOPPED  final, not met: a final status (closed, cancelled) came first; ended_at set.
//
// Start at reported_at, with status s0 (default: the model's initial status) and priority p0:
//   response:   s0 == initial ("new") → RUNNING or PAUSED per s0; otherwise MET at reported_at
//               (the ticket already left `new`).
//   resolution: open → RUNNING; pause → PAUSED; resolved → HALTED (met_at = reported_at);
//               final → STOPPED (ended_at = reported_at).
//
// Transitions (t = the fact's instant; "open" = a non-paused open status):
//   #   target      from            fact                       to              effect
//   R1  response    RUNNING|PAUSED  status leaves `new` (to     MET             met_at = t
//                                   anything, even a final one)
//   R2  response    RUNNING|PAUSED  public agent reply         MET             met_at = t
//   R3  response    RUNNING|PAUSED  priority change            unchanged       targets switch at t
//   R4  response    MET             any                        MET             —
//   S1  resolution  RUNNING|PAUSED  status → open              RUNNING         —
//   S2  resolution  RUNNING|PAUSED  status → pause status      PAUSED          —
//   S3  resolution  RUNNING|PAUSED  status → resolved          HALTED          met_at = t
//   S4  resolution  RUNNING|PAUSED  status → final             STOPPED         ended_at = t
//   S5  resolution  RUNNING|PAUSED  priority change            unchanged       targets switch at t
//   S6  resolution  HALTED          status → open | pause      RUNNING|PAUSED  reopen: [met_at, t)
//                                                                              paused, met_at
//                                                                              cleared, a pending
//                                                                              priority applies at t
//   S7  resolution  HALTED          status → final             MET             met_at kept
//   S8  resolution  HALTED          priority change            HALTED          pending until a
//                                                                              reopen (targets stay
//                                                                              as they were at met_at)
//   S9  resolution  MET|STOPPED     any                        unchanged       —
//   Public replies only drive R2. Facts after `now` are not seen; facts before reported_at
//   count as happening at reported_at.
//
// Invariants of every TargetResult:
//   1. segments partition [reported_at, end) with no gaps; none is empty; adjacent segments
//      differ in state. end = met_at (MET, HALTED), ended_at (STOPPED), else now.
//   2. A segment is outside_hours when the calendar is not working; otherwise running in
//      RUNNING, paused in PAUSED and in a HALTED stretch that a reopen ended.
//   3. elapsed_seconds = Σ running; paused_seconds = Σ paused (business seconds only).
//   4. breached ⇔ elapsed > target_seconds (the target in force at end: a met target keeps
//      the one it was met under). breached_at = the instant elapsed reached the target — or
//      the priority change that put elapsed at or over it — for the stretch still ongoing.
//   5. at_risk ⇔ elapsed ≥ ⌈target·at_risk_percent/100⌉ and not met, breached or stopped;
//      at_risk_at = the instant elapsed reached that threshold (kept after met/breached).
//   6. due_at is null unless RUNNING; then it is breached_at's instant once elapsed ≥ target
//      (in the past when breached), else calendar.add_business_seconds(now, target − elapsed).
//   7. Prefix-stable: SlaClock applying the facts up to t and evaluating at t equals
//      evaluate_sla_clock(…, now = t); continuing with the later facts equals evaluating
//      everything at once.
// ────────────────────────────────────────────────────────────────────────────────────────────
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "domain/calendar.h"
#include "domain/clock.h"
#include "domain/result.h"

namespace ordo {

enum class SlaTarget : std::uint8_t { kResponse, kResolution };
std::string_view to_string(SlaTarget t);

// Targets of one priority, in business seconds.
struct TargetSeconds {
  std::int64_t response = 0;
  std::int64_t resolution = 0;
};

// What the clock needs from an agreement.
struct SlaTerms {
  std::vector<std::pair<std::string, TargetSeconds>> targets;  // priority → targets
  std::vector<std::string> pause_statuses{"pending_customer"};
  std::int64_t at_risk_percent = 80;

  // nullptr when the agreement sets no targets for this priority.
  const TargetSeconds* find(std::string_view priority) const;

  // {"targets": {"P1": {"response": 900, "resolution": 14400}, …},
  //  "pause_statuses": ["pending_customer"], "at_risk_percent": 80}
  // The last two are optional (defaults above). Per-field errors ("targets.P1.response").
  static Result<SlaTerms> from_json(const boost::json::object& o);
  boost::json::object to_json() const;
};

// Which statuses are open, resolved and final. Defaults: the incident workflow.
struct StatusModel {
  std::string initial{"new"};  // leaving it meets the response target
  std::vector<std::string> open{"new", "in_progress", "pending_customer", "pending_supplier"};
  std::string resolved{"resolved"};  // stops the resolution clock; back to open = reopen
  std::vector<std::string> final_statuses{"closed", "cancelled"};
};

// One fact of a ticket's timeline.
struct TicketFact {
  enum class Kind : std::uint8_t { kStatus, kPriority, kPublicReply };
  Instant at = 0;
  Kind kind = Kind::kStatus;
  std::string value;  // the new status or priority; empty for a public reply

  static TicketFact status(Instant at, std::string s) { return {at, Kind::kStatus, std::move(s)}; }
  static TicketFact priority(Instant at, std::string p) { return {at, Kind::kPriority, std::move(p)}; }
  static TicketFact public_reply(Instant at) { return {at, Kind::kPublicReply, {}}; }
};

enum class SegmentState : std::uint8_t { kRunning, kPaused, kOutsideHours };
std::string_view to_string(SegmentState s);

struct Segment {
  Instant from = 0;
  Instant to = 0;
  SegmentState state = SegmentState::kRunning;
  friend bool operator==(const Segment&, const Segment&) = default;
};

// Where a target's clock is at the end of the evaluation (HALTED reads as kMet).
enum class ClockState : std::uint8_t { kRunning, kPaused, kMet, kStopped };
std::string_view to_string(ClockState s);

struct TargetResult {
  SlaTarget target = SlaTarget::kResponse;
  std::string priority;  // whose targets apply
  ClockState state = ClockState::kRunning;
  std::int64_t target_seconds = 0;
  std::int64_t elapsed_seconds = 0;
  std::int64_t paused_seconds = 0;
  std::optional<Instant> due_at;
  std::optional<Instant> met_at;
  bool breached = false;
  std::optional<Instant> breached_at;
  bool at_risk = false;
  std::optional<Instant> at_risk_at;
  std::vector<Segment> segments;
  friend bool operator==(const TargetResult&, const TargetResult&) = default;
};

struct ClockResult {
  TargetResult response;
  TargetResult resolution;
  friend bool operator==(const ClockResult&, const ClockResult&) = default;
};

struct ClockInput {
  Instant reported_at = 0;
  std::string_view priority;  // in force at reported_at
  std::string_view status;    // at reported_at; empty = the model's initial status
  std::span<const TicketFact> timeline;  // ordered by `at` (ties keep their order)
  Instant now = 0;            // clamped to reported_at at the earliest
  bool with_segments = true;  // false skips building segments (figures are unchanged)
};

// The clock in one call. Errors (kInvalid, with fields "priority", "status",
// "timeline[i]"): a priority without targets, a status the model does not know, a timeline
// out of order. Facts after `now` are ignored.
Result<ClockResult> evaluate_sla_clock(const Calendar& calendar, const SlaTerms& terms,
                                       const StatusModel& model, const ClockInput& input);

// The same clock fed one fact at a time, for a caller that keeps it between events.
class SlaClock {
 public:
  static Result<SlaClock> start(const Calendar& calendar, const SlaTerms& terms,
                                const StatusModel& model, Instant reported_at,
                                std::string_view priority, std::string_view status = {},
                                bool with_segments = true);
  // The clock keeps pointers to these three: temporaries would dangle, so they do not compile
  // (one temporary picks a deleted overload, two make the call ambiguous).
  static Result<SlaClock> start(const Calendar&&, const SlaTerms&, const StatusModel&, Instant,
                                std::string_view, std::string_view = {}, bool = true) = delete;
  static Result<SlaClock> start(const Calendar&, const SlaTerms&&, const StatusModel&, Instant,
                                std::string_view, std::string_view = {}, bool = true) = delete;
  static Result<SlaClock> start(const Calendar&, const SlaTerms&, const StatusModel&&, Instant,
                                std::string_view, std::string_view = {}, bool = true) = delete;

  // Facts must come in time order (at >= the previous fact's at); on error the clock is
  // unchanged.
  Result<void> apply(const TicketFact& fact);

  // The figures as of `now` (>= the last fact applied; earlier is read as that instant).
  ClockResult evaluate(Instant now) const;
  // Same, consuming the clock (no copy of the segments).
  ClockResult finish(Instant now) &&;

 private:
  enum class StatusClass : std::uint8_t { kOpen, kPause, kResolved, kFinal };
  enum class Mode : std::uint8_t { kRunning, kPaused, kHalted, kMet, kStopped };
  static constexpr Instant kNever = std::numeric_limits<Instant>::min();

  // One target's machine (the table above).
  struct TargetClock {
    SlaTarget kind = SlaTarget::kResponse;
    Mode mode = Mode::kRunning;
    bool with_segments = true;
    Instant pos = 0;                  // accounted up to here
    std::int64_t elapsed = 0;
    std::int64_t paused = 0;
    std::int64_t target = 0;
    std::int64_t risk_threshold = 0;
    std::size_t priority = 0;         // index into SlaTerms::targets
    std::size_t pending_priority = kNoPending;  // S8
    Instant reached_at = kNever;      // set ⇔ elapsed >= target (while accounting)
    Instant risk_at = kNever;         // set ⇔ elapsed >= risk_threshold
    Instant met_at = kNever;
    Instant ended_at = kNever;
    WorkingTimeCursor cursor;
    TimeRange held{};                 // the cursor's current interval; held.to > pos
    bool have_held = false;
    std::vector<Segment> segments;

    static constexpr std::size_t kNoPending = static_cast<std::size_t>(-1);

    void set_priority(const SlaTerms& terms, std::size_t index, Instant t);
    // Accounts [pos, to) in the given mode (kRunning, or kPaused also for a reopened HALTED).
    void walk(Instant to, Mode as);
    void advance(Instant to);  // walk in the current mode, if it accounts
    void append(Instant from, Instant to, SegmentState s);
    void on_status(const SlaTerms& terms, Instant t, StatusClass c, bool leaves_initial);
    void on_priority(const SlaTerms& terms, Instant t, std::size_t index);
    void on_public_reply(Instant t);
    TargetResult result(const SlaTerms& terms, Instant now) &&;
  };

  friend Result<ClockResult> evaluate_sla_clock(const Calendar&, const SlaTerms&, const StatusModel&,
                                                const ClockInput&);
  // The hot path reports failures as a code; an Error is only built when one occurs.
  enum class Failure : std::uint8_t { kNone, kOrder, kStatus, kPriority };
  static Error error_for(Failure f, std::string_view value);

  SlaClock() = default;
  // Fills a default-constructed clock (start() and evaluate_sla_clock build it in place).
  Failure init(const Calendar& calendar, const SlaTerms& terms, const StatusModel& model,
               Instant reported_at, std::string_view priority, std::string_view status,
               bool with_segments);
  Failure apply_fact(const TicketFact& fact);
  std::optional<StatusClass> classify(std::string_view status) const;
  std::optional<std::size_t> priority_index(std::string_view priority) const;

  const SlaTerms* terms_ = nullptr;
  const StatusModel* model_ = nullptr;
  Instant reported_at_ = 0;
  Instant last_ = 0;  // the latest fact applied (or reported_at)
  bool in_initial_ = true;
  TargetClock response_;
  TargetClock resolution_;
};

boost::json::object to_json(const TargetResult& r);  // RFC 3339 times, null when absent
boost::json::object to_json(const ClockResult& r);   // {"response": …, "resolution": …}

}  // namespace ordo
