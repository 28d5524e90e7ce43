// Problem management (ISO/IEC 20000-1 8.6.3): what the generic engine does not know about
// problems and known errors (the types are declared in src/domain/problem.cc).
//
//   - Incidents are linked to a problem through their read-only `problem` field, only here:
//     POST/DELETE /api/v1/problems/{id}/incidents, or by raising a problem from incidents
//     (its `raised_from`, POST /api/v1/problems/from-incidents). Each linked incident gets
//     an update event and a new version; the problem gets one "link" / "unlink" event and
//     its engine-kept incident_count. One transaction for the lot.
//   - A problem entering known_error gets its known_error record (unless it has one);
//     closing or cancelling a problem retires its active known errors.
//   - An incident logged (or moved) by staff on a service or configuration item with active
//     known errors comes back with them ("known_errors": the workarounds to use first).
//   - Trend detection: clusters of similar incidents over a window, as problem candidates.
#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "domain/access.h"
#include "domain/list_query.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxLinked = 500;     // incidents per link request
constexpr std::int64_t kKnownErrorsShown = 20;  // known errors returned with an incident

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

std::string placeholders(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

json::object without_nulls(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

bool is_final(const RecordType& t, const std::string& status) {
  const auto& f = t.workflow->final_states;
  return std::find(f.begin(), f.end(), status) != f.end();
}

// The body member "incidents": 1 to 500 incident ids (duplicates dropped, order kept).
Result<std::vector<std::int64_t>> incident_ids(const json::object& body) {
  const json::value* v = body.if_contains("incidents");
  if (!v || !v->is_array() || v->as_array().empty())
    return field_error("incidents", "is required: a non-empty array of incident ids");
  if (v->as_array().size() > kMaxLinked)
    return field_error("incidents", "has more than " + std::to_string(kMaxLinked) + " entries");
  std::vector<std::int64_t> ids;
  for (const auto& e : v->as_array()) {
    if (!e.is_int64() || e.as_int64() <= 0) return field_error("incidents", "must be an array of incident ids");
    if (std::find(ids.begin(), ids.end(), e.as_int64()) == ids.end()) ids.push_back(e.as_int64());
  }
  return ids;
}

// Sets one incident's `problem` as a patch would: the incident's hooks, a new version, an
// update event.
Result<void> set_incident_problem(SqlConn& c, const HookTable& hooks, const Principal& p, const RecordType& it,
                                  const json::object& cur, json::value problem, Instant now) {
  const std::int64_t id = cur.at("id").as_int64();
  const std::string status(cur.at("status").as_string());
  Change ch;
  ch.values = declared_values(it, cur);
  ch.changes["problem"] = json::array{ch.values["problem"], problem};
  ch.values["problem"] = std::move(problem);
  ch.status = status;
  WriteContext ctx{c, p, it, id, "update", &cur, status, now};
  ORDO_TRY(hooks.run_before(ctx, ch));
  ORDO_ASSIGN(json::object rec, update_record(c, it, id, cur.at("version").as_int64(), ch, now));
  ORDO_TRY(append_event(c, {now, p.user_id, p.username, it.name, id, "update", json::object{{"changes", ch.changes}}}));
  return hooks.run_after(ctx, ch, rec);
}

// Recounts the problem's incidents (indexed) into its read-only incident_count.
Result<std::int64_t> refresh_incident_count(SqlConn& c, const RecordType& pt, const RecordType& it, std::int64_t problem) {
  ORDO_ASSIGN(auto rows, c.query("SELECT COUNT(*) FROM " + it.plural + " WHERE problem = ?", {problem}));
  const std::int64_t n = sql_int(rows.at(0).at(0));
  ORDO_TRY(set_derived_fields(c, pt, problem, json::object{{"incident_count", n}}));
  return n;
}

// Whether the principal may change incidents (linking writes them). Not scoped: requesters
// never get here (problems are invisible to them).
Result<void> may_link(const Principal& p, const RecordType& it) {
  Decision d = decide(it, p.roles, Op::kUpdate);
  if (!d.allowed || d.own_org_only) return forbidden("your role may not change incidents, so it may not link them to problems");
  return {};
}

// Links `ids` to `problem` (its stored record) inside the caller's transaction. Returns the
// ids newly linked and the problem's incident count.
Result<std::pair<json::array, std::int64_t>> link_incidents(SqlConn& c, const HookTable& hooks, const Registry& reg,
                                                            const Principal& p, const json::object& problem,
                                                            const std::vector<std::int64_t>& ids, Instant now) {
  const RecordType& pt = *reg.by_name("problem");
  const RecordType& it = *reg.by_name("incident");
  ORDO_TRY(may_link(p, it));
  const std::int64_t pid = problem.at("id").as_int64();
  const std::string number(problem.at("number").as_string());
  const std::string status(problem.at("status").as_string());
  if (is_final(pt, status)) return conflict(number + " is " + status + ": it takes no more incidents");
  std::vector<json::object> to_link;
  std::vector<FieldError> missing;
  std::string taken;
  for (std::int64_t id : ids) {
    ORDO_ASSIGN(auto inc, find_record(c, it, id));
    if (!inc) {
      missing.push_back({"incidents", "no incident with id " + std::to_string(id)});
      continue;
    }
    const json::value& linked = inc->at("problem");
    if (linked.is_int64() && linked.as_int64() == pid) continue;  // already linked here
    if (linked.is_int64())
      taken += (taken.empty() ? "" : ", ") + std::string(inc->at("number").as_string()) + " (problem id " +
               std::to_string(linked.as_int64()) + ")";
    else
      to_link.push_back(std::move(*inc));
  }
  if (!missing.empty()) return invalid("validation failed", std::move(missing));
  if (!taken.empty()) return conflict("already linked to another problem; unlink them there first: " + taken);
  json::array linked, event_items;
  for (const auto& inc : to_link) {
    ORDO_TRY(set_incident_problem(c, hooks, p, it, inc, pid, now));
    linked.push_back(inc.at("id"));
    event_items.push_back(json::object{{"id", inc.at("id")}, {"number", inc.at("number")}});
  }
  if (!linked.empty())
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, pt.name, pid, "link", json::object{{"incidents", std::move(event_items)}}}));
  ORDO_ASSIGN(std::int64_t count, refresh_incident_count(c, pt, it, pid));
  return std::make_pair(std::move(linked), count);
}

