// Service level management over the API (issue #4): calendars, agreements, the SLA clock of
// a ticket recomputed from its history, the due queue's events, the SLA report and the
// customer's catalogue — on both databases, with the clock injected.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "app/sla.h"
#include "store/store.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

json::value T(Instant t) { return json::value(format_rfc3339(t)); }
std::string S(Instant t) { return format_rfc3339(t); }

class ServiceLevels : public ApiTest {
 protected:
  std::string id_path(const std::string& plural, std::int64_t id) { return "/api/v1/" + plural + "/" + std::to_string(id); }

  std::int64_t office_calendar() {
    return create("calendars", R"({"name":"Office","timezone":"Europe/Berlin",
        "hours":{"mon":[["09:00","17:00"]],"tue":[["09:00","17:00"]],"wed":[["09:00","17:00"]],
                 "thu":[["09:00","17:00"]],"fri":[["09:00","17:00"]]}})")
        .at("id").as_int64();
  }
  std::int64_t agreement(std::int64_t service, std::optional<std::int64_t> customer, std::optional<std::int64_t> calendar,
                         std::int64_t response, std::int64_t resolution, const std::string& name = "SLA") {
    json::object b{{"name", name}, {"kind", "sla"}, {"service", service},
                   {"targets", json::object{{"P3", json::object{{"response", response}, {"resolution", resolution}}}}}};
    if (customer) b["customer"] = *customer;
    if (calendar) b["calendar"] = *calendar;
    return create("agreements", json::serialize(b)).at("id").as_int64();
  }
  // impact 2 × urgency 2 → P3
  json::object incident(std::int64_t service, std::int64_t customer, const std::string& title = "Mail is slow") {
    return create("incidents", json::serialize(json::object{{"title", title}, {"impact", 2}, {"urgency", 2},
                                                            {"service", service}, {"customer", customer}}));
  }
  HttpResponse move(std::int64_t id, const std::string& to) {
    json::object b{{"to", to}};
    if (to == "resolved") {
      b["resolution_code"] = "fixed";
      b["resolution_note"] = "Restarted the connector.";
    }
    auto cur = client().get(id_path("incidents", id));
    b["version"] = cur.json().at("version");
    return client().post(id_path("incidents", id) + "/transitions", json::serialize(b));
  }
  json::object sla(std::int64_t id) {
    auto r = client().get(id_path("incidents", id) + "/sla");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }
  static const json::object& target(const json::object& s, const char* kind) {
    for (const auto& t : s.at("targets").as_array())
      if (t.at("kind") == kind) return t.as_object();
    throw std::runtime_error("no target");
  }
  std::int64_t org(const std::string& name) {
    return create("organisations", R"({"name":")" + name + R"(","kind":"customer"})").at("id").as_int64();
  }
  // A requester of `organisation` and a client holding their token.
  HttpClient requester(std::int64_t organisation, const std::string& name = "portal_user") {
    Principal sys = app().system_principal();
    auto u = app().create_user(sys, json::object{{"username", name}, {"password", "portal user password"},
                                                 {"roles", json::array{"requester"}}, {"organisation", organisation}});
    EXPECT_TRUE(u) << u.error().message;
    auto s = app().login(name, "portal user password", "test");
    auto p = app().authenticate_session(s->token);
    HttpClient c(port());
    c.bearer = std::string(app().create_token(*p, json::object{{"name", "t"}})->at("token").as_string());
    return c;
  }
};

TEST_P(ServiceLevels, TwentyFourSevenIsBuiltIn) {
  auto r = client().get("/api/v1/calendars?name=24x7");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(r.json().at("items").at(0).at("timezone"), "UTC");
}

TEST_P(ServiceLevels, CalendarsAreCheckedAndCanonical) {
  auto bad = client().post("/api/v1/calendars", R"({"name":"Bad","timezone":"Mars/Olympus",
      "hours":{"mon":[["09:00","12:00"],["11:00","13:00"]],"funday":[]},"holidays":["2026-02-30"]})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> fields;
  const json::value bad_json = bad.json();
  for (const auto& e : bad_json.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_TRUE(fields.count("timezone")) << bad.body;
  EXPECT_TRUE(fields.count("hours.funday")) << bad.body;
  EXPECT_TRUE(fields.count("holidays[0]")) << bad.body;
  // Touching intervals merge; holidays sort and de-duplicate.
  auto ok = create("calendars", R"({"name":"Split","timezone":"America/New_York",
      "hours":{"mon":[["13:00","17:00"],["09:00","13:00"]]},"holidays":["2026-12-25","2026-07-03","2026-12-25"]})");
  EXPECT_EQ(json::serialize(ok.at("hours").at("mon")), R"([["09:00","17:00"]])");
  EXPECT_EQ(json::serialize(ok.at("holidays")), R"(["2026-07-03","2026-12-25"])");
}

