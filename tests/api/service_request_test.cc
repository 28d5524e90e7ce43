// Service request management over the API (issue #5, 8.6.2): requests raised from
// catalogue items, approval by the requester's manager or a named approver, fulfilment tasks
// for the fulfilment team, and the SLA clock of a request — on both databases, with the
// clock injected.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

json::value S(Instant t) { return json::value(format_rfc3339(t)); }

class Requests : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = create("organisations", R"({"name":"Acme","kind":"customer"})").at("id").as_int64();
    other_org_ = create("organisations", R"({"name":"Globex","kind":"customer"})").at("id").as_int64();
    unserved_org_ = create("organisations", R"({"name":"Initech","kind":"customer"})").at("id").as_int64();
    svc_ = create("services", json::serialize(json::object{{"name", "Workplace"}, {"customers", json::array{org_, other_org_}}}))
               .at("id").as_int64();
    ASSERT_EQ(client().post(path("services", svc_) + "/transitions", R"({"to":"live"})").status, 200);
    fulfiller_ = user("fulfiller", "agent", std::nullopt, std::nullopt);
    outsider_ = user("outsider", "agent", std::nullopt, std::nullopt);
    team_ = create("teams", json::serialize(json::object{{"name", "Workplace team"}, {"members", json::array{fulfiller_.id}}}))
                .at("id").as_int64();
    named_ = user("carol", "agent", std::nullopt, std::nullopt);
    manager_ = user("bob", "requester", org_, std::nullopt);
    alice_ = user("alice", "requester", org_, manager_.id);
    eve_ = user("eve", "requester", other_org_, std::nullopt);
    laptop_ = item("Laptop", R"("approval_required":true,"approval_by":"manager")");
    mailbox_ = item("Mailbox", R"("approval_required":false)");
    software_ = item("Software licence", R"("approval_required":true,"approval_by":"named","approver":)" +
                                             std::to_string(named_.id));
  }

  struct User {
    std::int64_t id = 0;
    std::unique_ptr<HttpClient> client;
  };
  User user(const std::string& name, const std::string& role, std::optional<std::int64_t> org,
            std::optional<std::int64_t> manager) {
    json::object body{{"username", name}, {"password", "a long test password"}, {"roles", json::array{json::string(role)}}};
    if (org) body["organisation"] = *org;
    if (manager) body["manager"] = *manager;
    auto r = client().post("/api/v1/users", json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    User u;
    u.id = r.json().at("id").as_int64();
    auto s = app().login(name, "a long test password", "test");
    EXPECT_TRUE(s);
    auto p = app().authenticate_session(s->token);
    u.client = std::make_unique<HttpClient>(port());
    u.client->bearer = std::string(app().create_token(*p, json::object{{"name", "t"}})->at("token").as_string());
    return u;
  }
  std::int64_t item(const std::string& name, const std::string& approval) {
    return create("catalogue_items", R"({"name":")" + name + R"(","service":)" + std::to_string(svc_) +
                                         R"(,"fulfilment_group":)" + std::to_string(team_) +
                                         R"(,"fulfilment_instructions":"Order from the framework contract.",)" + approval + "}")
        .at("id").as_int64();
  }
  static std::string path(const std::string& plural, std::int64_t id) { return "/api/v1/" + plural + "/" + std::to_string(id); }
  // alice raises a request for `item`.
  json::object raise(std::int64_t item) {
    auto r = alice_.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(item) + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json().as_object() : json::object{};
  }
  HttpResponse decide(HttpClient& c, std::int64_t request, const std::string& body) {
    return c.post(path("service_requests", request) + "/approval", body);
  }
  json::array tasks(std::int64_t request) {
    auto r = client().get("/api/v1/fulfilment_tasks?request=" + std::to_string(request) + "&sort=id");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("items").as_array();
  }
  HttpResponse move(HttpClient& c, const std::string& plural, std::int64_t id, const std::string& to) {
    return c.post(path(plural, id) + "/transitions", R"({"to":")" + to + R"("})");
  }
  json::object get(const std::string& plural, std::int64_t id) { return client().get(path(plural, id)).json().as_object(); }
  // The messages of the caller's "approval" notifications about `request`, newest first.
  std::vector<std::string> approval_notices(HttpClient& c, std::int64_t request) {
    std::vector<std::string> out;
    const json::value page = c.get("/api/v1/notifications").json();
    for (const auto& n : page.at("items").as_array())
      if (n.at("kind") == "approval" && n.at("record_id") == request) out.emplace_back(n.at("message").as_string());
    return out;
  }

  std::int64_t org_ = 0, other_org_ = 0, unserved_org_ = 0, svc_ = 0, team_ = 0, laptop_ = 0, mailbox_ = 0, software_ = 0;
  User fulfiller_, outsider_, named_, manager_, alice_, eve_;
};