// The known error a problem gets on entering known_error, unless it has one already.
Result<std::optional<json::object>> create_known_error(SqlConn& c, const Registry& reg, const Principal& p,
                                                       std::int64_t problem, const json::object& values, Instant now) {
  const RecordType& ke = *reg.by_name("known_error");
  ORDO_ASSIGN(auto existing, c.query("SELECT 1 FROM " + ke.plural + " WHERE problem = ? LIMIT 1", {problem}));
  if (!existing.empty()) return std::optional<json::object>{};
  json::object body{{"problem", problem}};
  for (const char* f : {"title", "service", "configuration_item", "symptoms", "workaround"}) body[f] = values.at(f);
  ORDO_ASSIGN(Change ch, validate_create(ke, body, now));
  ORDO_ASSIGN(json::object rec, insert_record(c, ke, ch, now, p.user_id));
  json::object data{{"values", without_nulls(ch.values)}, {"status", ch.status}, {"number", rec.at("number")}};
  ORDO_TRY(append_event(c, {now, p.user_id, p.username, ke.name, rec.at("id").as_int64(), "create", std::move(data)}));
  return std::optional<json::object>{json::object{{"id", rec.at("id")}, {"number", rec.at("number")}}};
}

// A closed or cancelled problem's workarounds are no longer offered: its active known
// errors move to retired (a transition event each).
Result<void> retire_known_errors(SqlConn& c, const Registry& reg, const Principal& p, std::int64_t problem, Instant now) {
  const RecordType& ke = *reg.by_name("known_error");
  ORDO_ASSIGN(auto rows, c.query("SELECT id FROM " + ke.plural + " WHERE problem = ? AND status = 'active'", {problem}));
  for (const auto& r : rows) {
    const std::int64_t id = sql_int(r[0]);
    ORDO_ASSIGN(auto cur, find_record(c, ke, id));
    if (!cur) continue;
    ORDO_ASSIGN(Change ch, validate_transition(ke, declared_values(ke, *cur), "active", json::object{{"to", "retired"}}, now));
    ORDO_TRY(update_record(c, ke, id, cur->at("version").as_int64(), ch, now));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, ke.name, id, "transition",
                              json::object{{"changes", ch.changes}, {"from", "active"}, {"to", "retired"}}}));
  }
  return {};
}

