#include "domain/knowledge.h"

#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "domain/registry.h"
#include "domain/validation.h"

namespace ordo {
namespace {

namespace json = boost::json;

ArticleEvent ev(Instant at, std::string actor, std::string action, std::string data) {
  return {at, actor == "alice" ? 2 : 3, std::move(actor), std::move(action), json::parse(data).as_object()};
}

TEST(KnowledgeArticle, BodyHtmlIsDerivedAndSanitised) {
  const RecordType t = knowledge_article_type();
  auto ch = validate_create(t, json::parse(R"j({"title":"VPN","body":"# Fix\n<script>x()</script>\n[a](javascript:x())"})j").as_object(), 0);
  ASSERT_TRUE(ch) << ch.error().message;
  const std::string html(ch->values.at("body_html").as_string());
  EXPECT_NE(html.find("<h1>Fix</h1>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_EQ(ch->values.at("audience"), "internal");
  EXPECT_EQ(ch->values.at("revision"), 0);
  EXPECT_EQ(ch->status, "draft");
  // Clients cannot write the rendering, the counters or the stamp.
  for (const char* f : {"body_html", "revision", "used_to_resolve", "published_at"}) {
    json::object body{{"title", "x"}, {f, f == std::string("published_at") ? json::value("2026-01-01T00:00:00Z") : json::value(1)}};
    EXPECT_FALSE(validate_create(t, body, 0)) << f;
  }
}

TEST(KnowledgeArticle, PublishingNeedsBodyAndReviewDate) {
  const RecordType t = knowledge_article_type();
  json::object cur = validate_create(t, json::parse(R"({"title":"VPN","body":"text"})").as_object(), 0)->values;
  auto e = validate_transition(t, cur, "in_review", json::parse(R"({"to":"published"})").as_object(), 100);
  ASSERT_FALSE(e);
  ASSERT_EQ(e.error().fields.size(), 1u);
  EXPECT_EQ(e.error().fields[0].field, "review_by");
  auto ok = validate_transition(t, cur, "in_review", json::parse(R"({"to":"published","review_by":"2027-01-01T00:00:00Z"})").as_object(), 100);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->values.at("published_at"), json::value(format_rfc3339(100)));
  EXPECT_FALSE(validate_transition(t, cur, "draft", json::parse(R"({"to":"published"})").as_object(), 100));  // review first
}

TEST(PublishedRevisions, RebuildsEachPublishedRevisionFromTheEvents) {
  std::vector<ArticleEvent> events{
      ev(10, "bob", "create", R"({"number":"KB-000001","status":"draft","values":{"title":"VPN v1","body":"one","body_html":"<p>one</p>\n","audience":"internal","revision":0}})"),
      ev(20, "bob", "transition", R"({"from":"draft","to":"in_review","changes":{}})"),
      ev(30, "alice", "transition", R"({"from":"in_review","to":"published","changes":{"published_at":[null,"1970-01-01T00:00:30Z"],"review_by":[null,"2027-01-01T00:00:00Z"],"revision":[0,1]}})"),
      ev(35, "system", "used_to_resolve", R"({"incident":7,"used_to_resolve":1})"),
      ev(40, "bob", "transition", R"({"from":"published","to":"draft","changes":{}})"),
      ev(50, "bob", "update", R"({"changes":{"title":["VPN v1","VPN v2"],"body":["one","two"],"body_html":["<p>one</p>\n","<p>two</p>\n"]}})"),
      ev(60, "bob", "transition", R"({"from":"draft","to":"in_review","changes":{}})"),
      ev(70, "alice", "transition", R"({"from":"in_review","to":"published","changes":{"published_at":["1970-01-01T00:00:30Z","1970-01-01T00:01:10Z"],"revision":[1,2]}})"),
      ev(80, "bob", "update", R"({"changes":{"review_by":["2027-01-01T00:00:00Z","2028-01-01T00:00:00Z"]}})"),
  };
  json::array revs = published_revisions(events);
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0].at("revision"), 1);
  EXPECT_EQ(revs[0].at("title"), "VPN v1");
  EXPECT_EQ(revs[0].at("body"), "one");
  EXPECT_EQ(revs[0].at("body_html"), "<p>one</p>\n");
  EXPECT_EQ(revs[0].at("published_at"), "1970-01-01T00:00:30Z");
  EXPECT_EQ(revs[0].at("published_by"), "alice");
  EXPECT_EQ(revs[0].at("published_by_id"), 2);
  EXPECT_EQ(revs[1].at("revision"), 2);
  EXPECT_EQ(revs[1].at("title"), "VPN v2");
  EXPECT_EQ(revs[1].at("body"), "two");
  EXPECT_EQ(revs[1].at("published_at"), "1970-01-01T00:01:10Z");
  EXPECT_TRUE(revs[1].at("summary").is_null());  // never set
}

TEST(PublishedRevisions, NoneBeforeTheFirstPublish) {
  std::vector<ArticleEvent> events{
      ev(10, "bob", "create", R"({"status":"draft","values":{"title":"Draft"}})"),
      ev(20, "bob", "transition", R"({"from":"draft","to":"in_review","changes":{}})"),
  };
  EXPECT_TRUE(published_revisions(events).empty());
  EXPECT_TRUE(published_revisions({}).empty());
}

}  // namespace
}  // namespace ordo