TEST_P(Requests, WithoutApprovalGoStraightToFulfilmentWithATaskForTheTeam) {
  json::object r = raise(mailbox_);
  const std::int64_t id = r.at("id").as_int64();
  EXPECT_EQ(r.at("number"), "REQ-000001");
  EXPECT_EQ(r.at("status"), "fulfilling");
  EXPECT_EQ(r.at("title"), "Mailbox") << "the item's name when none is given";
  EXPECT_EQ(r.at("service"), svc_);
  EXPECT_EQ(r.at("customer"), org_);
  EXPECT_EQ(r.at("requested_for"), alice_.id);
  EXPECT_EQ(r.at("priority"), "P4") << "impact and urgency default to 3";
  EXPECT_TRUE(r.at("approver").is_null());
  EXPECT_FALSE(r.contains("assignment_group")) << "internal fields never reach the portal";
  EXPECT_EQ(get("service_requests", id).at("assignment_group"), team_) << "the item's fulfilment group";
  json::array ts = tasks(id);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].at("status"), "open");
  EXPECT_EQ(ts[0].at("assignment_group"), team_);
  EXPECT_EQ(ts[0].at("instructions"), "Order from the framework contract.");
  EXPECT_EQ(ts[0].at("title"), "Mailbox");
  EXPECT_EQ(alice_.client->get("/api/v1/fulfilment_tasks").status, 403) << "tasks are the provider's";
  EXPECT_EQ(alice_.client->get(path("fulfilment_tasks", ts[0].at("id").as_int64())).status, 404);
}

TEST_P(Requests, OnlyActiveItemsOfferedToTheOrganisation) {
  auto not_offered = eve_.client->post("/api/v1/service_requests", "{}");
  ASSERT_EQ(not_offered.status, 400);
  EXPECT_EQ(not_offered.json().at("errors").at(0).at("field"), "catalogue_item") << "required";
  User ian = user("ian", "requester", unserved_org_, std::nullopt);
  auto unserved = ian.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(mailbox_) + "}");
  ASSERT_EQ(unserved.status, 400) << unserved.body;
  EXPECT_EQ(unserved.json().at("errors").at(0).at("field"), "catalogue_item");
  ASSERT_EQ(client().patch(path("catalogue_items", mailbox_), R"({"active":false,"version":1})").status, 200);
  auto inactive = alice_.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(mailbox_) + "}");
  ASSERT_EQ(inactive.status, 400) << inactive.body;
  EXPECT_NE(inactive.body.find("no longer active"), std::string::npos) << inactive.body;
  auto foreign = alice_.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(laptop_) +
                                                                    R"(,"customer":)" + std::to_string(other_org_) + "}");
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  // Staff raise requests for a customer's user; requested_for must be one of its users.
  auto for_eve = client().post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(laptop_) +
                                                               R"(,"customer":)" + std::to_string(org_) +
                                                               R"(,"requested_for":)" + std::to_string(eve_.id) + "}");
  ASSERT_EQ(for_eve.status, 400) << for_eve.body;
  EXPECT_EQ(for_eve.json().at("errors").at(0).at("field"), "requested_for");
}

