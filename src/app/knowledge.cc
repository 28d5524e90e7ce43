// Knowledge management (ISO/IEC 20000-1 7.6): what the generic engine does not know about
// knowledge articles (declared in src/domain/knowledge.cc).
//
//   - revision: +1 each time the article enters `published`; publishing wants review_by in
//     the future. While published, the content readers see (kPublishedContent) is frozen:
//     409, a new revision goes back to draft. Published revisions are rebuilt from the
//     hash-chained history (domain/knowledge.h), not copied into a second table.
//   - used_to_resolve: +1 when an incident enters `resolved` naming the article in its
//     knowledge_article field (or names it while resolved), once per incident
//     (knowledge_article_uses), with a "used_to_resolve" event on the article. Written as an
//     engine field, without a new version of the article.
//   - knowledge_article_services: the article's services as rows, so the portal's service=
//     filter is an index lookup (reference lists are JSON text, not filterable).
//   - GET /api/v1/knowledge: the readers' view. Requesters (and anyone who may not read the
//     type) get published articles for customers only; staff get published ones of any
//     audience, or another status with status=. Full-text search is the type's index (q=).
#include <boost/json.hpp>

#include "app/app_impl.h"
#include "app/hooks.h"
#include "domain/access.h"
#include "domain/knowledge.h"
#include "domain/list_query.h"
#include "store/event_log.h"
#include "store/record_store.h"

