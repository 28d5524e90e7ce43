// Problem management over the API (issue #5, 8.6.3): the problem workflow and its guards,
// known errors created on entering known_error and offered when incidents are logged,
// linking incidents (one by one and by raising a problem from them), trend detection, and
// that problems stay internal — on both databases.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

class Problems : public ApiTest {
 protected:
  static std::string path(const std::string& plural, std::int64_t id) { return "/api/v1/" + plural + "/" + std::to_string(id); }

  json::object incident(const json::object& extra = {}) {
    json::object b{{"title", "Mail bounces"}, {"impact", 2}, {"urgency", 2}, {"service", service_id()},
                   {"customer", customer_id()}};
    for (const auto& [k, v] : extra) b[k] = v;
    return create("incidents", json::serialize(b));
  }
  json::object problem(const json::object& extra = {}) {
    json::object b{{"title", "Mail relay drops messages"}, {"impact", 2}, {"urgency", 2}, {"service", service_id()}};
    for (const auto& [k, v] : extra) b[k] = v;
    return create("problems", json::serialize(b));
  }
  HttpResponse move(const std::string& plural, std::int64_t id, const std::string& to, json::object body = {}) {
    body["to"] = to;
    body["version"] = client().get(path(plural, id)).json().at("version");
    return client().post(path(plural, id) + "/transitions", json::serialize(body));
  }
  json::object get(const std::string& plural, std::int64_t id) {
    auto r = client().get(path(plural, id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  std::vector<std::string> actions(const std::string& plural, std::int64_t id) {
    std::vector<std::string> out;
    const json::value history = client().get(path(plural, id) + "/history").json();
    for (const auto& e : history.at("items").as_array())
      out.emplace_back(e.at("action").as_string());
    return out;
  }
  HttpResponse link(std::int64_t problem, const json::array& ids) {
    return client().post(path("problems", problem) + "/incidents", json::serialize(json::object{{"incidents", ids}}));
  }
  static std::size_t count(const std::vector<std::string>& v, const std::string& s) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), s));
  }
};

