#include "domain/sla_clock.h"

#include <algorithm>

#include <boost/json.hpp>

namespace ordo {
namespace {

// Targets beyond a century of business time are typos; the bound also keeps
// target · at_risk_percent far from overflow.
constexpr std::int64_t kMaxTargetSeconds = 100LL * 366 * 86400;

std::optional<std::int64_t> as_int(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(kMaxTargetSeconds))
    return static_cast<std::int64_t>(v.get_uint64());
  return std::nullopt;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  for (const std::string& x : v)
    if (x == s) return true;
  return false;
}

boost::json::value instant_json(std::optional<Instant> t) {
  if (!t) return nullptr;
  return boost::json::string(format_rfc3339(*t));
}

}  // namespace

std::string_view to_string(SlaTarget t) {
  return t == SlaTarget::kResponse ? "response" : "resolution";
}

std::string_view to_string(SegmentState s) {
  switch (s) {
    case SegmentState::kRunning: return "running";
    case SegmentState::kPaused: return "paused";
    case SegmentState::kOutsideHours: return "outside_hours";
  }
  return "?";
}

std::string_view to_string(ClockState s) {
  switch (s) {
    case ClockState::kRunning: return "running";
    case ClockState::kPaused: return "paused";
    case ClockState::kMet: return "met";
    case ClockState::kStopped: return "stopped";
  }
  return "?";
}

// --- SlaTerms -------------------------------------------------------------------------------

const TargetSeconds* SlaTerms::find(std::string_view priority) const {
  for (const auto& [name, t] : targets)
    if (name == priority) return &t;
  return nullptr;
}

Result<SlaTerms> SlaTerms::from_json(const boost::json::object& o) {
  SlaTerms terms;
  std::vector<FieldError> errors;
  auto fail = [&](std::string field, std::string message) {
    errors.push_back(FieldError{std::move(field), std::move(message)});
  };

  const auto* targets = o.if_contains("targets");
  if (!targets || !targets->is_object() || targets->get_object().empty()) {
    fail("targets", "is required: {\"P1\": {\"response\": seconds, \"resolution\": seconds}, …}");
  } else {
    for (const auto& member : targets->get_object()) {
      std::string field = "targets." + std::string(member.key());
      const auto* t = member.value().if_object();
      if (!t) {
        fail(field, "must be {\"response\": seconds, \"resolution\": seconds}");
        continue;
      }
      TargetSeconds ts;
      for (auto [key, out] : {std::pair{"response", &ts.response}, std::pair{"resolution", &ts.resolution}}) {
        const auto* v = t->if_contains(key);
        std::optional<std::int64_t> n;
        if (v) n = as_int(*v);
        if (!n || *n < 0 || *n > kMaxTargetSeconds)
          fail(field + "." + key, "must be a whole number of business seconds (0 … 100 years)");
        else
          *out = *n;
      }
      terms.targets.emplace_back(std::string(member.key()), ts);
    }
  }

  if (const auto* p = o.if_contains("pause_statuses")) {
    terms.pause_statuses.clear();
    if (!p->is_array()) {
      fail("pause_statuses", "must be an array of status names");
    } else {
      const auto& arr = p->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string() || arr[i].get_string().empty())
          fail("pause_statuses[" + std::to_string(i) + "]", "must be a status name");
        else
          terms.pause_statuses.emplace_back(arr[i].get_string());
      }
    }
  }

  if (const auto* r = o.if_contains("at_risk_percent")) {
    std::optional<std::int64_t> n = as_int(*r);
    if (!n || *n < 0 || *n > 100)
      fail("at_risk_percent", "must be a whole number from 0 to 100");
    else
      terms.at_risk_percent = *n;
  }

  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return terms;
}

boost::json::object SlaTerms::to_json() const {
  boost::json::object targets_json;
  for (const auto& [name, t] : targets)
    targets_json[name] = boost::json::object{{"response", t.response}, {"resolution", t.resolution}};
  boost::json::array pauses;
  for (const std::string& s : pause_statuses) pauses.emplace_back(s);
  return boost::json::object{{"targets", std::move(targets_json)},
                             {"pause_statuses", std::move(pauses)},
                             {"at_risk_percent", at_risk_percent}};
}

// --- TargetClock: one row group of the table in the header ------------------------------

