#include "app/sla.h"

#include <algorithm>

#include <boost/json.hpp>

#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

// Bits of sla_timers.fired: what has been announced, once per target.
constexpr std::int64_t kBit[2][2] = {{1, 2}, {4, 8}};  // [response|resolution][at_risk|breached]

std::optional<std::int64_t> opt_int(const json::value* v) {
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

std::optional<Instant> opt_sql_int(const SqlValue& v) {
  if (sql_null(v)) return std::nullopt;
  return sql_int(v);
}

}  // namespace

SlaEngine::SlaEngine(const Registry& reg)
    : reg_(reg),
      agreement_type_(reg.by_name("agreement")),
      calendar_type_(reg.by_name("calendar")),
      always_(std::make_shared<const Calendar>(Calendar::twenty_four_seven())) {}

Result<std::vector<HistoryEntry>> SlaEngine::load_history(SqlConn& c, const RecordType& t, std::int64_t id) {
  // What sla_timeline (domain/sla_history.cc) reads, filtered in the query — keep the two
  // in step. An update matters only when its changes name the priority or it moves the
  // status ("to"); both keys are always serialised with their quotes ("priority":[old,new]),
  // so no such update is missed. A false positive (the word in quotes inside a changed
  // text) only costs a parse: sla_timeline ignores it.
  ORDO_ASSIGN(auto rows, c.query("SELECT at, action, data FROM events WHERE record_type = ? AND record_id = ? AND "
                                 "(action IN ('create', 'reply', 'transition') OR (action = 'update' AND "
                                 "(data LIKE '%\"priority\"%' OR data LIKE '%\"to\"%'))) ORDER BY seq",
                                 {t.name, id}));
  std::vector<HistoryEntry> out;
  out.reserve(rows.size());
  for (auto& r : rows) {
    boost::system::error_code ec;
    json::value data = json::parse(sql_text(r[2]), ec);
    out.push_back({sql_int(r[0]), sql_text(r[1]), !ec && data.is_object() ? std::move(data.as_object()) : json::object{}});
  }
  return out;
}

Result<std::shared_ptr<const AppliedAgreement>> SlaEngine::applied(SqlConn& c, std::int64_t id, std::int64_t version,
                                                                    std::optional<std::int64_t> calendar,
                                                                    std::int64_t calendar_version) {
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(id); it != cache_.end() && it->second->version == version &&
                                   it->second->calendar_version == calendar_version)
      return it->second;
  }
  auto a = std::make_shared<AppliedAgreement>();
  a->id = id;
  a->version = version;
  a->calendar_version = calendar_version;
  ORDO_ASSIGN(auto rec, find_record(c, *agreement_type_, id));
  if (!rec) return not_found("agreement " + std::to_string(id) + " vanished");
  a->record = std::move(*rec);
  json::object terms_json{{"targets", a->record["targets"]}};
  if (!a->record["pause_statuses"].is_null()) terms_json["pause_statuses"] = a->record["pause_statuses"];
  if (!a->record["at_risk_percent"].is_null()) terms_json["at_risk_percent"] = a->record["at_risk_percent"];
  ORDO_ASSIGN(SlaTerms terms, SlaTerms::from_json(terms_json));
  a->terms = std::make_shared<const SlaTerms>(std::move(terms));
  if (!calendar) {
    a->calendar = always_;
    a->calendar_name = "24x7";
  } else {
    ORDO_ASSIGN(auto cal_rec, find_record(c, *calendar_type_, *calendar));
    if (!cal_rec) return not_found("calendar " + std::to_string(*calendar) + " vanished");
    json::object cj{{"timezone", (*cal_rec)["timezone"]}, {"hours", (*cal_rec)["hours"]}};
    if (!(*cal_rec)["holidays"].is_null()) cj["holidays"] = (*cal_rec)["holidays"];
    ORDO_ASSIGN(Calendar cal, Calendar::from_json(cj));
    a->calendar = std::make_shared<const Calendar>(std::move(cal));
    a->calendar_name = std::string((*cal_rec)["name"].as_string());
  }
  std::lock_guard lock(mu_);
  cache_[id] = a;
  return std::shared_ptr<const AppliedAgreement>(a);
}