TEST_P(Requests, TheRequestersManagerApprovesOnce) {
  json::object r = raise(laptop_);
  const std::int64_t id = r.at("id").as_int64();
  EXPECT_EQ(r.at("status"), "awaiting_approval");
  EXPECT_EQ(r.at("approver"), manager_.id) << "the manager of requested_for";
  EXPECT_TRUE(tasks(id).empty()) << "no work before approval";
  auto asked = approval_notices(*manager_.client, id);
  ASSERT_EQ(asked.size(), 1u) << "the approver is told";
  EXPECT_EQ(asked[0], "alice asks for your approval of REQ-000001 (Laptop)");

  EXPECT_EQ(decide(*outsider_.client, id, R"({"decision":"approve"})").status, 403) << "staff, but not the approver";
  EXPECT_EQ(decide(*alice_.client, id, R"({"decision":"approve"})").status, 403) << "the requester is not the approver";
  EXPECT_EQ(decide(*eve_.client, id, R"({"decision":"approve"})").status, 404) << "another organisation's request";
  EXPECT_EQ(decide(*manager_.client, id, R"({"decision":"maybe"})").status, 400);
  // The transitions route cannot bypass approval: agents by policy, administrators by the hook.
  EXPECT_EQ(move(*fulfiller_.client, "service_requests", id, "approved").status, 403);
  EXPECT_EQ(move(client(), "service_requests", id, "approved").status, 403);
  EXPECT_EQ(move(client(), "service_requests", id, "rejected").status, 403);
  EXPECT_EQ(move(*alice_.client, "service_requests", id, "approved").status, 403);

  auto ok = decide(*manager_.client, id, R"({"decision":"approve","comment":"Within budget."})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  const json::value a = ok.json();
  EXPECT_EQ(a.at("status"), "fulfilling");
  EXPECT_EQ(a.at("approval_decision"), "approved");
  EXPECT_EQ(a.at("approval_decided_by"), manager_.id);
  EXPECT_EQ(a.at("approval_decided_at"), S(kTestStart));
  EXPECT_EQ(a.at("approval_comment"), "Within budget.");
  EXPECT_FALSE(a.as_object().contains("assignment_group")) << "the approver is a requester: no internal fields";
  EXPECT_EQ(tasks(id).size(), 1u) << "approval starts the fulfilment";
  auto told = approval_notices(*alice_.client, id);
  ASSERT_EQ(told.size(), 1u) << "the requester hears the decision";
  EXPECT_EQ(told[0], "bob approved REQ-000001 (Laptop): Within budget.");

  auto again = decide(*manager_.client, id, R"({"decision":"reject","comment":"Changed my mind."})");
  EXPECT_EQ(again.status, 409) << "decided once";
  EXPECT_EQ(decide(client(), id, R"({"decision":"approve"})").status, 409) << "administrators too";

  // The decision is in the request's hash chain, followed by the moves it caused.
  auto h = client().get(path("service_requests", id) + "/history");
  ASSERT_EQ(h.status, 200);
  const json::value hist = h.json();
  const json::array& ev = hist.at("items").as_array();
  ASSERT_EQ(ev.size(), 4u) << h.body;
  EXPECT_EQ(ev[1].at("action"), "approval");
  EXPECT_EQ(ev[1].at("actor"), "bob");
  EXPECT_EQ(ev[1].at("data").at("decision"), "approved");
  EXPECT_EQ(ev[1].at("data").at("comment"), "Within budget.");
  EXPECT_EQ(ev[2].at("data").at("to"), "approved");
  EXPECT_EQ(ev[3].at("data").at("from"), "approved");
  EXPECT_EQ(ev[3].at("data").at("to"), "fulfilling");
  auto audit = app().verify_audit_chain();
  ASSERT_TRUE(audit);
  EXPECT_TRUE(audit->ok);
}

TEST_P(Requests, ANamedApproverRejectsWithAReason) {
  json::object r = raise(software_);
  const std::int64_t id = r.at("id").as_int64();
  EXPECT_EQ(r.at("approver"), named_.id);
  EXPECT_EQ(decide(*manager_.client, id, R"({"decision":"approve"})").status, 403) << "the item names its approver";
  auto bare = decide(*named_.client, id, R"({"decision":"reject"})");
  ASSERT_EQ(bare.status, 400) << "a rejection says why";
  EXPECT_EQ(bare.json().at("errors").at(0).at("field"), "comment");
  auto no = decide(*named_.client, id, R"({"decision":"reject","comment":"Use the free alternative."})");
  ASSERT_EQ(no.status, 200) << no.body;
  EXPECT_EQ(no.json().at("status"), "rejected");
  EXPECT_TRUE(tasks(id).empty());
  json::object seen = alice_.client->get(path("service_requests", id)).json().as_object();
  EXPECT_EQ(seen.at("approval_decision"), "rejected");
  EXPECT_EQ(seen.at("approval_comment"), "Use the free alternative.") << "the requester learns why";
  auto told = approval_notices(*alice_.client, id);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0], "carol rejected REQ-000001 (Software licence): Use the free alternative.");
  EXPECT_EQ(move(client(), "service_requests", id, "fulfilling").status, 409) << "rejected is final";
}