// The active known errors on an incident's service or configuration item, newest first: one
// query over the (service, id) and (configuration_item, id) indexes. `status || ''` keeps
// SQLite's planner (no statistics) from walking every active known error by the status
// index instead of the OR of the two narrow lookups.
Result<json::array> known_errors_for(SqlConn& c, const RecordType& ke, const json::value& service, const json::value& ci) {
  const bool by_service = service.is_int64(), by_ci = ci.is_string() && !ci.as_string().empty();
  std::string where = by_service && by_ci ? "service = ? OR configuration_item = ?"
                      : by_service        ? "service = ?"
                                          : "configuration_item = ?";
  std::vector<SqlValue> params;
  if (by_service) params.emplace_back(std::in_place_type<std::int64_t>, service.as_int64());
  if (by_ci) params.emplace_back(std::in_place_type<std::string>, ci.as_string());
  json::array out;
  if (params.empty()) return out;
  params.emplace_back(std::in_place_type<std::int64_t>, kKnownErrorsShown);
  ORDO_ASSIGN(auto rows, c.query("SELECT id, number, title, workaround, problem FROM " + ke.plural + " WHERE (" + where +
                                     ") AND status || '' = 'active' ORDER BY id DESC LIMIT ?",
                                 params));
  for (const auto& r : rows)
    out.push_back(json::object{{"id", sql_int(r[0])}, {"number", sql_text(r[1])}, {"title", sql_text(r[2])},
                               {"workaround", sql_text(r[3])}, {"problem", sql_int(r[4])}});
  return out;
}

}  // namespace

void install_problem_hooks(HookTable& hooks, const Registry& reg, const AppOptions&) {
  const HookTable* table = &hooks;  // constant once installed (hooks.h); links run the incidents' hooks
  const Registry* registry = &reg;
  hooks.before("problem", [](WriteContext& ctx, Change& ch) -> Result<void> {
    if (!ctx.before) {  // create: no incident is linked until the after hook links raised_from
      ch.values["incident_count"] = 0;
      return {};
    }
    if (ch.changes.contains("raised_from"))
      return field_error("raised_from", "is set when the problem is raised; link further incidents with "
                                        "POST /api/v1/problems/{id}/incidents");
    return {};
  });
  hooks.after("problem", [table, registry](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
    if (!ctx.before) {  // raised from incidents: link them in the same transaction
      const json::value& from = ch.values.at("raised_from");
      if (from.is_array() && !from.as_array().empty()) {
        std::vector<std::int64_t> ids;
        for (const auto& v : from.as_array()) ids.push_back(v.as_int64());
        ORDO_ASSIGN(auto res, link_incidents(ctx.conn, *table, *registry, ctx.principal, after, ids, ctx.now));
        after["incident_count"] = res.second;
      }
    }
    if (ch.status == ctx.from_status) return {};
    if (ch.status == "known_error") {
      ORDO_ASSIGN(auto ke, create_known_error(ctx.conn, *registry, ctx.principal, ctx.id, ch.values, ctx.now));
      if (ke) after["known_error"] = std::move(*ke);  // this response only
    } else if (ch.status == "closed" || ch.status == "cancelled") {
      ORDO_TRY(retire_known_errors(ctx.conn, *registry, ctx.principal, ctx.id, ctx.now));
    }
    return {};
  });
  hooks.after("incident", [registry](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
    const RecordType& ke = *registry->by_name("known_error");
    if (!is_staff(ctx.principal) || !decide(ke, ctx.principal.roles, Op::kRead).allowed) return {};
    if (ctx.before && !ch.changes.contains("service") && !ch.changes.contains("configuration_item")) return {};
    ORDO_ASSIGN(json::array found, known_errors_for(ctx.conn, ke, ch.values.at("service"), ch.values.at("configuration_item")));
    if (!found.empty()) after["known_errors"] = std::move(found);
    return {};
  });
}

// --- Linking incidents ---

