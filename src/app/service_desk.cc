// The service desk's own use cases: the satisfaction survey, queues with live counts and
// the search box across every type (issue #5 "Queues and search", "Customer satisfaction").
#include <algorithm>

#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/conversation.h"
#include "app/hooks.h"
#include "domain/list_query.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

Error forbidden(std::string msg) { return Error{ErrorKind::kForbidden, std::move(msg), {}, {}}; }

// The teams a user is a member of (teams are reference data: a few hundred rows at most).
Result<std::vector<std::int64_t>> teams_of(SqlConn& c, std::int64_t user) {
  ORDO_ASSIGN(auto rows, c.query("SELECT id, members FROM teams WHERE members IS NOT NULL"));
  std::vector<std::int64_t> out;
  for (const auto& r : rows) {
    boost::system::error_code ec;
    json::value members = json::parse(sql_text(r[1]), ec);
    if (ec || !members.is_array()) continue;
    for (const auto& m : members.as_array())
      if (m.is_int64() && m.as_int64() == user) out.push_back(sql_int(r[0]));
  }
  return out;
}

struct QueueDef {
  std::string key, name, kind, query;
  std::optional<std::int64_t> id;  // saved filters
};

}  // namespace

// --- Satisfaction survey ---

Result<json::object> App::answer_survey(const Principal& p, const RecordType& t, std::int64_t id,
                                        const json::object& body) {
  if (!t.field("satisfaction_rating") || !t.workflow) return not_found(t.plural + " have no satisfaction survey");
  std::vector<FieldError> errors;
  std::int64_t rating = 0;
  std::string comment;
  for (const auto& [k, v] : body) {
    if (k == "rating") {
      if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > 5) errors.push_back({"rating", "must be an integer from 1 to 5"});
      else rating = v.as_int64();
    } else if (k == "comment") {
      if (!v.is_string() && !v.is_null()) errors.push_back({"comment", "must be a string"});
      else if (v.is_string()) comment = std::string(v.as_string());
      if (comment.size() > 4000) errors.push_back({"comment", "must be at most 4000 bytes"});
    } else {
      errors.push_back({std::string(k), "unknown field (rating, comment)"});
    }
  }
  if (rating == 0 && errors.empty()) errors.push_back({"rating", "is required"});
  if (!errors.empty()) return invalid("invalid survey answer", std::move(errors));
  Decision d = decide(t, p.roles, Op::kRead);
  if (!d.allowed) return not_found("no such record type for you: " + t.plural);
  const FieldDef* tenant = t.tenant_field();
  const Instant now = impl_->clock->now();
  return impl_->store->write([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto rec, find_record(c, t, id));
    bool mine = rec && tenant && p.organisation && rec->at(tenant->name).is_int64() &&
                rec->at(tenant->name).as_int64() == *p.organisation;
    if (!rec || (d.own_org_only && !mine)) return not_found("no " + t.name + " with id " + std::to_string(id));
    if (is_staff(p) || !mine) return forbidden("the satisfaction survey is answered by the customer who raised the ticket");
    std::string status(rec->at("status").as_string());
    const Workflow& w = *t.workflow;
    bool ended = status == t.sla_resolved_state ||
                 (std::find(w.final_states.begin(), w.final_states.end(), status) != w.final_states.end() &&
                  status != "cancelled");
    if (!ended) return conflict("the survey opens when the ticket is resolved (it is '" + status + "')");
    // Once: the conditional update is the lock (a concurrent second answer matches no row).
    ORDO_ASSIGN(std::int64_t n, c.exec("UPDATE " + t.plural + " SET satisfaction_rating = ?, satisfaction_comment = ?, "
                                       "satisfaction_at = ? WHERE id = ? AND satisfaction_at IS NULL",
                                       {rating, comment.empty() ? SqlValue{} : SqlValue{comment}, now, id}));
    if (n != 1) return conflict("this ticket's survey has already been answered");
    json::object data{{"rating", rating}, {"comment", comment.empty() ? json::value(nullptr) : json::value(comment)}};
    ORDO_TRY(append_event(c, {now, p.user_id, p.username, t.name, id, "survey", data}));
    data["answered_at"] = format_rfc3339(now);
    return data;
  });
}