Result<SlaEvaluation> SlaEngine::evaluate(SqlConn& c, const RecordType& t, const json::object& values,
                                          std::span<const HistoryEntry> history, Instant now, bool with_segments) {
  ORDO_ASSIGN(SlaEvaluation ev, select_agreement(c, t, values, now));
  run_clock(ev, t, values, history, with_segments);
  return ev;
}

Result<SlaEvaluation> SlaEngine::select_agreement(SqlConn& c, const RecordType& t, const json::object& values,
                                                  Instant now) {
  SlaEvaluation ev;
  ev.now = now;
  auto service = opt_int(values.if_contains("service"));
  auto customer = opt_int(values.if_contains("customer"));
  const json::value* rep = values.if_contains("reported_at");
  std::optional<Instant> reported = rep && rep->is_string() ? parse_rfc3339(rep->as_string()) : std::nullopt;
  if (!service) {
    ev.problem = "the ticket names no service, so no agreement applies";
    return ev;
  }
  if (!reported) {
    ev.problem = "the ticket has no reported_at";
    return ev;
  }
  ORDO_ASSIGN(auto rows, c.query("SELECT a.id, a.version, a.customer, a.valid_from, a.valid_to, a.calendar, k.version, "
                                 "a.applies_to FROM agreements a LEFT JOIN calendars k ON k.id = a.calendar "
                                 "WHERE a.service = ? AND a.kind = 'sla'",
                                 {*service}));
  std::vector<AgreementCandidate> cands;
  cands.reserve(rows.size());
  for (const auto& r : rows)
    cands.push_back({sql_int(r[0]), opt_sql_int(r[2]), opt_sql_int(r[3]), opt_sql_int(r[4]),
                     sql_null(r[7]) ? std::string() : sql_text(r[7])});
  auto pick = pick_agreement(cands, customer, *reported, t.name);
  if (!pick) {
    ev.problem = "no SLA of this service applies to this customer and ticket type at the time reported";
    return ev;
  }
  const auto& row = rows[*pick];
  ORDO_ASSIGN(ev.agreement, applied(c, sql_int(row[0]), sql_int(row[1]), opt_sql_int(row[5]),
                                    sql_null(row[6]) ? 0 : sql_int(row[6])));
  return ev;
}

void SlaEngine::run_clock(SlaEvaluation& ev, const RecordType& t, const json::object& values,
                          std::span<const HistoryEntry> history, bool with_segments) {
  if (!ev.agreement) return;
  const json::value* rep = values.if_contains("reported_at");
  std::optional<Instant> reported = rep && rep->is_string() ? parse_rfc3339(rep->as_string()) : std::nullopt;
  if (!reported) return;  // select_agreement picks none without it
  SlaTimeline tl = sla_timeline(history);
  if (tl.priority.empty())
    if (const auto* p = values.if_contains("priority"); p && p->is_string()) tl.priority = std::string(p->as_string());
  StatusModel model = status_model(t);
  auto r = evaluate_sla_clock(*ev.agreement->calendar, *ev.agreement->terms, model,
                              ClockInput{.reported_at = *reported, .priority = tl.priority, .status = tl.status,
                                         .timeline = tl.facts, .now = ev.now, .with_segments = with_segments});
  if (!r) {
    ev.problem = r.error().fields.empty() ? r.error().message
                                          : r.error().fields[0].field + " " + r.error().fields[0].message;
    return;
  }
  ev.clock = std::move(*r);
}