TEST_P(ServiceLevels, AgreementsAreChecked) {
  auto r = client().post("/api/v1/agreements",
                         R"({"name":"x","kind":"ola","service":)" + std::to_string(service_id()) +
                             R"(,"targets":{"P9":{"response":10,"resolution":20},"P1":{"response":50,"resolution":20}},
                             "pause_statuses":["resolved"]})");
  ASSERT_EQ(r.status, 400) << r.body;
  std::set<std::string> fields;
  const json::value errors = r.json();
  for (const auto& e : errors.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  for (const char* f : {"team", "targets.P9", "targets.P1.response", "pause_statuses[0]"})
    EXPECT_TRUE(fields.count(f)) << f << " in " << r.body;
  auto risk = client().post("/api/v1/agreements", R"({"name":"x","kind":"sla","service":)" + std::to_string(service_id()) +
                                                      R"(,"targets":{"P1":{"response":1,"resolution":2}},"at_risk_percent":0})");
  ASSERT_EQ(risk.status, 400);
  EXPECT_EQ(risk.json().at("errors").at(0).at("field"), "at_risk_percent");
  // Defaults: pause in pending_customer, at risk at 80 %.
  auto a = create("agreements", R"({"name":"Gold","kind":"sla","service":)" + std::to_string(service_id()) +
                                    R"(,"targets":{"P1":{"response":900,"resolution":14400}}})");
  EXPECT_EQ(json::serialize(a.at("pause_statuses")), R"(["pending_customer"])");
  EXPECT_EQ(a.at("at_risk_percent"), 80);
}

// Monday 2026-03-02 09:15Z = 10:15 in Berlin; office hours 09:00–17:00 local.
TEST_P(ServiceLevels, ClockFromHistoryWithPauseNightAndResolve) {
  std::int64_t cal = office_calendar();
  std::int64_t agr = agreement(service_id(), customer_id(), cal, 3600, 8 * 3600);
  auto inc = incident(service_id(), customer_id());
  std::int64_t id = inc.at("id").as_int64();
  EXPECT_EQ(inc.at("sla_agreement"), agr);
  EXPECT_EQ(inc.at("response_due_at"), T(kTestStart + 3600));
  // 6h45 on Monday, the remaining 1h15 on Tuesday from 09:00 local (08:00Z).
  EXPECT_EQ(inc.at("resolution_due_at"), "2026-03-03T09:15:00Z");
  EXPECT_EQ(inc.at("sla_due_at"), T(kTestStart + 3600));

  clock().advance(1800);
  ASSERT_EQ(move(id, "in_progress").status, 200);
  clock().advance(3600);  // 10:45Z
  ASSERT_EQ(move(id, "pending_customer").status, 200);
  auto paused = client().get(id_path("incidents", id)).json();
  EXPECT_TRUE(paused.at("resolution_due_at").is_null()) << "no due time while paused";
  clock().set(1772524800);  // Tue 2026-03-03T08:00Z = 09:00 local
  ASSERT_EQ(move(id, "in_progress").status, 200);
  clock().advance(7200);
  auto resolved = move(id, "resolved");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.json().at("resolution_met_at"), "2026-03-03T10:00:00Z");
  EXPECT_EQ(resolved.json().at("resolution_breached"), false);
  EXPECT_TRUE(resolved.json().at("sla_due_at").is_null());

  clock().advance(86400);  // evaluating later changes nothing for met targets
  auto s = sla(id);
  EXPECT_EQ(s.at("agreement").at("id"), agr);
  EXPECT_EQ(s.at("agreement").at("calendar").at("timezone"), "Europe/Berlin");
  const auto& resp = target(s, "response");
  EXPECT_EQ(resp.at("elapsed_seconds"), 1800);
  EXPECT_EQ(resp.at("met_at"), T(kTestStart + 1800));
  const auto& res = target(s, "resolution");
  EXPECT_EQ(res.at("target_seconds"), 8 * 3600);
  EXPECT_EQ(res.at("elapsed_seconds"), 5400 + 7200);
  EXPECT_EQ(res.at("paused_seconds"), 5 * 3600 + 15 * 60);  // 10:45Z → 16:00Z (17:00 local)
  EXPECT_EQ(res.at("breached"), false);
  EXPECT_EQ(res.at("state"), "met");
  EXPECT_EQ(json::serialize(res.at("segments")),
            json::serialize(json::parse(R"([
      {"from":"2026-03-02T09:15:00Z","to":"2026-03-02T10:45:00Z","state":"running"},
      {"from":"2026-03-02T10:45:00Z","to":"2026-03-02T16:00:00Z","state":"paused"},
      {"from":"2026-03-02T16:00:00Z","to":"2026-03-03T08:00:00Z","state":"outside_hours"},
      {"from":"2026-03-03T08:00:00Z","to":"2026-03-03T10:00:00Z","state":"running"}])")));
}