TEST_P(Problems, WorkflowRequiresWorkaroundRootCauseAndFixingChange) {
  auto p = problem();
  std::int64_t id = p.at("id").as_int64();
  EXPECT_EQ(p.at("number"), "PRB-000001");
  EXPECT_EQ(p.at("status"), "new");
  EXPECT_EQ(p.at("priority"), "P3");
  EXPECT_EQ(p.at("incident_count"), 0);
  EXPECT_EQ(move("problems", id, "resolved").status, 409);  // not from new
  ASSERT_EQ(move("problems", id, "investigating").status, 200);

  auto r = move("problems", id, "known_error");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("workaround"), std::string::npos) << r.body;

  r = move("problems", id, "resolved", {{"root_cause", "The relay's queue fills up."}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("fix_change"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("root_cause"), std::string::npos) << r.body;

  r = move("problems", id, "resolved",
           {{"root_cause", "The relay's queue fills up."}, {"fix_change", "CHG-000042"}, {"analysis_method", "five_whys"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("fix_change"), "CHG-000042");
  EXPECT_EQ(r.json().at("resolved_at"), json::value(format_rfc3339(kTestStart)));
  // Reopen: the fix did not remove the cause.
  ASSERT_EQ(move("problems", id, "investigating").status, 200);
  ASSERT_EQ(move("problems", id, "resolved").status, 200);  // root cause and fix are still there
  r = move("problems", id, "closed");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(move("problems", id, "investigating").status, 409);  // closed is final

  // Root-cause analysis is searchable.
  auto found = client().get("/api/v1/problems?q=queue").json();
  ASSERT_EQ(found.at("items").as_array().size(), 1u);
  EXPECT_EQ(found.at("items").as_array()[0].at("id"), id);
}

TEST_P(Problems, EnteringKnownErrorCreatesTheKnownErrorOnceAndClosingRetiresIt) {
  auto p = problem({{"configuration_item", "relay-01"}, {"symptoms", "Mails bounce with 451"}});
  std::int64_t id = p.at("id").as_int64();
  ASSERT_EQ(move("problems", id, "investigating").status, 200);
  auto r = move("problems", id, "known_error", {{"workaround", "Resend through relay-02."}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json().as_object().contains("known_error")) << r.body;
  std::int64_t ke = r.json().at("known_error").at("id").as_int64();
  EXPECT_EQ(r.json().at("known_error").at("number"), "KE-000001");
  EXPECT_EQ(r.json().at("known_error_at"), json::value(format_rfc3339(kTestStart)));

  auto k = get("known_errors", ke);
  EXPECT_EQ(k.at("status"), "active");
  EXPECT_EQ(k.at("problem"), id);
  EXPECT_EQ(k.at("title"), "Mail relay drops messages");
  EXPECT_EQ(k.at("service"), service_id());
  EXPECT_EQ(k.at("configuration_item"), "relay-01");
  EXPECT_EQ(k.at("symptoms"), "Mails bounce with 451");
  EXPECT_EQ(k.at("workaround"), "Resend through relay-02.");
  EXPECT_EQ(actions("known_errors", ke), std::vector<std::string>{"create"});

  // Back to investigating and known_error again: the problem keeps its one known error.
  ASSERT_EQ(move("problems", id, "investigating").status, 200);
  r = move("problems", id, "known_error");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().as_object().contains("known_error"));
  EXPECT_EQ(client().get("/api/v1/known_errors?problem=" + std::to_string(id) + "&count=true").json().at("total"), 1);

  // A known error needs its workaround; a problem's known error may also be written by hand.
  EXPECT_EQ(client().post("/api/v1/known_errors", json::serialize(json::object{{"problem", id}, {"title", "x"}})).status, 400);

  ASSERT_EQ(move("problems", id, "resolved", {{"root_cause", "Queue limit"}, {"fix_change", "CHG-7"}}).status, 200);
  EXPECT_EQ(get("known_errors", ke).at("status"), "active");  // the workaround stays until closure
  ASSERT_EQ(move("problems", id, "closed").status, 200);
  k = get("known_errors", ke);
  EXPECT_EQ(k.at("status"), "retired");
  EXPECT_EQ(k.at("retired_at"), json::value(format_rfc3339(kTestStart)));
  EXPECT_EQ(actions("known_errors", ke), (std::vector<std::string>{"create", "transition"}));
}

TEST_P(Problems, LinkAndUnlinkIncidents) {
  auto a = incident(), b = incident(), c = incident();
  std::int64_t ia = a.at("id").as_int64(), ib = b.at("id").as_int64(), ic = c.at("id").as_int64();
  std::int64_t id = problem().at("id").as_int64();

  auto r = link(id, {ia, ib, ia});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("linked"), (json::array{ia, ib}));
  EXPECT_EQ(r.json().at("incident_count"), 2);
  auto la = get("incidents", ia);
  EXPECT_EQ(la.at("problem"), id);
  EXPECT_EQ(la.at("version"), a.at("version").as_int64() + 1);
  EXPECT_EQ(actions("incidents", ia), (std::vector<std::string>{"create", "update"}));
  EXPECT_EQ(get("problems", id).at("incident_count"), 2);
  EXPECT_EQ(count(actions("problems", id), "link"), 1u);

  // Linking again changes nothing: no new version, no new event.
  r = link(id, {ia});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("linked"), json::array{});
  EXPECT_EQ(get("incidents", ia).at("version"), la.at("version"));
  EXPECT_EQ(count(actions("problems", id), "link"), 1u);

  // The problem's incidents, through the incident list.
  auto list = client().get(path("problems", id) + "/incidents?sort=id").json();
  ASSERT_EQ(list.at("items").as_array().size(), 2u);
  EXPECT_EQ(list.at("items").as_array()[0].at("id"), ia);
  EXPECT_EQ(client().get("/api/v1/incidents?problem=" + std::to_string(id) + "&count=true").json().at("total"), 2);

  // An incident linked elsewhere, a missing one, a closed problem: refused, nothing written.
  std::int64_t other = problem({{"title", "Another"}}).at("id").as_int64();
  r = link(other, {ic, ia});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_TRUE(get("incidents", ic).at("problem").is_null());  // atomic: ic was not linked either
  EXPECT_EQ(link(other, {ic, 99999}).status, 400);
  EXPECT_EQ(link(other, {}).status, 400);
  EXPECT_EQ(link(99999, {ic}).status, 404);
  ASSERT_EQ(move("problems", other, "cancelled").status, 200);
  EXPECT_EQ(link(other, {ic}).status, 409);

  // The field is the engine's: PATCH may not set it.
  auto patch = client().patch(path("incidents", ic), json::serialize(json::object{{"problem", id}}),
                              {{"If-Match", "\"" + std::to_string(get("incidents", ic).at("version").as_int64()) + "\""}});
  EXPECT_EQ(patch.status, 400) << patch.body;

  // Unlink.
  r = client().request("DELETE", path("problems", id) + "/incidents/" + std::to_string(ib));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(get("incidents", ib).at("problem").is_null());
  EXPECT_EQ(get("problems", id).at("incident_count"), 1);
  EXPECT_EQ(count(actions("problems", id), "unlink"), 1u);
  EXPECT_EQ(actions("incidents", ib), (std::vector<std::string>{"create", "update", "update"}));
  EXPECT_EQ(client().request("DELETE", path("problems", id) + "/incidents/" + std::to_string(ib)).status, 404);
  EXPECT_EQ(client().request("DELETE", path("problems", id) + "/incidents/" + std::to_string(ic)).status, 404);

  // An auditor reads but does not link.
  HttpClient auditor = user_client("auditor1", {"auditor"});
  EXPECT_EQ(auditor.get(path("problems", id) + "/incidents").status, 200);
  EXPECT_EQ(auditor.post(path("problems", id) + "/incidents", json::serialize(json::object{{"incidents", json::array{ic}}})).status, 403);
  EXPECT_EQ(auditor.request("DELETE", path("problems", id) + "/incidents/" + std::to_string(ia)).status, 403);
}

TEST_P(Problems, RaisedFromIncidentsTakesWhatTheyShareAndLinksThemAtomically) {
  json::object common{{"configuration_item", "relay-01"}, {"category", "email"}};
  json::object hot = common;
  hot["impact"] = 1;
  auto a = incident(common), b = incident(hot);
  std::int64_t ia = a.at("id").as_int64(), ib = b.at("id").as_int64();
  std::int64_t c = incident({{"configuration_item", "relay-02"}}).at("id").as_int64();

  auto r = client().post("/api/v1/problems/from-incidents",
                         json::serialize(json::object{{"incidents", json::array{ia, ib}}, {"title", "Relay drops mail"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto p = r.json().as_object();
  std::int64_t id = p.at("id").as_int64();
  EXPECT_EQ(r.header("location"), "/api/v1/problems/" + std::to_string(id));
  EXPECT_EQ(p.at("service"), service_id());
  EXPECT_EQ(p.at("configuration_item"), "relay-01");
  EXPECT_EQ(p.at("category"), "email");
  EXPECT_EQ(p.at("impact"), 1);  // the most severe
  EXPECT_EQ(p.at("urgency"), 2);
  EXPECT_EQ(p.at("raised_from"), (json::array{ia, ib}));
  EXPECT_EQ(p.at("incident_count"), 2);
  EXPECT_EQ(get("incidents", ia).at("problem"), id);
  EXPECT_EQ(get("incidents", ib).at("problem"), id);
  EXPECT_EQ(actions("problems", id), (std::vector<std::string>{"create", "link"}));

  // Not shared: left empty; given in the body: the body wins.
  r = client().post("/api/v1/problems/from-incidents",
                    json::serialize(json::object{{"incidents", json::array{c}}, {"title", "Relay 2"}, {"category", "network"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("category"), "network");
  EXPECT_EQ(r.json().at("configuration_item"), "relay-02");

  // One incident already linked: nothing is created.
  std::int64_t d = incident().at("id").as_int64();
  auto before = client().get("/api/v1/problems?count=true").json().at("total");
  r = client().post("/api/v1/problems/from-incidents",
                    json::serialize(json::object{{"incidents", json::array{d, ia}}, {"title", "Dup"}}));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(client().get("/api/v1/problems?count=true").json().at("total"), before);
  EXPECT_TRUE(get("incidents", d).at("problem").is_null());
  EXPECT_EQ(client().post("/api/v1/problems/from-incidents", R"({"incidents":[99999],"title":"x"})").status, 400);
  EXPECT_EQ(client().post("/api/v1/problems/from-incidents", R"({"title":"x"})").status, 400);

  // raised_from is written once.
  auto patch = client().patch(path("problems", id), json::serialize(json::object{{"raised_from", json::array{d}}}),
                              {{"If-Match", "\"" + std::to_string(get("problems", id).at("version").as_int64()) + "\""}});
  EXPECT_EQ(patch.status, 400) << patch.body;
}

TEST_P(Problems, KnownErrorsComeBackWhenStaffLogAnIncidentNotForRequesters) {
  std::int64_t id = problem({{"configuration_item", "relay-01"}}).at("id").as_int64();
  ASSERT_EQ(move("problems", id, "investigating").status, 200);
  ASSERT_EQ(move("problems", id, "known_error", {{"workaround", "Use relay-02."}}).status, 200);
  std::int64_t other_service = create("services", R"({"name":"VPN"})").at("id").as_int64();

  // Same service: offered.
  auto inc = incident();
  ASSERT_TRUE(inc.contains("known_errors"));
  const auto& kes = inc.at("known_errors").as_array();
  ASSERT_EQ(kes.size(), 1u);
  EXPECT_EQ(kes[0].at("number"), "KE-000001");
  EXPECT_EQ(kes[0].at("workaround"), "Use relay-02.");
  EXPECT_EQ(kes[0].at("problem"), id);
  EXPECT_EQ(kes[0].at("title"), "Mail relay drops messages");
  EXPECT_FALSE(get("incidents", inc.at("id").as_int64()).contains("known_errors"));  // this response only

  // Another service but the same CI: offered; neither: not.
  EXPECT_TRUE(incident({{"service", other_service}, {"configuration_item", "relay-01"}}).contains("known_errors"));
  auto plain = incident({{"service", other_service}});
  EXPECT_FALSE(plain.contains("known_errors"));
  // Moving an incident onto the service offers them too; other edits do not.
  auto moved = client().patch(path("incidents", plain.at("id").as_int64()),
                              json::serialize(json::object{{"service", service_id()}}), {{"If-Match", "\"1\""}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_TRUE(moved.json().as_object().contains("known_errors"));
  auto renamed = client().patch(path("incidents", plain.at("id").as_int64()), R"({"title":"Renamed"})", {{"If-Match", "\"2\""}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_FALSE(renamed.json().as_object().contains("known_errors"));

  // A requester logging on that service sees no known errors, nor problems at all.
  HttpClient portal = user_client("portal", {"requester"}, customer_id());
  auto mine = portal.post("/api/v1/incidents", json::serialize(json::object{
                                                   {"title", "No mail"}, {"impact", 3}, {"urgency", 3}, {"service", service_id()}}));
  ASSERT_EQ(mine.status, 201) << mine.body;
  EXPECT_FALSE(mine.json().as_object().contains("known_errors"));
  EXPECT_FALSE(mine.json().as_object().contains("problem"));

  // Retired known errors are no longer offered.
  std::int64_t ke = client().get("/api/v1/known_errors?problem=" + std::to_string(id)).json().at("items").as_array()[0].at("id").as_int64();
  ASSERT_EQ(move("known_errors", ke, "retired").status, 200);
  EXPECT_FALSE(incident().contains("known_errors"));
}

TEST_P(Problems, RequestersNeverSeeProblems) {
  auto inc = incident();
  std::int64_t id = problem().at("id").as_int64();
  ASSERT_EQ(link(id, {inc.at("id").as_int64()}).status, 200);
  ASSERT_EQ(move("problems", id, "investigating").status, 200);
  std::int64_t ke = move("problems", id, "known_error", {{"workaround", "w"}}).json().at("known_error").at("id").as_int64();

  HttpClient portal = user_client("portal", {"requester"}, customer_id());
  EXPECT_EQ(portal.get(path("problems", id)).status, 404);
  EXPECT_EQ(portal.get(path("problems", id) + "/history").status, 404);
  EXPECT_EQ(portal.get(path("problems", id) + "/incidents").status, 404);
  EXPECT_EQ(portal.post(path("problems", id) + "/incidents", R"({"incidents":[1]})").status, 404);
  EXPECT_EQ(portal.request("DELETE", path("problems", id) + "/incidents/" + std::to_string(inc.at("id").as_int64())).status, 404);
  EXPECT_EQ(portal.post("/api/v1/problems/from-incidents", R"({"incidents":[1],"title":"x"})").status, 403);  // as POST /problems
  EXPECT_EQ(portal.get(path("known_errors", ke)).status, 404);
  EXPECT_EQ(portal.get("/api/v1/problems").status, 403);
  EXPECT_EQ(portal.get("/api/v1/reports/incident-trends").status, 403);
  // Their own incident does not show the link, nor its history the change.
  auto own = portal.get(path("incidents", inc.at("id").as_int64()));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_FALSE(own.json().as_object().contains("problem"));
  EXPECT_EQ(portal.get(path("incidents", inc.at("id").as_int64()) + "/history").body.find("\"problem\""), std::string::npos);
  EXPECT_EQ(portal.get("/api/v1/incidents?problem=" + std::to_string(id)).status, 400);
}

TEST_P(Problems, TrendsListClustersAboveTheThresholdLargestFirst) {
  std::int64_t vpn = create("services", R"({"name":"VPN"})").at("id").as_int64();
  auto log = [&](std::int64_t service, const std::string& category, const std::string& ci, int n) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i) {
      clock().advance(60);
      ids.push_back(incident({{"service", service}, {"category", category}, {"configuration_item", ci}}).at("id").as_int64());
    }
    return ids;
  };
  // Outside the window (before `from`): not counted.
  log(vpn, "login", "gw-1", 3);
  const Instant from = clock().now() + 1;
  auto mail = log(service_id(), "delivery", "relay-01", 6);
  auto vpn_login = log(vpn, "login", "gw-1", 5);
  log(vpn, "speed", "gw-2", 2);  // below the threshold
  std::int64_t p = problem().at("id").as_int64();
  ASSERT_EQ(link(p, {mail[0], mail[1]}).status, 200);
  const std::string window = "from=" + format_rfc3339(from) + "&to=" + format_rfc3339(clock().now() + 1);

  auto r = client().get("/api/v1/reports/incident-trends?" + window + "&min_count=5&sample=3");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value report = r.json();
  const auto& cl = report.at("clusters").as_array();
  ASSERT_EQ(cl.size(), 2u) << r.body;
  EXPECT_EQ(cl[0].at("service").at("id"), service_id());
  EXPECT_EQ(cl[0].at("service").at("name"), "Email");
  EXPECT_EQ(cl[0].at("category"), "delivery");
  EXPECT_EQ(cl[0].at("count"), 6);
  EXPECT_EQ(cl[0].at("linked_to_problem"), 2);
  EXPECT_EQ(cl[0].at("unlinked"), 4);
  EXPECT_EQ(cl[0].at("filters").at("category"), "delivery");
  const auto& sample = cl[0].at("sample").as_array();
  ASSERT_EQ(sample.size(), 3u);
  EXPECT_EQ(sample[0].at("id"), mail[5]);  // newest first
  EXPECT_EQ(sample[2].at("id"), mail[3]);
  EXPECT_EQ(sample[0].at("number"), get("incidents", mail[5]).at("number"));  // joined after the sampling
  EXPECT_EQ(cl[1].at("service").at("id"), vpn);
  EXPECT_EQ(cl[1].at("count"), 5);  // the three before the window are not counted
  EXPECT_EQ(cl[1].at("first_reported_at"), get("incidents", vpn_login[0]).at("reported_at"));
  EXPECT_EQ(cl[1].at("last_reported_at"), get("incidents", vpn_login[4]).at("reported_at"));

  r = client().get("/api/v1/reports/incident-trends?" + window + "&min_count=6");
  ASSERT_EQ(r.json().at("clusters").as_array().size(), 1u);
  r = client().get("/api/v1/reports/incident-trends?" + window + "&min_count=2&by=configuration_item&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value ci_report = r.json();
  const auto& by_ci = ci_report.at("clusters").as_array();
  ASSERT_EQ(by_ci.size(), 2u);
  EXPECT_EQ(by_ci[0].at("configuration_item"), "relay-01");
  EXPECT_EQ(by_ci[1].at("configuration_item"), "gw-1");
  EXPECT_EQ(by_ci[0].at("sample").as_array().size(), 6u);

  EXPECT_EQ(client().get("/api/v1/reports/incident-trends?by=customer").status, 400);
  EXPECT_EQ(client().get("/api/v1/reports/incident-trends?min_count=0").status, 400);
  EXPECT_EQ(client().get("/api/v1/reports/incident-trends?from=yesterday").status, 400);
  EXPECT_EQ(client().get("/api/v1/reports/incident-trends?bogus=1").status, 400);
  EXPECT_EQ(user_client("auditor1", {"auditor"}).get("/api/v1/reports/incident-trends").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Db, Problems, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
