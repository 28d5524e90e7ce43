// Access control behaviour beyond the route matrix: users, teams, disabling, throttling,
// session rotation, internal fields in history, security events.
#include <boost/json.hpp>

#include "api/api_fixture.h"
#include "store/store.h"
#include "test_db.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

constexpr const char* kPw = "access-test-password";

class Access : public ApiTest {
 protected:
  // Creates a user over the API and returns {id, bearer token}.
  std::pair<std::int64_t, std::string> user(const std::string& name, const std::string& role,
                                            std::optional<std::int64_t> org = std::nullopt) {
    json::object body{{"username", name}, {"password", kPw}, {"roles", json::array{json::string(role)}}};
    if (org) body["organisation"] = *org;
    auto r = client().post("/api/v1/users", json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    std::int64_t id = r.json().at("id").as_int64();
    HttpClient c(port());
    auto login = c.post("/api/v1/auth/login", json::serialize(json::object{{"username", name}, {"password", kPw}}));
    EXPECT_EQ(login.status, 200) << login.body;
    std::string sc = login.header("set-cookie");
    c.cookie = sc.substr(0, sc.find(';'));
    c.csrf_token = std::string(login.json().at("csrf_token").as_string());
    auto tok = c.post("/api/v1/tokens", R"({"name":"t"})");
    EXPECT_EQ(tok.status, 201) << tok.body;
    return {id, std::string(tok.json().at("token").as_string())};
  }
  HttpClient as(const std::string& token) {
    HttpClient c(port());
    c.bearer = token;
    return c;
  }
};

TEST_P(Access, RequesterSeesOnlyPublicFieldsAndOwnOrganisation) {
  auto acme = customer_id();
  auto [agent_id, agent_tok] = user("agent1", "agent");
  auto team = create("teams", json::serialize(json::object{{"name", "Desk"}, {"members", json::array{agent_id}}}));
  auto [req_id, req_tok] = user("req1", "requester", acme);
  auto requester = as(req_tok);
  auto made = requester.post("/api/v1/incidents", R"({"title":"My laptop is slow","impact":3,"urgency":3})");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json().at("customer"), acme);
  EXPECT_FALSE(made.json().as_object().contains("assignment_group"));
  std::string url = "/api/v1/incidents/" + std::to_string(made.json().at("id").as_int64());
  // The agent assigns it; the requester never learns the internal assignment.
  auto assigned = as(agent_tok).patch(url, json::serialize(json::object{{"assignment_group", team.at("id")},
                                                                          {"assignee", agent_id}, {"version", 1}}));
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  auto seen = requester.get(url);
  ASSERT_EQ(seen.status, 200);
  EXPECT_FALSE(seen.json().as_object().contains("assignee"));
  auto hist = requester.get(url + "/history");
  ASSERT_EQ(hist.status, 200);
  EXPECT_EQ(hist.body.find("assignee"), std::string::npos) << hist.body;
  EXPECT_EQ(hist.body.find("assignment_group"), std::string::npos) << hist.body;
  EXPECT_EQ(requester.get("/api/v1/incidents?assignee=" + std::to_string(agent_id)).status, 400)
      << "no filtering by an internal field";
  EXPECT_EQ(requester.patch(url, R"({"title":"x","version":2})").status, 403) << "requesters do not edit";
  EXPECT_EQ(requester.get("/api/v1/teams").status, 403);
}

TEST_P(Access, AssigneeMustBeInTheAssignmentGroup) {
  auto [a1, t1] = user("in_team", "agent");
  auto [a2, t2] = user("outside", "agent");
  auto team = create("teams", json::serialize(json::object{{"name", "Desk"}, {"members", json::array{a1}}}));
  auto inc = create("incidents", R"({"title":"x","impact":2,"urgency":2})");
  std::string url = "/api/v1/incidents/" + std::to_string(inc.at("id").as_int64());
  auto no_group = client().patch(url, json::serialize(json::object{{"assignee", a1}, {"version", 1}}));
  EXPECT_EQ(no_group.status, 400) << no_group.body;
  auto wrong = client().patch(url, json::serialize(json::object{{"assignment_group", team.at("id")}, {"assignee", a2}, {"version", 1}}));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("assignee"), std::string::npos);
  auto right = client().patch(url, json::serialize(json::object{{"assignment_group", team.at("id")}, {"assignee", a1}, {"version", 1}}));
  EXPECT_EQ(right.status, 200) << right.body;
  auto bad_member = client().post("/api/v1/teams", R"({"name":"Ghosts","members":[424242]})");
  EXPECT_EQ(bad_member.status, 400);
}