TEST_P(ServiceLevels, MostSpecificAgreementWins) {
  std::int64_t other = org("Other Co");
  std::int64_t general = agreement(service_id(), std::nullopt, std::nullopt, 600, 3600, "Everyone");
  std::int64_t specific = agreement(service_id(), customer_id(), std::nullopt, 300, 1800, "Acme only");
  EXPECT_EQ(incident(service_id(), customer_id()).at("sla_agreement"), specific);
  EXPECT_EQ(incident(service_id(), other).at("sla_agreement"), general);
  // No agreement on another service: no clock, and the API says why.
  std::int64_t bare = create("services", R"({"name":"Bare"})").at("id").as_int64();
  auto none = incident(bare, customer_id());
  EXPECT_TRUE(none.at("sla_agreement").is_null());
  auto s = sla(none.at("id").as_int64());
  EXPECT_TRUE(s.at("agreement").is_null());
  EXPECT_TRUE(s.at("targets").as_array().empty());
  EXPECT_TRUE(s.contains("problem"));
}

TEST_P(ServiceLevels, PriorityChangeSwitchesTargetsKeepingElapsed) {
  create("agreements", R"({"name":"All","kind":"sla","service":)" + std::to_string(service_id()) +
                           R"(,"targets":{"P1":{"response":600,"resolution":3600},"P3":{"response":3600,"resolution":28800}}})");
  auto inc = incident(service_id(), customer_id());
  std::int64_t id = inc.at("id").as_int64();
  clock().advance(1200);
  auto p = client().patch(id_path("incidents", id), R"({"impact":1,"urgency":1,"version":1})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json().at("priority"), "P1");
  EXPECT_EQ(p.json().at("response_breached"), true) << "1200 s elapsed is over P1's 600";
  EXPECT_EQ(p.json().at("response_breached_at"), T(kTestStart + 1200));
  const json::object res = target(sla(id), "resolution");
  EXPECT_EQ(res.at("priority"), "P1");
  EXPECT_EQ(res.at("elapsed_seconds"), 1200);
  EXPECT_EQ(res.at("due_at"), T(kTestStart + 3600));
}

// The clock reads the create, the transitions and the updates that change the priority
// or the status; edits of other fields stay unread (a ticket edited a thousand times
// re-evaluates as fast as one edited twice), even when their text mentions "priority".
TEST_P(ServiceLevels, ClockReadsOnlyTheEventsThatMoveIt) {
  create("agreements", R"({"name":"All","kind":"sla","service":)" + std::to_string(service_id()) +
                           R"(,"targets":{"P1":{"response":600,"resolution":3600},"P3":{"response":3600,"resolution":28800}}})");
  std::int64_t id = incident(service_id(), customer_id()).at("id").as_int64();
  std::int64_t version = 1;
  auto patch = [&](const std::string& body) {
    auto r = client().patch(id_path("incidents", id), body.substr(0, body.size() - 1) + R"(,"version":)" +
                                                          std::to_string(version) + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    version = r.json().at("version").as_int64();
  };
  clock().advance(100);
  patch(R"({"title":"The \"priority\" mailbox is slow"})");
  patch(R"({"description":"to: all staff"})");
  clock().advance(100);
  ASSERT_EQ(move(id, "in_progress").status, 200);
  version = client().get(id_path("incidents", id)).json().at("version").as_int64();
  clock().advance(100);
  patch(R"({"impact":1,"urgency":1})");  // P3 → P1 at +300 s
  for (int i = 0; i < 5; ++i) patch(R"({"description":"still looking )" + std::to_string(i) + R"("})");
  clock().advance(100);
  ASSERT_EQ(move(id, "pending_customer").status, 200);

  const RecordType& t = *app().registry().by_plural("incidents");
  auto history = app().store().read([&](SqlConn& c) { return SlaEngine::load_history(c, t, id); });
  ASSERT_TRUE(history) << history.error().message;
  std::vector<std::string> actions;
  for (const auto& e : *history) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "transition", "update", "transition"}));

  // The figures are those of the full history: P1's targets since +300 s, paused at +400 s.
  const json::object res = target(sla(id), "resolution");
  EXPECT_EQ(res.at("priority"), "P1");
  EXPECT_EQ(res.at("elapsed_seconds"), 400);
  EXPECT_EQ(res.at("state"), "paused");
}