namespace ordo {

namespace json = boost::json;

namespace {

Result<void> before_article_write(WriteContext& ctx, Change& ch) {
  if (!ctx.before) return {};
  const bool publishing = ch.status == "published" && ctx.from_status != "published";
  if (ctx.from_status == "published" && ch.status == "published") {
    for (const char* f : kPublishedContent)
      if (ch.changes.contains(f))
        return conflict(std::string("a published article's ") + f +
                        " is what readers see and cannot change: move it back to draft for a new revision "
                        "(POST …/transitions {\"to\":\"draft\"}), edit it, then review and publish it again");
  }
  if (!publishing) return {};
  const json::value* review_by = ch.values.if_contains("review_by");
  if (review_by && review_by->is_string()) {
    auto at = parse_rfc3339(review_by->as_string());
    if (at && *at <= ctx.now)
      return field_error("review_by", "must be in the future to publish: when should this article be reviewed next?");
  }
  const json::value* stored = ctx.before->if_contains("revision");
  const std::int64_t next = int_or_zero(*ctx.before, "revision") + 1;
  ch.values["revision"] = next;
  ch.changes["revision"] = json::array{stored ? *stored : json::value(nullptr), next};
  return {};
}

// Keeps knowledge_article_services equal to the article's services list.
Result<void> sync_services(WriteContext& ctx, const Change& ch) {
  if (ctx.before && !ch.changes.contains("services")) return {};
  ORDO_TRY(ctx.conn.exec("DELETE FROM knowledge_article_services WHERE article = ?", {ctx.id}));
  const json::value* services = ch.values.if_contains("services");
  if (!services || !services->is_array()) return {};
  for (const auto& s : services->as_array())
    ORDO_TRY(ctx.conn.exec("INSERT INTO knowledge_article_services (service, article) VALUES (?, ?) "
                           "ON CONFLICT DO NOTHING",
                           {s.as_int64(), ctx.id}));
  return {};
}

// An incident resolved with `article`: counted once per incident. The caller's transaction
// already holds the event chain lock (the incident's own event), so the read-then-write of
// the counter is serial on both backends.
Result<void> count_use(WriteContext& ctx, const RecordType& article_type, std::int64_t article,
                       const json::object& incident) {
  ORDO_ASSIGN(auto fresh, ctx.conn.query("INSERT INTO knowledge_article_uses (article, incident, at) VALUES (?, ?, ?) "
                                         "ON CONFLICT DO NOTHING RETURNING article",
                                         {article, ctx.id, ctx.now}));
  if (fresh.empty()) return {};  // this incident was counted before (resolved, reopened, resolved again)
  ORDO_ASSIGN(auto rec, find_record(ctx.conn, article_type, article));
  if (!rec) return {};  // check_refs saw it; nothing deletes articles
  const std::int64_t n = int_or_zero(*rec, "used_to_resolve") + 1;
  ORDO_TRY(set_derived_fields(ctx.conn, article_type, article, json::object{{"used_to_resolve", n}}));
  json::object data{{"incident", ctx.id}, {"incident_number", incident.at("number")}, {"used_to_resolve", n}};
  ORDO_TRY(append_event(ctx.conn, {ctx.now, ctx.principal.user_id, ctx.principal.username, article_type.name, article,
                                   "used_to_resolve", std::move(data)}));
  return {};
}

// The fields of the readers' view (GET /api/v1/knowledge).
json::object reader_view(const json::object& a, bool staff) {
  json::object o;
  for (const char* f : {"id", "number", "title", "summary", "keywords", "body_html", "services", "review_by",
                        "published_at", "revision", "used_to_resolve"})
    o[f] = a.at(f);
  if (staff) {
    o["status"] = a.at("status");
    o["audience"] = a.at("audience");
  }
  return o;
}

}  // namespace

void install_knowledge_hooks(HookTable& hooks, const Registry& reg, const AppOptions&) {
  const RecordType* article = reg.by_name("knowledge_article");
  hooks.before("knowledge_article", before_article_write);
  hooks.after("knowledge_article", [](WriteContext& ctx, const Change& ch, json::object&) { return sync_services(ctx, ch); });
  hooks.after("incident", [article](WriteContext& ctx, const Change& ch, json::object& after) -> Result<void> {
    if (ch.status != "resolved") return {};
    if (ctx.from_status == "resolved" && !ch.changes.contains("knowledge_article")) return {};
    const json::value* a = ch.values.if_contains("knowledge_article");
    if (!a || !a->is_int64()) return {};
    return count_use(ctx, *article, a->as_int64(), after);
  });
}

Result<json::object> App::knowledge(const Principal& p, const QueryParams& params) {
  const RecordType& t = *impl_->registry->by_name("knowledge_article");
  // Who may read the type works with every article; everyone else reads what is published
  // for customers.
  const bool staff = decide(t, p.roles, Op::kRead).allowed;
  QueryParams lp;
  std::optional<std::int64_t> service;
  std::string status = "published";
  for (const auto& [k, v] : params) {
    if (k == "q" || k == "limit" || k == "cursor") {
      lp.emplace_back(k, v);
    } else if (k == "service") {
      service = parse_int64(v);
      if (!service || *service <= 0) return field_error("service", "must be a service id");
    } else if (k == "status" && staff) {
      if (!t.workflow->has_state(v)) return field_error("status", "unknown status '" + v + "'");
      status = v;
    } else if (k == "status") {
      return field_error("status", "only published articles are shown to you");
    } else {
      return field_error(k, "unknown parameter (q, service, limit, cursor" + std::string(staff ? ", status)" : ")"));
    }
  }
  lp.emplace_back("status", status);
  if (!staff) lp.emplace_back("audience", "customers");
  lp.emplace_back("sort", "-used_to_resolve");  // the most used first
  ORDO_ASSIGN(ListQuery q, parse_list_query(t, lp));
  ORDO_ASSIGN(json::object page, impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    if (service) {
      ORDO_ASSIGN(auto rows, c.query("SELECT article FROM knowledge_article_services WHERE service = ?", {*service}));
      if (rows.empty()) return json::object{{"items", json::array{}}, {"next_cursor", nullptr}};
      Filter in{"id", FilterOp::kIn, {}};
      for (const auto& r : rows) in.values.push_back(sql_int(r[0]));
      q.filters.push_back(std::move(in));
    }
    return list_records(c, t, q);
  }));
  for (auto& item : page.at("items").as_array()) item = reader_view(item.as_object(), staff);
  return page;
}

Result<json::object> App::knowledge_revisions(const Principal& p, std::int64_t id) {
  const RecordType& t = *impl_->registry->by_name("knowledge_article");
  ORDO_TRY(get(p, t, id));  // visible and readable, or 404
  return impl_->store->read([&](SqlConn& c) -> Result<json::object> {
    ORDO_ASSIGN(auto events, events_for(c, t.name, id));
    std::vector<ArticleEvent> history;
    history.reserve(events.size());
    for (auto& e : events) {
      boost::system::error_code ec;
      json::value data = json::parse(e.data, ec);
      history.push_back({e.at, e.actor_id, std::move(e.actor), std::move(e.action),
                         !ec && data.is_object() ? std::move(data.as_object()) : json::object{}});
    }
    return json::object{{"items", published_revisions(history)}};
  });
}

}  // namespace ordo