TEST_P(Requests, ApprovalNeedsSomeoneToApprove) {
  User nomgr = user("dan", "requester", org_, std::nullopt);
  auto r = nomgr.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(laptop_) + "}");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json().at("errors").at(0).at("field"), "requested_for");
  EXPECT_NE(r.body.find("no manager"), std::string::npos) << r.body;
  auto bad = client().post("/api/v1/catalogue_items", R"({"name":"x","service":)" + std::to_string(svc_) +
                                                          R"(,"approval_required":true,"approval_by":"named"})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json().at("errors").at(0).at("field"), "approver");
  // Users: a manager must exist and not be the user.
  EXPECT_EQ(client().patch("/api/v1/users/" + std::to_string(nomgr.id), R"({"manager":)" + std::to_string(nomgr.id) + "}").status, 400);
  EXPECT_EQ(client().patch("/api/v1/users/" + std::to_string(nomgr.id), R"({"manager":999999})").status, 400);
  auto set = client().patch("/api/v1/users/" + std::to_string(nomgr.id), R"({"manager":)" + std::to_string(manager_.id) + "}");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json().at("manager"), manager_.id);
  EXPECT_EQ(nomgr.client->patch("/api/v1/users/" + std::to_string(nomgr.id), R"({"manager":null})").status, 403)
      << "only administrators set managers";
  auto again = nomgr.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(laptop_) + "}");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json().at("approver"), manager_.id);
}

TEST_P(Requests, FulfilledWhenEveryTaskIsDone) {
  const std::int64_t id = raise(mailbox_).at("id").as_int64();
  const std::int64_t first = tasks(id).at(0).at("id").as_int64();
  HttpClient& agent = *fulfiller_.client;
  auto extra = agent.post("/api/v1/fulfilment_tasks", R"({"request":)" + std::to_string(id) + R"(,"title":"Set up the alias"})");
  ASSERT_EQ(extra.status, 201) << extra.body;
  EXPECT_EQ(extra.json().at("assignment_group"), team_) << "the request's group by default";
  const std::int64_t second = extra.json().at("id").as_int64();
  auto early = move(agent, "service_requests", id, "fulfilled");
  EXPECT_EQ(early.status, 409) << "tasks are still open: " << early.body;

  ASSERT_EQ(move(agent, "fulfilment_tasks", first, "in_progress").status, 200);
  clock().advance(600);
  ASSERT_EQ(move(agent, "fulfilment_tasks", first, "done").status, 200);
  EXPECT_EQ(get("service_requests", id).at("status"), "fulfilling") << "one task is still open";
  clock().advance(600);
  auto last = move(agent, "fulfilment_tasks", second, "done");
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(last.json().at("done_at"), S(kTestStart + 1200));
  json::object req = get("service_requests", id);
  EXPECT_EQ(req.at("status"), "fulfilled");
  EXPECT_EQ(req.at("fulfilled_at"), S(kTestStart + 1200));
  auto h = client().get(path("service_requests", id) + "/history");
  const json::value hist = h.json();
  const json::value& fulfilled = hist.at("items").as_array().back();
  EXPECT_EQ(fulfilled.at("action"), "transition");
  EXPECT_EQ(fulfilled.at("actor"), "fulfiller");
  EXPECT_EQ(fulfilled.at("data").at("to"), "fulfilled");

  auto late = agent.post("/api/v1/fulfilment_tasks", R"({"request":)" + std::to_string(id) + R"(,"title":"More"})");
  EXPECT_EQ(late.status, 409) << "reopen first: " << late.body;
  // The requester is not satisfied: reopen, more work, fulfilled again.
  auto reopen = move(*alice_.client, "service_requests", id, "fulfilling");
  ASSERT_EQ(reopen.status, 200) << reopen.body;
  EXPECT_EQ(reopen.json().at("reopen_count"), 1);
  auto more = agent.post("/api/v1/fulfilment_tasks", R"({"request":)" + std::to_string(id) + R"(,"title":"Fix the alias"})");
  ASSERT_EQ(more.status, 201);
  ASSERT_EQ(move(agent, "fulfilment_tasks", more.json().at("id").as_int64(), "done").status, 200);
  EXPECT_EQ(get("service_requests", id).at("status"), "fulfilled");
  EXPECT_EQ(move(*alice_.client, "service_requests", id, "closed").status, 200) << "the requester confirms";
}