void SlaClock::TargetClock::set_priority(const SlaTerms& terms, std::size_t index, Instant t) {
  priority = index;
  const TargetSeconds& ts = terms.targets[index].second;
  target = kind == SlaTarget::kResponse ? ts.response : ts.resolution;
  risk_threshold = (target * terms.at_risk_percent + 99) / 100;
  // A new target can put the elapsed time over (or back under) it at this instant.
  if (elapsed >= target) {
    if (reached_at == kNever) reached_at = t;
  } else {
    reached_at = kNever;
  }
  if (elapsed >= risk_threshold) {
    if (risk_at == kNever) risk_at = t;
  } else {
    risk_at = kNever;
  }
}

void SlaClock::TargetClock::append(Instant from, Instant to, SegmentState s) {
  if (!with_segments || from >= to) return;
  if (!segments.empty() && segments.back().state == s && segments.back().to == from) {
    segments.back().to = to;
    return;
  }
  segments.push_back(Segment{from, to, s});
}

void SlaClock::TargetClock::walk(Instant to, Mode as) {
  const SegmentState working = as == Mode::kRunning ? SegmentState::kRunning : SegmentState::kPaused;
  while (pos < to) {
    if (!have_held) {
      held = cursor.next();
      have_held = true;
    }
    if (held.from > pos) {
      Instant e = std::min(held.from, to);
      append(pos, e, SegmentState::kOutsideHours);
      pos = e;
      continue;
    }
    Instant e = std::min(held.to, to);
    std::int64_t len = e - pos;
    if (as == Mode::kRunning) {
      std::int64_t before = elapsed;
      elapsed += len;
      if (risk_at == kNever && elapsed >= risk_threshold) risk_at = pos + (risk_threshold - before);
      if (reached_at == kNever && elapsed >= target) reached_at = pos + (target - before);
    } else {
      paused += len;
    }
    append(pos, e, working);
    pos = e;
    if (pos == held.to) have_held = false;
  }
}

void SlaClock::TargetClock::advance(Instant to) {
  if (mode == Mode::kRunning || mode == Mode::kPaused) walk(to, mode);
}

void SlaClock::TargetClock::on_status(const SlaTerms& terms, Instant t, StatusClass c,
                                      bool leaves_initial) {
  const bool accounting = mode == Mode::kRunning || mode == Mode::kPaused;
  if (kind == SlaTarget::kResponse) {
    if (accounting && leaves_initial) {  // R1
      mode = Mode::kMet;
      met_at = t;
    }
    return;
  }
  if (accounting) {
    switch (c) {
      case StatusClass::kOpen: mode = Mode::kRunning; break;   // S1
      case StatusClass::kPause: mode = Mode::kPaused; break;   // S2
      case StatusClass::kResolved:                             // S3
        mode = Mode::kHalted;
        met_at = t;
        break;
      case StatusClass::kFinal:                                // S4
        mode = Mode::kStopped;
        ended_at = t;
        break;
    }
    return;
  }
  if (mode == Mode::kHalted) {
    if (c == StatusClass::kOpen || c == StatusClass::kPause) {  // S6: reopen
      walk(t, Mode::kPaused);
      met_at = kNever;
      mode = c == StatusClass::kOpen ? Mode::kRunning : Mode::kPaused;
      if (pending_priority != kNoPending) {
        set_priority(terms, pending_priority, t);
        pending_priority = kNoPending;
      }
    } else if (c == StatusClass::kFinal) {  // S7
      mode = Mode::kMet;
    }
  }
  // S9: MET and STOPPED ignore everything.
}

void SlaClock::TargetClock::on_priority(const SlaTerms& terms, Instant t, std::size_t index) {
  if (mode == Mode::kRunning || mode == Mode::kPaused)
    set_priority(terms, index, t);  // R3, S5
  else if (mode == Mode::kHalted)
    pending_priority = index;  // S8
}

void SlaClock::TargetClock::on_public_reply(Instant t) {
  if (kind == SlaTarget::kResponse && (mode == Mode::kRunning || mode == Mode::kPaused)) {  // R2
    mode = Mode::kMet;
    met_at = t;
  }
}

