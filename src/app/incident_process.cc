// Incident management (8.6.1): what the generic engine does not know about incidents.
//
//   - reassignment_count / reopen_count, kept by the engine (never written by clients):
//     a reassignment is a change of assignment group from one team to another (functional
//     escalation; the first assignment is not one), a reopen is resolved -> in_progress.
//   - Requesters act on their tickets only as customers do: confirm a resolution (resolved
//     -> closed), reopen it (resolved -> in_progress), or hand a ticket that waits for them
//     back (pending_customer -> in_progress).
//   - A major incident (flagged, or of the configured priority) closes only once a
//     post_incident_review names it: 409 otherwise.
//   - Resolved incidents close on their own after IncidentOptions::auto_close_days
//     (App::run_auto_close, run by the scheduler).
#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "app/notifications.h"
#include "app/sla.h"
#include "domain/priority.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

void bump(Change& ch, const json::object& before, const char* field) {
  std::int64_t old = int_or_zero(before, field);
  const json::value* stored = before.if_contains(field);
  ch.values[field] = old + 1;
  ch.changes[field] = json::array{stored ? *stored : json::value(nullptr), old + 1};
}

bool is_major(const json::object& values, const std::string& major_priority) {
  const json::value* flag = values.if_contains("major_incident");
  if (flag && flag->is_bool() && flag->as_bool()) return true;
  const json::value* pr = values.if_contains("priority");
  return !major_priority.empty() && pr && pr->is_string() && pr->as_string() == major_priority;
}

Result<bool> has_review(SqlConn& c, std::int64_t incident) {
  ORDO_ASSIGN(auto rows, c.query("SELECT 1 FROM post_incident_reviews WHERE incident = ? LIMIT 1", {incident}));
  return !rows.empty();
}

}  // namespace

void install_ticket_counters(HookTable& hooks, const Registry& reg) {
  for (const auto& t : reg.types()) {
    if (!t.field("reassignment_count") || !t.field("reopen_count") || !t.workflow) continue;
    const RecordType* type = &t;
    hooks.before(t.name, [type](WriteContext& ctx, Change& ch) -> Result<void> {
      if (!ctx.before) {  // create: the counters start at zero, so "= 0" filters find them
        ch.values["reassignment_count"] = 0;
        ch.values["reopen_count"] = 0;
        return {};
      }
      if (const json::value* g = ch.changes.if_contains("assignment_group")) {
        const json::array& pair = g->as_array();
        if (!pair[0].is_null() && !pair[1].is_null() && pair[0] != pair[1]) bump(ch, *ctx.before, "reassignment_count");
      }
      if (ch.status != ctx.from_status && ctx.from_status == type->sla_resolved_state && ticket_is_open(*type, ch.status))
        bump(ch, *ctx.before, "reopen_count");
      return {};
    });
  }
}

// A site's own priority matrix: the declared derivation uses DESIGN.md's default; when the
// site configured another, this hook re-derives priority from impact and urgency on every
// write that sets them, for every ticket type with the three fields.
void install_priority_matrix(HookTable& hooks, const Registry& reg, const IncidentOptions& o) {
  const auto& m = o.priority_matrix;
  bool is_default = true;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) is_default = is_default && m[i][j] == kDefaultPriorityMatrix[i][j];
  if (is_default) return;
  for (const auto& t : reg.types()) {
    if (!t.field("impact") || !t.field("urgency") || !t.field("priority") || !t.field("priority")->derive) continue;
    hooks.before(t.name, [m](WriteContext& ctx, Change& ch) -> Result<void> {
      const json::value& i = ch.values["impact"];
      const json::value& u = ch.values["urgency"];
      if (!i.is_int64() || !u.is_int64() || i.as_int64() < 1 || i.as_int64() > 3 || u.as_int64() < 1 || u.as_int64() > 3)
        return {};
      json::value want(m[static_cast<std::size_t>(i.as_int64() - 1)][static_cast<std::size_t>(u.as_int64() - 1)]);
      json::value old = ctx.before ? ctx.before->at("priority") : json::value(nullptr);
      ch.values["priority"] = want;
      if (ctx.before) {
        if (old != want) ch.changes["priority"] = json::array{old, want};
        else ch.changes.erase("priority");
      }
      return {};
    });
  }
}

