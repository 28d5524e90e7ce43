// The generic record commands: one implementation for every declared type.
// Each command asks domain/access.h whether the principal may act, then validates (pure,
// domain/validation), then in one transaction checks references, writes the state and
// appends the hash-chained event.
//
// Visibility before permission: a record the caller may not see (another organisation's,
// or a type their role cannot read) is 404 — they may not learn that it exists; a visible
// record they may not change is 403.
#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "domain/access.h"
#include "domain/list_query.h"
#include "domain/validation.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

Error gone(const RecordType& t, std::int64_t id) {
  return not_found("no " + t.name + " with id " + std::to_string(id));
}

bool scoped_type(const RecordType& t) { return t.tenant_field() || t.tenant_is_self; }

}  // namespace

Result<Scope> authorize(const Principal& p, const RecordType& t, Op op, std::string_view to) {
  Decision d = decide(t, p.roles, op, to);
  if (!d.allowed) {
    if (op == Op::kRead) return not_found("no such record type for you: " + t.plural);
    return forbidden("your role may not " +
                     std::string(op == Op::kCreate ? "create" : op == Op::kUpdate ? "change" : "move") + " " +
                     t.plural + (op == Op::kTransition ? " to '" + std::string(to) + "'" : ""));
  }
  return Scope{d.own_org_only && scoped_type(t), d.public_fields_only, p.organisation};
}

