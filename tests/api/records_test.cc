// The generic record API over HTTP, on SQLite and PostgreSQL (DESIGN.md "HTTP API").
#include <boost/json.hpp>

#include "api/api_fixture.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

std::string incident_body(std::int64_t service, std::int64_t customer, const std::string& title = "Mail down",
                          int impact = 2, int urgency = 2) {
  return json::serialize(json::object{{"title", title}, {"service", service}, {"customer", customer},
                                      {"impact", impact}, {"urgency", urgency}});
}

TEST_P(ApiTest, CreateReturnsTheFullRecordAndLocation) {
  auto r = client().post("/api/v1/incidents", incident_body(service_id(), customer_id(), "Mail down", 1, 2));
  ASSERT_EQ(r.status, 201) << r.body;
  auto rec = r.json().as_object();
  EXPECT_EQ(rec.at("number"), "INC-000001");
  EXPECT_EQ(rec.at("version"), 1);
  EXPECT_EQ(rec.at("status"), "new");
  EXPECT_EQ(rec.at("priority"), "P2");
  EXPECT_EQ(rec.at("created_at"), "2026-03-02T09:15:00Z");
  EXPECT_EQ(rec.at("reported_at"), "2026-03-02T09:15:00Z");
  EXPECT_EQ(rec.at("created_by"), 1);
  EXPECT_EQ(r.header("location"), "/api/v1/incidents/" + std::to_string(rec.at("id").as_int64()));
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto got = client().get(r.header("location"));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json(), r.json());
  EXPECT_EQ(got.header("etag"), "\"1\"");
}

TEST_P(ApiTest, PatchNeedsTheCurrentVersion) {
  auto rec = create("incidents", incident_body(service_id(), customer_id()));
  std::string url = "/api/v1/incidents/" + std::to_string(rec.at("id").as_int64());
  clock().advance(30);
  auto ok = client().patch(url, R"({"urgency":1})", {{"If-Match", "\"1\""}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("version"), 2);
  EXPECT_EQ(ok.json().at("priority"), "P2");  // impact 2 x urgency 1
  EXPECT_EQ(ok.json().at("updated_at"), "2026-03-02T09:15:30Z");
  // The same stale version again: 412 and nothing changes.
  auto stale = client().patch(url, R"({"urgency":3})", {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.header("content-type"), "application/problem+json");
  EXPECT_EQ(client().get(url).json().at("urgency"), 1);
  // Version in the body works too; no version at all is refused.
  auto body_version = client().patch(url, R"({"title":"Mail down for all","version":2})");
  EXPECT_EQ(body_version.status, 200) << body_version.body;
  auto none = client().patch(url, R"({"title":"x"})");
  EXPECT_EQ(none.status, 400);
}

TEST_P(ApiTest, TransitionsFollowTheWorkflow) {
  auto rec = create("incidents", incident_body(service_id(), customer_id()));
  std::string url = "/api/v1/incidents/" + std::to_string(rec.at("id").as_int64());
  auto illegal = client().post(url + "/transitions", R"({"to":"closed"})");
  ASSERT_EQ(illegal.status, 409) << illegal.body;
  auto allowed = illegal.json().at("allowed").as_array();
  EXPECT_EQ(allowed, (json::array{"in_progress", "cancelled"}));
  ASSERT_EQ(client().post(url + "/transitions", R"({"to":"in_progress"})").status, 200);
  auto missing = client().post(url + "/transitions", R"({"to":"resolved"})");
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.json().at("errors").as_array().size(), 2u);
  clock().advance(3600);
  auto resolved = client().post(url + "/transitions",
                                R"({"to":"resolved","resolution_code":"fixed","resolution_note":"Restarted the relay"})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json().at("status"), "resolved");
  EXPECT_EQ(resolved.json().at("resolved_at"), "2026-03-02T10:15:00Z");
  auto with_old_version = client().request("POST", url + "/transitions", R"({"to":"in_progress"})", {{"If-Match", "\"1\""}});
  EXPECT_EQ(with_old_version.status, 412);
}

TEST_P(ApiTest, HistoryRecordsEveryChange) {
  auto rec = create("incidents", incident_body(service_id(), customer_id()));
  std::string url = "/api/v1/incidents/" + std::to_string(rec.at("id").as_int64());
  ASSERT_EQ(client().patch(url, R"({"impact":1,"version":1})").status, 200);
  ASSERT_EQ(client().post(url + "/transitions", R"({"to":"in_progress"})").status, 200);
  auto h = client().get(url + "/history");
  ASSERT_EQ(h.status, 200) << h.body;
  auto items = h.json().at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("action"), "create");
  EXPECT_EQ(items[1].at("action"), "update");
  EXPECT_EQ(items[1].at("data").at("changes").at("impact"), (json::array{2, 1}));
  EXPECT_EQ(items[1].at("data").at("changes").at("priority"), (json::array{"P3", "P2"}));
  EXPECT_EQ(items[2].at("data").at("from"), "new");
  EXPECT_EQ(items[2].at("data").at("to"), "in_progress");
  EXPECT_EQ(items[2].at("actor"), "admin");
  auto verify = app().verify_audit_chain();
  ASSERT_TRUE(verify);
  EXPECT_TRUE(verify->ok);
}

TEST_P(ApiTest, ListFiltersSortsPagesAndSearches) {
  auto svc = service_id();
  auto cust = customer_id();
  for (int i = 0; i < 12; ++i) {
    clock().advance(60);
    create("incidents", incident_body(svc, cust, (i % 2 ? "Printer jam " : "Mail bounce ") + std::to_string(i), 1 + i % 3, 2));
  }
  auto page1 = client().get("/api/v1/incidents?limit=5&sort=created_at&count=true");
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto j = page1.json();
  EXPECT_EQ(j.at("total"), 12);
  EXPECT_EQ(j.at("items").as_array().size(), 5u);
  EXPECT_EQ(j.at("items").as_array()[0].at("title"), "Mail bounce 0");
  ASSERT_TRUE(j.at("next_cursor").is_string());
  auto page2 = client().get("/api/v1/incidents?limit=5&sort=created_at&cursor=" + std::string(j.at("next_cursor").as_string()));
  ASSERT_EQ(page2.status, 200);
  EXPECT_EQ(page2.json().at("items").as_array()[0].at("title"), "Printer jam 5");
  auto p1 = client().get("/api/v1/incidents?priority=P2&count=true");
  EXPECT_EQ(p1.json().at("total"), 4);
  auto search = client().get("/api/v1/incidents?q=printer&count=true");
  EXPECT_EQ(search.json().at("total"), 6);
  auto combined = client().get("/api/v1/incidents?q=printer&impact.in=1,2&count=true");
  EXPECT_EQ(combined.json().at("total"), 4);
  auto bad = client().get("/api/v1/incidents?sort=description");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("errors").as_array()[0].at("field"), "sort");
  EXPECT_EQ(client().get("/api/v1/incidents?limit=501").status, 400);
  EXPECT_EQ(client().get("/api/v1/incidents?nosuch=1").status, 400);
}