namespace {

// Loads the problem for `op`: invisible (requesters) or absent → 404, visible but not the
// caller's to change → 403.
Result<json::object> load_problem(SqlConn& c, const Principal& p, const RecordType& pt, std::int64_t id, Op op) {
  if (!decide(pt, p.roles, Op::kRead).allowed) return not_found("no such record type for you: " + pt.plural);
  ORDO_ASSIGN(auto rec, find_record(c, pt, id));
  if (!rec) return not_found("no problem with id " + std::to_string(id));
  if (op != Op::kRead && !decide(pt, p.roles, op).allowed) return forbidden("your role may not change problems");
  return std::move(*rec);
}

}  // namespace

Result<json::object> App::link_problem_incidents(const Principal& p, std::int64_t problem_id, const json::object& body) {
  const Registry& reg = *impl_->registry;
  const HookTable& hooks = *impl_->hooks;
  const Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(json::object problem, load_problem(c, p, *reg.by_name("problem"), problem_id, Op::kUpdate));
    ORDO_ASSIGN(auto ids, incident_ids(body));
    ORDO_ASSIGN(auto res, link_incidents(c, hooks, reg, p, problem, ids, now));
    return json::object{{"linked", std::move(res.first)}, {"incident_count", res.second}};
  });
}

Result<void> App::unlink_problem_incident(const Principal& p, std::int64_t problem_id, std::int64_t incident_id) {
  const Registry& reg = *impl_->registry;
  const HookTable& hooks = *impl_->hooks;
  const Instant now = impl_->clock->now();
  const RecordType& pt = *reg.by_name("problem");
  const RecordType& it = *reg.by_name("incident");
  return impl_->store->write([&](SqlConn& c) -> Result<void> {
    ORDO_ASSIGN(json::object problem, load_problem(c, p, pt, problem_id, Op::kUpdate));
    ORDO_TRY(may_link(p, it));
    ORDO_ASSIGN(auto inc, find_record(c, it, incident_id));
    const json::value* linked = inc ? inc->if_contains("problem") : nullptr;
    if (!linked || !linked->is_int64() || linked->as_int64() != problem_id)
      return not_found("incident " + std::to_string(incident_id) + " is not linked to " +
                       std::string(problem.at("number").as_string()));
    ORDO_TRY(set_incident_problem(c, hooks, p, it, *inc, nullptr, now));
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, pt.name, problem_id, "unlink",
                              json::object{{"incidents", json::array{json::object{{"id", incident_id},
                                                                                  {"number", inc->at("number")}}}}}}));
    ORDO_TRY(refresh_incident_count(c, pt, it, problem_id));
    return {};
  });
}

Result<json::object> App::problem_incidents(const Principal& p, std::int64_t problem_id, const QueryParams& params) {
  const Registry& reg = *impl_->registry;
  ORDO_TRY(impl_->store->read([&](SqlConn& c) { return load_problem(c, p, *reg.by_name("problem"), problem_id, Op::kRead); }));
  QueryParams q = params;
  q.emplace_back("problem", std::to_string(problem_id));
  return list(p, *reg.by_name("incident"), q);
}

Result<json::object> App::problem_from_incidents(const Principal& p, const json::object& body) {
  const RecordType& pt = *impl_->registry->by_name("problem");
  const RecordType& it = *impl_->registry->by_name("incident");
  if (!decide(pt, p.roles, Op::kCreate).allowed) return forbidden("your role may not create problems");  // as POST /problems
  ORDO_TRY(may_link(p, it));
  ORDO_ASSIGN(auto ids, incident_ids(body));
  if (body.contains("raised_from")) return field_error("raised_from", "is set from \"incidents\"");
  std::vector<SqlValue> params(ids.begin(), ids.end());
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query("SELECT id, service, configuration_item, category, impact, urgency FROM " + it.plural +
                       " WHERE id IN (" + placeholders(ids.size()) + ")",
                   params);
  }));
  if (rows.size() != ids.size()) {
    std::vector<FieldError> errors;
    for (std::int64_t id : ids)
      if (std::none_of(rows.begin(), rows.end(), [&](const SqlRow& r) { return sql_int(r[0]) == id; }))
        errors.push_back({"incidents", "no incident with id " + std::to_string(id)});
    return invalid("validation failed", std::move(errors));
  }
  json::object input = body;
  input.erase("incidents");
  // Service, CI and category: the incidents' own when they all share one non-empty value.
  // Impact and urgency: the most severe among them (1 is the highest).
  struct Derived {
    const char* field;
    std::size_t col;
    bool shared;  // else: the minimum
  };
  constexpr Derived kDerived[] = {{"service", 1, true}, {"configuration_item", 2, true}, {"category", 3, true},
                                  {"impact", 4, false}, {"urgency", 5, false}};
  for (const Derived& d : kDerived) {
    if (input.contains(d.field)) continue;
    const SqlValue* pick = nullptr;
    for (const auto& r : rows) {
      const SqlValue& v = r[d.col];
      if (d.shared && (sql_null(v) || (pick && v != *pick))) {
        pick = nullptr;
        break;
      }
      if (!sql_null(v) && (!pick || sql_int(v) < sql_int(*pick))) pick = &v;
    }
    if (!pick) continue;
    if (std::holds_alternative<std::string>(*pick)) input[d.field] = sql_text(*pick);
    else input[d.field] = sql_int(*pick);
  }
  json::array from;
  for (std::int64_t id : ids) from.push_back(id);
  input["raised_from"] = std::move(from);
  return create(p, pt, input);
}

