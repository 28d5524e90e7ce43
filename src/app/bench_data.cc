#include "app/bench_data.h"
#include "store/schema.h"

#include <array>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "app/sla.h"
#include "domain/bench_profile.h"
#include "domain/calendar.h"
#include "domain/sla_clock.h"
#include "domain/sla_history.h"
#include "domain/validation.h"
#include "store/event_log.h"
#include "store/record_store.h"
#include "store/store.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::array<const char*, 20> kServiceNames{
    "Email",         "ERP",          "Remote access VPN", "Service desk portal", "File shares",
    "Payroll",       "CRM",          "Identity and access", "Telephony",         "Intranet",
    "Data warehouse", "Web shop",    "Printing",          "Backup",              "Video conferencing",
    "HR portal",     "Wi-Fi",        "Document management", "Monitoring",        "Developer platform"};
constexpr std::array<const char*, 16> kSymptoms{
    "cannot log in",       "is very slow",      "returns an error",     "times out",
    "is unavailable",      "shows wrong data",  "crashes on start",     "cannot save changes",
    "sync fails",          "password expired",  "certificate warning",  "missing permissions",
    "report is empty",     "attachment too large", "duplicate entries", "connection drops"};
constexpr std::array<const char*, 8> kWho{"for one user",   "for the finance team", "for all users in Berlin",
                                          "for a VIP",      "since this morning",   "after the update",
                                          "on mobile only", "for new starters"};
constexpr std::array<const char*, 6> kResolutionCodes{"fixed",      "workaround",  "no_fault_found",
                                                      "duplicate",  "user_error",  "not_reproducible"};

struct Prepared {
  std::vector<SqlValue> row;     // every column of the INSERT but the number
  std::vector<NewEvent> events;  // events[0] is the create; record_id and its "number" set when written
  std::optional<SlaEvaluation> timers;  // incidents still open at `now`: their due-queue row
};

struct Setup {
  std::vector<std::int64_t> customers, teams, services;
  std::vector<std::shared_ptr<const AppliedAgreement>> agreement;  // [service * customers + customer]
};

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

Result<std::int64_t> make(App& app, const Principal& sys, const RecordType& t, json::object body) {
  ORDO_ASSIGN(auto rec, app.create(sys, t, body));
  return rec.at("id").as_int64();
}