json::object SlaEngine::column_changes(const json::object& current, const SlaEvaluation& ev) {
  json::object cols = sla_columns(ev.agreement && ev.clock ? ev.agreement->id : 0, ev.clock ? &*ev.clock : nullptr);
  if (ev.agreement && !ev.clock) cols["sla_agreement"] = ev.agreement->id;  // applies, but no target for this priority
  json::object changes;
  for (auto& [k, v] : cols) {
    const json::value* old = current.if_contains(k);
    json::value ov = old ? *old : json::value(nullptr);
    if (ov != v) changes[k] = json::array{ov, v};
  }
  return changes;
}

Result<std::vector<std::string>> SlaEngine::sync_timers(SqlConn& c, const RecordType& t, std::int64_t id,
                                                        const SlaEvaluation& ev, bool inserted) {
  std::vector<std::string> fired_names;
  SqlRows rows;
  if (!inserted) {
    ORDO_ASSIGN(rows, c.query("SELECT due_at, fired FROM sla_timers WHERE record_type = ? AND record_id = ?",
                              {t.name, id}));
  }
  const bool have_row = !rows.empty();
  const std::optional<Instant> old_due = have_row ? opt_sql_int(rows[0][0]) : std::nullopt;
  const std::int64_t old_fired = have_row ? sql_int(rows[0][1]) : 0;
  std::int64_t fired = old_fired;
  std::optional<Instant> next;
  std::vector<json::object> announce;
  if (ev.clock) {
    const Calendar& cal = *ev.agreement->calendar;
    const SlaTerms& terms = *ev.agreement->terms;
    int k = 0;
    for (const TargetResult* r : {&ev.clock->response, &ev.clock->resolution}) {
      const std::int64_t risk_bit = kBit[k][0], breach_bit = kBit[k][1];
      ++k;
      auto note = [&](const char* what, std::optional<Instant> at) {
        announce.push_back(json::object{{"event", what},
                                        {"target", to_string(r->target)},
                                        {"agreement", ev.agreement->id},
                                        {"priority", r->priority},
                                        {"target_seconds", r->target_seconds},
                                        {"elapsed_seconds", r->elapsed_seconds},
                                        {"at", at ? json::value(format_rfc3339(*at)) : json::value(nullptr)}});
      };
      if (r->breached && !(fired & breach_bit)) {
        fired |= breach_bit;
        note("sla.breached", r->breached_at);
      }
      if (r->at_risk && !(fired & risk_bit)) {
        fired |= risk_bit;
        note("sla.at_risk", r->at_risk_at);
      }
      if (r->state != ClockState::kRunning || r->breached) continue;
      auto consider = [&](Instant at) {
        at = std::max(at, ev.now + 1);  // never due at or before now: the queue always moves on
        if (!next || at < *next) next = at;
      };
      if (!(fired & risk_bit) && !r->at_risk) {
        std::int64_t threshold = (r->target_seconds * terms.at_risk_percent + 99) / 100;
        consider(cal.add_business_seconds(ev.now, std::max<std::int64_t>(threshold - r->elapsed_seconds, 0)));
      }
      if (!(fired & breach_bit))  // breached means elapsed > target: one business second past due
        consider(cal.add_business_seconds(ev.now, std::max<std::int64_t>(r->target_seconds - r->elapsed_seconds + 1, 0)));
    }
  }
  if (fired != old_fired) {
    // Claim the announcements: only the transaction that moves the mask from what it read
    // appends the events.
    std::int64_t n = 0;
    if (have_row) {
      ORDO_ASSIGN(n, c.exec("UPDATE sla_timers SET fired = ?, due_at = ? WHERE record_type = ? AND record_id = ? AND fired = ?",
                            {fired, next ? SqlValue{*next} : SqlValue{}, t.name, id, old_fired}));
    } else {
      ORDO_ASSIGN(n, c.exec("INSERT INTO sla_timers (record_type, record_id, due_at, fired) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (record_type, record_id) DO NOTHING",
                            {t.name, id, next ? SqlValue{*next} : SqlValue{}, fired}));
    }
    if (n != 1) return fired_names;  // another node announced first; its refresh wins
    for (auto& a : announce) {
      std::string action(a["event"].as_string());
      a.erase("event");
      if (on_fired_) ORDO_TRY(on_fired_(c, t, id, action, a));
      ORDO_TRY(append_event(c, {ev.now, 0, "system", t.name, id, action, std::move(a)}));
      fired_names.push_back(std::move(action));
    }
    return fired_names;
  }
  if (have_row ? next != old_due : next.has_value()) {
    ORDO_TRY(c.exec("INSERT INTO sla_timers (record_type, record_id, due_at, fired) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (record_type, record_id) DO UPDATE SET due_at = excluded.due_at",
                    {t.name, id, next ? SqlValue{*next} : SqlValue{}, fired}));
  }
  return fired_names;
}

