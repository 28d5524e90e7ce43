// The incident process and the service desk over the API (issue #5): engine-kept counters,
// requester confirm/reopen, major incidents and their review, auto-close, the satisfaction
// survey, queues with live counts, search and the ticket KPIs — on both databases.
#include <set>

#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

class ServiceDesk : public ApiTest {
 protected:
  std::string path(std::int64_t id) { return "/api/v1/incidents/" + std::to_string(id); }

  json::object incident(const std::string& title, int impact = 2, int urgency = 2, json::object extra = {}) {
    extra["title"] = title;
    extra["impact"] = impact;
    extra["urgency"] = urgency;
    extra["customer"] = customer_id();
    extra["service"] = service_id();
    return create("incidents", json::serialize(extra));
  }
  json::object get(std::int64_t id, HttpClient* c = nullptr) {
    auto r = (c ? *c : client()).get(path(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  HttpResponse move(std::int64_t id, const std::string& to, HttpClient* c = nullptr) {
    json::object b{{"to", to}, {"version", get(id).at("version")}};
    if (to == "resolved") {
      b["resolution_code"] = "fixed";
      b["resolution_note"] = "Restarted the service.";
    }
    return (c ? *c : client()).post(path(id) + "/transitions", json::serialize(b));
  }
  HttpResponse patch(std::int64_t id, json::object b) {
    b["version"] = get(id).at("version");
    return client().patch(path(id), json::serialize(b));
  }
  std::int64_t team(const std::string& name, std::vector<std::int64_t> members) {
    json::array m;
    for (auto id : members) m.push_back(id);
    return create("teams", json::serialize(json::object{{"name", name}, {"members", std::move(m)}})).at("id").as_int64();
  }
};

TEST_P(ServiceDesk, ReassignmentsAndReopensAreCountedByTheEngine) {
  std::int64_t alice = 0;
  user_client("alice", {"agent"}, std::nullopt, &alice);
  std::int64_t l1 = team("Service desk", {alice}), l2 = team("Network", {alice});
  auto inc = incident("VPN drops");
  std::int64_t id = inc.at("id").as_int64();
  EXPECT_EQ(inc.at("reassignment_count"), 0);
  EXPECT_EQ(inc.at("reopen_count"), 0);
  // The first assignment is not a reassignment; moving between teams is.
  ASSERT_EQ(patch(id, {{"assignment_group", l1}}).status, 200);
  EXPECT_EQ(get(id).at("reassignment_count"), 0);
  ASSERT_EQ(patch(id, {{"assignment_group", l2}}).status, 200);
  ASSERT_EQ(patch(id, {{"assignment_group", l1}, {"assignee", alice}}).status, 200);
  EXPECT_EQ(get(id).at("reassignment_count"), 2);
  // Clients cannot write the counters.
  auto refused = patch(id, {{"reassignment_count", 0}});
  EXPECT_EQ(refused.status, 400) << refused.body;
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "resolved").status, 200);
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "resolved").status, 200);
  EXPECT_EQ(get(id).at("reopen_count"), 1);
  // Filterable like any field; the change is in the history.
  auto list = client().get("/api/v1/incidents?reassignment_count.gte=2&reopen_count=1&count=true");
  EXPECT_EQ(list.json().at("total"), 1) << list.body;
  auto hist = client().get(path(id) + "/history").json();
  bool seen = false;
  for (const auto& e : hist.at("items").as_array())
    if (const auto* ch = e.at("data").as_object().if_contains("changes"))
      seen = seen || ch->as_object().contains("reopen_count");
  EXPECT_TRUE(seen);
}

TEST_P(ServiceDesk, RequesterConfirmsOrReopensButDoesNotWorkTheTicket) {
  HttpClient portal = user_client("carol", {"requester"}, customer_id());
  auto inc = incident("Printer jams");
  std::int64_t id = inc.at("id").as_int64();
  auto early = move(id, "in_progress", &portal);
  EXPECT_EQ(early.status, 403) << early.body;
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "resolved").status, 200);
  auto reopen = move(id, "in_progress", &portal);
  ASSERT_EQ(reopen.status, 200) << reopen.body;
  EXPECT_EQ(get(id).at("reopen_count"), 1);
  ASSERT_EQ(move(id, "resolved").status, 200);
  auto confirm = move(id, "closed", &portal);
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  EXPECT_EQ(get(id).at("status"), "closed");
}

