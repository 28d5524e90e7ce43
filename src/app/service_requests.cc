// Service request management (8.6.2): what the generic engine does not know about requests
// and their fulfilment tasks (the types: src/domain/service_request.cc).
//
//   Raising   A request names a catalogue item that is active and offered to the request's
//             organisation (the item's service is live and serves it, as GET
//             /api/v1/catalogue shows). The item fills in the service, the assignment group
//             (its fulfilment group, unless one is given) and the title when none is given.
//             requested_for defaults to the caller when they belong to the organisation and
//             must be one of its users. The request is routed at once: to awaiting_approval
//             with its approver (the item's named approver, or the manager of requested_for)
//             when the item needs approval, otherwise to fulfilling with its first task.
//   Approval  App::decide_approval (POST /api/v1/service_requests/{id}/approval): the
//             approver or an administrator decides once, in awaiting_approval; an "approval"
//             event records who decided what and why, then the request moves to approved and
//             on to fulfilling with its first task, or to rejected. Nobody reaches approved or
//             rejected through the transitions route (403, even administrators). The
//             approver is told (in-app notification) when a request waits for them; the
//             person it is for and whoever raised it, of the decision.
//   Guards    catalogue_item and customer are fixed once raised; a request is fulfilled
//             only when none of its tasks is still open; reassignment_count / reopen_count
//             are kept as for incidents (reopen: fulfilled -> fulfilling).
//   Tasks     are added only to a request being fulfilled (the request's group by default);
//             when the last one ends with at least one done, the request moves to fulfilled;
//             cancelling a request cancels its open tasks.
// Every move a hook or the approval makes (Mover) is a "transition" event of the record
// moved, in the same transaction as what caused it; it runs that record's hooks (so its
// guards hold and its followers are notified; the approval's moves run them with action
// "approval") and the request's SLA clock follows it.
#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "app/notifications.h"
#include "app/sla.h"
#include "domain/access.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

constexpr const char* kRequest = "service_request";
constexpr const char* kTask = "fulfilment_task";

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