Result<Setup> set_up(App& app, const BenchDataOptions& o) {
  const Registry& reg = app.registry();
  const Principal sys = app.system_principal();
  const RecordType& org = *reg.by_name("organisation");
  const RecordType& team = *reg.by_name("team");
  const RecordType& cal = *reg.by_name("calendar");
  const RecordType& svc = *reg.by_name("service");
  const RecordType& agr = *reg.by_name("agreement");
  Setup s;
  ORDO_TRY(make(app, sys, org, {{"name", "Bench Service Provider"}, {"kind", "provider"}}));
  for (int i = 0; i < o.customers; ++i) {
    ORDO_ASSIGN(auto id, make(app, sys, org, {{"name", "Customer " + std::to_string(i + 1)}, {"kind", "customer"}}));
    s.customers.push_back(id);
  }
  for (int i = 0; i < o.teams; ++i) {
    ORDO_ASSIGN(auto id, make(app, sys, team, {{"name", "Support team " + std::to_string(i + 1)}}));
    s.teams.push_back(id);
  }
  // The calendars; 24x7 is an agreement without a calendar.
  std::vector<std::optional<std::int64_t>> cal_ids;
  std::vector<std::shared_ptr<const Calendar>> cals;
  for (const auto& bc : bench_calendars()) {
    if (bc.json.empty()) {
      cal_ids.push_back(std::nullopt);
      cals.push_back(std::make_shared<const Calendar>(Calendar::twenty_four_seven()));
      continue;
    }
    json::object body = json::parse(bc.json).as_object();
    ORDO_ASSIGN(Calendar parsed, Calendar::from_json(body));
    cals.push_back(std::make_shared<const Calendar>(std::move(parsed)));
    body["name"] = bc.name;
    ORDO_ASSIGN(auto id, make(app, sys, cal, std::move(body)));
    cal_ids.push_back(id);
  }
  json::array all_customers;
  for (auto id : s.customers) all_customers.push_back(id);
  std::vector<std::size_t> service_cal;
  for (int i = 0; i < o.services; ++i) {
    std::size_t k = bench_service_calendar(i, o.services);
    service_cal.push_back(k);
    std::string name = kServiceNames[static_cast<std::size_t>(i) % kServiceNames.size()];
    if (i >= static_cast<int>(kServiceNames.size())) name += " " + std::to_string(i / kServiceNames.size() + 1);
    json::object body{{"name", name}, {"owner", "Service owner " + std::to_string(i % 7 + 1)},
                      {"customers", all_customers}, {"description", "Benchmark service " + std::to_string(i + 1)}};
    if (cal_ids[k]) body["hours"] = *cal_ids[k];
    ORDO_ASSIGN(auto id, make(app, sys, svc, std::move(body)));
    ORDO_TRY(app.transition(sys, svc, id, std::nullopt, json::object{{"to", "live"}}));
    s.services.push_back(id);
  }
  // Agreements, parsed as the SLA engine would (SlaEngine::applied).
  std::vector<std::vector<std::shared_ptr<const AppliedAgreement>>> per_service(s.services.size());
  auto add_agreement = [&](int service, std::optional<int> customer, bool gold) -> Result<void> {
    std::size_t k = service_cal[static_cast<std::size_t>(service)];
    json::object targets = json::parse(bench_targets_json(gold)).as_object();
    json::object body{{"name", std::string(gold ? "Gold " : "Standard ") + kServiceNames[static_cast<std::size_t>(service) %
                                                                                         kServiceNames.size()] +
                                   (customer ? " for customer " + std::to_string(*customer + 1) : std::string())},
                      {"kind", "sla"},
                      {"service", s.services[static_cast<std::size_t>(service)]},
                      {"targets", targets}};
    if (customer) body["customer"] = s.customers[static_cast<std::size_t>(*customer)];
    if (cal_ids[k]) body["calendar"] = *cal_ids[k];
    ORDO_ASSIGN(auto rec, app.create(sys, agr, body));
    auto a = std::make_shared<AppliedAgreement>();
    a->id = rec.at("id").as_int64();
    a->version = rec.at("version").as_int64();
    a->record = rec;
    ORDO_ASSIGN(SlaTerms terms, SlaTerms::from_json(json::object{{"targets", targets}}));
    a->terms = std::make_shared<const SlaTerms>(std::move(terms));
    a->calendar = cals[k];
    a->calendar_name = bench_calendars()[k].name;
    per_service[static_cast<std::size_t>(service)].push_back(a);
    return {};
  };
  for (int i = 0; i < o.services; ++i) ORDO_TRY(add_agreement(i, std::nullopt, false));
  for (int i = 0; i < std::min(5, o.services); ++i)
    for (int c = 0; c < o.customers; c += 5) ORDO_TRY(add_agreement(i, c, true));
  // The agreement that applies to each (service, customer): pick_agreement, as the engine does.
  s.agreement.resize(s.services.size() * s.customers.size());
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    std::vector<AgreementCandidate> cands;
    for (const auto& a : per_service[i]) {
      const json::value& cust = a->record.at("customer");
      cands.push_back({a->id, cust.is_int64() ? std::optional<std::int64_t>(cust.as_int64()) : std::nullopt, {}, {}});
    }
    for (std::size_t c = 0; c < s.customers.size(); ++c) {
      auto pick = pick_agreement(cands, s.customers[c], 0);
      if (pick) s.agreement[i * s.customers.size() + c] = per_service[i][*pick];
    }
  }
  return s;
}