Result<std::vector<std::string>> SlaEngine::refresh(SqlConn& c, const RecordType& t, std::int64_t id, Instant now) {
  ORDO_ASSIGN(auto rec, find_record(c, t, id));
  if (!rec) {
    ORDO_TRY(c.exec("DELETE FROM sla_timers WHERE record_type = ? AND record_id = ?", {t.name, id}));
    return std::vector<std::string>{};
  }
  ORDO_ASSIGN(SlaEvaluation ev, select_agreement(c, t, *rec, now));
  if (ev.agreement) {
    ORDO_ASSIGN(auto history, load_history(c, t, id));
    run_clock(ev, t, *rec, history);
  }
  json::object changes = column_changes(*rec, ev);
  if (!changes.empty()) {
    json::object values;
    for (auto& [k, v] : changes) values[k] = v.as_array()[1];
    ORDO_TRY(set_derived_fields(c, t, id, values));
  }
  return sync_timers(c, t, id, ev);
}

Result<std::int64_t> SlaEngine::run_due(SqlConn& c, Instant now, std::int64_t limit) {
  std::string sql = "SELECT record_type, record_id FROM sla_timers WHERE due_at <= ? ORDER BY due_at LIMIT ?";
  if (c.backend() == SqlBackend::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
  ORDO_ASSIGN(auto rows, c.query(sql, {now, limit}));
  std::int64_t fired = 0;
  for (const auto& r : rows) {
    const RecordType* t = reg_.by_name(sql_text(r[0]));
    std::int64_t id = sql_int(r[1]);
    if (!t || t->sla_resolved_state.empty()) {
      ORDO_TRY(c.exec("DELETE FROM sla_timers WHERE record_type = ? AND record_id = ?", {sql_text(r[0]), id}));
      continue;
    }
    ORDO_ASSIGN(auto names, refresh(c, *t, id, now));
    fired += static_cast<std::int64_t>(names.size());
  }
  return fired;
}

json::object sla_json(const SlaEvaluation& ev, const std::string& priority) {
  json::object o;
  if (ev.agreement) {
    const auto& a = ev.agreement->record;
    json::object cal{{"id", a.at("calendar")}, {"name", ev.agreement->calendar_name},
                     {"timezone", ev.agreement->calendar->timezone()}};
    o["agreement"] = json::object{{"id", ev.agreement->id}, {"number", a.at("number")}, {"name", a.at("name")},
                                  {"kind", a.at("kind")}, {"calendar", std::move(cal)},
                                  {"at_risk_percent", ev.agreement->terms->at_risk_percent}};
  } else {
    o["agreement"] = nullptr;
  }
  o["priority"] = priority;
  o["evaluated_at"] = format_rfc3339(ev.now);
  json::array targets;
  if (ev.clock) {
    for (const TargetResult* r : {&ev.clock->response, &ev.clock->resolution}) {
      json::object tj = to_json(*r);
      tj["kind"] = tj["target"];
      tj.erase("target");
      targets.push_back(std::move(tj));
    }
  }
  o["targets"] = std::move(targets);
  if (!ev.problem.empty()) o["problem"] = ev.problem;
  return o;
}

}  // namespace ordo