// --- Trend detection ---

namespace {

struct TrendQuery {
  Instant from = 0, to = 0;
  std::int64_t min_count = 5, sample = 20, limit = 100;
  std::string by = "service_category";
};

Result<TrendQuery> parse_trend_query(const QueryParams& params, Instant now) {
  TrendQuery q;
  std::optional<Instant> from, to;
  std::vector<FieldError> errors;
  auto bounded = [&](const std::string& k, const std::string& v, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    auto n = parse_int64(v);
    if (!n || *n < lo || *n > hi) errors.push_back({k, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi)});
    else out = *n;
  };
  for (const auto& [k, v] : params) {
    if (k == "from" || k == "to") {
      auto t = parse_rfc3339(v);
      if (!t) errors.push_back({k, "must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z"});
      (k == "from" ? from : to) = t;
    } else if (k == "by") {
      if (v != "service_category" && v != "configuration_item")
        errors.push_back({k, "must be service_category or configuration_item"});
      q.by = v;
    } else if (k == "min_count") {
      bounded(k, v, 1, 1000000, q.min_count);
    } else if (k == "sample") {
      bounded(k, v, 0, 100, q.sample);
    } else if (k == "limit") {
      bounded(k, v, 1, 1000, q.limit);
    } else {
      errors.push_back({k, "unknown parameter (from, to, by, min_count, sample, limit)"});
    }
  }
  q.from = from.value_or(now - 30 * 86400);
  q.to = to.value_or(now);
  if (errors.empty() && q.to <= q.from) errors.push_back({"to", "must be after from"});
  if (!errors.empty()) return invalid("invalid trend query", std::move(errors));
  return q;
}

}  // namespace