// One incident, as the app would have written it command by command.
Result<Prepared> prepare(const RecordType& t, const StatusModel& model, const Setup& s, const BenchProfile& prof,
                         std::uint64_t index, Instant now) {
  const IncidentProfile inc = prof.incident(index);
  std::uint64_t h = index * 0x9e3779b97f4a7c15ULL;
  const char* service_name = kServiceNames[static_cast<std::size_t>(inc.service) % kServiceNames.size()];
  std::string title = std::string(service_name) + " " + kSymptoms[(h >> 20) % kSymptoms.size()] + " " +
                      kWho[(h >> 40) % kWho.size()];
  json::object body{{"title", title},
                    {"description", "Reported by phone. " + title + ". Ticket " + std::to_string(index + 1) + "."},
                    {"service", s.services[static_cast<std::size_t>(inc.service)]},
                    {"customer", s.customers[static_cast<std::size_t>(inc.customer)]},
                    {"assignment_group", s.teams[static_cast<std::size_t>(inc.team)]},
                    {"impact", inc.impact},
                    {"urgency", inc.urgency},
                    {"reported_at", format_rfc3339(inc.reported_at)}};
  ORDO_ASSIGN(Change created, validate_create(t, body, inc.reported_at));
  json::object cur = std::move(created.values);
  cur["reassignment_count"] = 0;
  cur["reopen_count"] = 0;
  std::string status = created.status;
  Prepared p;
  std::vector<HistoryEntry> history;
  history.reserve(inc.steps.size() + 1);
  p.events.reserve(inc.steps.size() + 1);
  auto record = [&](Instant at, const char* action, json::object data) {
    history.push_back({at, action, data});
    p.events.push_back({at, 0, "system", t.name, 0, action, std::move(data)});
  };
  record(inc.reported_at, "create", json::object{{"values", non_null(cur)}, {"status", status}});
  std::int64_t version = 1;
  Instant updated = inc.reported_at;
  for (const auto& step : inc.steps) {
    if (step.kind == ProfileStep::Kind::kPublicReply) {
      record(step.at, "reply", json::object{{"public", true}});
      continue;
    }
    Change ch;
    if (step.kind == ProfileStep::Kind::kStatus) {
      json::object tb{{"to", step.status}};
      if (step.status == "resolved") {
        tb["resolution_code"] = kResolutionCodes[(h >> 8) % kResolutionCodes.size()];
        tb["resolution_note"] = "Resolved remotely; confirmed with the caller.";
      }
      ORDO_ASSIGN(ch, validate_transition(t, cur, status, tb, step.at));
    } else {
      json::object pb = step.kind == ProfileStep::Kind::kPriority
                            ? json::object{{"impact", step.impact}, {"urgency", step.urgency}}
                            : json::object{{"assignment_group", s.teams[static_cast<std::size_t>(step.team)]}};
      ORDO_ASSIGN(ch, validate_patch(t, cur, pb));
      ch.status = status;
    }
    const bool moved = ch.status != status;
    if (ch.changes.empty() && !moved) continue;
    // The counters the incident hooks keep (app/incident_process.cc), as they would have.
    auto bump = [&](const char* f) {
      std::int64_t n = cur[f].is_int64() ? cur[f].as_int64() : 0;
      ch.values[f] = n + 1;
      ch.changes[f] = json::array{n, n + 1};
    };
    if (const json::value* g = ch.changes.if_contains("assignment_group");
        g && !g->as_array()[0].is_null() && !g->as_array()[1].is_null())
      bump("reassignment_count");
    if (moved && status == "resolved" && ch.status == "in_progress") bump("reopen_count");
    json::object data{{"changes", ch.changes}};
    if (moved) {
      data["from"] = status;
      data["to"] = ch.status;
    }
    record(step.at, moved ? "transition" : "update", std::move(data));
    cur = std::move(ch.values);
    status = std::move(ch.status);
    ++version;
    updated = step.at;
  }

  // The SLA figures, from the history just written, as of `now`.
  const auto& agreement = s.agreement[static_cast<std::size_t>(inc.service) * s.customers.size() +
                                      static_cast<std::size_t>(inc.customer)];
  std::optional<ClockResult> clock;
  if (agreement) {
    SlaTimeline tl = sla_timeline(history);
    auto r = evaluate_sla_clock(*agreement->calendar, *agreement->terms, model,
                                ClockInput{.reported_at = inc.reported_at, .priority = tl.priority, .status = tl.status,
                                           .timeline = tl.facts, .now = now, .with_segments = false});
    if (!r) return internal_error("bench data: the clock rejected incident " + std::to_string(index) + ": " +
                                  r.error().message);
    clock = std::move(*r);
  }
  for (auto& [k, v] : sla_columns(agreement ? agreement->id : 0, clock ? &*clock : nullptr)) cur[k] = v;
  cur["is_open"] = ticket_is_open(t, status);
  if (agreement && status != "closed" && status != "cancelled")
    p.timers = SlaEvaluation{agreement, std::move(clock), {}, now};

  p.row.reserve(t.fields.size() + 5);
  p.row.push_back(status);
  p.row.push_back(version);
  p.row.push_back(inc.reported_at);
  p.row.push_back(updated);
  p.row.push_back(std::int64_t{0});
  for (const auto& f : t.fields) {
    const json::value* v = cur.if_contains(f.name);
    p.row.push_back(v ? field_to_sql(f, *v) : SqlValue{});
  }
  return p;
}

}  // namespace

Result<BenchDataReport> generate_bench_data(App& app, const BenchDataOptions& o) {
  if (o.incidents < 0 || o.services < 1 || o.customers < 1 || o.teams < 1 || o.batch < 1)
    return invalid("bench data: incidents must be >= 0; services, customers, teams and batch >= 1", {});
  const Registry& reg = app.registry();
  const RecordType& t = *reg.by_name("incident");
  Store& store = app.store();
  const Instant now = o.now ? o.now : app.clock().now();
  ORDO_ASSIGN(auto existing, store.read([&](SqlConn& c) { return c.query("SELECT COUNT(*) FROM incidents"); }));
  if (sql_int(existing.at(0).at(0)) > 0)
    return conflict("the database already has incidents: bench data goes into a fresh one (ordo init)");

  BenchDataReport rep;
  auto t0 = std::chrono::steady_clock::now();
  ORDO_ASSIGN(Setup s, set_up(app, o));
  rep.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<std::int32_t> offsets;
  for (int i = 0; i < o.services; ++i)
    offsets.push_back(bench_calendars()[bench_service_calendar(i, o.services)].utc_offset);
  const BenchProfile prof({.seed = o.seed, .services = o.services, .customers = o.customers, .teams = o.teams,
                           .now = now, .service_utc_offset = offsets});
  const StatusModel model = status_model(t);
  SlaEngine engine(reg);

  std::string cols = "number, status, version, created_at, updated_at, created_by", marks = "?, ?, ?, ?, ?, ?";
  for (const auto& f : t.fields) {
    cols += ", " + f.name;
    marks += ", ?";
  }
  const std::string insert_sql = "INSERT INTO " + t.plural + " (" + cols + ") VALUES (" + marks + ") RETURNING id";

  auto prepare_batch = [&](std::int64_t begin, std::int64_t end) -> Result<std::vector<Prepared>> {
    std::vector<Prepared> out;
    out.reserve(static_cast<std::size_t>(end - begin));
    for (std::int64_t i = begin; i < end; ++i) {
      ORDO_ASSIGN(Prepared p, prepare(t, model, s, prof, static_cast<std::uint64_t>(i), now));
      out.push_back(std::move(p));
    }
    return out;
  };
  auto t1 = std::chrono::steady_clock::now();
  const std::int64_t n = o.incidents;
  // The table is empty (checked above): load it without its secondary and full-text
  // indexes and build those once at the end.
  if (n > 0) ORDO_TRY(store.write([&](SqlConn& c) { return begin_bulk_load(c, t); }));
  std::future<Result<std::vector<Prepared>>> next;
  if (n > 0) next = std::async(std::launch::async, prepare_batch, 0, std::min(o.batch, n));
  for (std::int64_t begin = 0; begin < n; begin += o.batch) {
    const std::int64_t end = std::min(begin + o.batch, n);
    Result<std::vector<Prepared>> batch = next.get();
    if (!batch) return batch.take_error();
    if (end < n) next = std::async(std::launch::async, prepare_batch, end, std::min(end + o.batch, n));
    const auto count = static_cast<std::int64_t>(batch->size());
    ORDO_ASSIGN(auto written, store.write([&](SqlConn& c) -> Result<std::array<std::int64_t, 2>> {
      // Numbers for the whole batch at once (insert_record takes them one at a time).
      ORDO_ASSIGN(auto counter, c.query("INSERT INTO counters (type, next) VALUES (?, ?) ON CONFLICT (type) "
                                        "DO UPDATE SET next = counters.next + excluded.next RETURNING next",
                                        {t.name, count}));
      std::int64_t number = sql_int(counter.at(0).at(0)) - count;
      std::int64_t events = 0, open = 0;
      std::vector<SqlValue> params;
      std::vector<NewEvent> pending;  // events are chained in bulk (append_events)
      for (Prepared& p : *batch) {
        params.clear();
        std::string num = format_number(t.prefix, ++number);
        params.push_back(num);
        for (auto& v : p.row) params.push_back(std::move(v));
        ORDO_ASSIGN(auto ids, c.query(insert_sql, params));
        const std::int64_t id = sql_int(ids.at(0).at(0));
        p.events.front().data["number"] = num;
        for (NewEvent& e : p.events) {
          e.record_id = id;
          pending.push_back(std::move(e));
        }
        events += static_cast<std::int64_t>(p.events.size());
        if (p.timers) {
          // The ticket's history goes into the chain before anything its timers announce.
          ORDO_TRY(append_events(c, pending));
          pending.clear();
          ORDO_ASSIGN(auto fired, engine.sync_timers(c, t, id, *p.timers));
          events += static_cast<std::int64_t>(fired.size());
          ++open;
        }
      }
      ORDO_TRY(append_events(c, pending));
      return std::array<std::int64_t, 2>{events, open};
    }));
    rep.incidents += count;
    rep.events += written[0];
    rep.open += written[1];
    if (o.progress)
      o.progress({rep.incidents, n, std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count()});
  }
  if (n > 0) ORDO_TRY(store.write([&](SqlConn& c) { return finish_bulk_load(c, t); }));
  rep.incident_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  return rep;
}

}  // namespace ordo