// --- Queues ---

Result<json::object> App::queues(const Principal& p, const QueryParams& params) {
  if (!is_staff(p)) return forbidden("queues are for the provider's staff; the portal lists your tickets");
  std::string plural = "incidents";
  for (const auto& [k, v] : params) {
    if (k == "type") plural = v;
    else return field_error(k, "unknown parameter (type)");
  }
  const RecordType* t = impl_->registry->by_plural(plural);
  if (!t || t->sla_resolved_state.empty()) return field_error("type", "must name a ticket type's list, e.g. incidents");
  if (!decide(*t, p.roles, Op::kRead).allowed) return not_found("no such record type for you: " + plural);
  const RecordType& filters = *impl_->registry->by_name("saved_filter");

  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto my_teams, teams_of(c, p.user_id));
    // is_open and the composite (…, is_open, sla_due_at, id) indexes make each page an index
    // walk in due order (record_type.h).
    std::vector<QueueDef> defs{
        {"mine", "My open tickets", "default", "assignee=@me&is_open=true&sort=sla_due_at", {}},
        {"unassigned", "Unassigned in my teams", "default",
         "assignee=null&assignment_group.in=@my_teams&is_open=true&sort=sla_due_at", {}},
        {"breached", "Breached", "default", "resolution_breached=true&is_open=true&sort=sla_due_at", {}},
        {"at_risk", "At risk", "default", "sla_at_risk=true&resolution_breached=false&is_open=true&sort=sla_due_at", {}},
    };
    // Saved filters on this list that are the caller's or shared with one of their teams.
    ListQuery q;
    q.limit = kMaxListLimit;
    q.sort_column = "name";
    q.filters.push_back(Filter{"target", FilterOp::kEq, {QueryValue{plural}}});
    ORDO_ASSIGN(json::object saved, list_records(c, filters, q));
    for (const auto& v : saved.at("items").as_array()) {
      const json::object& f = v.as_object();
      const json::value& owner = f.at("owner");
      const json::value& team = f.at("team");
      bool shared = team.is_int64() && std::find(my_teams.begin(), my_teams.end(), team.as_int64()) != my_teams.end();
      bool own = owner.is_int64() && owner.as_int64() == p.user_id && team.is_null();
      if (!shared && !own) continue;
      defs.push_back({"saved:" + std::to_string(f.at("id").as_int64()), std::string(f.at("name").as_string()),
                      shared ? "team" : "personal", std::string(f.at("query").as_string()), f.at("id").as_int64()});
    }
    json::array items;
    for (const auto& d : defs) {
      auto qp = saved_query_params(d.query, p.user_id, my_teams);
      json::object item{{"key", d.key}, {"name", d.name}, {"kind", d.kind}, {"type", plural}};
      if (d.id) item["saved_filter"] = *d.id;
      auto lq = parse_list_query(*t, qp);
      if (!lq) {  // a saved filter the type no longer accepts (a field was removed): shown, not run
        item["error"] = lq.error().message;
        items.push_back(std::move(item));
        continue;
      }
      lq->count = true;
      lq->limit = 1;
      ORDO_ASSIGN(json::object page, list_records(c, *t, *lq));
      std::string expanded;
      for (const auto& [k, v] : qp) expanded += (expanded.empty() ? "" : "&") + k + "=" + v;
      item["query"] = expanded;
      item["count"] = page.at("total");
      items.push_back(std::move(item));
    }
    return json::object{{"items", std::move(items)}};
  });
}

// --- Search ---