TargetResult SlaClock::TargetClock::result(const SlaTerms& terms, Instant now) && {
  TargetResult r;
  r.target = kind;
  r.priority = terms.targets[priority].first;
  switch (mode) {
    case Mode::kRunning: r.state = ClockState::kRunning; break;
    case Mode::kPaused: r.state = ClockState::kPaused; break;
    case Mode::kHalted:
    case Mode::kMet: r.state = ClockState::kMet; break;
    case Mode::kStopped: r.state = ClockState::kStopped; break;
  }
  r.target_seconds = target;
  r.elapsed_seconds = elapsed;
  r.paused_seconds = paused;
  if (met_at != kNever) r.met_at = met_at;
  r.breached = elapsed > target;
  if (r.breached) r.breached_at = reached_at;
  if (risk_at != kNever) r.at_risk_at = risk_at;
  r.at_risk = risk_at != kNever && !r.breached && (mode == Mode::kRunning || mode == Mode::kPaused);
  if (mode == Mode::kRunning) {
    if (reached_at != kNever) {
      r.due_at = reached_at;
    } else {
      // pos == now: continue the walk's own cursor forward by the remaining time.
      std::int64_t remaining = target - elapsed;
      TimeRange h = have_held ? held : cursor.next();
      for (;;) {
        Instant start = std::max(h.from, now);
        if (h.to == Calendar::kForever || remaining <= h.to - start) {
          r.due_at = start + remaining;
          break;
        }
        remaining -= h.to - start;
        h = cursor.next();
      }
    }
  }
  r.segments = std::move(segments);
  return r;
}

// --- SlaClock -------------------------------------------------------------------------------

// The hot path returns optionals; an Error is only built when something is wrong.
std::optional<SlaClock::StatusClass> SlaClock::classify(std::string_view status) const {
  if (status == model_->resolved) return StatusClass::kResolved;
  if (contains(model_->final_statuses, status)) return StatusClass::kFinal;
  if (contains(model_->open, status))
    return contains(terms_->pause_statuses, status) ? StatusClass::kPause : StatusClass::kOpen;
  return std::nullopt;
}

std::optional<std::size_t> SlaClock::priority_index(std::string_view priority) const {
  for (std::size_t i = 0; i < terms_->targets.size(); ++i)
    if (terms_->targets[i].first == priority) return i;
  return std::nullopt;
}

Error SlaClock::error_for(Failure f, std::string_view value) {
  switch (f) {
    case Failure::kOrder: return field_error("at", "facts must be ordered by time");
    case Failure::kStatus: return field_error("status", "unknown status '" + std::string(value) + "'");
    case Failure::kPriority:
      return field_error("priority", "the agreement sets no targets for priority '" + std::string(value) + "'");
    case Failure::kNone: break;
  }
  return internal_error("no failure");
}

Result<SlaClock> SlaClock::start(const Calendar& calendar, const SlaTerms& terms,
                                 const StatusModel& model, Instant reported_at,
                                 std::string_view priority, std::string_view status,
                                 bool with_segments) {
  SlaClock c;
  Failure f = c.init(calendar, terms, model, reported_at, priority, status, with_segments);
  if (f == Failure::kPriority) return error_for(f, priority);
  if (f == Failure::kStatus) return error_for(f, status.empty() ? std::string_view(model.initial) : status);
  return c;
}

SlaClock::Failure SlaClock::init(const Calendar& calendar, const SlaTerms& terms, const StatusModel& model,
                            Instant reported_at, std::string_view priority, std::string_view status,
                            bool with_segments) {
  terms_ = &terms;
  model_ = &model;
  reported_at_ = last_ = reported_at;

  std::optional<std::size_t> index = priority_index(priority);
  if (!index) return Failure::kPriority;
  if (status.empty()) status = model.initial;
  std::optional<StatusClass> cls = classify(status);
  if (!cls) return Failure::kStatus;
  in_initial_ = status == model.initial;

  for (TargetClock* t : {&response_, &resolution_}) {
    t->kind = t == &response_ ? SlaTarget::kResponse : SlaTarget::kResolution;
    t->with_segments = with_segments;
    t->pos = reported_at;
    if (with_segments) t->segments.reserve(8);
    t->set_priority(terms, *index, reported_at);
  }
  // Both machines start at the same instant: one tz lookup, copied.
  response_.cursor = calendar.working_from(reported_at);
  resolution_.cursor = response_.cursor;

  if (in_initial_ && (*cls == StatusClass::kOpen || *cls == StatusClass::kPause)) {
    response_.mode = *cls == StatusClass::kOpen ? Mode::kRunning : Mode::kPaused;
  } else {  // the ticket already left `new`
    response_.mode = Mode::kMet;
    response_.met_at = reported_at;
  }
  switch (*cls) {
    case StatusClass::kOpen: resolution_.mode = Mode::kRunning; break;
    case StatusClass::kPause: resolution_.mode = Mode::kPaused; break;
    case StatusClass::kResolved:
      resolution_.mode = Mode::kHalted;
      resolution_.met_at = reported_at;
      break;
    case StatusClass::kFinal:
      resolution_.mode = Mode::kStopped;
      resolution_.ended_at = reported_at;
      break;
  }
  return Failure::kNone;
}