namespace {

// The organisation a stored record belongs to (nullopt: none recorded).
std::optional<std::int64_t> record_org(const RecordType& t, const json::object& rec) {
  if (t.tenant_is_self) return rec.at("id").as_int64();
  const FieldDef* f = t.tenant_field();
  if (!f) return std::nullopt;
  const json::value& v = rec.at(f->name);
  if (!v.is_int64()) return std::nullopt;
  return v.as_int64();
}

bool visible(const Scope& s, const RecordType& t, const json::object& rec) {
  if (!s.own_org_only) return true;
  auto org = record_org(t, rec);
  return org && s.organisation && *org == *s.organisation;
}

// Removes internal fields for public-only callers.
json::object present(const Scope& s, const RecordType& t, json::object rec) {
  if (!s.public_only) return rec;
  for (const auto& f : t.fields)
    if (f.is_internal) rec.erase(f.name);
  return rec;
}

// Public-only callers may not write (or filter by) internal fields.
Result<void> check_public_body(const Scope& s, const RecordType& t, const json::object& body) {
  if (!s.public_only) return {};
  std::vector<FieldError> errors;
  for (const auto& [k, v] : body) {
    const FieldDef* f = t.field(k);
    if (f && f->is_internal) errors.push_back({std::string(k), "unknown field"});
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return {};
}

// The table a reference to `target` points into ("user" is not a record type).
Result<std::string> ref_table(const Registry& reg, const std::string& target) {
  if (target == "user") return std::string("users");
  const RecordType* t = reg.by_name(target);
  if (!t) return internal_error("reference to unknown type " + target);
  return t->plural;
}

Result<bool> exists(SqlConn& c, const Registry& reg, const std::string& target, std::int64_t id) {
  ORDO_ASSIGN(std::string table, ref_table(reg, target));
  ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM " + table + " WHERE id = ?", {id}));
  return !rows.empty();
}

// References must name existing records; members must belong to their team.
Result<void> check_refs(SqlConn& c, const Registry& reg, const RecordType& t, const json::object& values,
                        const json::object* only_changed) {
  // The single references this command sets, all checked in one statement (one each was a
  // round trip per reference on PostgreSQL, three for a typical create):
  //   SELECT (SELECT 1 FROM services WHERE id = ?), (SELECT 1 FROM organisations WHERE id = ?)
  std::vector<bool> ref_found;
  {
    std::string sql;
    std::vector<SqlValue> params;
    for (const auto& f : t.fields) {
      const json::value* v = values.if_contains(f.name);
      if (f.kind != FieldKind::kRef || !v || v->is_null() || (only_changed && !only_changed->contains(f.name))) continue;
      ORDO_ASSIGN(std::string table, ref_table(reg, f.ref_target));
      sql += sql.empty() ? "SELECT " : ", ";
      sql += "(SELECT 1 FROM " + table + " WHERE id = ?)";
      params.push_back(v->as_int64());
    }
    if (!sql.empty()) {
      ORDO_ASSIGN(auto rows, c.query(sql, params));
      for (const auto& cell : rows.at(0)) ref_found.push_back(!std::holds_alternative<std::monostate>(cell));
    }
  }
  std::size_t next_ref = 0;  // ref_found is in field order
  std::vector<FieldError> errors;
  for (const auto& f : t.fields) {
    bool changed = !only_changed || only_changed->contains(f.name);
    const json::value* v = values.if_contains(f.name);
    if (!v || v->is_null()) continue;
    if (f.kind == FieldKind::kRef && changed) {
      if (!ref_found.at(next_ref++))
        errors.push_back({f.name, "no " + f.ref_target + " with id " + std::to_string(v->as_int64())});
    } else if (f.kind == FieldKind::kRefList && changed) {
      for (const auto& e : v->as_array()) {
        ORDO_ASSIGN(bool ok, exists(c, reg, f.ref_target, e.as_int64()));
        if (!ok) {
          errors.push_back({f.name, "no " + f.ref_target + " with id " + std::to_string(e.as_int64())});
          break;
        }
      }
    }
    // assignee must be in the assignment group (checked when either changes).
    if (!f.member_of.empty() && (changed || !only_changed || only_changed->contains(f.member_of))) {
      const json::value* team = values.if_contains(f.member_of);
      const RecordType* team_type = reg.by_name("team");
      if (!team || team->is_null() || !team_type) {
        errors.push_back({f.name, "needs " + f.member_of + " to be set"});
        continue;
      }
      ORDO_ASSIGN(auto rec, find_record(c, *team_type, team->as_int64()));
      bool member = false;
      if (rec)
        for (const auto& m : rec->at("members").as_array())
          member = member || m.as_int64() == v->as_int64();
      if (rec && !member) errors.push_back({f.name, "is not a member of the " + f.member_of});
    }
  }
  if (!errors.empty()) return invalid("validation failed", std::move(errors));
  return {};
}

Result<std::optional<std::int64_t>> body_version(const json::object& body) {
  const json::value* v = body.if_contains("version");
  if (!v) return std::optional<std::int64_t>{};
  if (!v->is_int64()) return field_error("version", "must be an integer");
  return std::optional<std::int64_t>{v->as_int64()};
}

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

}  // namespace

Result<json::object> load_visible(SqlConn& c, const RecordType& t, std::int64_t id, const Scope& s) {
  ORDO_ASSIGN(auto found, find_record(c, t, id));
  if (!found || !visible(s, t, *found)) return gone(t, id);
  return std::move(*found);
}

Result<json::object> App::create(const Principal& p, const RecordType& t, const json::object& body) {
  ORDO_ASSIGN(Scope s, authorize(p, t, Op::kCreate));
  ORDO_TRY(check_public_body(s, t, body));
  json::object input = body;
  if (s.own_org_only) {
    const FieldDef* tf = t.tenant_field();
    if (!tf || !s.organisation) return forbidden("you belong to no organisation, so you cannot create " + t.plural);
    const json::value* given = body.if_contains(tf->name);
    if (given && !given->is_null() && !(given->is_int64() && given->as_int64() == *s.organisation))
      return forbidden(tf->name + " must be your own organisation");
    input[tf->name] = *s.organisation;
  }
  Instant now = impl_->clock->now();
  ORDO_ASSIGN(Change ch, validate_create(t, input, now));
  const Registry& reg = *impl_->registry;
  SlaEngine& sla = *impl_->sla;
  const HookTable& hooks = *impl_->hooks;
  ORDO_ASSIGN(json::object rec, impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(check_refs(c, reg, t, ch.values, nullptr));
    WriteContext ctx{c, p, t, 0, "create", nullptr, {}, now};
    ORDO_TRY(hooks.run_before(ctx, ch));
    json::object data{{"values", non_null(ch.values)}};
    if (t.workflow) data["status"] = ch.status;
    std::optional<SlaEvaluation> ev;
    if (!t.sla_resolved_state.empty()) {  // the clock starts with the record
      HistoryEntry created{now, "create", data};
      ORDO_ASSIGN(ev, sla.evaluate(c, t, ch.values, {&created, 1}, now));
      for (auto& [k, v] : SlaEngine::column_changes(ch.values, *ev)) ch.values[k] = v.as_array()[1];
    }
    ORDO_ASSIGN(json::object r, insert_record(c, t, ch, now, p.user_id));
    data["number"] = r.at("number");
    std::int64_t id = r.at("id").as_int64();
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "create", std::move(data)}));
    if (ev) ORDO_TRY(sla.sync_timers(c, t, id, *ev, /*inserted=*/true));
    ctx.id = id;
    ORDO_TRY(hooks.run_after(ctx, ch, r));
    return r;
  }));
  return present(s, t, std::move(rec));
}

Result<json::object> App::get(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(Scope s, authorize(p, t, Op::kRead));
  ORDO_ASSIGN(auto rec, impl_->store->read([&](SqlConn& c) { return load_visible(c, t, id, s); }));
  return present(s, t, std::move(rec));
}

namespace {

// A change the SLA clock reads: status, priority, or what picks the agreement.
bool moves_sla_clock(const Change& ch, bool status_changed) {
  if (status_changed) return true;
  for (const char* f : {"priority", "service", "customer", "reported_at"})
    if (ch.changes.contains(f)) return true;
  return false;
}

// Shared by patch and transition, inside the write transaction: load (visible or 404), check
// the version, let `decide_change` compute the change, write it with its event.
template <class Decide>
Result<json::object> change_in(SqlConn& c, SlaEngine& sla, const HookTable& hooks, const Registry& reg, Instant now,
                               const Principal& p, const RecordType& t, std::int64_t id,
                               std::optional<std::int64_t> expected, const Scope& read_scope,
                               const std::optional<Error>& refused, const char* action, Decide& decide_change) {
  ORDO_ASSIGN(json::object cur, load_visible(c, t, id, read_scope));
  if (refused) return *refused;  // visible but not theirs to change: 403 before anything else
  std::int64_t version = cur.at("version").as_int64();
  if (expected && *expected != version)
    return Error{ErrorKind::kPreconditionFailed,
                 "the record is at version " + std::to_string(version) + ", not " + std::to_string(*expected) +
                     ": reload and retry",
                 {}, {}};
  std::string status = t.workflow ? std::string(cur.at("status").as_string()) : std::string();
  ORDO_ASSIGN(Change ch, decide_change(declared_values(t, cur), status, now));
  bool status_changed = t.workflow && ch.status != status;
  if (ch.changes.empty() && !status_changed) return cur;  // nothing to do
  ORDO_TRY(check_refs(c, reg, t, ch.values, &ch.changes));
  if (!t.workflow) ch.status.clear();
  WriteContext ctx{c, p, t, id, action, &cur, status, now};
  ORDO_TRY(hooks.run_before(ctx, ch));
  json::object data{{"changes", ch.changes}};
  if (status_changed) {
    data["from"] = status;
    data["to"] = ch.status;
  }
  std::optional<SlaEvaluation> ev;
  if (!t.sla_resolved_state.empty() && moves_sla_clock(ch, status_changed)) {
    ORDO_ASSIGN(ev, sla.select_agreement(c, t, ch.values, now));
    if (ev->agreement) {  // no agreement, no clock: the history stays unread
      ORDO_ASSIGN(auto history, SlaEngine::load_history(c, t, id));
      history.push_back({now, action, data});
      SlaEngine::run_clock(*ev, t, ch.values, history);
    }
    for (auto& [k, v] : SlaEngine::column_changes(cur, *ev)) {  // derived: in the row, not in the event
      ch.changes[k] = v;
      ch.values[k] = v.as_array()[1];
    }
  }
  ORDO_ASSIGN(json::object rec, update_record(c, t, id, version, ch, now));
  ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, action, std::move(data)}));
  if (ev) ORDO_TRY(sla.sync_timers(c, t, id, *ev));
  ORDO_TRY(hooks.run_after(ctx, ch, rec));
  return rec;
}

template <class Decide>
Result<json::object> change_record(Store& store, SlaEngine& sla, const HookTable& hooks, const Registry& reg, const Clock& clock, const Principal& p,
                                   const RecordType& t, std::int64_t id, std::optional<std::int64_t> expected,
                                   const Scope& read_scope, const std::optional<Error>& refused, const char* action,
                                   Decide decide_change) {
  Instant now = clock.now();
  return store.write([&](SqlConn& c) -> Result<json::object> {
    return change_in(c, sla, hooks, reg, now, p, t, id, expected, read_scope, refused, action, decide_change);
  });
}

}  // namespace

Result<json::object> transition_in(SqlConn& c, SlaEngine& sla, const HookTable& hooks, const Registry& reg,
                                   const Principal& p, const RecordType& t, std::int64_t id, const json::object& body,
                                   Instant now) {
  ORDO_ASSIGN(Scope rs, authorize(p, t, Op::kRead));
  auto decide_change = [&](const json::object& cur, const std::string& status, Instant at) -> Result<Change> {
    return validate_transition(t, cur, status, body, at);
  };
  return change_in(c, sla, hooks, reg, now, p, t, id, std::nullopt, rs, std::nullopt, "transition", decide_change);
}

