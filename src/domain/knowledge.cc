// Knowledge management (ISO/IEC 20000-1 7.6): knowledge articles.
//
// Workflow, as a table:
//
//   from       -> to
//   draft      -> in_review
//   in_review  -> published, draft (sent back)
//   published  -> draft (a new revision), retired
//   retired    -> draft
//
// Entering in_review or published requires a body; entering published requires review_by
// (the engine also wants it in the future) and stamps published_at. The body is Markdown;
// body_html is its rendering (domain/markdown.h: GFM without raw HTML), derived on every
// write. What the engine keeps (src/app/knowledge.cc): `revision` +1 on each publish,
// `used_to_resolve` +1 for each incident resolved with the article, and the published
// content frozen while published (knowledge.h).
//
// Staff read every article; requesters do not read the type at all: they see published
// articles meant for customers through GET /api/v1/knowledge only.
#include "domain/knowledge.h"

#include <boost/json/value.hpp>

#include "domain/markdown.h"
#include "domain/registry.h"

namespace ordo {

namespace json = boost::json;

Workflow knowledge_workflow() {
  Workflow w;
  w.initial = "draft";
  w.states = {"draft", "in_review", "published", "retired"};
  w.transitions = {
      {"draft", "in_review"},
      {"in_review", "published"}, {"in_review", "draft"},
      {"published", "draft"},     {"published", "retired"},
      {"retired", "draft"},
  };
  w.required_on_enter["in_review"] = {"body"};
  w.required_on_enter["published"] = {"body", "review_by"};
  w.stamp_on_enter["published"] = "published_at";
  return w;
}

RecordType knowledge_article_type() {
  RecordType t{"knowledge_article", "knowledge_articles", "KB", "7.6", "Knowledge article", {}, {}};
  t.add(text("title").required().searchable().max_len(500))
      .add(text("summary").searchable().multiline().max_len(2000))
      .add(text("body").searchable().multiline().max_len(100000).labelled("Body (Markdown)"))
      .add(text("body_html")
               .labelled("Body (rendered)")
               .derived([](const json::object& r) -> json::value {
                 const json::value* b = r.if_contains("body");
                 if (!b || !b->is_string()) return nullptr;
                 return json::string(render_markdown(b->as_string()));
               }))
      .add(text("keywords").searchable().max_len(500))
      .add(ref_list("services", "service").labelled("Services"))
      .add(ref_list("problems", "problem").labelled("Problems"))
      .add(choice("audience", {"internal", "customers"}).indexed().defaults_to(R"("internal")"))
      .add(ref("owner", "user").indexed())
      .add(timestamp("review_by").indexed().labelled("Review by"))
      .add(timestamp("published_at").readonly().indexed())
      .add(integer("revision").readonly().defaults_to("0"))
      .add(integer("used_to_resolve").readonly().indexed().defaults_to("0").labelled("Used to resolve"));
  t.workflow = knowledge_workflow();
  t.policies = process_record_policies(/*requester_may_create=*/false);
  for (auto& pol : t.policies)
    if (pol.role == "requester") pol.read = false;  // GET /api/v1/knowledge is their view
  return t;
}

json::array published_revisions(std::span<const ArticleEvent> events) {
  json::object state;
  std::string status;
  json::array out;
  for (const auto& e : events) {
    if (const json::value* v = e.data.if_contains("values"); v && v->is_object())
      for (const auto& [k, val] : v->as_object()) state[k] = val;
    if (const json::value* s = e.data.if_contains("status"); s && s->is_string()) status = s->as_string();
    if (const json::value* c = e.data.if_contains("changes"); c && c->is_object())
      for (const auto& [k, pair] : c->as_object())
        if (pair.is_array() && pair.as_array().size() == 2) state[k] = pair.as_array()[1];
    const json::value* to = e.data.if_contains("to");
    if (!to || !to->is_string()) continue;
    const bool published = to->as_string() == "published" && status != "published";
    status = to->as_string();
    if (!published) continue;
    const json::value* rev = state.if_contains("revision");
    const json::value* at = state.if_contains("published_at");
    json::object r{{"revision", rev && rev->is_int64() ? rev->as_int64() : static_cast<std::int64_t>(out.size() + 1)},
                   {"published_at", at && at->is_string() ? *at : json::value(format_rfc3339(e.at))},
                   {"published_by", e.actor},
                   {"published_by_id", e.actor_id}};
    for (const char* f : kPublishedContent) {
      const json::value* v = state.if_contains(f);
      r[f] = v ? *v : json::value(nullptr);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ordo