TEST_P(ServiceLevels, DueQueueFiresEachEventOnceAcrossRestartsAndNodes) {
  agreement(service_id(), std::nullopt, std::nullopt, 3600, 7200);  // 24x7, at risk at 80 %
  std::int64_t id = incident(service_id(), customer_id()).at("id").as_int64();
  auto events = [&](const std::string& action) {
    int n = 0;
    const json::value history = client().get(id_path("incidents", id) + "/history").json();
    for (const auto& e : history.at("items").as_array())
      if (e.at("action").as_string() == action) ++n;
    return n;
  };
  EXPECT_EQ(*app().run_sla_timers(), 0);
  clock().advance(2879);
  EXPECT_EQ(*app().run_sla_timers(), 0) << "not yet at 80 %";
  clock().advance(1);
  EXPECT_EQ(*app().run_sla_timers(), 1) << "response at risk at 2880 s";
  EXPECT_EQ(*app().run_sla_timers(), 0);
  EXPECT_EQ(events("sla.at_risk"), 1);
  EXPECT_EQ(client().get(id_path("incidents", id)).json().at("sla_at_risk"), true);
  clock().set(kTestStart + 3601);
  EXPECT_EQ(*app().run_sla_timers(), 1) << "response breached";
  auto rec = client().get(id_path("incidents", id)).json();
  EXPECT_EQ(rec.at("response_breached"), true);
  EXPECT_EQ(rec.at("response_breached_at"), T(kTestStart + 3600));
  EXPECT_EQ(rec.at("version"), 1) << "derived figures do not make a new version";

  // A second node (or the same one after a restart) on the same database.
  auto other = App::open({.db_url = db_url(), .clock = &clock(), .fast_password_hashing = true});
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_EQ(*(*other)->run_sla_timers(), 0) << "nothing fires twice";
  clock().set(kTestStart + 5760);  // resolution at risk
  std::int64_t fired = *(*other)->run_sla_timers() + *app().run_sla_timers();
  EXPECT_EQ(fired, 1);
  clock().set(kTestStart + 7201);
  fired = *app().run_sla_timers() + *(*other)->run_sla_timers();
  EXPECT_EQ(fired, 1);
  (*other)->close();
  EXPECT_EQ(events("sla.at_risk"), 2);
  EXPECT_EQ(events("sla.breached"), 2);
  clock().advance(86400 * 30);
  EXPECT_EQ(*app().run_sla_timers(), 0);
  // The timer events are in the hash chain too.
  auto verify = app().verify_audit_chain();
  ASSERT_TRUE(verify);
  EXPECT_TRUE(verify->ok);
}

TEST_P(ServiceLevels, PausedTicketDoesNotBreach) {
  agreement(service_id(), std::nullopt, std::nullopt, 600, 3600);
  std::int64_t id = incident(service_id(), customer_id()).at("id").as_int64();
  clock().advance(60);
  ASSERT_EQ(move(id, "in_progress").status, 200);
  ASSERT_EQ(move(id, "pending_customer").status, 200);
  clock().advance(86400);
  EXPECT_EQ(*app().run_sla_timers(), 0);
  auto res = target(sla(id), "resolution");
  EXPECT_EQ(res.at("state"), "paused");
  EXPECT_EQ(res.at("elapsed_seconds"), 60);
  EXPECT_EQ(res.at("paused_seconds"), 86400);
  EXPECT_TRUE(res.at("due_at").is_null());
}