TEST_P(Access, DisablingAUserKillsSessionsAndTokensAtOnce) {
  auto [id, tok] = user("leaver", "agent");
  auto c = as(tok);
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
  HttpClient browser(port());
  auto login = browser.post("/api/v1/auth/login", json::serialize(json::object{{"username", "leaver"}, {"password", kPw}}));
  ASSERT_EQ(login.status, 200);
  browser.cookie = login.header("set-cookie").substr(0, login.header("set-cookie").find(';'));
  EXPECT_EQ(browser.get("/api/v1/me").status, 200);
  auto off = client().patch("/api/v1/users/" + std::to_string(id), R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json().at("disabled"), true);
  EXPECT_EQ(c.get("/api/v1/me").status, 401);
  EXPECT_EQ(browser.get("/api/v1/me").status, 401);
  EXPECT_EQ(anonymous().post("/api/v1/auth/login", json::serialize(json::object{{"username", "leaver"}, {"password", kPw}})).status, 401);
  auto hist = app().verify_audit_chain();
  ASSERT_TRUE(hist);
  EXPECT_TRUE(hist->ok);
}

TEST_P(Access, LoginIsThrottledWithRetryAfter) {
  user("target", "agent");
  auto anon = anonymous();
  int last = 0;
  for (int i = 0; i < 5; ++i) last = anon.post("/api/v1/auth/login", R"({"username":"target","password":"wrong password!"})").status;
  EXPECT_EQ(last, 401);
  auto blocked = anon.post("/api/v1/auth/login", json::serialize(json::object{{"username", "target"}, {"password", kPw}}));
  EXPECT_EQ(blocked.status, 429) << "even the right password waits";
  EXPECT_FALSE(blocked.header("retry-after").empty());
  clock().advance(std::stoll(blocked.header("retry-after")));
  EXPECT_EQ(anon.post("/api/v1/auth/login", json::serialize(json::object{{"username", "target"}, {"password", kPw}})).status, 200);
}

TEST_P(Access, LoginRotatesTheSessionAndLogoutAllEndsEveryOne) {
  user("roamer", "agent");
  std::string creds = json::serialize(json::object{{"username", "roamer"}, {"password", kPw}});
  HttpClient a(port());
  auto first = a.post("/api/v1/auth/login", creds);
  ASSERT_EQ(first.status, 200);
  std::string old_cookie = first.header("set-cookie").substr(0, first.header("set-cookie").find(';'));
  a.cookie = old_cookie;
  auto second = a.post("/api/v1/auth/login", creds);  // logging in again with the old cookie
  ASSERT_EQ(second.status, 200);
  HttpClient stale(port());
  stale.cookie = old_cookie;
  EXPECT_EQ(stale.get("/api/v1/me").status, 401) << "the previous session ended on login";
  HttpClient b(port());
  auto other = b.post("/api/v1/auth/login", creds);
  b.cookie = other.header("set-cookie").substr(0, other.header("set-cookie").find(';'));
  b.csrf_token = std::string(other.json().at("csrf_token").as_string());
  a.cookie = second.header("set-cookie").substr(0, second.header("set-cookie").find(';'));
  EXPECT_EQ(a.get("/api/v1/me").status, 200);
  EXPECT_EQ(b.post("/api/v1/auth/logout-all", "").status, 204);
  EXPECT_EQ(a.get("/api/v1/me").status, 401);
  EXPECT_EQ(b.get("/api/v1/me").status, 401);
}

// The web UI recovers its CSRF token after a reload from /me; API tokens have none.
TEST_P(Access, MeGivesABrowserSessionItsCsrfTokenAndBearersNone) {
  auto [id, tok] = user("reloader", "agent");
  HttpClient browser(port());
  auto login = browser.post("/api/v1/auth/login", json::serialize(json::object{{"username", "reloader"}, {"password", kPw}}));
  ASSERT_EQ(login.status, 200);
  browser.cookie = login.header("set-cookie").substr(0, login.header("set-cookie").find(';'));
  auto me = browser.get("/api/v1/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("csrf_token"), login.json().at("csrf_token"));
  EXPECT_FALSE(as(tok).get("/api/v1/me").json().as_object().contains("csrf_token"));
}

TEST_P(Access, UsersListAndRevokeTheirOwnTokens) {
  auto [id, tok] = user("scripter", "agent");
  auto c = as(tok);
  auto mine = c.get("/api/v1/tokens");
  ASSERT_EQ(mine.status, 200);
  auto items = mine.json().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].as_object().contains("token")) << "secrets are never listed";
  auto extra = c.post("/api/v1/tokens", R"({"name":"second"})");
  ASSERT_EQ(extra.status, 201);
  auto second = as(std::string(extra.json().at("token").as_string()));
  EXPECT_EQ(c.request("DELETE", "/api/v1/tokens/" + std::to_string(extra.json().at("id").as_int64())).status, 204);
  EXPECT_EQ(second.get("/api/v1/me").status, 401);
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
}

TEST_P(Access, UserValidationAndRoleChangesAreAudited) {
  EXPECT_EQ(client().post("/api/v1/users", R"({"username":"x","password":"short","roles":["agent"]})").status, 400);
  EXPECT_EQ(client().post("/api/v1/users", R"({"username":"x","password":"long enough password","roles":["wizard"]})").status, 400);
  EXPECT_EQ(client().post("/api/v1/users", R"({"username":"x","password":"long enough password"})").status, 400);
  EXPECT_EQ(client().post("/api/v1/users", R"({"username":"x","password":"long enough password","roles":["agent"],"organisation":999})").status, 400);
  auto [id, tok] = user("promoted", "agent");
  EXPECT_EQ(client().post("/api/v1/users", json::serialize(json::object{{"username", "promoted"}, {"password", kPw}, {"roles", json::array{"agent"}}})).status, 400) << "taken";
  auto up = client().patch("/api/v1/users/" + std::to_string(id), R"({"roles":["process_manager:incident","agent"]})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.json().at("roles"), (json::array{"agent", "process_manager:incident"}));
  auto self = as(tok).patch("/api/v1/users/" + std::to_string(id), R"({"roles":["admin"]})");
  EXPECT_EQ(self.status, 403) << "no self-promotion";
  auto own_name = as(tok).patch("/api/v1/users/" + std::to_string(id), R"({"display_name":"Pat"})");
  EXPECT_EQ(own_name.status, 200);
  auto v = app().verify_audit_chain();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
}

TEST_P(Access, PasswordsChangeWithTheCurrentOneAndEndSessions) {
  auto [id, tok] = user("changer", "agent");
  auto c = as(tok);
  std::string url = "/api/v1/users/" + std::to_string(id) + "/password";
  EXPECT_EQ(c.post(url, R"({"password":"a brand new password"})").status, 400) << "current password needed";
  EXPECT_EQ(c.post(url, R"({"password":"a brand new password","current_password":"wrong one"})").status, 400);
  EXPECT_EQ(c.post(url, json::serialize(json::object{{"password", "a brand new password"}, {"current_password", kPw}})).status, 204);
  EXPECT_EQ(anonymous().post("/api/v1/auth/login", R"({"username":"changer","password":"a brand new password"})").status, 200);
  EXPECT_EQ(client().post(url, R"({"password":"reset by the admin"})").status, 204);
}

// A checked API token is trusted for AppOptions::auth_cache_seconds (app/token_cache.h):
// changes through this server apply at once, the others (the CLI, another node) at most
// that late.
TEST_P(Access, RoleChangesThroughTheApiApplyToACheckedTokenAtOnce) {
  auto [id, tok] = user("climber", "agent");
  auto c = as(tok);
  const std::string body = R"({"username":"made_by_climber","password":"long enough password","roles":["agent"]})";
  EXPECT_EQ(c.post("/api/v1/users", body).status, 403);
  ASSERT_EQ(client().patch("/api/v1/users/" + std::to_string(id), R"({"roles":["admin"]})").status, 200);
  EXPECT_EQ(c.post("/api/v1/users", body).status, 201) << "the cached agent principal was dropped";
  ASSERT_EQ(client().patch("/api/v1/users/" + std::to_string(id), R"({"roles":["agent"]})").status, 200);
  EXPECT_EQ(c.post("/api/v1/users", R"({"username":"second","password":"long enough password","roles":["agent"]})").status, 403);
}

TEST_P(Access, ATokenRevokedByAnotherProcessStopsWorkingWithinTheAuthCacheTtl) {
  auto [id, tok] = user("remote", "agent");
  auto c = as(tok);
  ASSERT_EQ(c.get("/api/v1/me").status, 200);
  // What `ordo` on another node does: the row changes and this process is not told.
  auto revoked = app().store().write([&, id = id](SqlConn& sc) {
    return sc.exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?", {clock().now(), id});
  });
  ASSERT_TRUE(revoked);
  EXPECT_EQ(c.get("/api/v1/me").status, 200) << "trusted for auth_cache_seconds (2 by default)";
  clock().advance(1);
  EXPECT_EQ(c.get("/api/v1/me").status, 200);
  clock().advance(1);
  EXPECT_EQ(c.get("/api/v1/me").status, 401);
}

class AccessUncached : public Access {
 protected:
  void configure(AppOptions& o) override { o.auth_cache_seconds = 0; }
};

TEST_P(AccessUncached, WithoutTheCacheEveryRequestReadsTheToken) {
  auto [id, tok] = user("remote", "agent");
  auto c = as(tok);
  ASSERT_EQ(c.get("/api/v1/me").status, 200);
  ASSERT_TRUE(app().store().write([&, id = id](SqlConn& sc) {
    return sc.exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ?", {clock().now(), id});
  }));
  EXPECT_EQ(c.get("/api/v1/me").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Db, AccessUncached, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

INSTANTIATE_TEST_SUITE_P(Db, Access, ::testing::ValuesIn(backends()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

}  // namespace
}  // namespace ordo::testing

namespace ordo::testing {
namespace {

TEST_P(Access, AuditorsReadTheAuditTrailAndChangeNothing) {
  auto [aud_id, aud_tok] = user("auditor1", "auditor");
  auto inc = create("incidents", R"({"title":"Sampled","impact":1,"urgency":1})");
  anonymous().post("/api/v1/auth/login", R"({"username":"admin","password":"wrong wrong wrong"})");
  auto auditor = as(aud_tok);
  auto trail = auditor.get("/api/v1/audit/events?limit=500");
  ASSERT_EQ(trail.status, 200) << trail.body;
  auto items = trail.json().at("items").as_array();
  ASSERT_GE(items.size(), 4u);
  EXPECT_GT(items[0].at("seq").as_int64(), items[1].at("seq").as_int64()) << "newest first";
  EXPECT_EQ(items[0].at("prev_hash"), items[1].at("hash")) << "the chain links are shown";
  auto failed = auditor.get("/api/v1/audit/events?action=login_failed");
  ASSERT_EQ(failed.status, 200);
  EXPECT_EQ(failed.json().at("items").as_array().size(), 1u);
  auto for_record = auditor.get("/api/v1/audit/events?record_type=incident&record_id=" + std::to_string(inc.at("id").as_int64()));
  EXPECT_EQ(for_record.json().at("items").as_array().size(), 1u);
  auto page = auditor.get("/api/v1/audit/events?limit=1");
  auto next = page.json().at("next_cursor");
  ASSERT_TRUE(next.is_string());
  auto page2 = auditor.get("/api/v1/audit/events?limit=1&cursor=" + std::string(next.as_string()));
  EXPECT_LT(page2.json().at("items").as_array()[0].at("seq").as_int64(), page.json().at("items").as_array()[0].at("seq").as_int64());
  EXPECT_EQ(auditor.get("/api/v1/audit/events?record_type=x;DROP").status, 200) << "values are bound, never SQL";
  EXPECT_EQ(auditor.get("/api/v1/audit/events?bogus=1").status, 400);
  EXPECT_EQ(auditor.get("/api/v1/incidents/" + std::to_string(inc.at("id").as_int64()) + "/history").status, 200);
  EXPECT_EQ(auditor.post("/api/v1/incidents", R"({"title":"x","impact":1,"urgency":1})").status, 403);
  auto [ag_id, ag_tok] = user("agent9", "agent");
  EXPECT_EQ(as(ag_tok).get("/api/v1/audit/events").status, 403);
}

}  // namespace
}  // namespace ordo::testing