TEST_P(Requests, CancellingARequestCancelsItsOpenTasks) {
  const std::int64_t id = raise(mailbox_).at("id").as_int64();
  auto withdrawn = move(*alice_.client, "service_requests", id, "cancelled");
  ASSERT_EQ(withdrawn.status, 200) << withdrawn.body;
  json::array ts = tasks(id);
  ASSERT_EQ(ts.size(), 1u);
  EXPECT_EQ(ts[0].at("status"), "cancelled");
}

TEST_P(Requests, RequestersSeeTheirOrganisationsRequestsWithoutInternalFields) {
  const std::int64_t mine = raise(mailbox_).at("id").as_int64();
  auto theirs = eve_.client->post("/api/v1/service_requests", R"({"catalogue_item":)" + std::to_string(mailbox_) + "}");
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_EQ(eve_.client->get(path("service_requests", mine)).status, 404);
  EXPECT_EQ(eve_.client->post(path("service_requests", mine) + "/transitions", R"({"to":"cancelled"})").status, 404);
  auto list = manager_.client->get("/api/v1/service_requests");
  ASSERT_EQ(list.status, 200);
  const json::value page = list.json();
  ASSERT_EQ(page.at("items").as_array().size(), 1u) << "a colleague's request, not Globex's";
  const json::object& item = page.at("items").at(0).as_object();
  EXPECT_EQ(item.at("id"), mine);
  for (const char* f : {"assignment_group", "assignee", "reassignment_count"}) EXPECT_FALSE(item.contains(f)) << f;
  EXPECT_EQ(manager_.client->get("/api/v1/service_requests?assignment_group=1").status, 400);
  EXPECT_EQ(alice_.client->patch(path("service_requests", mine), R"({"title":"x","version":1})").status, 403);
  // Staff: the counters as for incidents.
  std::int64_t other_team = create("teams", R"({"name":"Second line"})").at("id").as_int64();
  auto re = client().patch(path("service_requests", mine),
                           R"({"assignment_group":)" + std::to_string(other_team) + R"(,"version":1})");
  ASSERT_EQ(re.status, 200) << re.body;
  EXPECT_EQ(re.json().at("reassignment_count"), 1);
  auto fixed = client().patch(path("service_requests", mine), R"({"customer":)" + std::to_string(other_org_) + R"(,"version":2})");
  EXPECT_EQ(fixed.status, 400) << "a raised request stays with its organisation";
}