TEST_P(ServiceLevels, ReportCountsMetAndBreachedTargets) {
  std::int64_t agr = agreement(service_id(), std::nullopt, std::nullopt, 600, 3600, "Std");
  std::int64_t good = incident(service_id(), customer_id(), "Good").at("id").as_int64();
  std::int64_t late = incident(service_id(), customer_id(), "Late").at("id").as_int64();
  clock().advance(300);
  ASSERT_EQ(move(good, "in_progress").status, 200);
  clock().advance(1500);
  ASSERT_EQ(move(good, "resolved").status, 200);
  clock().advance(5000);  // `late`: both targets ran out, no timer has run yet

  auto query = "/api/v1/reports/sla?from=" + S(kTestStart - 3600) + "&to=" + S(kTestStart + 86400) + "&group_by=service,priority";
  auto check = [&](const char* when) {
    auto r = client().get(query);
    ASSERT_EQ(r.status, 200) << r.body;
    auto rep = r.json();
    const auto& tot = rep.at("totals");
    EXPECT_EQ(tot.at("response").at("met"), 1) << when;
    EXPECT_EQ(tot.at("response").at("breached"), 1) << when;
    EXPECT_EQ(tot.at("resolution").at("ended"), 2) << when;
    EXPECT_DOUBLE_EQ(tot.at("all").at("attainment").as_double(), 0.5) << when;
    ASSERT_EQ(rep.at("groups").as_array().size(), 1u);
    const auto& g = rep.at("groups").at(0);
    EXPECT_EQ(g.at("key").at("service").at("id"), service_id());
    EXPECT_EQ(g.at("key").at("priority"), "P3");
    ASSERT_EQ(rep.at("breaches").as_array().size(), 1u) << when;
    const auto& b = rep.at("breaches").at(0);
    EXPECT_EQ(b.at("id"), late);
    EXPECT_EQ(b.at("agreement"), agr);
    EXPECT_EQ(b.at("breaches").as_array().size(), 2u);
    EXPECT_EQ(b.at("breaches").at(0).at("breached_at"), T(kTestStart + 600));
  };
  check("before the due queue ran");
  EXPECT_EQ(*app().run_sla_timers(), 2);
  check("after the due queue announced the breaches");

  auto csv = client().get(query + "&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")), "service_id,service,priority_id,priority,target,met,breached,ended,attainment");
  EXPECT_NE(csv.body.find(",,TOTAL,all,2,2,4,0.5"), std::string::npos) << csv.body;

  auto bad = client().get("/api/v1/reports/sla?group_by=colour&from=yesterday");
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("errors").as_array().size(), 2u) << bad.body;
  EXPECT_EQ(requester(customer_id()).get(query).status, 403);
}

TEST_P(ServiceLevels, CatalogueShowsACustomerWhatTheyMayRequest) {
  std::int64_t other = org("Other Co");
  std::int64_t team = create("teams", R"({"name":"Fulfilment"})").at("id").as_int64();
  auto service = [&](const std::string& name, std::int64_t customer, bool live) {
    std::int64_t id = create("services", R"({"name":")" + name + R"(","customers":[)" + std::to_string(customer) + "]}")
                          .at("id").as_int64();
    if (live) EXPECT_EQ(client().post(id_path("services", id) + "/transitions", R"({"to":"live","version":1})").status, 200);
    return id;
  };
  std::int64_t mail = service("Mail", customer_id(), true);
  service("Payroll", other, true);
  service("Future", customer_id(), false);
  create("catalogue_items", R"({"service":)" + std::to_string(mail) + R"(,"name":"New mailbox","approval_required":true,
      "fulfilment_instructions":"Run the provisioning script","fulfilment_group":)" + std::to_string(team) + "}");
  create("catalogue_items", R"({"service":)" + std::to_string(mail) + R"(,"name":"Retired item","active":false})");

  HttpClient portal = requester(customer_id());
  auto r = portal.get("/api/v1/catalogue");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value cat = r.json();
  const auto& services = cat.at("services").as_array();
  ASSERT_EQ(services.size(), 1u) << r.body;
  EXPECT_EQ(services[0].at("name"), "Mail");
  EXPECT_FALSE(services[0].as_object().contains("customers"));
  ASSERT_EQ(services[0].at("items").as_array().size(), 1u);
  const auto& item = services[0].at("items").at(0).as_object();
  EXPECT_EQ(item.at("name"), "New mailbox");
  EXPECT_EQ(item.at("approval_required"), true);
  EXPECT_FALSE(item.contains("fulfilment_instructions"));
  EXPECT_FALSE(item.contains("fulfilment_group"));
  EXPECT_EQ(portal.get("/api/v1/catalogue?customer=" + std::to_string(other)).status, 403);
  EXPECT_EQ(portal.get("/api/v1/services").status, 403) << "requesters browse services through the catalogue";

  auto staff = client().get("/api/v1/catalogue?customer=" + std::to_string(other));
  ASSERT_EQ(staff.status, 200);
  ASSERT_EQ(staff.json().at("services").as_array().size(), 1u);
  EXPECT_EQ(staff.json().at("services").at(0).at("name"), "Payroll");
  EXPECT_EQ(client().get("/api/v1/catalogue").json().at("services").as_array().size(), 2u) << "staff: every live service";
  EXPECT_EQ(client().get("/api/v1/catalogue?customer=x").status, 400);
}

INSTANTIATE_TEST_SUITE_P(Db, ServiceLevels, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
