#include "app/bench_data.h"
#include "store/schema.h"

#include <cctype>
#include <array>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
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
// The category of each symptom above (the incident trends group by service and category).
constexpr std::array<const char*, 16> kSymptomCategories{
    "access",   "performance", "software", "performance", "availability", "data",     "software", "software",
    "data",     "access",      "security", "access",      "data",         "software", "data",     "network"};
constexpr int kItemsPerService = 8;  // configuration items: "<service>-01" … "-08"
constexpr std::array<const char*, 8> kWho{"for one user",   "for the finance team", "for all users in Berlin",
                                          "for a VIP",      "since this morning",   "after the update",
                                          "on mobile only", "for new starters"};
constexpr std::array<const char*, 6> kResolutionCodes{"fixed",      "workaround",  "no_fault_found",
                                                      "duplicate",  "user_error",  "not_reproducible"};

// One incident ready for the writer: everything but its id (which the INSERT assigns) is
// computed on a prep thread, including the JSON text of its events, so the writer only binds
// values and chains hashes.
struct Prepared {
  std::string number;                   // INC-…, also row[0]
  std::vector<SqlValue> row;            // every column of the INSERT: number, status, …, the fields
  std::vector<SerializedEvent> events;  // its history, oldest first; record_id set when written
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

// One incident, as the app would have written it command by command. `number` is the one
// the counter will hand out to it (the writer checks).
Result<Prepared> prepare(const RecordType& t, const StatusModel& model, const Setup& s, const BenchProfile& prof,
                         std::uint64_t index, std::string number, Instant now) {
  const IncidentProfile inc = prof.incident(index);
  std::uint64_t h = index * 0x9e3779b97f4a7c15ULL;
  const char* service_name = kServiceNames[static_cast<std::size_t>(inc.service) % kServiceNames.size()];
  const std::size_t symptom = (h >> 20) % kSymptoms.size();
  std::string title = std::string(service_name) + " " + kSymptoms[symptom] + " " + kWho[(h >> 40) % kWho.size()];
  std::string item;  // "Remote access VPN" → "remote-access-vpn-03"
  for (const char* c = service_name; *c; ++c) item += *c == ' ' ? '-' : static_cast<char>(std::tolower(*c));
  const int item_no = static_cast<int>((h >> 52) % kItemsPerService) + 1;
  item += item_no < 10 ? "-0" + std::to_string(item_no) : "-" + std::to_string(item_no);
  json::object body{{"title", title},
                    {"description", "Reported by phone. " + title + ". Ticket " + std::to_string(index + 1) + "."},
                    {"service", s.services[static_cast<std::size_t>(inc.service)]},
                    {"category", kSymptomCategories[symptom]},
                    {"configuration_item", std::move(item)},
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
  p.number = std::move(number);
  std::vector<HistoryEntry> history;
  history.reserve(inc.steps.size() + 1);
  p.events.reserve(inc.steps.size() + 1);
  auto record = [&](Instant at, const char* action, json::object data) {
    p.events.push_back({at, 0, "system", t.name, 0, action, json::serialize(data)});
    history.push_back({at, action, std::move(data)});
  };
  // The create event names the number it was given (app/records.cc), after values and status.
  record(inc.reported_at, "create",
         json::object{{"values", non_null(cur)}, {"status", status}, {"number", p.number}});
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
    json::object data{{"changes", std::move(ch.changes)}};
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

  p.row.reserve(t.fields.size() + 6);
  p.row.push_back(p.number);
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

  // The numbers the counter will hand out: the database is ours alone while we fill it, so
  // incident i gets first_number + i + 1, and prep threads can put it in the create event.
  // Each batch's transaction checks that the counter agrees.
  ORDO_ASSIGN(auto counter, store.read([&](SqlConn& c) {
    return c.query("SELECT next FROM counters WHERE type = ?", {t.name});
  }));
  const std::int64_t first_number = counter.empty() ? 0 : sql_int(counter[0][0]);

  // Multi-row INSERTs of the incident rows, ids assigned by the database and read back with
  // their numbers (RETURNING does not promise the rows in VALUES order).
  std::string cols = "number, status, version, created_at, updated_at, created_by", marks = "?, ?, ?, ?, ?, ?";
  for (const auto& f : t.fields) {
    cols += ", " + f.name;
    marks += ", ?";
  }
  const std::size_t columns = t.fields.size() + 6;
  const std::size_t rows_per_insert = std::max<std::size_t>(1, 999 / columns);  // the oldest SQLite limit
  auto insert_sql = [&](std::size_t rows) {
    std::string sql = "INSERT INTO " + t.plural + " (" + cols + ") VALUES ";
    for (std::size_t i = 0; i < rows; ++i) sql += (i ? ", (" : "(") + marks + ")";
    return sql + " RETURNING id, number";
  };
  const std::string full_insert = insert_sql(rows_per_insert);

  // Prep runs on `threads` threads, each on a contiguous slice of the batch; incident i is a
  // function of (options, i) only, so the data does not depend on the thread count.
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto prepare_range = [&](std::int64_t begin, std::int64_t end, Prepared* out) -> Result<void> {
    for (std::int64_t i = begin; i < end; ++i) {
      ORDO_ASSIGN(out[i - begin], prepare(t, model, s, prof, static_cast<std::uint64_t>(i),
                                          format_number(t.prefix, first_number + i + 1), now));
    }
    return {};
  };
  auto prepare_batch = [&](std::int64_t begin, std::int64_t end) -> Result<std::vector<Prepared>> {
    std::vector<Prepared> out(static_cast<std::size_t>(end - begin));
    const std::int64_t slice = (end - begin + threads - 1) / threads;
    std::vector<std::future<Result<void>>> helpers;
    for (std::int64_t from = begin + slice; from < end; from += slice)
      helpers.push_back(std::async(std::launch::async, prepare_range, from, std::min(from + slice, end),
                                   out.data() + (from - begin)));
    Result<void> mine = prepare_range(begin, std::min(begin + slice, end), out.data());
    for (auto& h : helpers) {  // all joined before `out` can go away
      Result<void> r = h.get();
      if (mine && !r) mine = std::move(r);
    }
    if (!mine) return mine.take_error();
    return out;
  };

  // One batch in one transaction: the rows, then the events in incident order, each open
  // incident's due-queue row (and what it announces) right after that incident's history.
  auto write_batch = [&](SqlConn& c, std::int64_t begin, std::vector<Prepared>& batch)
      -> Result<std::array<std::int64_t, 2>> {
    const auto count = static_cast<std::int64_t>(batch.size());
    ORDO_ASSIGN(auto counter, c.query("INSERT INTO counters (type, next) VALUES (?, ?) ON CONFLICT (type) "
                                      "DO UPDATE SET next = counters.next + excluded.next RETURNING next",
                                      {t.name, count}));
    if (sql_int(counter.at(0).at(0)) != first_number + begin + count)
      return conflict("bench data: another writer numbered incidents meanwhile; bench data needs the database to itself");
    std::vector<std::int64_t> ids(batch.size());
    std::unordered_map<std::string_view, std::size_t> index;  // number -> position in the batch
    std::vector<SqlValue> params;
    for (std::size_t at = 0; at < batch.size(); at += rows_per_insert) {
      const std::size_t rows = std::min(rows_per_insert, batch.size() - at);
      params.clear();
      params.reserve(rows * columns);
      index.clear();
      for (std::size_t i = at; i < at + rows; ++i) {
        index.emplace(batch[i].number, i);
        for (auto& v : batch[i].row) params.push_back(std::move(v));
      }
      ORDO_ASSIGN(auto returned, c.query(rows == rows_per_insert ? full_insert : insert_sql(rows), params));
      if (returned.size() != rows) return internal_error("bench data: the insert returned a wrong number of rows");
      for (const auto& r : returned) ids[index.at(std::get<std::string>(r.at(1)))] = sql_int(r.at(0));
    }
    std::int64_t events = 0, open = 0;
    std::vector<SerializedEvent> pending;  // chained in bulk (append_events)
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Prepared& p = batch[i];
      for (SerializedEvent& e : p.events) {
        e.record_id = ids[i];
        pending.push_back(std::move(e));
      }
      events += static_cast<std::int64_t>(p.events.size());
      if (p.timers) {
        // The ticket's history goes into the chain before anything its timers announce.
        ORDO_TRY(append_events(c, pending));
        pending.clear();
        ORDO_ASSIGN(auto fired, engine.sync_timers(c, t, ids[i], *p.timers, /*inserted=*/true));
        events += static_cast<std::int64_t>(fired.size());
        ++open;
      }
    }
    ORDO_TRY(append_events(c, pending));
    return std::array<std::int64_t, 2>{events, open};
  };

  auto t1 = std::chrono::steady_clock::now();
  const std::int64_t n = o.incidents;
  // The table is empty (checked above): load it without its secondary and full-text
  // indexes and build those once at the end.
  if (n > 0) ORDO_TRY(store.write([&](SqlConn& c) { return begin_bulk_load(c, t); }));
  // Batch k+1 is prepared while the store's writer commits batch k.
  std::future<Result<std::vector<Prepared>>> next;
  if (n > 0) next = std::async(std::launch::async, prepare_batch, 0, std::min(o.batch, n));
  for (std::int64_t begin = 0; begin < n; begin += o.batch) {
    const std::int64_t end = std::min(begin + o.batch, n);
    Result<std::vector<Prepared>> batch = next.get();
    if (!batch) return batch.take_error();
    if (end < n) next = std::async(std::launch::async, prepare_batch, end, std::min(end + o.batch, n));
    ORDO_ASSIGN(auto written, store.write([&](SqlConn& c) { return write_batch(c, begin, *batch); }));
    rep.incidents += end - begin;
    rep.events += written[0];
    rep.open += written[1];
    if (o.progress)
      o.progress({rep.incidents, n, std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count()});
  }
  const auto t2 = std::chrono::steady_clock::now();
  if (n > 0) ORDO_TRY(store.write([&](SqlConn& c) { return finish_bulk_load(c, t); }));
  rep.index_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
  rep.incident_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  return rep;
}

}  // namespace ordo