Result<json::object> App::search(const Principal& p, const QueryParams& params) {
  std::string q;
  std::int64_t limit = 10;
  std::vector<FieldError> errors;
  for (const auto& [k, v] : params) {
    if (k == "q") q = v;
    else if (k == "limit") {
      limit = parse_int64(v).value_or(0);
      if (limit < 1 || limit > 50) errors.push_back({"limit", "must be 1 to 50 (per type)"});
    } else {
      errors.push_back({k, "unknown parameter (q, limit)"});
    }
  }
  if (q.find_first_not_of(" \t") == std::string::npos) errors.push_back({"q", "is required"});
  if (!errors.empty()) return invalid("invalid search", std::move(errors));
  json::array groups;
  std::int64_t total = 0;
  for (const auto& t : impl_->registry->types()) {
    if (!t.has_searchable() || t.name == "saved_filter" || !decide(t, p.roles, Op::kRead).allowed) continue;
    auto page = list(p, t, {{"q", q}, {"limit", std::to_string(limit)}});
    if (!page) return page.take_error();
    json::array& items = page->at("items").as_array();
    if (items.empty()) continue;
    json::array hits;
    for (auto& v : items) {
      json::object& r = v.as_object();
      json::object hit{{"id", r.at("id")}, {"number", r.at("number")}};
      for (const char* f : {"title", "name", "status", "priority", "updated_at"})
        if (const json::value* x = r.if_contains(f)) hit[f] = *x;
      hits.push_back(std::move(hit));
    }
    total += static_cast<std::int64_t>(hits.size());
    groups.push_back(json::object{{"type", t.name},
                                  {"plural", t.plural},
                                  {"label", t.label},
                                  {"more", !page->at("next_cursor").is_null()},
                                  {"items", std::move(hits)}});
  }
  // Comments: replies (and, for staff, internal notes) on tickets the caller may see. More
  // are fetched than shown, because some may sit on tickets the caller cannot see.
  ORDO_ASSIGN(auto matches, impl_->store->read([&](SqlConn& c) {
    return search_comments(c, q, limit * 4, /*public_only=*/!is_staff(p));
  }));
  json::array comment_hits;
  for (const auto& m : matches) {
    if (static_cast<std::int64_t>(comment_hits.size()) == limit) break;
    const RecordType* t = impl_->registry->by_name(m.record_type);
    if (!t) continue;
    auto ticket = get(p, *t, m.record_id);  // visibility and the type's read policy
    if (!ticket) continue;
    json::object hit{{"comment_id", m.comment_id}, {"internal", m.internal}, {"type", t->name},
                     {"plural", t->plural}, {"id", m.record_id}, {"number", ticket->at("number")}};
    if (const json::value* title = ticket->if_contains("title")) hit["title"] = *title;
    comment_hits.push_back(std::move(hit));
  }
  if (!comment_hits.empty()) {
    total += static_cast<std::int64_t>(comment_hits.size());
    groups.push_back(json::object{{"type", "comment"},
                                  {"plural", "comments"},
                                  {"label", "Comment"},
                                  {"more", matches.size() > comment_hits.size()},
                                  {"items", std::move(comment_hits)}});
  }
  return json::object{{"q", q}, {"total", total}, {"groups", std::move(groups)}};
}

// --- Saved filters: whose they are ---

void install_service_desk_hooks(HookTable& hooks, const Registry&, const AppOptions&) {
  hooks.before("saved_filter", [](WriteContext& ctx, Change& ch) -> Result<void> {
    const Principal& p = ctx.principal;
    if (!ctx.before) {  // a new filter is its creator's unless it is shared with a team
      if (ch.values["owner"].is_null()) ch.values["owner"] = p.user_id;
      return {};
    }
    const json::value& owner = ctx.before->at("owner");
    bool personal = ctx.before->at("team").is_null();
    if (personal && owner.is_int64() && owner.as_int64() != p.user_id && !p.has_role("admin"))
      return forbidden("this is another user's personal filter");
    return {};
  });
}

}  // namespace ordo