std::optional<std::int64_t> id_of(const json::value* v) {
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

bool is_true(const json::value* v) { return v && v->is_bool() && v->as_bool(); }

bool blank(const json::value* v) { return !v || v->is_null() || (v->is_string() && v->as_string().empty()); }

bool contains_id(const json::value& list, std::int64_t id) {
  if (!list.is_array()) return false;
  const auto& a = list.as_array();
  return std::any_of(a.begin(), a.end(), [&](const json::value& v) { return v.is_int64() && v.as_int64() == id; });
}

// Sets an engine-kept field with its change ({field: [old, new]}) for the event.
void set_kept(Change& ch, const json::object& before, std::string_view field, json::value v) {
  const json::value* old = before.if_contains(field);
  json::value ov = old ? *old : json::value(nullptr);
  if (ov != v) ch.changes[field] = json::array{ov, v};
  ch.values[field] = std::move(v);
}

// What routing a request needs to know about a user.
struct UserFacts {
  std::optional<std::int64_t> organisation, manager;
  bool disabled = false, staff = false;
};

Result<std::optional<UserFacts>> user_facts(SqlConn& c, std::int64_t id) {
  ORDO_ASSIGN(auto rows, c.query("SELECT organisation, manager, disabled, roles FROM users WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<UserFacts>{};
  const SqlRow& r = rows[0];
  UserFacts u;
  if (!sql_null(r[0])) u.organisation = sql_int(r[0]);
  if (!sql_null(r[1])) u.manager = sql_int(r[1]);
  u.disabled = sql_int(r[2]) != 0;
  Principal as;
  as.roles = split_roles(sql_text(r[3]));
  u.staff = is_staff(as);
  return std::optional<UserFacts>{std::move(u)};
}

// requested_for must be a user of the request's organisation.
Result<void> check_requested_for(SqlConn& c, std::int64_t user, std::int64_t org) {
  ORDO_ASSIGN(auto u, user_facts(c, user));
  if (!u || u->organisation != org)
    return field_error("requested_for", "must be a user of the request's organisation (" + std::to_string(org) + ")");
  return {};
}

// Whom a request for `item` waits for: the item's named approver, or the manager of the
// person it is for. The approver must be able to act: enabled, and able to see the request
// (staff, or a user of its organisation).
Result<std::int64_t> approver_for(SqlConn& c, const json::object& item, const json::value& requested_for, std::int64_t org) {
  const json::value& by = item.at("approval_by");
  std::optional<std::int64_t> approver;
  if (by == "named") {
    approver = id_of(&item.at("approver"));
    if (!approver) return conflict("catalogue item " + std::string(item.at("number").as_string()) + " names no approver");
  } else {
    if (!requested_for.is_int64())
      return field_error("requested_for", "is required: this item needs the approval of the requester's manager");
    ORDO_ASSIGN(auto u, user_facts(c, requested_for.as_int64()));
    if (!u || !u->manager)
      return field_error("requested_for", "has no manager to approve this request (an administrator sets the user's manager)");
    approver = u->manager;
  }
  ORDO_ASSIGN(auto a, user_facts(c, *approver));
  if (!a || a->disabled) return conflict("the approver (user " + std::to_string(*approver) + ") is disabled or gone");
  if (!a->staff && a->organisation != org)
    return conflict("the approver (user " + std::to_string(*approver) + ") cannot see this organisation's requests");
  return *approver;
}

// A new request: checks the item is offered, fills in what the item decides and routes it.
Result<void> raise_request(const Registry& reg, WriteContext& ctx, Change& ch) {
  SqlConn& c = ctx.conn;
  json::object& v = ch.values;
  const std::int64_t org = v.at("customer").as_int64();
  ORDO_ASSIGN(auto item, find_record(c, *reg.by_name("catalogue_item"), v.at("catalogue_item").as_int64()));
  if (!item) return field_error("catalogue_item", "no such catalogue item");
  if (!is_true(item->if_contains("active")))
    return field_error("catalogue_item", "is no longer active: it cannot be requested");
  ORDO_ASSIGN(auto svc, find_record(c, *reg.by_name("service"), item->at("service").as_int64()));
  if (!svc || svc->at("status") != "live" || !contains_id(svc->at("customers"), org))
    return field_error("catalogue_item", "is not offered to this organisation (see GET /api/v1/catalogue)");
  if (v.at("requested_for").is_null() && ctx.principal.user_id > 0) {  // the caller, when they are the customer's
    ORDO_ASSIGN(auto me, user_facts(c, ctx.principal.user_id));
    if (me && me->organisation == org) v["requested_for"] = ctx.principal.user_id;
  }
  if (v.at("requested_for").is_int64()) ORDO_TRY(check_requested_for(c, v.at("requested_for").as_int64(), org));
  v["service"] = item->at("service");
  if (v.at("assignment_group").is_null()) v["assignment_group"] = item->at("fulfilment_group");
  if (blank(v.if_contains("title"))) v["title"] = item->at("name");
  if (is_true(item->if_contains("approval_required"))) {
    ORDO_ASSIGN(v["approver"], approver_for(c, *item, v.at("requested_for"), org));
    ch.status = "awaiting_approval";
  } else {
    ch.status = "fulfilling";
  }
  return {};
}

// A request that is raised already: the guards and counters of a change to it.
Result<void> change_request(WriteContext& ctx, Change& ch) {
  const std::string& from = ctx.from_status;
  const bool moved = ch.status != from;
  for (const char* fixed : {"catalogue_item", "customer"})
    if (ch.changes.contains(fixed))
      return field_error(fixed, "cannot change once the request is raised: cancel it and raise a new one");
  if (moved && (ch.status == "approved" || ch.status == "rejected") && std::string_view(ctx.action) != "approval")
    return forbidden("only the approver decides, through POST /api/v1/service_requests/" + std::to_string(ctx.id) +
                     "/approval");
  if (ch.changes.contains("requested_for") && ch.values.at("requested_for").is_int64())
    ORDO_TRY(check_requested_for(ctx.conn, ch.values.at("requested_for").as_int64(), ch.values.at("customer").as_int64()));
  if (moved && ch.status == "fulfilled") {
    ORDO_ASSIGN(auto rows, ctx.conn.query("SELECT COUNT(*) FROM fulfilment_tasks WHERE request = ? AND status NOT IN "
                                          "('done', 'cancelled')",
                                          {ctx.id}));
    if (std::int64_t open = sql_int(rows.at(0).at(0)); open > 0)
      return conflict(std::to_string(open) + " fulfilment task(s) of this request are still open: finish or cancel them first");
  }
  return {};  // the counters: install_ticket_counters (incident_process.cc)
}

json::object non_null(const json::object& values) {
  json::object o;
  for (const auto& [k, v] : values)
    if (!v.is_null()) o[k] = v;
  return o;
}

// Writes records inside the caller's transaction as the record commands would — the
// workflow table, stamps, the event, the record's hooks (notifications, these guards), and a
// ticket's SLA figures and timers — for a hook, or the approval, that acts on other records.
struct Mover {
  SqlConn& conn;
  SlaEngine* sla;
  const HookTable* hooks;
  const Principal& actor;
  Instant now;

  static Mover of(const WriteContext& ctx) { return {ctx.conn, ctx.sla, ctx.hooks, ctx.principal, ctx.now}; }

  // Moves `cur` (as stored) to `to`, setting the engine-kept fields `kept` with the move;
  // hooks see `action`. Returns the record as stored.
  Result<json::object> move(const RecordType& t, const json::object& cur, const std::string& to,
                            const json::object& kept = {}, const char* action = "transition") const {
    const std::int64_t id = cur.at("id").as_int64();
    const std::string from(cur.at("status").as_string());
    ORDO_ASSIGN(Change ch, validate_transition(t, declared_values(t, cur), from, json::object{{"to", to}}, now));
    for (const auto& [k, v] : kept) set_kept(ch, cur, k, v);
    WriteContext ctx{conn, actor, t, id, action, &cur, from, now};
    if (hooks) ORDO_TRY(hooks->run_before(ctx, ch));
    ORDO_ASSIGN(json::object rec, update_record(conn, t, id, cur.at("version").as_int64(), ch, now));
    json::object data{{"changes", ch.changes}, {"from", from}, {"to", ch.status}};
    ORDO_TRY(append_event(conn, {now, actor.user_id, actor.username, t.name, id, "transition", std::move(data)}));
    if (sla && !t.sla_resolved_state.empty()) {
      ORDO_TRY(sla->refresh(conn, t, id, now));
      ORDO_ASSIGN(auto fresh, find_record(conn, t, id));
      if (!fresh) return internal_error(t.name + " " + std::to_string(id) + " vanished");
      rec = std::move(*fresh);
    }
    if (hooks) ORDO_TRY(hooks->run_after(ctx, ch, rec));
    return rec;
  }

  // Creates a record of `t` (no SLA clock) from `body`.
  Result<json::object> create(const RecordType& t, const json::object& body) const {
    ORDO_ASSIGN(Change ch, validate_create(t, body, now));
    WriteContext ctx{conn, actor, t, 0, "create", nullptr, {}, now};
    if (hooks) ORDO_TRY(hooks->run_before(ctx, ch));
    ORDO_ASSIGN(json::object rec, insert_record(conn, t, ch, now, actor.user_id));
    ctx.id = rec.at("id").as_int64();
    json::object data{{"values", non_null(ch.values)}, {"status", ch.status}, {"number", rec.at("number")}};
    ORDO_TRY(append_event(conn, {now, actor.user_id, actor.username, t.name, ctx.id, "create", std::move(data)}));
    if (hooks) ORDO_TRY(hooks->run_after(ctx, ch, rec));
    return rec;
  }
};

// The first fulfilment task of a request that has just entered fulfilling: the item's
// instructions, for the request's assignment group.
Result<void> open_first_task(const Registry& reg, const Mover& mv, const json::object& request) {
  ORDO_ASSIGN(auto item, find_record(mv.conn, *reg.by_name("catalogue_item"), request.at("catalogue_item").as_int64()));
  json::object body{{"request", request.at("id")},
                    {"title", request.at("title")},
                    {"assignment_group", request.at("assignment_group")},
                    {"instructions", item ? item->at("fulfilment_instructions") : json::value(nullptr)}};
  ORDO_TRY(mv.create(*reg.by_name(kTask), body));
  return {};
}

// The tasks of a request, as stored.
Result<std::vector<json::object>> tasks_of(SqlConn& c, const Registry& reg, std::int64_t request) {
  ORDO_ASSIGN(auto rows, c.query("SELECT id FROM fulfilment_tasks WHERE request = ? ORDER BY id", {request}));
  std::vector<json::object> out;
  for (const auto& r : rows) {
    ORDO_ASSIGN(auto t, find_record(c, *reg.by_name(kTask), sql_int(r[0])));
    if (t) out.push_back(std::move(*t));
  }
  return out;
}

bool task_ended(const json::object& t) { return t.at("status") == "done" || t.at("status") == "cancelled"; }

// Approval notices (in-app): the approver hears that a request waits for them, the person it
// is for and the one who raised it hear the decision.
Result<void> notify_approval(const WriteContext& ctx, const json::object& request) {
  const std::string label = ticket_label(ctx.type, request) + " (" + std::string(request.at("title").as_string()) + ")";
  const std::string& who = ctx.principal.username;
  std::vector<std::int64_t> to;
  std::string message;
  if (request.at("status") == "awaiting_approval") {
    if (auto a = id_of(request.if_contains("approver"))) to.push_back(*a);
    message = who + " asks for your approval of " + label;
  } else {
    for (const char* f : {"requested_for", "created_by"})
      if (auto u = id_of(request.if_contains(f))) to.push_back(*u);
    const json::value& note = request.at("approval_comment");
    message = who + " " + std::string(request.at("status").as_string()) + " " + label +
              (note.is_string() ? ": " + std::string(note.as_string()) : std::string());
  }
  return notify(ctx.conn, to, {ctx.type.name, ctx.id, "approval", message, ctx.principal.user_id, false, ctx.now});
}

// After a task ended: the request is fulfilled when none is open and at least one is done.
Result<void> fulfil_when_done(const Registry& reg, const WriteContext& ctx, const json::object& task) {
  const RecordType& req_t = *reg.by_name(kRequest);
  ORDO_ASSIGN(auto request, find_record(ctx.conn, req_t, task.at("request").as_int64()));
  if (!request || request->at("status") != "fulfilling") return {};
  ORDO_ASSIGN(auto tasks, tasks_of(ctx.conn, reg, request->at("id").as_int64()));
  const bool all_ended = std::all_of(tasks.begin(), tasks.end(), task_ended);
  const bool any_done = std::any_of(tasks.begin(), tasks.end(), [](const json::object& t) { return t.at("status") == "done"; });
  if (!all_ended || !any_done) return {};
  ORDO_TRY(Mover::of(ctx).move(req_t, *request, "fulfilled"));
  return {};
}

}  // namespace

void install_service_request_hooks(HookTable& hooks, const Registry& reg, const AppOptions&) {
  const Registry* r = &reg;
  hooks.before(kRequest, [r](WriteContext& ctx, Change& ch) -> Result<void> {
    return ctx.before ? change_request(ctx, ch) : raise_request(*r, ctx, ch);
  });
  hooks.after(kRequest, [r](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
    if (ch.status == ctx.from_status) return {};
    if (ch.status == "awaiting_approval" || ch.status == "approved" || ch.status == "rejected")
      return notify_approval(ctx, after);
    // Routed straight to fulfilment, or approved: the work starts.
    if (ch.status == "fulfilling" && (!ctx.before || ctx.from_status == "approved"))
      return open_first_task(*r, Mover::of(ctx), after);
    if (ch.status != "cancelled") return {};
    ORDO_ASSIGN(auto tasks, tasks_of(ctx.conn, *r, ctx.id));  // a withdrawn request needs no more work
    for (const auto& t : tasks)
      if (!task_ended(t)) ORDO_TRY(Mover::of(ctx).move(*r->by_name(kTask), t, "cancelled"));
    return {};
  });
  hooks.before(kTask, [r](WriteContext& ctx, Change& ch) -> Result<void> {
    if (ctx.before) {
      if (ch.changes.contains("request")) return field_error("request", "a task stays with the request it was added to");
      return {};
    }
    ORDO_ASSIGN(auto request, find_record(ctx.conn, *r->by_name(kRequest), ch.values.at("request").as_int64()));
    if (!request) return field_error("request", "no such service request");
    if (request->at("status") != "fulfilling")
      return conflict("tasks are added to a request being fulfilled; " + std::string(request->at("number").as_string()) +
                      " is '" + std::string(request->at("status").as_string()) + "'" +
                      (request->at("status") == "fulfilled" ? " (reopen it first)" : ""));
    if (ch.values.at("assignment_group").is_null()) ch.values["assignment_group"] = request->at("assignment_group");
    return {};
  });
  hooks.after(kTask, [r](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
    if (!ctx.before || ch.status == ctx.from_status || !task_ended(after)) return {};
    return fulfil_when_done(*r, ctx, after);
  });
}

Result<json::object> App::decide_approval(const Principal& p, std::int64_t id, std::optional<std::int64_t> expected,
                                          const json::object& body) {
  const RecordType& t = *impl_->registry->by_name(kRequest);
  std::vector<FieldError> errors;
  std::string decision, comment;
  for (const auto& [k, v] : body) {
    if (k == "decision") {
      if (v != "approve" && v != "reject") errors.push_back({"decision", "must be approve or reject"});
      else decision = std::string(v.as_string());
    } else if (k == "comment") {
      if (!v.is_string() && !v.is_null()) errors.push_back({"comment", "must be a string"});
      else if (v.is_string() && v.as_string().size() > 4000) errors.push_back({"comment", "must be at most 4000 bytes"});
      else if (v.is_string()) comment = std::string(v.as_string());
    } else if (k == "version") {
      if (!v.is_int64()) errors.push_back({"version", "must be an integer"});
      else if (!expected) expected = v.as_int64();
    } else {
      errors.push_back({std::string(k), "unknown field (decision, comment)"});
    }
  }
  if (decision.empty() && !body.contains("decision")) errors.push_back({"decision", "is required: approve or reject"});
  if (decision == "reject" && comment.empty()) errors.push_back({"comment", "is required to reject: tell the requester why"});
  if (!errors.empty()) return invalid("invalid approval", std::move(errors));
  const Decision read = decide(t, p.roles, Op::kRead);
  if (!read.allowed) return not_found("no such record type for you: " + t.plural);
  const Instant now = impl_->clock->now();
  ORDO_ASSIGN(json::object rec, impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto cur, find_record(c, t, id));
    const bool visible = cur && (!read.own_org_only || (p.organisation && id_of(cur->if_contains("customer")) == p.organisation));
    if (!visible) return not_found("no service_request with id " + std::to_string(id));
    const std::optional<std::int64_t> approver = id_of(cur->if_contains("approver"));
    if (!p.has_role("admin") && approver != p.user_id)
      return forbidden("only the request's approver or an administrator decides on it");
    const std::int64_t version = cur->at("version").as_int64();
    if (expected && *expected != version)
      return Error{ErrorKind::kPreconditionFailed,
                   "the record is at version " + std::to_string(version) + ", not " + std::to_string(*expected) +
                       ": reload and retry",
                   {}, {}};
    if (cur->at("status") != "awaiting_approval")
      return conflict("the request is not awaiting approval (it is '" + std::string(cur->at("status").as_string()) +
                      "'): a request is decided once");
    const std::string outcome = decision == "approve" ? "approved" : "rejected";
    const json::value note = comment.empty() ? json::value(nullptr) : json::value(comment);
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "approval",
                              json::object{{"decision", outcome}, {"comment", note},
                                           {"approver", approver ? json::value(*approver) : json::value(nullptr)}}}));
    json::object kept{{"approval_decision", outcome},
                      {"approval_decided_by", p.user_id > 0 ? json::value(p.user_id) : json::value(nullptr)},
                      {"approval_decided_at", format_rfc3339(now)},
                      {"approval_comment", note}};
    const Mover mv{c, impl_->sla.get(), impl_->hooks.get(), p, now};
    ORDO_ASSIGN(json::object moved, mv.move(t, *cur, outcome, kept, "approval"));
    if (outcome == "rejected") return moved;
    return mv.move(t, moved, "fulfilling", {}, "approval");  // its hook opens the first task
  }));
  if (read.public_fields_only)
    for (const auto& f : t.fields)
      if (f.is_internal) rec.erase(f.name);
  return rec;
}

}  // namespace ordo