TEST_P(ServiceDesk, MajorIncidentClosesOnlyAfterItsReview) {
  auto p1 = incident("Data centre power loss", 1, 1);  // P1: major by default
  std::int64_t id = p1.at("id").as_int64();
  ASSERT_EQ(p1.at("priority"), "P1");
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "resolved").status, 200);
  auto refused = move(id, "closed");
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("post-incident review"), std::string::npos);
  EXPECT_EQ(get(id).at("status"), "resolved");
  // A review lacking its parts is refused; a complete one lets the incident close.
  auto partial = client().post("/api/v1/post_incident_reviews", json::serialize(json::object{{"incident", id}, {"title", "x"}}));
  EXPECT_EQ(partial.status, 400);
  create("post_incident_reviews",
         json::serialize(json::object{{"incident", id}, {"title", "Power loss review"},
                                      {"timeline", "09:00 UPS alarm; 09:05 failover"},
                                      {"root_cause_summary", "UPS battery end of life"},
                                      {"actions", "Replace batteries; add monitoring"}}));
  EXPECT_EQ(move(id, "closed").status, 200);
  // The flag makes any priority major.
  auto flagged = incident("Payroll run failed", 3, 3, {{"major_incident", true}});
  std::int64_t fid = flagged.at("id").as_int64();
  ASSERT_EQ(move(fid, "in_progress").status, 200);
  ASSERT_EQ(move(fid, "resolved").status, 200);
  EXPECT_EQ(move(fid, "closed").status, 409);
  // Requesters never see reviews.
  HttpClient portal = user_client("dave", {"requester"}, customer_id());
  EXPECT_EQ(portal.get("/api/v1/post_incident_reviews").status, 403);
}

TEST_P(ServiceDesk, ResolvedIncidentsCloseOnTheirOwn) {
  std::int64_t a = incident("Old one").at("id").as_int64();
  std::int64_t major = incident("Old major", 1, 1).at("id").as_int64();
  for (auto id : {a, major}) {
    ASSERT_EQ(move(id, "in_progress").status, 200);
    ASSERT_EQ(move(id, "resolved").status, 200);
  }
  clock().advance(4 * 86400);
  std::int64_t b = incident("Recent one").at("id").as_int64();
  ASSERT_EQ(move(b, "in_progress").status, 200);
  ASSERT_EQ(move(b, "resolved").status, 200);
  clock().advance(86400 + 1);  // a: 5 days and a second; b: 1 day
  auto closed = app().run_auto_close();
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(*closed, 1);
  EXPECT_EQ(get(a).at("status"), "closed");
  EXPECT_EQ(get(b).at("status"), "resolved");
  EXPECT_EQ(get(major).at("status"), "resolved");  // waits for its review
  EXPECT_EQ(*app().run_auto_close(), 0);
}