// Two steps in one read: `top` aggregates the window per cluster key and keeps the largest
// clusters at or above the threshold; then each cluster's newest `sample` incidents, one
// indexed query per cluster (at most `limit`, 1000).
//
// Both read the covering index of the grouping (record_type.h): trend_service (service,
// category, reported_at, problem) or trend_item (configuration_item, reported_at, problem).
// The aggregate walks it in group order (no sort, no row lookups; the whole report takes
// ~0.4 s for a year of 1M incidents, where the reported_at index needed a lookup per
// incident, 3.6 s), and a
// sample is a seek to its cluster's newest entry. The former single statement numbered every
// incident of the window per cluster (ROW_NUMBER) to keep 20 of each: 8.6 s on 1M.
Result<json::object> App::incident_trends(const Principal& p, const QueryParams& params) {
  const RecordType& it = *impl_->registry->by_name("incident");
  if (!is_staff(p) || !decide(it, p.roles, Op::kRead).allowed)
    return forbidden("incident trends are for the provider's staff who read incidents");
  const Instant now = impl_->clock->now();
  ORDO_ASSIGN(TrendQuery q, parse_trend_query(params, now));
  const bool by_service = q.by == "service_category";
  const std::vector<std::string> keys = by_service ? std::vector<std::string>{"service", "category"}
                                                   : std::vector<std::string>{"configuration_item"};
  const std::size_t nk = keys.size();
  std::string top_keys, group, not_null, order, same_key;
  for (std::size_t k = 0; k < nk; ++k) {
    const std::string col = "i." + keys[k], alias = "k" + std::to_string(k);
    top_keys += col + " AS " + alias + ", ";
    group += (k ? ", " : "") + col;
    not_null += " AND " + col + " IS NOT NULL";
    order += ", " + alias;
    same_key += col + " = ? AND ";
  }
  const std::string& T = it.plural;
  std::string source = T + " i";
  if (const CoveringIndex* ci = covering_index(it, by_service ? "trend_service" : "trend_item");
      ci && impl_->store->backend() == SqlBackend::kSqlite)
    source += " INDEXED BY " + covering_index_name(it, *ci);
  std::string top_sql =
      "SELECT " + top_keys +
      "COUNT(*) AS n, MIN(i.reported_at) AS first_at, MAX(i.reported_at) AS last_at, COUNT(i.problem) AS linked FROM " +
      source + " WHERE i.reported_at >= ? AND i.reported_at < ?" + not_null + " GROUP BY " + group +
      " HAVING COUNT(*) >= ? ORDER BY n DESC, last_at DESC" + order + " LIMIT ?";
  if (by_service)  // the service's name as column 6
    top_sql = "SELECT top.k0, top.k1, top.n, top.first_at, top.last_at, top.linked, sv.name FROM (" + top_sql +
              ") top LEFT JOIN services sv ON sv.id = top.k0 ORDER BY top.n DESC, top.last_at DESC, top.k0, top.k1";
  const std::string sample_sql = "SELECT i.id, i.number, i.problem FROM " + source + " WHERE " + same_key +
                                 "i.reported_at >= ? AND i.reported_at < ? ORDER BY i.reported_at DESC, i.id DESC LIMIT ?";
  struct Cluster {
    SqlRow top;
    SqlRows sample;
  };
  ORDO_ASSIGN(auto found, impl_->store->read([&](SqlConn& c) -> Result<std::vector<Cluster>> {
    ORDO_ASSIGN(auto tops, c.query(top_sql, {q.from, q.to, q.min_count, q.limit}));
    std::vector<Cluster> out;
    out.reserve(tops.size());
    for (auto& t : tops) {
      Cluster cl{std::move(t), {}};
      if (q.sample > 0) {
        std::vector<SqlValue> sp(cl.top.begin(), cl.top.begin() + static_cast<std::ptrdiff_t>(nk));
        sp.insert(sp.end(), {q.from, q.to, q.sample});
        ORDO_ASSIGN(cl.sample, c.query(sample_sql, sp));
      }
      out.push_back(std::move(cl));
    }
    return out;
  }));

  json::array clusters;
  for (const auto& [r, sample] : found) {
    const std::int64_t n = sql_int(r[nk]), linked = sql_int(r[nk + 3]);
    json::object cl, filters;
    if (by_service) {
      cl["service"] = json::object{{"id", sql_int(r[0])},
                                   {"name", sql_null(r[nk + 4]) ? json::value(nullptr) : json::value(sql_text(r[nk + 4]))}};
      cl["category"] = sql_text(r[1]);
      filters = json::object{{"service", sql_int(r[0])}, {"category", sql_text(r[1])}};
    } else {
      cl["configuration_item"] = sql_text(r[0]);
      filters = json::object{{"configuration_item", sql_text(r[0])}};
    }
    filters["reported_at.gte"] = format_rfc3339(q.from);
    filters["reported_at.lt"] = format_rfc3339(q.to);
    cl["count"] = n;
    cl["first_reported_at"] = format_rfc3339(sql_int(r[nk + 1]));
    cl["last_reported_at"] = format_rfc3339(sql_int(r[nk + 2]));
    cl["linked_to_problem"] = linked;
    cl["unlinked"] = n - linked;
    json::array smp;
    for (const auto& x : sample)
      smp.push_back(json::object{{"id", sql_int(x[0])}, {"number", sql_text(x[1])},
                                 {"problem", sql_null(x[2]) ? json::value(nullptr) : json::value(sql_int(x[2]))}});
    cl["sample"] = std::move(smp);
    cl["filters"] = std::move(filters);  // GET /api/v1/incidents?<filters> lists the whole cluster
    clusters.push_back(std::move(cl));
  }
  return json::object{{"by", q.by},
                      {"from", format_rfc3339(q.from)},
                      {"to", format_rfc3339(q.to)},
                      {"min_count", q.min_count},
                      {"generated_at", format_rfc3339(now)},
                      {"clusters", std::move(clusters)}};
}

}  // namespace ordo
