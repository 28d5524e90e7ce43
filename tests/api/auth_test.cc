// Authentication over HTTP: sessions with CSRF, API tokens, anonymous routes.
#include <boost/json.hpp>

#include "api/api_fixture.h"

namespace ordo::testing {
namespace {

namespace json = boost::json;

std::string session_cookie(const HttpResponse& r) {
  std::string sc = r.header("set-cookie");
  auto semi = sc.find(';');
  return sc.substr(0, semi);
}

// A browser with the administrator's session cookie, logged in through the real login route.
HttpClient admin_browser(std::uint16_t port) {
  HttpClient anon(port);
  auto ok = anon.post("/api/v1/auth/login", json::serialize(json::object{{"username", "admin"}, {"password", kAdminPassword}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  HttpClient browser(port);
  browser.cookie = session_cookie(ok);
  return browser;
}

TEST_P(ApiTest, OnlyHealthMetricsAndLoginAreAnonymous) {
  auto anon = anonymous();
  EXPECT_EQ(anon.get("/healthz").status, 200);
  auto m = anon.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("ordo_http_requests_total"), std::string::npos);
  EXPECT_EQ(anon.get("/api/v1/incidents").status, 401);
  EXPECT_EQ(anon.get("/api/v1/meta").status, 401);
  EXPECT_EQ(anon.post("/api/v1/incidents", "{}").status, 401);
  EXPECT_EQ(anon.post("/api/v1/tokens", R"({"name":"x"})").status, 401);
  anon.bearer = "ordo_" + std::string(64, '0');
  EXPECT_EQ(anon.get("/api/v1/incidents").status, 401);
}

TEST_P(ApiTest, LoginSetsAHardenedCookieAndCsrfIsEnforced) {
  auto anon = anonymous();
  auto bad = anon.post("/api/v1/auth/login", R"({"username":"admin","password":"wrong"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.header("content-type"), "application/problem+json");
  auto unknown = anon.post("/api/v1/auth/login", R"({"username":"nobody","password":"wrong"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.json().at("detail"), bad.json().at("detail")) << "no user enumeration";

  auto ok = anon.post("/api/v1/auth/login", json::serialize(json::object{{"username", "admin"}, {"password", kAdminPassword}}));
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string sc = ok.header("set-cookie");
  EXPECT_NE(sc.find("HttpOnly"), std::string::npos);
  EXPECT_NE(sc.find("SameSite=Strict"), std::string::npos);
  std::string csrf(ok.json().at("csrf_token").as_string());
  EXPECT_EQ(ok.json().at("user").at("username"), "admin");

  HttpClient browser(port());
  browser.cookie = session_cookie(ok);
  EXPECT_EQ(browser.get("/api/v1/incidents").status, 200) << "reads need no CSRF token";
  auto no_csrf = browser.post("/api/v1/organisations", R"({"name":"A","kind":"customer"})");
  EXPECT_EQ(no_csrf.status, 403);
  browser.csrf_token = std::string(64, 'a');
  EXPECT_EQ(browser.post("/api/v1/organisations", R"({"name":"A","kind":"customer"})").status, 403);
  browser.csrf_token = csrf;
  EXPECT_EQ(browser.post("/api/v1/organisations", R"({"name":"A","kind":"customer"})").status, 201);
  EXPECT_EQ(client().get("/api/v1/organisations?count=true").json().at("total"), 1) << "the refused writes changed nothing";

  EXPECT_EQ(browser.post("/api/v1/auth/logout", "").status, 204);
  EXPECT_EQ(browser.get("/api/v1/incidents").status, 401) << "the session is gone after logout";
}

TEST_P(ApiTest, SessionsExpireWhenIdle) {
  HttpClient browser = admin_browser(port());
  EXPECT_EQ(browser.get("/api/v1/meta").status, 200);
  clock().advance(9 * 3600);
  EXPECT_EQ(browser.get("/api/v1/meta").status, 401);
}

TEST_P(ApiTest, AQuickReadThatMustWriteIsHandedToTheWorkers) {
  // GET /api/v1/me is a quick route: on SQLite it runs on the I/O thread inside a NoWait.
  // A session seen more than a minute ago records its last_seen, a write, which cannot run
  // there: the request goes to the worker pool and the write must still happen.
  HttpClient browser = admin_browser(port());
  EXPECT_EQ(browser.get("/api/v1/me").status, 200);
  clock().advance(7 * 3600);
  auto me = browser.get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json().at("username"), "admin");
  clock().advance(7 * 3600);  // 14 h after the login, 7 h after the last request
  EXPECT_EQ(browser.get("/api/v1/me").status, 200) << "the handed-off request recorded last_seen";
  auto metrics = anonymous().get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  const bool inline_reads = db_url().rfind("sqlite:", 0) == 0;
  const std::string none = "ordo_http_quick_reads_handed_off_total 0\n";
  EXPECT_EQ(metrics.body.find(none) == std::string::npos, inline_reads) << metrics.body;
}

TEST_P(ApiTest, TokensAreShownOnceAndCanBeReadOnly) {
  auto r = client().post("/api/v1/tokens", R"({"name":"ci","read_only":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string token(r.json().at("token").as_string());
  EXPECT_EQ(token.rfind("ordo_", 0), 0u);
  HttpClient ro(port());
  ro.bearer = token;
  EXPECT_EQ(ro.get("/api/v1/incidents").status, 200);
  EXPECT_EQ(ro.post("/api/v1/organisations", R"({"name":"A","kind":"customer"})").status, 403);
  EXPECT_EQ(client().post("/api/v1/tokens", R"({})").status, 400);
  EXPECT_EQ(client().post("/api/v1/tokens", R"({"name":"x","expires_at":"2020-01-01T00:00:00Z"})").status, 400);
  auto expiring = client().post("/api/v1/tokens", R"({"name":"short","expires_at":"2026-03-02T10:00:00Z"})");
  ASSERT_EQ(expiring.status, 201);
  HttpClient ex(port());
  ex.bearer = std::string(expiring.json().at("token").as_string());
  EXPECT_EQ(ex.get("/api/v1/meta").status, 200);
  clock().advance(3600);
  EXPECT_EQ(ex.get("/api/v1/meta").status, 401);
}

TEST_P(ApiTest, SecurityEventsAreInTheChain) {
  auto anon = anonymous();
  anon.post("/api/v1/auth/login", R"({"username":"admin","password":"wrong"})");
  auto v = app().verify_audit_chain();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  EXPECT_GE(v->checked, 4);  // init, login (fixture), token, failed login
}

}  // namespace
}  // namespace ordo::testing