TEST_P(ServiceDesk, TheCustomerAnswersTheSurveyOnce) {
  HttpClient portal = user_client("erin", {"requester"}, customer_id());
  std::int64_t other_org = create("organisations", R"({"name":"Other","kind":"customer"})").at("id").as_int64();
  HttpClient stranger = user_client("frank", {"requester"}, other_org);
  std::int64_t id = incident("Laptop slow").at("id").as_int64();
  const std::string survey = path(id) + "/survey";
  EXPECT_EQ(portal.post(survey, R"({"rating":5})").status, 409);  // not resolved yet
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "resolved").status, 200);
  EXPECT_EQ(portal.post(survey, R"({"rating":6})").status, 400);
  EXPECT_EQ(portal.post(survey, R"({"rating":4,"mood":"ok"})").status, 400);
  EXPECT_EQ(client().post(survey, R"({"rating":1})").status, 403);  // staff do not answer for the customer
  EXPECT_EQ(stranger.post(survey, R"({"rating":1})").status, 404);
  auto ok = portal.post(survey, R"({"rating":4,"comment":"Quick, thanks"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(portal.post(survey, R"({"rating":1})").status, 409);
  auto rec = get(id, &portal);
  EXPECT_EQ(rec.at("satisfaction_rating"), 4);
  EXPECT_EQ(rec.at("satisfaction_comment"), "Quick, thanks");
  EXPECT_EQ(get(id).at("version"), rec.at("version"));  // an answer is not an edit
  auto report = client().get("/api/v1/reports/tickets?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z");
  ASSERT_EQ(report.status, 200) << report.body;
  auto sat = report.json().at("totals").at("satisfaction");
  EXPECT_EQ(sat.at("answered"), 1);
  EXPECT_DOUBLE_EQ(sat.at("mean_rating").as_double(), 4.0);
  EXPECT_EQ(json::serialize(report.json().at("rating_distribution")), R"([{"rating":4,"tickets":1}])");
}

TEST_P(ServiceDesk, QueuesCountLiveAndSavedFiltersBelongToTheirOwners) {
  std::int64_t alice = 0, bob = 0;
  HttpClient ac = user_client("alice", {"agent"}, std::nullopt, &alice);
  HttpClient bc = user_client("bob", {"agent"}, std::nullopt, &bob);
  std::int64_t desk = team("Desk", {alice, bob});
  std::int64_t mine = incident("Mine").at("id").as_int64();
  ASSERT_EQ(patch(mine, {{"assignment_group", desk}, {"assignee", alice}}).status, 200);
  std::int64_t unassigned = incident("Nobody's").at("id").as_int64();
  ASSERT_EQ(patch(unassigned, {{"assignment_group", desk}}).status, 200);
  incident("Not in a team");
  auto queues = [&](HttpClient& c) {
    auto r = c.get("/api/v1/queues?type=incidents");
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, json::object> by_key;
    const json::value body = r.json();
    for (const auto& q : body.at("items").as_array()) by_key[std::string(q.at("key").as_string())] = q.as_object();
    return by_key;
  };
  auto q = queues(ac);
  EXPECT_EQ(q["mine"].at("count"), 1);
  EXPECT_EQ(q["unassigned"].at("count"), 1);
  // The queue's query runs as a list, sorted by SLA due time.
  auto page = ac.get("/api/v1/incidents?" + std::string(q["mine"].at("query").as_string()));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json().at("items").at(0).at("id"), mine);
  // Personal filters are their owner's; team filters are the team's.
  auto bad = ac.post("/api/v1/saved_filters", R"({"name":"x","target":"incidents","query":"colour=red"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto saved = ac.post("/api/v1/saved_filters", R"({"name":"My P3s","target":"incidents","query":"assignee=@me&priority=P3"})");
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(saved.json().at("owner"), alice);
  auto shared = ac.post("/api/v1/saved_filters", json::serialize(json::object{
      {"name", "Desk backlog"}, {"target", "incidents"}, {"query", "assignment_group.in=@my_teams"}, {"team", desk}}));
  ASSERT_EQ(shared.status, 201) << shared.body;
  q = queues(ac);
  EXPECT_EQ(q["saved:" + std::to_string(saved.json().at("id").as_int64())].at("count"), 1);
  auto qb = queues(bc);
  EXPECT_FALSE(qb.count("saved:" + std::to_string(saved.json().at("id").as_int64())));
  EXPECT_EQ(qb["saved:" + std::to_string(shared.json().at("id").as_int64())].at("count"), 2);
  EXPECT_EQ(qb["mine"].at("count"), 0);
  auto edit = bc.patch("/api/v1/saved_filters/" + std::to_string(saved.json().at("id").as_int64()),
                       json::serialize(json::object{{"name", "Hijacked"}, {"version", 1}}));
  EXPECT_EQ(edit.status, 403) << edit.body;
  HttpClient portal = user_client("gina", {"requester"}, customer_id());
  EXPECT_EQ(portal.get("/api/v1/queues").status, 403);
}

TEST_P(ServiceDesk, SearchFindsAcrossTypesWithinWhatTheCallerMaySee) {
  std::int64_t other_org = create("organisations", R"({"name":"Globex","kind":"customer"})").at("id").as_int64();
  incident("Outlook crashes on start");
  create("incidents", json::serialize(json::object{
      {"title", "Outlook calendar missing"}, {"impact", 3}, {"urgency", 3}, {"customer", other_org}}));
  auto r = client().get("/api/v1/search?q=outlook");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("total"), 2);
  HttpClient portal = user_client("hank", {"requester"}, customer_id());
  auto mine = portal.get("/api/v1/search?q=outlook");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json().at("total"), 1);
  EXPECT_EQ(client().get("/api/v1/search?q=%20").status, 400);
  // Comments: a requester finds public replies on their tickets, never internal notes.
  std::int64_t id = incident("Printer offline").at("id").as_int64();
  ASSERT_EQ(client().post(path(id) + "/comments", R"({"body":"Replaced the toner cartridge","internal":false})").status, 201);
  ASSERT_EQ(client().post(path(id) + "/comments", R"({"body":"Toner supplier invoice pending","internal":true})").status, 201);
  auto staff = client().get("/api/v1/search?q=toner").json();
  std::size_t staff_comments = 0, portal_comments = 0;
  for (const auto& g : staff.at("groups").as_array())
    if (g.at("type") == "comment") staff_comments = g.at("items").as_array().size();
  auto pj = portal.get("/api/v1/search?q=toner").json();
  for (const auto& g : pj.at("groups").as_array())
    if (g.at("type") == "comment") {
      portal_comments = g.at("items").as_array().size();
      EXPECT_EQ(g.at("items").at(0).at("internal"), false);
    }
  EXPECT_EQ(staff_comments, 2u);
  EXPECT_EQ(portal_comments, 1u);
}

TEST_P(ServiceDesk, TicketReportComputesTheKpis) {
  std::int64_t alice = 0;
  user_client("alice", {"agent"}, std::nullopt, &alice);
  std::int64_t t1 = team("One", {alice}), t2 = team("Two", {alice});
  // a: resolved in 2 h, no reassignment; b: reassigned once, reopened, resolved after 6 h.
  std::int64_t a = incident("A").at("id").as_int64();
  std::int64_t b = incident("B").at("id").as_int64();
  ASSERT_EQ(patch(b, {{"assignment_group", t1}}).status, 200);
  ASSERT_EQ(patch(b, {{"assignment_group", t2}}).status, 200);
  for (auto id : {a, b}) ASSERT_EQ(move(id, "in_progress").status, 200);
  clock().advance(2 * 3600);
  ASSERT_EQ(move(a, "resolved").status, 200);
  ASSERT_EQ(move(b, "resolved").status, 200);
  ASSERT_EQ(move(b, "in_progress").status, 200);
  clock().advance(4 * 3600);
  ASSERT_EQ(move(b, "resolved").status, 200);
  auto r = client().get("/api/v1/reports/tickets?type=incidents&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  const auto& t = j.at("totals");
  EXPECT_EQ(t.at("resolved"), 2);
  EXPECT_EQ(t.at("mttr_seconds"), (2 * 3600 + 6 * 3600) / 2);
  EXPECT_DOUBLE_EQ(t.at("reopen_rate").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(t.at("first_time_fix").as_double(), 0.5);
  EXPECT_EQ(json::serialize(j.at("reassignment_distribution")),
            R"([{"reassignments":0,"or_more":false,"tickets":1},{"reassignments":1,"or_more":false,"tickets":1}])");
  // The drill-down query lists the tickets behind a number.
  auto reopened = client().get("/api/v1/incidents?" + std::string(t.at("drill").at("reopened").as_string()));
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  ASSERT_EQ(reopened.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(reopened.json().at("items").at(0).at("id"), b);
  auto grouped = client().get("/api/v1/reports/tickets?group_by=priority&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z");
  ASSERT_EQ(grouped.status, 200) << grouped.body;
  EXPECT_EQ(grouped.json().at("groups").at(0).at("key"), "P3");
  // One group per key, and totals over every group: the same figures as without grouping.
  EXPECT_EQ(grouped.json().at("groups").as_array().size(), 1u);
  EXPECT_EQ(grouped.json().at("groups").at(0).at("resolved"), 2);
  EXPECT_EQ(grouped.json().at("totals").at("mttr_seconds"), t.at("mttr_seconds"));
  EXPECT_EQ(grouped.json().at("reassignment_distribution"), j.at("reassignment_distribution"));
  EXPECT_EQ(json::serialize(j.at("rating_distribution")), "[]");
  EXPECT_EQ(client().get("/api/v1/reports/tickets?group_by=colour").status, 400);
  HttpClient portal = user_client("ivy", {"requester"}, customer_id());
  EXPECT_EQ(portal.get("/api/v1/reports/tickets").status, 403);
}

TEST_P(ServiceDesk, TheTeamManagerHearsOfTargetsAtRiskAndBreached) {
  std::int64_t alice = 0, mia = 0;
  HttpClient manager = user_client("mia", {"agent"}, std::nullopt, &mia);
  user_client("alice", {"agent"}, std::nullopt, &alice);
  std::int64_t desk = create("teams", json::serialize(json::object{{"name", "Desk"}, {"manager", mia},
                                                                   {"members", json::array{alice}}}))
                          .at("id").as_int64();
  create("agreements", json::serialize(json::object{
      {"name", "Email SLA"}, {"kind", "sla"}, {"service", service_id()},
      {"targets", json::object{{"P3", json::object{{"response", 600}, {"resolution", 3600}}}}}}));
  std::int64_t id = incident("Mailbox full").at("id").as_int64();
  ASSERT_EQ(patch(id, {{"assignment_group", desk}, {"assignee", alice}}).status, 200);
  clock().advance(3000);  // response (600 s) breached, resolution (3600 s) past 80 %
  ASSERT_TRUE(app().run_sla_timers());
  auto r = manager.get("/api/v1/notifications");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> kinds;
  const json::value body = r.json();
  for (const auto& n : body.at("items").as_array()) {
    EXPECT_EQ(n.at("record_id"), id);
    kinds.insert(std::string(n.at("kind").as_string()) + ":" +
                 (n.at("message").as_string().find("response") != json::string::npos ? "response" : "resolution"));
  }
  EXPECT_TRUE(kinds.count("sla.breached:response")) << r.body;
  EXPECT_TRUE(kinds.count("sla.at_risk:resolution")) << r.body;
  // Once: the next pass announces nothing new.
  ASSERT_TRUE(app().run_sla_timers());
  EXPECT_EQ(manager.get("/api/v1/notifications").json().at("items").as_array().size(), r.json().at("items").as_array().size());
}

TEST_P(ServiceDesk, ASiteMayConfigureItsPriorityMatrix) {
  AppOptions o;
  o.db_url = db_url();
  o.clock = &clock();
  o.fast_password_hashing = true;
  o.incident.priority_matrix = {{{"P1", "P1", "P2"}, {"P2", "P2", "P3"}, {"P3", "P4", "P4"}}};
  auto site = App::open(o);
  ASSERT_TRUE(site) << site.error().message;
  const RecordType& t = *(*site)->registry().by_name("incident");
  Principal sys = (*site)->system_principal();
  auto rec = (*site)->create(sys, t, json::object{{"title", "x"}, {"impact", 1}, {"urgency", 2}});
  ASSERT_TRUE(rec) << rec.error().message;
  EXPECT_EQ(rec->at("priority"), "P1");  // the default matrix says P2
  auto moved = (*site)->patch(sys, t, rec->at("id").as_int64(), rec->at("version").as_int64(),
                              json::object{{"impact", 2}, {"urgency", 1}});
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->at("priority"), "P2");
  (*site)->close();
}

INSTANTIATE_TEST_SUITE_P(Db, ServiceDesk, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