void install_incident_hooks(HookTable& hooks, const Registry& reg, const AppOptions& options) {
  install_priority_matrix(hooks, reg, options.incident);
  const std::string major_priority = options.incident.major_priority;
  install_ticket_counters(hooks, reg);
  hooks.before("incident", [major_priority](WriteContext& ctx, Change& ch) -> Result<void> {
    if (!ctx.before) return {};
    const std::string& from = ctx.from_status;
    const bool moved = ch.status != from;
    if (moved && !is_staff(ctx.principal)) {
      bool customer_move = (from == "resolved" && (ch.status == "closed" || ch.status == "in_progress")) ||
                           (from == "pending_customer" && ch.status == "in_progress");
      if (!customer_move)
        return Error{ErrorKind::kForbidden,
                     "requesters may confirm (close) or reopen a resolved ticket, or answer one that waits for "
                     "them; not move it from '" + from + "' to '" + ch.status + "'",
                     {}, {}};
    }
    if (moved && ch.status == "closed" && is_major(ch.values, major_priority)) {
      ORDO_ASSIGN(bool reviewed, has_review(ctx.conn, ctx.id));
      if (!reviewed)
        return conflict("a major incident closes only after its post-incident review: create a "
                        "post_incident_review for this incident (timeline, root cause summary, actions) first");
    }
    return {};
  });
}

void install_sla_escalation(SlaEngine& sla, const Registry& reg) {
  const RecordType* teams = reg.by_name("team");
  sla.on_fired([teams](SqlConn& c, const RecordType& t, std::int64_t id, const std::string& action,
                       const json::object& data) -> Result<void> {
    ORDO_ASSIGN(auto rec, find_record(c, t, id));
    if (!rec) return {};
    std::vector<std::int64_t> people;
    if (const json::value* a = rec->if_contains("assignee"); a && a->is_int64()) people.push_back(a->as_int64());
    if (const json::value* g = rec->if_contains("assignment_group"); g && g->is_int64()) {
      ORDO_ASSIGN(auto team, find_record(c, *teams, g->as_int64()));
      if (team && team->at("manager").is_int64()) people.push_back(team->at("manager").as_int64());
    }
    if (people.empty()) return {};
    const std::string target(data.at("target").as_string());
    std::string what = action == "sla.breached" ? "breached its " + target + " target"
                                                : "is at risk of breaching its " + target + " target";
    std::string title = rec->if_contains("title") && rec->at("title").is_string() ? std::string(rec->at("title").as_string()) : "";
    Notification n{t.name, id, action, ticket_label(t, *rec) + " " + what + (title.empty() ? "" : ": " + title), 0, true,
                   data.at("at").is_string() ? parse_rfc3339(data.at("at").as_string()).value_or(0) : 0};
    return notify(c, people, n);
  });
}

Result<std::int64_t> App::run_auto_close(std::int64_t limit) {
  const IncidentOptions& o = impl_->options.incident;
  if (o.auto_close_days <= 0) return std::int64_t{0};
  const RecordType* t = impl_->registry->by_name("incident");
  const Instant cutoff = impl_->clock->now() - o.auto_close_days * 86400;
  // Oldest resolutions first; major incidents still waiting for their review are left
  // resolved (closing them would be refused), so they never block the queue.
  ORDO_ASSIGN(auto rows, impl_->store->read([&](SqlConn& c) {
    return c.query("SELECT id FROM incidents WHERE status = 'resolved' AND resolved_at <= ? AND NOT ("
                   "(COALESCE(major_incident, 0) = 1 OR COALESCE(priority, '') = ?) AND NOT EXISTS "
                   "(SELECT 1 FROM post_incident_reviews r WHERE r.incident = incidents.id)) "
                   "ORDER BY resolved_at LIMIT ?",
                   {cutoff, o.major_priority, limit});
  }));
  std::int64_t closed = 0;
  const Principal system = system_principal();
  for (const auto& r : rows) {
    auto res = transition(system, *t, sql_int(r[0]), std::nullopt, json::object{{"to", "closed"}});
    // A requester who reopened it meanwhile wins: the transition is refused, nothing to do.
    if (res) ++closed;
    else if (res.error().kind != ErrorKind::kConflict && res.error().kind != ErrorKind::kNotFound) return res.take_error();
  }
  return closed;
}

}  // namespace ordo