TEST_P(ApiTest, ReferencesMustExist) {
  auto r = client().post("/api/v1/incidents", incident_body(9999, customer_id()));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("errors").as_array()[0].at("field"), "service");
  auto rec = create("incidents", incident_body(service_id(), customer_id()));
  auto p = client().patch("/api/v1/incidents/" + std::to_string(rec.at("id").as_int64()),
                          R"({"customer":424242,"version":1})");
  EXPECT_EQ(p.status, 400);
  // A service is not an organisation.
  auto wrong_type = client().post("/api/v1/incidents", incident_body(service_id(), service_id() + 1000));
  EXPECT_EQ(wrong_type.status, 400);
}

TEST_P(ApiTest, EveryDeclaredTypeHasTheGenericRoutes) {
  auto meta = client().get("/api/v1/meta");
  ASSERT_EQ(meta.status, 200);
  auto types = meta.json().at("types").as_array();
  ASSERT_GE(types.size(), 3u);
  for (const auto& t : types) {
    std::string plural(t.at("plural").as_string());
    auto list = client().get("/api/v1/" + plural + "?count=true");
    EXPECT_EQ(list.status, 200) << plural;
    EXPECT_EQ(list.json().at("total"), plural == "calendars" ? 1 : 0) << plural << " (calendars: the built-in 24x7)";
    auto missing = client().get("/api/v1/" + plural + "/424242");
    EXPECT_EQ(missing.status, 404) << plural;
    auto empty = client().post("/api/v1/" + plural, "{}");
    EXPECT_EQ(empty.status, 400) << plural << ": required fields are enforced";
  }
  auto incident = std::find_if(types.begin(), types.end(), [](const json::value& t) { return t.at("name") == "incident"; });
  ASSERT_NE(incident, types.end());
  EXPECT_EQ(incident->at("prefix"), "INC");
  EXPECT_EQ(incident->at("clause"), "8.6.1");
  EXPECT_EQ(incident->at("workflow").at("initial"), "new");
}

TEST_P(ApiTest, NoTransitionsForTypesWithoutWorkflow) {
  auto org = create("organisations", R"({"name":"Globex","kind":"customer"})");
  auto r = client().post("/api/v1/organisations/" + std::to_string(org.at("id").as_int64()) + "/transitions",
                         R"({"to":"x"})");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

}  // namespace
}  // namespace ordo::testing