Result<void> SlaClock::apply(const TicketFact& fact) {
  Failure f = apply_fact(fact);
  if (f != Failure::kNone) return error_for(f, fact.value);
  return ok();
}

SlaClock::Failure SlaClock::apply_fact(const TicketFact& fact) {
  const Instant t = std::max(fact.at, reported_at_);
  if (t < last_) return Failure::kOrder;
  StatusClass cls = StatusClass::kOpen;
  std::size_t index = 0;
  switch (fact.kind) {
    case TicketFact::Kind::kStatus: {
      std::optional<StatusClass> c = classify(fact.value);
      if (!c) return Failure::kStatus;
      cls = *c;
      break;
    }
    case TicketFact::Kind::kPriority: {
      std::optional<std::size_t> i = priority_index(fact.value);
      if (!i) return Failure::kPriority;
      index = *i;
      break;
    }
    case TicketFact::Kind::kPublicReply: break;
  }

  response_.advance(t);
  resolution_.advance(t);
  switch (fact.kind) {
    case TicketFact::Kind::kStatus: {
      const bool is_initial = fact.value == model_->initial;
      const bool leaves_initial = in_initial_ && !is_initial;
      response_.on_status(*terms_, t, cls, leaves_initial);
      resolution_.on_status(*terms_, t, cls, leaves_initial);
      in_initial_ = is_initial;
      break;
    }
    case TicketFact::Kind::kPriority:
      response_.on_priority(*terms_, t, index);
      resolution_.on_priority(*terms_, t, index);
      break;
    case TicketFact::Kind::kPublicReply:
      response_.on_public_reply(t);
      break;
  }
  last_ = t;
  return Failure::kNone;
}

ClockResult SlaClock::evaluate(Instant now) const {
  SlaClock copy = *this;
  return std::move(copy).finish(now);
}

ClockResult SlaClock::finish(Instant now) && {
  const Instant n = std::max(now, last_);
  response_.advance(n);
  resolution_.advance(n);
  return ClockResult{std::move(response_).result(*terms_, n), std::move(resolution_).result(*terms_, n)};
}

Result<ClockResult> evaluate_sla_clock(const Calendar& calendar, const SlaTerms& terms,
                                       const StatusModel& model, const ClockInput& input) {
  const Instant now = std::max(input.now, input.reported_at);
  SlaClock clock;
  using Failure = SlaClock::Failure;
  Failure failure = clock.init(calendar, terms, model, input.reported_at, input.priority, input.status,
                               input.with_segments);
  if (failure == Failure::kPriority) return SlaClock::error_for(failure, input.priority);
  if (failure == Failure::kStatus)
    return SlaClock::error_for(failure, input.status.empty() ? std::string_view(model.initial) : input.status);
  for (std::size_t i = 0; i < input.timeline.size(); ++i) {
    const TicketFact& f = input.timeline[i];
    if (f.at > now) break;  // not yet happened as of `now`
    failure = clock.apply_fact(f);
    if (failure != Failure::kNone) {
      Error e = SlaClock::error_for(failure, f.value);
      for (FieldError& fe : e.fields) fe.field = "timeline[" + std::to_string(i) + "]." + fe.field;
      return e;
    }
  }
  return std::move(clock).finish(now);
}

// --- JSON -----------------------------------------------------------------------------------

boost::json::object to_json(const TargetResult& r) {
  boost::json::array segments;
  segments.reserve(r.segments.size());
  for (const Segment& s : r.segments)
    segments.push_back(boost::json::object{{"from", format_rfc3339(s.from)},
                                           {"to", format_rfc3339(s.to)},
                                           {"state", to_string(s.state)}});
  return boost::json::object{{"target", to_string(r.target)},
                             {"priority", r.priority},
                             {"state", to_string(r.state)},
                             {"target_seconds", r.target_seconds},
                             {"elapsed_seconds", r.elapsed_seconds},
                             {"paused_seconds", r.paused_seconds},
                             {"due_at", instant_json(r.due_at)},
                             {"met_at", instant_json(r.met_at)},
                             {"breached", r.breached},
                             {"breached_at", instant_json(r.breached_at)},
                             {"at_risk", r.at_risk},
                             {"at_risk_at", instant_json(r.at_risk_at)},
                             {"segments", std::move(segments)}};
}

boost::json::object to_json(const ClockResult& r) {
  return boost::json::object{{"response", to_json(r.response)}, {"resolution", to_json(r.resolution)}};
}

}  // namespace ordo