Result<json::object> App::patch(const Principal& p, const RecordType& t, std::int64_t id,
                                std::optional<std::int64_t> expected, const json::object& body) {
  ORDO_ASSIGN(Scope rs, authorize(p, t, Op::kRead));
  std::optional<Error> refused;
  if (!decide(t, p.roles, Op::kUpdate).allowed) refused = forbidden("your role may not change " + t.plural);
  ORDO_ASSIGN(auto from_body, body_version(body));
  if (!expected) expected = from_body;
  auto result = change_record(*impl_->store, *impl_->sla, *impl_->hooks, *impl_->registry, *impl_->clock, p, t, id, expected, rs, refused, "update",
                              [&](const json::object& cur, const std::string& status, Instant) -> Result<Change> {
                                ORDO_TRY(check_public_body(rs, t, body));
                                if (!expected)
                                  return field_error("version", "is required: send If-Match: \"N\" or a \"version\" "
                                                                "member with the version you edited");
                                ORDO_ASSIGN(Change ch, validate_patch(t, cur, body));
                                ch.status = status;
                                return ch;
                              });
  if (!result) return result.take_error();
  return present(rs, t, std::move(*result));
}

Result<json::object> App::transition(const Principal& p, const RecordType& t, std::int64_t id,
                                     std::optional<std::int64_t> expected, const json::object& body) {
  ORDO_ASSIGN(Scope rs, authorize(p, t, Op::kRead));
  if (!t.workflow) return not_found(t.plural + " have no workflow");
  ORDO_ASSIGN(auto from_body, body_version(body));
  if (!expected) expected = from_body;
  const json::value* to_v = body.if_contains("to");
  std::string to = to_v && to_v->is_string() ? std::string(to_v->as_string()) : std::string();
  std::optional<Error> refused;
  if (!decide(t, p.roles, Op::kTransition, to).allowed)
    refused = forbidden("your role may not move " + t.plural + (to.empty() ? std::string() : " to '" + to + "'"));
  auto result = change_record(*impl_->store, *impl_->sla, *impl_->hooks, *impl_->registry, *impl_->clock, p, t, id, expected, rs, refused, "transition",
                              [&](const json::object& cur, const std::string& status, Instant now) -> Result<Change> {
                                ORDO_TRY(check_public_body(rs, t, body));
                                return validate_transition(t, cur, status, body, now);
                              });
  if (!result) return result.take_error();
  return present(rs, t, std::move(*result));
}

Result<json::object> App::list(const Principal& p, const RecordType& t, const QueryParams& params) {
  Decision d = decide(t, p.roles, Op::kRead);
  if (!d.allowed) return forbidden("your role may not list " + t.plural);
  Scope s{d.own_org_only && scoped_type(t), d.public_fields_only, p.organisation};
  ORDO_ASSIGN(ListQuery q, parse_list_query(t, params));
  if (s.public_only) {
    std::vector<FieldError> errors;
    for (const auto& f : q.filters)
      if (const FieldDef* fd = t.field(f.column); fd && fd->is_internal) errors.push_back({f.column, "unknown field or parameter"});
    if (const FieldDef* fd = t.field(q.sort_column); fd && fd->is_internal) errors.push_back({"sort", "cannot sort by that"});
    if (!errors.empty()) return invalid("invalid list query", std::move(errors));
  }
  if (s.own_org_only) {
    std::string col = t.tenant_is_self ? "id" : t.tenant_field()->name;
    q.filters.push_back(Filter{col, FilterOp::kEq, {s.organisation ? QueryValue{*s.organisation} : QueryValue{std::int64_t{0}}}});
  }
  ORDO_ASSIGN(json::object page, impl_->store->read([&](SqlConn& c) { return list_records(c, t, q); }));
  if (s.public_only)
    for (auto& item : page.at("items").as_array()) item = present(s, t, std::move(item.as_object()));
  return page;
}

Result<json::object> App::history(const Principal& p, const RecordType& t, std::int64_t id) {
  ORDO_ASSIGN(Scope s, authorize(p, t, Op::kRead));
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_TRY(load_visible(c, t, id, s));
    ORDO_ASSIGN(auto events, events_for(c, t.name, id));
    json::array items;
    items.reserve(events.size());
    for (const auto& e : events) {
      boost::system::error_code ec;
      json::value data = json::parse(e.data, ec);
      if (ec) data = nullptr;
      if (s.public_only && data.is_object()) {  // internal notes and fields never leave the provider
        if (const json::value* in = data.as_object().if_contains("internal"); in && in->is_bool() && in->as_bool())
          continue;
        for (const char* member : {"values", "changes"})
          if (auto* m = data.as_object().if_contains(member); m && m->is_object())
            for (const auto& f : t.fields)
              if (f.is_internal) m->as_object().erase(f.name);
      }
      items.push_back(json::object{{"seq", e.seq},
                                   {"at", format_rfc3339(e.at)},
                                   {"actor", e.actor},
                                   {"actor_id", e.actor_id},
                                   {"action", e.action},
                                   {"data", std::move(data)},
                                   {"hash", e.hash}});
    }
    return json::object{{"items", std::move(items)}};
  });
}

}  // namespace ordo
