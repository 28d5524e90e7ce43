// Knowledge management over the API (issue #5, 7.6): articles in Markdown rendered and
// sanitised on the server, the publish workflow with review dates and revisions rebuilt
// from the history, the "used to resolve" counter fed by incident resolutions, the readers'
// view for requesters and staff, and full-text search — on both databases.
#include <algorithm>

#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

std::string S(Instant t) { return format_rfc3339(t); }
json::value T(Instant t) { return json::value(format_rfc3339(t)); }

class Knowledge : public ApiTest {
 protected:
  static std::string path(std::int64_t id) { return "/api/v1/knowledge_articles/" + std::to_string(id); }

  json::object article(const std::string& title, const std::string& body, const std::string& extra = "") {
    json::object b{{"title", title}, {"body", body}};
    if (!extra.empty()) {
      const json::value more = json::parse(extra);
      for (const auto& [k, v] : more.as_object()) b[k] = v;
    }
    return create("knowledge_articles", json::serialize(b));
  }
  // PATCH with the current version as If-Match.
  HttpResponse patch(HttpClient& c, const std::string& target, const json::object& body) {
    const std::string version = std::to_string(c.get(target).json().at("version").as_int64());
    return c.patch(target, json::serialize(body), {{"If-Match", "\"" + version + "\""}});
  }
  HttpResponse move(HttpClient& c, const std::string& target, const std::string& to, json::object extra = {}) {
    extra["to"] = to;
    extra["version"] = c.get(target).json().at("version");
    return c.post(target + "/transitions", json::serialize(extra));
  }
  // draft -> in_review -> published, review in 90 days.
  json::object publish(std::int64_t id) {
    EXPECT_EQ(move(client(), path(id), "in_review").status, 200);
    auto r = move(client(), path(id), "published", {{"review_by", S(clock().now() + 90 * 86400)}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  std::vector<std::string> titles(const HttpResponse& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    const json::value page = r.json();
    for (const auto& i : page.at("items").as_array()) out.emplace_back(i.at("title").as_string());
    std::sort(out.begin(), out.end());
    return out;
  }
  json::object incident(std::int64_t kb) {
    return create("incidents", json::serialize(json::object{{"title", "VPN drops"}, {"impact", 2}, {"urgency", 2},
                                                            {"knowledge_article", kb}}));
  }
  void resolve(std::int64_t incident_id) {
    const std::string p = "/api/v1/incidents/" + std::to_string(incident_id);
    auto cur = client().get(p).json();
    if (cur.at("status") == "new") ASSERT_EQ(move(client(), p, "in_progress").status, 200);
    auto r = move(client(), p, "resolved", {{"resolution_code", "workaround"}, {"resolution_note", "Followed the article."}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_P(Knowledge, BodyIsRenderedAndSanitisedOnTheServer) {
  auto a = article("VPN drops every hour",
                   "# Reconnect\n\n| Setting | Value |\n|---|---|\n| MTU | 1400 |\n\n"
                   "<script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n"
                   "<img src=x onerror=\"alert(1)\">\n\n[click me](javascript:alert(1)) ~~old fix~~\n");
  EXPECT_EQ(a.at("status"), "draft");
  EXPECT_TRUE(a.at("number").as_string().starts_with("KB-"));
  EXPECT_EQ(a.at("revision"), 0);
  EXPECT_EQ(a.at("used_to_resolve"), 0);
  EXPECT_EQ(a.at("audience"), "internal");
  const std::string html(a.at("body_html").as_string());
  EXPECT_NE(html.find("<h1>Reconnect</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>MTU</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<del>old fix</del>"), std::string::npos) << html;
  for (const char* bad : {"<script", "<iframe", "onerror", "href=\"javascript:"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad << " in " << html;
  // The rendering follows every change of the body and is never written by clients.
  auto r = patch(client(), path(a.at("id").as_int64()), {{"body", "plain *text*"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("body_html"), "<p>plain <em>text</em></p>\n");
  r = patch(client(), path(a.at("id").as_int64()), {{"body_html", "<script>x</script>"}});
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_P(Knowledge, PublishingNeedsReviewAndAFutureReviewDate) {
  std::int64_t id = article("Reset a password", "Open the portal.").at("id").as_int64();
  EXPECT_EQ(move(client(), path(id), "published").status, 409);  // review first
  ASSERT_EQ(move(client(), path(id), "in_review").status, 200);
  auto r = move(client(), path(id), "published");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "review_by");
  r = move(client(), path(id), "published", {{"review_by", S(clock().now() - 60)}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "review_by");
  r = move(client(), path(id), "published", {{"review_by", S(clock().now() + 86400)}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("revision"), 1);
  EXPECT_EQ(r.json().at("published_at"), T(clock().now()));
  // Nothing is published without a body either.
  std::int64_t empty = create("knowledge_articles", R"({"title":"Placeholder"})").at("id").as_int64();
  r = move(client(), path(empty), "in_review");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "body");
}

TEST_P(Knowledge, EachPublishIsARevisionRebuiltFromTheHistory) {
  std::int64_t id = article("Printer jams", "Open tray 2.").at("id").as_int64();
  publish(id);
  // While published, what readers see is frozen; review dates and links are not.
  auto r = patch(client(), path(id), {{"body", "Open tray 3."}});
  EXPECT_EQ(r.status, 409) << r.body;
  r = patch(client(), path(id), {{"title", "Printer jams (new)"}});
  EXPECT_EQ(r.status, 409) << r.body;
  r = patch(client(), path(id), {{"audience", "customers"}});
  EXPECT_EQ(r.status, 409) << r.body;
  r = patch(client(), path(id), {{"review_by", S(clock().now() + 200 * 86400)}});
  ASSERT_EQ(r.status, 200) << r.body;
  // A new revision: back to draft, edit, review, publish.
  clock().advance(3600);
  ASSERT_EQ(move(client(), path(id), "draft").status, 200);
  r = patch(client(), path(id), {{"title", "Printer jams on tray 3"}, {"body", "Open **tray 3**."}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto second = publish(id);
  EXPECT_EQ(second.at("revision"), 2);

  r = client().get(path(id) + "/revisions");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value revisions = r.json();
  const auto& items = revisions.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("revision"), 1);
  EXPECT_EQ(items[0].at("title"), "Printer jams");
  EXPECT_EQ(items[0].at("body"), "Open tray 2.");
  EXPECT_EQ(items[0].at("body_html"), "<p>Open tray 2.</p>\n");
  EXPECT_EQ(items[0].at("published_at"), T(kTestStart));
  EXPECT_EQ(items[0].at("published_by"), "admin");
  EXPECT_EQ(items[1].at("revision"), 2);
  EXPECT_EQ(items[1].at("title"), "Printer jams on tray 3");
  EXPECT_EQ(items[1].at("body_html"), "<p>Open <strong>tray 3</strong>.</p>\n");
  EXPECT_EQ(items[1].at("published_at"), T(kTestStart + 3600));
  EXPECT_EQ(client().get("/api/v1/knowledge_articles/999999/revisions").status, 404);
  // Retired articles leave the readers' view.
  ASSERT_EQ(move(client(), path(id), "retired").status, 200);
  EXPECT_TRUE(titles(client().get("/api/v1/knowledge")).empty());
}

TEST_P(Knowledge, UsedToResolveCountsEachIncidentResolvedWithTheArticle) {
  std::int64_t kb = article("VPN drops", "Lower the MTU.").at("id").as_int64();
  publish(kb);
  const std::int64_t version = client().get(path(kb)).json().at("version").as_int64();
  std::int64_t first = incident(kb).at("id").as_int64();
  EXPECT_EQ(client().get(path(kb)).json().at("used_to_resolve"), 0);  // logged, not resolved yet
  resolve(first);
  auto a = client().get(path(kb)).json();
  EXPECT_EQ(a.at("used_to_resolve"), 1);
  EXPECT_EQ(a.at("version"), version);  // an engine count, not an edit of the article
  // Reopened and resolved again: still one incident.
  ASSERT_EQ(move(client(), "/api/v1/incidents/" + std::to_string(first), "in_progress").status, 200);
  resolve(first);
  EXPECT_EQ(client().get(path(kb)).json().at("used_to_resolve"), 1);
  // Named while already resolved counts too.
  std::int64_t second = create("incidents", R"({"title":"VPN again","impact":2,"urgency":2})").at("id").as_int64();
  resolve(second);
  EXPECT_EQ(client().get(path(kb)).json().at("used_to_resolve"), 1);
  auto r = patch(client(), "/api/v1/incidents/" + std::to_string(second), {{"knowledge_article", kb}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(client().get(path(kb)).json().at("used_to_resolve"), 2);
  // The article's history says which incidents; incidents are filterable by article.
  const json::value history = client().get(path(kb) + "/history").json();
  int uses = 0;
  for (const auto& e : history.at("items").as_array())
    if (e.at("action") == "used_to_resolve") ++uses;
  EXPECT_EQ(uses, 2);
  EXPECT_EQ(client().get("/api/v1/incidents?knowledge_article=" + std::to_string(kb)).json().at("items").as_array().size(), 2u);
  EXPECT_EQ(client().get("/api/v1/knowledge_articles?sort=-used_to_resolve&used_to_resolve.gte=2").json().at("items").as_array().size(), 1u);
  // An incident must name an existing article.
  r = client().post("/api/v1/incidents", R"({"title":"x","impact":3,"urgency":3,"knowledge_article":424242})");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_P(Knowledge, ArticlesLinkToServicesAndProblems) {
  std::int64_t problem = create("problems", R"({"title":"VPN gateway drops tunnels","impact":2,"urgency":2})").at("id").as_int64();
  auto a = article("VPN drops", "Lower the MTU.",
                   R"({"services":[)" + std::to_string(service_id()) + R"(],"problems":[)" + std::to_string(problem) + "]}");
  EXPECT_EQ(a.at("problems"), json::value(json::array{problem}));
  EXPECT_EQ(a.at("services"), json::value(json::array{service_id()}));
  EXPECT_EQ(client().post("/api/v1/knowledge_articles", R"({"title":"x","problems":[424242]})").status, 400);
  EXPECT_EQ(client().post("/api/v1/knowledge_articles", R"({"title":"x","services":[424242]})").status, 400);
}

TEST_P(Knowledge, RequestersReadOnlyPublishedCustomerArticles) {
  std::int64_t svc = service_id();
  std::int64_t other_svc = create("services", R"({"name":"Printing"})").at("id").as_int64();
  std::int64_t shared = article("How to reset your password", "Use the self-service page.",
                                R"({"audience":"customers","summary":"Self-service reset","services":[)" + std::to_string(svc) + "]}")
                            .at("id").as_int64();
  std::int64_t internal = article("Password database failover", "Run the failover script.",
                                  R"({"services":[)" + std::to_string(svc) + "]}").at("id").as_int64();
  std::int64_t draft = article("Draft for customers", "Not ready.", R"({"audience":"customers"})").at("id").as_int64();
  publish(shared);
  publish(internal);

  HttpClient portal = user_client("portal_user", {"requester"}, customer_id());
  EXPECT_EQ(titles(portal.get("/api/v1/knowledge")), std::vector<std::string>{"How to reset your password"});
  auto item = portal.get("/api/v1/knowledge").json().at("items").at(0).as_object();
  EXPECT_EQ(item.at("summary"), "Self-service reset");
  EXPECT_EQ(item.at("body_html"), "<p>Use the self-service page.</p>\n");
  EXPECT_EQ(item.at("services"), json::value(json::array{svc}));
  EXPECT_TRUE(item.at("review_by").is_string());
  EXPECT_EQ(item.at("used_to_resolve"), 0);
  for (const char* hidden : {"body", "status", "audience", "owner"}) EXPECT_FALSE(item.contains(hidden)) << hidden;
  EXPECT_EQ(portal.get("/api/v1/knowledge?status=draft").status, 400);
  EXPECT_EQ(portal.get("/api/v1/knowledge?service=" + std::to_string(other_svc)).json().at("items").as_array().size(), 0u);
  EXPECT_EQ(portal.get("/api/v1/knowledge?q=failover").json().at("items").as_array().size(), 0u);
  // Not through the generic routes, not even the customer article.
  for (std::int64_t id : {shared, internal, draft}) {
    EXPECT_EQ(portal.get(path(id)).status, 404);
    EXPECT_EQ(portal.get(path(id) + "/revisions").status, 404);
    EXPECT_EQ(portal.get(path(id) + "/history").status, 404);
  }
  EXPECT_EQ(portal.get("/api/v1/knowledge_articles").status, 403);
  EXPECT_EQ(portal.post("/api/v1/knowledge_articles", R"({"title":"mine"})").status, 403);

  // Staff: every published article by default, other statuses on request, by service.
  HttpClient agent = user_client("agent_one", {"agent"});
  EXPECT_EQ(titles(agent.get("/api/v1/knowledge")),
            (std::vector<std::string>{"How to reset your password", "Password database failover"}));
  EXPECT_EQ(titles(agent.get("/api/v1/knowledge?status=draft")), std::vector<std::string>{"Draft for customers"});
  EXPECT_EQ(agent.get("/api/v1/knowledge").json().at("items").at(0).at("status"), "published");
  EXPECT_EQ(titles(agent.get("/api/v1/knowledge?service=" + std::to_string(svc))),
            (std::vector<std::string>{"How to reset your password", "Password database failover"}));
  EXPECT_TRUE(titles(agent.get("/api/v1/knowledge?service=" + std::to_string(other_svc))).empty());
  // Moving the article to another service moves it in the filter.
  auto r = patch(agent, path(internal), {{"services", json::array{other_svc}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(titles(agent.get("/api/v1/knowledge?service=" + std::to_string(other_svc))),
            std::vector<std::string>{"Password database failover"});
  EXPECT_EQ(agent.get("/api/v1/knowledge?status=bogus").status, 400);
  EXPECT_EQ(agent.get("/api/v1/knowledge?sort=title").status, 400);
  EXPECT_EQ(agent.get("/api/v1/knowledge?service=abc").status, 400);
}

TEST_P(Knowledge, FullTextSearchFindsArticlesByTheirWords) {
  std::int64_t a = article("Outlook keeps asking for a password", "Delete the cached **credentials** in the keychain.",
                           R"({"audience":"customers","keywords":"mfa token"})").at("id").as_int64();
  std::int64_t b = article("Laptop will not boot", "Hold the power button for ten seconds.",
                           R"({"audience":"customers"})").at("id").as_int64();
  publish(a);
  publish(b);
  EXPECT_EQ(titles(client().get("/api/v1/knowledge?q=keychain")), std::vector<std::string>{"Outlook keeps asking for a password"});
  EXPECT_EQ(titles(client().get("/api/v1/knowledge?q=cached%20credentials")), std::vector<std::string>{"Outlook keeps asking for a password"});
  EXPECT_EQ(titles(client().get("/api/v1/knowledge?q=power")), std::vector<std::string>{"Laptop will not boot"});
  EXPECT_EQ(titles(client().get("/api/v1/knowledge?q=mfa")), std::vector<std::string>{"Outlook keeps asking for a password"});
  EXPECT_TRUE(titles(client().get("/api/v1/knowledge?q=printer")).empty());
  HttpClient portal = user_client("reader", {"requester"}, customer_id());
  EXPECT_EQ(titles(portal.get("/api/v1/knowledge?q=button")), std::vector<std::string>{"Laptop will not boot"});
  // The generic list searches the same index.
  EXPECT_EQ(titles(client().get("/api/v1/knowledge_articles?q=keychain")), std::vector<std::string>{"Outlook keeps asking for a password"});
  // Paging through the readers' view.
  auto page = client().get("/api/v1/knowledge?limit=1").json();
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto next = client().get("/api/v1/knowledge?limit=1&cursor=" + std::string(page.at("next_cursor").as_string())).json();
  ASSERT_EQ(next.at("items").as_array().size(), 1u);
  EXPECT_NE(next.at("items").at(0).at("id"), page.at("items").at(0).at("id"));
}

TEST_P(Knowledge, ArticlesPastTheirReviewDateAreTheReviewQueue) {
  std::int64_t due = article("Old VPN client", "Install 4.2.").at("id").as_int64();
  std::int64_t fresh = article("New VPN client", "Install 5.0.").at("id").as_int64();
  ASSERT_EQ(move(client(), path(due), "in_review").status, 200);
  ASSERT_EQ(move(client(), path(due), "published", {{"review_by", S(clock().now() + 10 * 86400)}}).status, 200);
  publish(fresh);  // review in 90 days
  clock().advance(11 * 86400);
  auto queue = client().get("/api/v1/knowledge_articles?status=published&review_by.lt=" + S(clock().now()) + "&sort=review_by");
  EXPECT_EQ(titles(queue), std::vector<std::string>{"Old VPN client"});
}

INSTANTIATE_TEST_SUITE_P(Db, Knowledge, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