TEST_P(Requests, TheSlaClockRunsOnRequestsPausedWhileAwaitingApproval) {
  // An agreement for requests only, pausing while the approver decides; P4: 10 min / 2 h.
  auto defaults = client().post("/api/v1/agreements", R"({"name":"Requests","kind":"sla","service":)" + std::to_string(svc_) +
                                                           R"(,"applies_to":"service_request","targets":{"P4":{"response":600,"resolution":7200}}})");
  ASSERT_EQ(defaults.status, 400) << "requests never wait in pending_customer";
  EXPECT_EQ(defaults.json().at("errors").at(0).at("field"), "pause_statuses[0]");
  auto for_incidents = client().post("/api/v1/agreements", R"({"name":"x","kind":"sla","service":)" + std::to_string(svc_) +
                                                                R"(,"applies_to":"incident","pause_statuses":["awaiting_approval"],)"
                                                                R"("targets":{"P4":{"response":600,"resolution":7200}}})");
  EXPECT_EQ(for_incidents.status, 400) << "incidents never await approval";
  const std::int64_t agr =
      create("agreements", R"({"name":"Requests","kind":"sla","service":)" + std::to_string(svc_) +
                               R"(,"applies_to":"service_request","pause_statuses":["awaiting_approval"],)"
                               R"("targets":{"P4":{"response":600,"resolution":7200}}})")
          .at("id").as_int64();
  json::object inc = create("incidents", R"({"title":"Printer","impact":3,"urgency":3,"service":)" + std::to_string(svc_) +
                                             R"(,"customer":)" + std::to_string(org_) + "}");
  EXPECT_TRUE(inc.at("sla_agreement").is_null()) << "the agreement covers requests only";

  json::object r = raise(laptop_);
  const std::int64_t id = r.at("id").as_int64();
  EXPECT_EQ(r.at("sla_agreement"), agr);
  EXPECT_EQ(r.at("response_met_at"), S(kTestStart)) << "routed the moment it is raised";
  EXPECT_TRUE(r.at("resolution_due_at").is_null()) << "paused while awaiting approval";
  clock().advance(3600);
  auto paused = client().get(path("service_requests", id) + "/sla");
  ASSERT_EQ(paused.status, 200) << paused.body;
  const json::value pj = paused.json();
  const json::value& res = pj.at("targets").at(1);
  EXPECT_EQ(res.at("kind"), "resolution");
  EXPECT_EQ(res.at("state"), "paused");
  EXPECT_EQ(res.at("elapsed_seconds"), 0);
  EXPECT_EQ(res.at("paused_seconds"), 3600);

  ASSERT_EQ(decide(*manager_.client, id, R"({"decision":"approve"})").status, 200);
  json::object running = get("service_requests", id);
  EXPECT_EQ(running.at("resolution_due_at"), S(kTestStart + 3600 + 7200)) << "the clock runs from the approval";
  clock().advance(1800);
  ASSERT_EQ(move(*fulfiller_.client, "fulfilment_tasks", tasks(id).at(0).at("id").as_int64(), "done").status, 200);
  json::object done = get("service_requests", id);
  EXPECT_EQ(done.at("status"), "fulfilled");
  EXPECT_EQ(done.at("resolution_met_at"), S(kTestStart + 5400));
  EXPECT_EQ(done.at("resolution_breached"), false);
  auto met = client().get(path("service_requests", id) + "/sla").json();
  EXPECT_EQ(met.at("targets").at(1).at("state"), "met");
  EXPECT_EQ(met.at("targets").at(1).at("elapsed_seconds"), 1800);
}

TEST_P(Requests, TheDueQueueBreachesARequest) {
  create("agreements", R"({"name":"Fast","kind":"sla","service":)" + std::to_string(svc_) +
                           R"(,"applies_to":"service_request","pause_statuses":[],)"
                           R"("targets":{"P4":{"response":60,"resolution":600}}})");
  const std::int64_t id = raise(mailbox_).at("id").as_int64();
  clock().advance(601);
  auto fired = app().run_sla_timers();
  ASSERT_TRUE(fired);
  EXPECT_GE(*fired, 1);
  json::object req = get("service_requests", id);
  EXPECT_EQ(req.at("resolution_breached"), true);
  EXPECT_EQ(req.at("resolution_breached_at"), S(kTestStart + 600));
}

INSTANTIATE_TEST_SUITE_P(Db, Requests, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing
